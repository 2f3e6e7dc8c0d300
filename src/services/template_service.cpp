#include "services/template_service.hpp"

#include <nlohmann/json.hpp>

#include "channels/whatsapp/whatsapp_adapter.hpp"
#include "channels/whatsapp/whatsapp_graph.hpp"
#include "log/log.hpp"
#include "services/platform_calls.hpp"
#include "storage/repositories/inbox_repository.hpp"

namespace hudhud::services {
namespace {

using json = nlohmann::json;
using storage::InboxRepository;
using storage::Session;
using storage::TemplateRepository;

Status RequireWabaInbox(const Inbox& inbox) {
    if (inbox.channel_kind != ChannelKind::kWhatsApp) {
        return Error::FailedPrecondition("only WhatsApp inboxes have message templates");
    }
    if (JsonString(ParseJsonObject(inbox.settings_json), "waba_id").empty()) {
        return Error::FailedPrecondition(
            "the inbox has no settings.waba_id (WhatsApp Business Account id) to sync templates "
            "from");
    }
    return Ok();
}

}  // namespace

TemplateService::TemplateService(storage::Database& db, const Clock& clock,
                                 const secrets::Keyring& keyring, jobs::JobQueue& jobs,
                                 const net::HttpClient& http, Options options)
    : db_(db), clock_(clock), keyring_(keyring), jobs_(jobs), http_(http),
      options_(std::move(options)) {}

Status TemplateService::RequestSync(WorkspaceId ws, InboxId inbox_id) {
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto inbox, InboxRepository::Get(s, ws, inbox_id));
        HH_RETURN_IF_ERROR(RequireWabaInbox(inbox));
        jobs::NewJob job;
        job.workspace = ws;
        job.type = std::string(kSyncJob);
        job.payload_json = json{{"inbox_id", inbox_id.value()}}.dump();
        job.max_attempts = 5;
        job.unique_key = "templates.sync:" + inbox_id.str();
        return jobs_.Enqueue(s, job).ok() ? Ok() : Error::Unavailable("could not queue the sync");
    }));
    jobs_.NotifyEnqueued();
    return Ok();
}

Status TemplateService::Sync(WorkspaceId ws, InboxId inbox_id) {
    HH_ASSIGN_OR_RETURN(auto inbox,
                        db_.ReadValue([&](Session& s) { return InboxRepository::Get(s, ws, inbox_id); }));
    HH_RETURN_IF_ERROR(RequireWabaInbox(inbox));
    if (inbox.status == InboxStatus::kDisconnected || !inbox.credentials_enc) {
        return Error::FailedPrecondition("the inbox is disconnected");
    }
    HH_ASSIGN_OR_RETURN(auto account, PlatformAccount(inbox, keyring_, options_.graph_api_url,
                                                      options_.graph_api_version));
    auto record_error = [&](const Error& e) -> Status {
        (void)db_.Write([&](Session& s) {
            return TemplateRepository::RecordSyncError(s, ws, inbox_id, e.message);
        });
        log::Warn("templates.sync_failed", {{"workspace_id", ws.value()},
                                            {"inbox_id", inbox_id.value()},
                                            {"error", e.message}});
        return e;
    };

    const channels::whatsapp::WhatsAppAdapter adapter;
    std::vector<storage::MessageTemplate> all;
    std::string after;
    for (int page = 0; page < options_.max_pages; ++page) {
        auto call = channels::whatsapp::BuildListTemplates(account, after);
        if (!call.ok()) return record_error(call.error());
        auto response = http_.Send(ToHttpRequest(*call));
        if (!response.ok()) return record_error(response.error());
        if (response->status < 200 || response->status >= 300) {
            const auto cls = adapter.ClassifySendError(response->status, response->body);
            if (cls.needs_reconnect) {
                storage::InboxUpdate u;
                u.status = InboxStatus::kNeedsReconnect;
                (void)db_.Write([&](Session& s) {
                    return InboxRepository::Update(s, ws, inbox_id, u, clock_.Now());
                });
            }
            Error e = cls.ToError();
            e.message = "template sync failed: " + e.message;
            return record_error(e);
        }
        auto parsed = channels::whatsapp::ParseTemplatesPage(response->body);
        if (!parsed.ok()) return record_error(parsed.error());
        for (const auto& t : parsed->templates) {
            storage::MessageTemplate row;
            row.inbox_id = inbox_id;
            row.external_id = t.id;
            row.name = t.name;
            row.language = t.language;
            row.category = t.category;
            row.status = t.status;
            row.components_json = t.components_json;
            all.push_back(std::move(row));
        }
        if (!parsed->next_after || parsed->next_after->empty()) break;
        after = *parsed->next_after;
    }
    const Timestamp now = clock_.Now();
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) {
        return TemplateRepository::ReplaceAll(s, ws, inbox_id, all, now);
    }));
    log::Info("templates.synced", {{"workspace_id", ws.value()},
                                   {"inbox_id", inbox_id.value()},
                                   {"count", all.size()}});
    return Ok();
}

Result<TemplateList> TemplateService::List(WorkspaceId ws, InboxId inbox_id) {
    return db_.ReadValue([&](Session& s) -> Result<TemplateList> {
        HH_ASSIGN_OR_RETURN(auto inbox, InboxRepository::Get(s, ws, inbox_id));
        (void)inbox;
        TemplateList out;
        HH_ASSIGN_OR_RETURN(out.templates, TemplateRepository::List(s, ws, inbox_id));
        HH_ASSIGN_OR_RETURN(auto state, TemplateRepository::GetSyncState(s, ws, inbox_id));
        out.synced_at = state.synced_at;
        out.sync_error = state.error;
        return out;
    });
}

Status TemplateService::ProcessSync(const jobs::JobContext& job) {
    json payload = json::parse(job.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("inbox_id") ||
        !payload["inbox_id"].is_number_integer()) {
        return Error::InvalidArgument("templates.sync payload needs inbox_id");
    }
    Status st = Sync(job.workspace, InboxId(payload["inbox_id"].get<std::int64_t>()));
    if (!st.ok() && (st.error().code == ErrorCode::kNotFound ||
                     st.error().code == ErrorCode::kFailedPrecondition)) {
        return Ok();  // the inbox is gone or cannot sync; the error is recorded on it
    }
    return st;
}

}  // namespace hudhud::services
