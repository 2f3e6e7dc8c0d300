#include "app/admin_commands.hpp"

#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "app/storage_factory.hpp"
#include "secrets/master_key.hpp"
#include "secrets/rotation.hpp"
#include "services/account_service.hpp"
#include "services/audit_log.hpp"
#include "services/login_throttle.hpp"

namespace hudhud::app {

namespace {

Result<std::unique_ptr<storage::Database>> Open(const Config& config) {
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    ::chmod(config.data_dir.c_str(), 0700);
    DatabaseOptions o;
    o.url = config.DatabaseUrl();
    o.pool_size = 2;
    return OpenDatabase(o);
}

}  // namespace

Status CreateOwnerCommand(const Config& config, const CreateOwnerArgs& args) {
    HH_ASSIGN_OR_RETURN(auto db, Open(config));
    SystemClock clock;
    services::AuditLog audit(*db, clock);
    services::LoginThrottle throttle(clock, {});
    services::AccountService::Options ao;
    if (config.password_hash_cost == "min") ao.password_hash = secrets::kPasswordHashMinimum;
    services::AccountService accounts(*db, clock, audit, throttle, ao);
    HH_ASSIGN_OR_RETURN(auto created, accounts.CreateOwner({args.workspace, args.name, args.email,
                                                            args.password, args.locale}));
    HH_RETURN_IF_ERROR(audit.Append(audit.Make(created.workspace.id, nullptr, "workspace.created",
                                               "workspace", created.workspace.id.str(),
                                               {"", "hudhud admin create-owner"},
                                               {{"owner_user_id", created.user.id.value()}})));
    std::printf("created workspace %lld (%s) owned by user %lld (%s)\n",
                static_cast<long long>(created.workspace.id.value()),
                created.workspace.name.c_str(), static_cast<long long>(created.user.id.value()),
                created.user.email.c_str());
    db->Close();
    return Ok();
}

Status RotateKeyCommand(const Config& config) {
    if (secrets::MasterKeyFromEnvironment()) {
        return Error::InvalidArgument(
            "HUDHUD_MASTER_KEY is set: rotate the key where it is stored, then re-run without it");
    }
    HH_ASSIGN_OR_RETURN(auto db, Open(config));
    HH_RETURN_IF_ERROR(secrets::RotateMasterKey(*db, config.MasterKeyFile()));
    std::printf("master key rotated; credentials re-encrypted\n");
    db->Close();
    return Ok();
}

Status MigrateCommand(const Config& config) {
    HH_ASSIGN_OR_RETURN(auto db, Open(config));
    std::printf("migrations applied\n");
    db->Close();
    return Ok();
}

}  // namespace hudhud::app
