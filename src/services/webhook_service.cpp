#include "services/webhook_service.hpp"

#include <nlohmann/json.hpp>

#include "log/log.hpp"
#include "storage/repositories/inbox_repository.hpp"

namespace hudhud::services {
namespace {

using storage::Session;

struct InboxSecrets {
    std::string signing_secret;
    std::string verify_token;
};

// Platform credentials are a JSON object sealed by the keyring; the webhook needs the app
// secret (HMAC key) and the verify token of the handshake.
Result<InboxSecrets> SecretsOf(const Inbox& inbox, const secrets::Keyring& keyring) {
    if (!inbox.credentials_enc) return Error::NotFound("inbox has no credentials");
    HH_ASSIGN_OR_RETURN(std::string plain, keyring.Decrypt(*inbox.credentials_enc));
    auto j = nlohmann::json::parse(plain, nullptr, false);
    if (!j.is_object()) return Error::Internal("inbox credentials are not a JSON object");
    InboxSecrets s;
    for (const char* key : {"app_secret", "signing_secret", "secret_token"}) {
        if (j.contains(key) && j[key].is_string()) {
            s.signing_secret = j[key].get<std::string>();
            break;
        }
    }
    if (j.contains("verify_token") && j["verify_token"].is_string()) {
        s.verify_token = j["verify_token"].get<std::string>();
    }
    return s;
}

channels::WebhookRequest ToRequest(const IncomingWebhook& in, const InboxSecrets& secrets,
                                   Timestamp now) {
    channels::WebhookRequest r;
    r.method = in.method;
    r.body = in.body;
    for (const auto& [k, v] : in.headers) r.headers.emplace_back(k, v);
    for (const auto& [k, v] : in.query) r.query.emplace_back(k, v);
    r.secrets.signing_secret = secrets.signing_secret;
    r.secrets.verify_token = secrets.verify_token;
    r.received_at = now;
    return r;
}

}  // namespace

WebhookService::WebhookService(storage::Database& db, const Clock& clock,
                               const secrets::Keyring& keyring,
                               const channels::AdapterRegistry& adapters, jobs::JobQueue& jobs,
                               InboundMessageService& inbound)
    : db_(db), clock_(clock), keyring_(keyring), adapters_(adapters), jobs_(jobs),
      inbound_(inbound) {}

WebhookReply WebhookService::Accept(const IncomingWebhook& in) {
    const channels::ChannelAdapter* adapter = adapters_.Find(in.channel);
    if (adapter == nullptr) return {404, "", "no adapter for this channel"};
    auto found = db_.ReadValue(
        [&](Session& s) { return storage::InboxRepository::FindByWebhookKey(s, in.webhook_key); });
    if (!found.ok()) return {503, "", "storage unavailable: " + found.error().message};
    if (!*found || (*found)->channel_kind != in.channel) return {404, "", "unknown webhook URL"};
    const Inbox& inbox = **found;
    if (inbox.status == InboxStatus::kDisconnected || !inbox.credentials_enc) {
        // The platform may keep delivering for a while after a disconnect: acknowledge and drop.
        return {200, "", "inbox disconnected; delivery dropped"};
    }
    auto secrets = SecretsOf(inbox, keyring_);
    if (!secrets.ok()) return {500, "", "inbox credentials unusable: " + secrets.error().message};
    const Timestamp now = clock_.Now();
    const channels::WebhookRequest request = ToRequest(in, *secrets, now);

    if (in.method == "GET") {
        auto challenge = adapter->AnswerHandshake(request);
        if (!challenge.ok()) {
            const int status = challenge.error().code == ErrorCode::kPermissionDenied ? 403 : 400;
            return {status, "", "handshake refused: " + challenge.error().message};
        }
        return {200, *challenge, "handshake answered"};
    }

    if (Status verified = adapter->VerifyWebhook(request); !verified.ok()) {
        if (verified.error().code == ErrorCode::kUnauthenticated) {
            return {401, "", "signature refused: " + verified.error().message};
        }
        return {500, "", "signature check failed: " + verified.error().message};
    }

    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [k, v] : in.headers) {
        // Keep what helps debugging, never credentials.
        if (k == "Authorization" || k == "Cookie") continue;
        headers[k] = v;
    }
    Status stored = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(
            auto rows,
            s.Query("INSERT INTO webhook_events (workspace_id, inbox_id, channel_kind, headers, "
                    "body, received_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    {inbox.workspace_id.value(), inbox.id.value(),
                     std::string(ChannelKindName(inbox.channel_kind)),
                     headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                     in.body, ToMicros(now)}));
        jobs::NewJob job;
        job.workspace = inbox.workspace_id;
        job.type = std::string(kJobType);
        job.payload_json = nlohmann::json{{"event_id", storage::AsInt(rows.rows.at(0).at(0))},
                                          {"inbox_id", inbox.id.value()}}
                               .dump();
        HH_RETURN_IF_ERROR(jobs_.Enqueue(s, job));
        return Ok();
    });
    if (!stored.ok()) return {503, "", "could not store the delivery: " + stored.error().message};
    jobs_.NotifyEnqueued();
    return {200, "", "accepted"};
}

Status WebhookService::Process(const jobs::JobContext& job) {
    auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("event_id") ||
        !payload["event_id"].is_number_integer()) {
        return Error::InvalidArgument("webhook job payload has no event_id");
    }
    const std::int64_t event_id = payload["event_id"].get<std::int64_t>();
    struct Event {
        InboxId inbox;
        std::string body;
        std::string status;
    };
    auto event = db_.ReadValue([&](Session& s) -> Result<Event> {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT inbox_id, body, status FROM "
                                               "webhook_events WHERE workspace_id = $1 AND id = $2",
                                               {job.workspace.value(), event_id}));
        if (rows.empty()) return Error::NotFound("webhook event not found");
        return Event{InboxId(storage::AsInt(rows.rows[0][0])), storage::AsText(rows.rows[0][1]),
                     storage::AsText(rows.rows[0][2])};
    });
    if (!event.ok()) return std::move(event).error();
    if (event->status == "processed") return Ok();
    auto inbox = db_.ReadValue([&](Session& s) {
        return storage::InboxRepository::Get(s, job.workspace, event->inbox);
    });
    if (!inbox.ok()) return std::move(inbox).error();
    const channels::ChannelAdapter* adapter = adapters_.Find(inbox->channel_kind);
    if (adapter == nullptr) return Error::Internal("no adapter for the inbox's channel");

    auto mark = [&](const std::string& status, const std::optional<std::string>& error) {
        return db_.Write([&](Session& s) -> Status {
            HH_RETURN_IF_ERROR(s.Exec("UPDATE webhook_events SET status = $3, error = $4, "
                                      "processed_at = $5 WHERE workspace_id = $1 AND id = $2",
                                      {job.workspace.value(), event_id, status,
                                       error ? storage::Value(*error) : storage::Value(nullptr),
                                       ToMicros(clock_.Now())}));
            return Ok();
        });
    };
    if (inbox->status == InboxStatus::kDisconnected) {
        // Accepted before the disconnect, processed after it: the user asked us to stop.
        log::Info("webhook.dropped_disconnected", {{"event_id", event_id}});
        HH_RETURN_IF_ERROR(mark("dropped", std::string("inbox disconnected")));
        return Ok();
    }
    auto events = adapter->ParseWebhook(event->body);
    if (!events.ok()) {
        // An authentic delivery we cannot read: keep it for inspection, do not retry.
        log::Warn("webhook.unreadable", {{"event_id", event_id}, {"error", events.error().message}});
        HH_RETURN_IF_ERROR(mark("failed", events.error().message));
        return Ok();
    }
    // Deliveries for another account of the same app (another phone number) are not ours.
    std::vector<channels::InboundEvent> mine;
    for (auto& e : *events) {
        if (inbox->external_account_id && !e.account_id.empty() &&
            e.account_id != *inbox->external_account_id) {
            log::Info("webhook.foreign_account", {{"event_id", event_id},
                                                  {"account_id", e.account_id}});
            continue;
        }
        mine.push_back(std::move(e));
    }
    auto summary = inbound_.Ingest(job.workspace, event->inbox, mine);
    if (!summary.ok()) return std::move(summary).error();
    HH_RETURN_IF_ERROR(mark("processed", std::nullopt));
    log::Info("webhook.processed", {{"event_id", event_id},
                                    {"messages", summary->messages_created},
                                    {"duplicates", summary->duplicates},
                                    {"statuses", summary->statuses_applied}});
    return Ok();
}

}  // namespace hudhud::services
