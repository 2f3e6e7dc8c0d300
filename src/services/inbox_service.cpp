#include "services/inbox_service.hpp"

#include "secrets/token.hpp"
#include "storage/repositories/inbox_repository.hpp"

namespace hudhud::services {
namespace {

using storage::InboxRepository;
using storage::Session;

Status RequireAdmin(const WorkspaceAccess& a) {
    if (!RoleAtLeast(a.membership.role, Role::kAdmin)) {
        return Error::PermissionDenied("this action needs the admin role");
    }
    return Ok();
}

Status ValidateInput(const InboxInput& in) {
    if (in.name && (in.name->empty() || in.name->size() > 100)) {
        return Error::InvalidArgument("name must be 1 to 100 characters");
    }
    if (in.settings_json && in.settings_json->size() > 64 * 1024) {
        return Error::InvalidArgument("settings is too large");
    }
    if (in.credentials_json && in.credentials_json->size() > 16 * 1024) {
        return Error::InvalidArgument("credentials is too large");
    }
    return Ok();
}

}  // namespace

InboxService::InboxService(storage::Database& db, const Clock& clock, AuditLog& audit,
                           const secrets::Keyring& keyring)
    : db_(db), clock_(clock), audit_(audit), keyring_(keyring) {}

Result<Inbox> InboxService::Create(const WorkspaceAccess& a, const InboxInput& in,
                                   const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    HH_RETURN_IF_ERROR(ValidateInput(in));
    if (!in.name) return Error::InvalidArgument("name is required");
    if (!in.channel_kind) return Error::InvalidArgument("channel_kind is required");
    storage::NewInbox n;
    n.name = *in.name;
    n.channel_kind = *in.channel_kind;
    n.settings_json = in.settings_json.value_or("{}");
    if (in.credentials_json) {
        HH_ASSIGN_OR_RETURN(n.credentials_enc, keyring_.Encrypt(*in.credentials_json));
    }
    n.webhook_key = secrets::RandomToken(18);
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) -> Result<Inbox> {
        HH_ASSIGN_OR_RETURN(auto inbox, InboxRepository::Create(s, a.workspace(), n, now));
        HH_RETURN_IF_ERROR(audit_.Append(
            s, audit_.Make(a.workspace(), &a.principal, "inbox.connected", "inbox",
                           inbox.id.str(), ctx,
                           {{"channel_kind", ChannelKindName(inbox.channel_kind)}})));
        return inbox;
    });
}

Result<Inbox> InboxService::Get(const WorkspaceAccess& a, InboxId id) {
    return db_.ReadValue([&](Session& s) { return InboxRepository::Get(s, a.workspace(), id); });
}

Result<std::vector<Inbox>> InboxService::List(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) { return InboxRepository::List(s, a.workspace()); });
}

Result<Inbox> InboxService::Update(const WorkspaceAccess& a, InboxId id, const InboxInput& in,
                                   const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    HH_RETURN_IF_ERROR(ValidateInput(in));
    storage::InboxUpdate u;
    u.name = in.name;
    u.settings_json = in.settings_json;
    if (in.credentials_json) {
        HH_ASSIGN_OR_RETURN(u.credentials_enc, keyring_.Encrypt(*in.credentials_json));
        u.status = InboxStatus::kActive;  // new credentials are a reconnect
    }
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) -> Result<Inbox> {
        HH_ASSIGN_OR_RETURN(auto before, InboxRepository::Get(s, a.workspace(), id));
        if (in.channel_kind && *in.channel_kind != before.channel_kind) {
            return Error::InvalidArgument("channel_kind cannot change; connect a new inbox");
        }
        HH_RETURN_IF_ERROR(InboxRepository::Update(s, a.workspace(), id, u, now));
        nlohmann::json d = nlohmann::json::object();
        if (in.name) d["name"] = *in.name;
        if (in.settings_json) d["settings_changed"] = true;
        if (in.credentials_json) d["credentials_changed"] = true;
        HH_RETURN_IF_ERROR(audit_.Append(
            s, audit_.Make(a.workspace(), &a.principal,
                           in.credentials_json ? "inbox.reconnected" : "inbox.settings_changed",
                           "inbox", id.str(), ctx, d)));
        return InboxRepository::Get(s, a.workspace(), id);
    });
}

Status InboxService::Disconnect(const WorkspaceAccess& a, InboxId id, bool keep_history,
                                const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    const Timestamp now = clock_.Now();
    return db_.Write([&](Session& s) -> Status {
        if (keep_history) {
            HH_RETURN_IF_ERROR(InboxRepository::Disconnect(s, a.workspace(), id, now));
        } else {
            HH_RETURN_IF_ERROR(InboxRepository::Delete(s, a.workspace(), id));
        }
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "inbox.disconnected",
                                            "inbox", id.str(), ctx,
                                            {{"kept_history", keep_history}}));
    });
}

Result<std::string> InboxService::Credentials(const Inbox& inbox) const {
    if (!inbox.credentials_enc) return Error::NotFound("inbox has no stored credentials");
    return keyring_.Decrypt(*inbox.credentials_enc);
}

}  // namespace hudhud::services
