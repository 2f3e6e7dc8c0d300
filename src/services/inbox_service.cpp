#include "services/inbox_service.hpp"

#include <nlohmann/json.hpp>

#include "channels/webchat/webchat_settings.hpp"
#include "secrets/token.hpp"
#include "services/inbox_routing.hpp"
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
    if (in.settings_json) {
        auto auto_assignment = ParseAutoAssignment(*in.settings_json);
        if (!auto_assignment.ok()) return std::move(auto_assignment).error();
    }
    if (in.credentials_json && in.credentials_json->size() > 16 * 1024) {
        return Error::InvalidArgument("credentials is too large");
    }
    return Ok();
}

bool AllDigits(const std::string& v) {
    return !v.empty() && v.size() <= 32 &&
           v.find_first_not_of("0123456789") == std::string::npos;
}

// The platform account an inbox speaks for, read from its settings: WhatsApp's
// settings.phone_number_id (and, for template sync, settings.waba_id). Webhooks for other
// numbers are skipped and sends go out from this number.
Result<std::optional<std::string>> ChannelAccountId(ChannelKind kind,
                                                    const std::optional<std::string>& settings) {
    if (!settings || kind != ChannelKind::kWhatsApp) return std::optional<std::string>();
    auto j = nlohmann::json::parse(*settings, nullptr, false);
    if (!j.is_object()) return Error::InvalidArgument("settings must be a JSON object");
    for (const char* key : {"phone_number_id", "waba_id"}) {
        if (!j.contains(key)) continue;
        if (!j[key].is_string() || !AllDigits(j[key].get<std::string>())) {
            return Error::InvalidArgument(std::string("settings.") + key +
                                          " must be the numeric id as a string");
        }
    }
    if (j.contains("messages_per_second") &&
        (!j["messages_per_second"].is_number_integer() ||
         j["messages_per_second"].get<std::int64_t>() < 1 ||
         j["messages_per_second"].get<std::int64_t>() > 10000)) {
        return Error::InvalidArgument("settings.messages_per_second must be an integer from 1 "
                                      "to 10000");
    }
    if (!j.contains("phone_number_id")) return std::optional<std::string>();
    return std::optional<std::string>(j["phone_number_id"].get<std::string>());
}

// Web Chat inboxes: settings must parse, and the credentials always hold the HMAC secret for
// identity validation (generated when the admin did not give one).
Status PrepareWebChat(InboxInput& in, bool creating) {
    if (in.settings_json) {
        auto parsed = channels::webchat::ParseSettings(*in.settings_json);
        if (!parsed.ok()) return std::move(parsed).error();
    }
    if (!in.credentials_json && !creating) return Ok();
    auto j = nlohmann::json::parse(in.credentials_json.value_or("{}"), nullptr, false);
    if (!j.is_object()) return Error::InvalidArgument("credentials must be a JSON object");
    if (!j.contains("hmac_token") || !j["hmac_token"].is_string() ||
        j["hmac_token"].get<std::string>().size() < 16) {
        if (j.contains("hmac_token")) {
            return Error::InvalidArgument("credentials.hmac_token must be at least 16 characters");
        }
        j["hmac_token"] = secrets::RandomToken(24);
    }
    in.credentials_json = j.dump();
    return Ok();
}

}  // namespace

InboxService::InboxService(storage::Database& db, const Clock& clock, AuditLog& audit,
                           const secrets::Keyring& keyring, const events::EventBus* events)
    : db_(db), clock_(clock), audit_(audit), keyring_(keyring), events_(events) {}

void InboxService::Publish(WorkspaceId ws, InboxId id, std::string_view status) const {
    if (events_ == nullptr) return;
    events::Event e;
    e.workspace_id = ws;
    e.type = "inbox.updated";
    e.data_json = nlohmann::json{{"id", id.value()}, {"status", status}}.dump();
    e.inbox_id = id;
    events_->Publish(e);
}

Result<Inbox> InboxService::Create(const WorkspaceAccess& a, const InboxInput& input,
                                   const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    InboxInput in = input;
    if (in.channel_kind == ChannelKind::kWebChat) HH_RETURN_IF_ERROR(PrepareWebChat(in, true));
    HH_RETURN_IF_ERROR(ValidateInput(in));
    if (!in.name) return Error::InvalidArgument("name is required");
    if (!in.channel_kind) return Error::InvalidArgument("channel_kind is required");
    storage::NewInbox n;
    n.name = *in.name;
    n.channel_kind = *in.channel_kind;
    n.settings_json = in.settings_json.value_or("{}");
    HH_ASSIGN_OR_RETURN(n.external_account_id, ChannelAccountId(*in.channel_kind, in.settings_json));
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
    return db_.ReadValue([&](Session& s) -> Result<Inbox> {
        HH_ASSIGN_OR_RETURN(auto inbox, InboxRepository::Get(s, a.workspace(), id));
        if (!a.sees_every_inbox()) {
            HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
            if (!scope.Allows(id)) return Error::NotFound("inbox not found");
        }
        return inbox;
    });
}

Result<std::vector<Inbox>> InboxService::List(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) -> Result<std::vector<Inbox>> {
        HH_ASSIGN_OR_RETURN(auto all, InboxRepository::List(s, a.workspace()));
        if (a.sees_every_inbox()) return all;
        HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
        std::vector<Inbox> mine;
        for (auto& inbox : all) {
            if (scope.Allows(inbox.id)) mine.push_back(std::move(inbox));
        }
        return mine;
    });
}

Result<Inbox> InboxService::Update(const WorkspaceAccess& a, InboxId id,
                                   const InboxInput& input, const RequestContext& ctx) {
    InboxInput in = input;
    if (in.settings_json || in.credentials_json) {
        HH_ASSIGN_OR_RETURN(auto current, Get(a, id));
        if (current.channel_kind == ChannelKind::kWebChat) {
            HH_RETURN_IF_ERROR(PrepareWebChat(in, false));
        }
    }
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
    HH_ASSIGN_OR_RETURN(auto updated, db_.WriteValue([&](Session& s) -> Result<Inbox> {
        HH_ASSIGN_OR_RETURN(auto before, InboxRepository::Get(s, a.workspace(), id));
        if (in.channel_kind && *in.channel_kind != before.channel_kind) {
            return Error::InvalidArgument("channel_kind cannot change; connect a new inbox");
        }
        HH_ASSIGN_OR_RETURN(u.external_account_id,
                            ChannelAccountId(before.channel_kind, in.settings_json));
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
    }));
    Publish(a.workspace(), id, InboxStatusName(updated.status));
    return updated;
}

Status InboxService::Disconnect(const WorkspaceAccess& a, InboxId id, bool keep_history,
                                const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(RequireAdmin(a));
    const Timestamp now = clock_.Now();
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        if (keep_history) {
            HH_RETURN_IF_ERROR(InboxRepository::Disconnect(s, a.workspace(), id, now));
        } else {
            HH_RETURN_IF_ERROR(InboxRepository::Delete(s, a.workspace(), id));
        }
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "inbox.disconnected",
                                            "inbox", id.str(), ctx,
                                            {{"kept_history", keep_history}}));
    }));
    Publish(a.workspace(), id, keep_history ? "disconnected" : "deleted");
    return Ok();
}

Result<std::string> InboxService::Credentials(const Inbox& inbox) const {
    if (!inbox.credentials_enc) return Error::NotFound("inbox has no stored credentials");
    return keyring_.Decrypt(*inbox.credentials_enc);
}

}  // namespace hudhud::services
