#include "services/webhook_service.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

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

// Whom a delivery is about (its first event's person), for grouping deliveries that must be
// processed in order; "" when it concerns nobody in particular.
std::string PersonKey(const std::vector<channels::InboundEvent>& events) {
    for (const auto& e : events) {
        const std::string key = std::visit(
            [](const auto& b) -> std::string {
                using T = std::decay_t<decltype(b)>;
                if constexpr (std::is_same_v<T, channels::InboundMessage> ||
                              std::is_same_v<T, channels::InboundReaction> ||
                              std::is_same_v<T, channels::ConsentChange>) {
                    return b.sender.external_id;
                } else if constexpr (std::is_same_v<T, channels::DeliveryStatus>) {
                    return b.recipient.external_id;
                } else if constexpr (std::is_same_v<T, channels::ContactChange>) {
                    return b.previous.external_id;
                } else {
                    return std::string();
                }
            },
            e.body);
        if (!key.empty()) return key;
    }
    return std::string();
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

struct WebhookService::CachedInbox {
    Inbox inbox;
    std::optional<InboxSecrets> secrets;
    std::string secrets_error;
    std::chrono::steady_clock::time_point expires;
};

struct WebhookService::Claimed {
    std::int64_t id = 0;
    WorkspaceId workspace;
    InboxId inbox;
    std::string body;
    int attempts = 0;
    // When the delivery reached us: the time its messages and conversations carry, so their
    // order is the order of arrival, whatever the order (or delay) of processing.
    Timestamp received_at;
    // Set by Prepare.
    std::vector<channels::InboundEvent> events;
    std::string final_status = "processed";
    std::optional<std::string> error;
    IngestSummary summary;
    IngestChanges changes;
};

WebhookService::WebhookService(storage::Database& db, const Clock& clock,
                               const secrets::Keyring& keyring,
                               const channels::AdapterRegistry& adapters,
                               InboundMessageService& inbound)
    : WebhookService(db, clock, keyring, adapters, inbound, Options{}) {}

WebhookService::WebhookService(storage::Database& db, const Clock& clock,
                               const secrets::Keyring& keyring,
                               const channels::AdapterRegistry& adapters,
                               InboundMessageService& inbound, Options options)
    : db_(db), clock_(clock), keyring_(keyring), adapters_(adapters), inbound_(inbound),
      options_(options) {}

WebhookService::~WebhookService() { Stop(); }

void WebhookService::Start() {
    std::lock_guard lock(run_mu_);
    if (drainer_.joinable() || stopping_) return;
    wake_ = true;  // rows accepted before a restart are due at once
    drainer_ = std::thread([this] { Run(); });
}

void WebhookService::Stop() {
    {
        std::lock_guard lock(run_mu_);
        stopping_ = true;
    }
    run_cv_.notify_all();
    if (drainer_.joinable()) drainer_.join();
}

void WebhookService::Run() {
    for (;;) {
        {
            std::unique_lock lock(run_mu_);
            run_cv_.wait_for(lock, options_.poll_interval, [&] { return wake_ || stopping_; });
            if (stopping_) return;
            wake_ = false;
        }
        for (;;) {
            auto n = DrainOnce();
            if (!n.ok()) {
                log::Warn("webhook.drain_failed", {{"error", n.error().message}});
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                break;
            }
            std::lock_guard lock(run_mu_);
            if (*n < options_.batch_size || stopping_) break;
        }
    }
}

Result<std::shared_ptr<const WebhookService::CachedInbox>> WebhookService::FindInbox(
    ChannelKind channel, const std::string& key) {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(cache_mu_);
        auto it = cache_.find(key);
        if (it != cache_.end() && it->second->expires > now) return it->second;
    }
    auto found = db_.ReadValue(
        [&](Session& s) { return storage::InboxRepository::FindByWebhookKey(s, key); });
    if (!found.ok()) return std::move(found).error();
    if (!*found || (*found)->channel_kind != channel) {
        return std::shared_ptr<const CachedInbox>();
    }
    auto entry = std::make_shared<CachedInbox>();
    entry->inbox = std::move(**found);
    if (entry->inbox.credentials_enc) {
        auto secrets = SecretsOf(entry->inbox, keyring_);
        if (secrets.ok()) {
            entry->secrets = std::move(*secrets);
        } else {
            entry->secrets_error = secrets.error().message;
        }
    }
    entry->expires = now + options_.inbox_cache_ttl;
    std::lock_guard lock(cache_mu_);
    if (cache_.size() >= 10'000) cache_.clear();
    cache_[key] = entry;
    return std::shared_ptr<const CachedInbox>(entry);
}

void WebhookService::ForgetCachedInboxes() {
    std::lock_guard lock(cache_mu_);
    cache_.clear();
}

std::optional<std::shared_ptr<const WebhookService::CachedInbox>> WebhookService::CachedOnly(
    const std::string& key) {
    std::lock_guard lock(cache_mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second->expires > std::chrono::steady_clock::now()) {
        return std::shared_ptr<const CachedInbox>(it->second);
    }
    return std::nullopt;
}

std::variant<WebhookReply, storage::Database::Work> WebhookService::Check(const IncomingWebhook& in,
                                                                 const CachedInbox* found) {
    const channels::ChannelAdapter* adapter = adapters_.Find(in.channel);
    if (adapter == nullptr) return WebhookReply{404, "", "no adapter for this channel"};
    if (found == nullptr) return WebhookReply{404, "", "unknown webhook URL"};
    const Inbox& inbox = found->inbox;
    if (inbox.status == InboxStatus::kDisconnected || !inbox.credentials_enc) {
        // The platform may keep delivering for a while after a disconnect: acknowledge and drop.
        return WebhookReply{200, "", "inbox disconnected; delivery dropped"};
    }
    if (!found->secrets) {
        return WebhookReply{500, "", "inbox credentials unusable: " + found->secrets_error};
    }
    const Timestamp now = clock_.Now();
    const channels::WebhookRequest request = ToRequest(in, *found->secrets, now);

    if (in.method == "GET") {
        auto challenge = adapter->AnswerHandshake(request);
        if (!challenge.ok()) {
            const int status = challenge.error().code == ErrorCode::kPermissionDenied ? 403 : 400;
            return WebhookReply{status, "", "handshake refused: " + challenge.error().message};
        }
        return WebhookReply{200, *challenge, "handshake answered"};
    }

    if (Status verified = adapter->VerifyWebhook(request); !verified.ok()) {
        if (verified.error().code == ErrorCode::kUnauthenticated) {
            return WebhookReply{401, "", "signature refused: " + verified.error().message};
        }
        return WebhookReply{500, "", "signature check failed: " + verified.error().message};
    }

    if (!channels::IsJsonObject(in.body)) {
        // Authentic but not a webhook (no platform sends anything but a JSON object): refuse it
        // rather than store it, so the sender sees its mistake.
        return WebhookReply{400, "", "signed body is not a JSON object"};
    }

    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [k, v] : in.headers) {
        // Keep what helps debugging, never credentials.
        if (k == "Authorization" || k == "Cookie") continue;
        headers[k] = v;
    }
    // The row, bound by value: the work may run after the caller returned (WriteAsync). Nothing
    // of the insert is read back, so on PostgreSQL it rides the batch's pipeline.
    storage::Params row{inbox.workspace_id.value(), inbox.id.value(),
                        std::string(ChannelKindName(inbox.channel_kind)),
                        headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                        in.body, ToMicros(now)};
    return storage::Database::Work([row = std::move(row)](Session& s) -> Status {
        return s.ExecDeferred(
            "INSERT INTO webhook_events (workspace_id, inbox_id, channel_kind, headers, body, "
            "received_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
            row);
    });
}

WebhookReply WebhookService::Stored(const Status& stored) {
    if (!stored.ok()) return {503, "", "could not store the delivery: " + stored.error().message};
    {
        std::lock_guard lock(run_mu_);
        wake_ = true;
    }
    run_cv_.notify_one();
    return {200, "", "accepted"};
}

WebhookReply WebhookService::Accept(const IncomingWebhook& in) {
    auto found = FindInbox(in.channel, in.webhook_key);
    if (!found.ok()) return {503, "", "storage unavailable: " + found.error().message};
    auto step = Check(in, found->get());
    if (auto* reply = std::get_if<WebhookReply>(&step)) return std::move(*reply);
    return Stored(db_.Write(std::move(std::get<storage::Database::Work>(step))));
}

void WebhookService::AcceptAsync(std::shared_ptr<const IncomingWebhook> in,
                                 std::function<void(WebhookReply)> done,
                                 const std::function<void(std::function<void()>)>& offload) {
    auto cached = CachedOnly(in->webhook_key);
    if (!cached) {
        // Looking the inbox up may block: do it all on the blocking pool.
        offload([this, in, done = std::move(done)] { done(Accept(*in)); });
        return;
    }
    auto step = Check(*in, cached->get());
    if (auto* reply = std::get_if<WebhookReply>(&step)) {
        done(std::move(*reply));
        return;
    }
    db_.WriteAsync(std::move(std::get<storage::Database::Work>(step)),
                   [this, done = std::move(done)](Status stored) { done(Stored(stored)); });
}

Result<int> WebhookService::DrainOnce() {
    const Timestamp now = clock_.Now();
    const Timestamp lease_until = now + options_.lease;
    std::vector<Claimed> rows;
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        rows.clear();
        const char* lock = s.dialect() == storage::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED"
                                                                       : "";
        HH_ASSIGN_OR_RETURN(
            auto result,
            s.Query(std::string("UPDATE webhook_events SET locked_until = $1, attempts = attempts "
                                "+ 1 WHERE id IN (SELECT id FROM webhook_events WHERE status = "
                                "'received' AND next_attempt_at <= $2 AND (locked_until IS NULL "
                                "OR locked_until < $2) ORDER BY next_attempt_at, id LIMIT $3") +
                        lock + ") RETURNING id, workspace_id, inbox_id, body, attempts, received_at",
                    {ToMicros(lease_until), ToMicros(now),
                     static_cast<std::int64_t>(options_.batch_size * options_.parallelism)}));
        for (const auto& r : result.rows) {
            Claimed c;
            c.id = storage::AsInt(r[0]);
            c.workspace = WorkspaceId(storage::AsInt(r[1]));
            c.inbox = InboxId(storage::AsInt(r[2]));
            c.body = storage::AsText(r[3]);
            c.attempts = static_cast<int>(storage::AsInt(r[4]));
            c.received_at = std::min(FromMicros(storage::AsInt(r[5])), now);
            rows.push_back(std::move(c));
        }
        return Ok();
    }));
    std::sort(rows.begin(), rows.end(),
              [](const Claimed& a, const Claimed& b) { return a.id < b.id; });
    const int claimed = static_cast<int>(rows.size());
    if (claimed == 0) return 0;
    std::map<std::int64_t, std::optional<Inbox>> inboxes;
    for (auto& row : rows) HH_RETURN_IF_ERROR(Prepare(row, inboxes));

    // Deliveries about different people are independent: split the claim into `parallelism`
    // groups by the person they concern and commit the groups at once (on PostgreSQL they run
    // on separate writer connections). One person's deliveries stay in one group, in order.
    const auto groups = static_cast<std::size_t>(std::max(1, options_.parallelism));
    std::vector<std::vector<Claimed>> buckets(groups);
    for (auto& row : rows) {
        buckets[std::hash<std::string>{}(PersonKey(row.events)) % groups].push_back(
            std::move(row));
    }
    std::vector<std::thread> helpers;
    for (std::size_t k = 1; k < groups; ++k) {
        if (!buckets[k].empty()) helpers.emplace_back([this, &buckets, k] { Commit(buckets[k]); });
    }
    if (!buckets[0].empty()) Commit(buckets[0]);
    for (auto& t : helpers) t.join();
    return claimed;
}

Status WebhookService::Prepare(Claimed& row,
                               std::map<std::int64_t, std::optional<Inbox>>& inboxes) {
    row.events.clear();
    row.final_status = "processed";
    row.error.reset();
    auto it = inboxes.find(row.inbox.value());
    if (it == inboxes.end()) {
        auto inbox = db_.ReadValue([&](Session& s) {
            return storage::InboxRepository::Get(s, row.workspace, row.inbox);
        });
        std::optional<Inbox> value;
        if (inbox.ok()) {
            value = std::move(*inbox);
        } else if (inbox.error().code != ErrorCode::kNotFound) {
            return std::move(inbox).error();
        }
        it = inboxes.emplace(row.inbox.value(), std::move(value)).first;
    }
    if (!it->second) {
        row.final_status = "dropped";
        row.error = "inbox deleted";
        return Ok();
    }
    const Inbox& inbox = *it->second;
    if (inbox.status == InboxStatus::kDisconnected) {
        // Accepted before the disconnect, processed after it: the user asked us to stop.
        row.final_status = "dropped";
        row.error = "inbox disconnected";
        return Ok();
    }
    const channels::ChannelAdapter* adapter = adapters_.Find(inbox.channel_kind);
    if (adapter == nullptr) {
        row.final_status = "failed";
        row.error = "no adapter for the inbox's channel";
        return Ok();
    }
    auto events = adapter->ParseWebhook(row.body);
    if (!events.ok()) {
        // An authentic delivery we cannot read: keep it for inspection, do not retry.
        log::Warn("webhook.unreadable", {{"event_id", row.id}, {"error", events.error().message}});
        row.final_status = "failed";
        row.error = events.error().message;
        return Ok();
    }
    // Deliveries for another account of the same app (another phone number) are not ours.
    for (auto& e : *events) {
        if (inbox.external_account_id && !e.account_id.empty() &&
            e.account_id != *inbox.external_account_id) {
            log::Info("webhook.foreign_account", {{"event_id", row.id},
                                                  {"account_id", e.account_id}});
            continue;
        }
        row.events.push_back(std::move(e));
    }
    return Ok();
}

void WebhookService::Commit(std::vector<Claimed>& rows) {
    const Timestamp now = clock_.Now();
    Status st = db_.WriteAlone([&](Session& s) -> Status {
        // Processed rows are marked with one statement; dropped and failed ones carry a reason.
        std::string processed_sql =
            "UPDATE webhook_events SET status = 'processed', processed_at = $1, locked_until = "
            "NULL WHERE id IN (";
        storage::Params processed_params{ToMicros(now)};
        for (auto& row : rows) {
            if (row.final_status == "processed") {
                if (!row.events.empty()) {
                    HH_ASSIGN_OR_RETURN(row.summary,
                                        inbound_.IngestIn(s, row.workspace, row.inbox, row.events,
                                                          row.received_at, row.changes));
                }
                processed_sql += (processed_params.size() > 1 ? ", $" : "$") +
                                 std::to_string(processed_params.size() + 1);
                processed_params.emplace_back(row.id);
                continue;
            }
            HH_RETURN_IF_ERROR(s.Exec("UPDATE webhook_events SET status = $2, error = $3, "
                                      "processed_at = $4, locked_until = NULL WHERE id = $1",
                                      {row.id, row.final_status,
                                       row.error ? storage::Value(*row.error)
                                                 : storage::Value(nullptr),
                                       ToMicros(now)}));
        }
        if (processed_params.size() > 1) {
            HH_RETURN_IF_ERROR(s.Exec(processed_sql + ")", processed_params));
        }
        return Ok();
    });
    if (!st.ok()) {
        if (rows.size() > 1) {
            // One bad delivery must not hold up the others: retry them one at a time.
            for (auto& row : rows) {
                std::vector<Claimed> one;
                one.push_back(std::move(row));
                Commit(one);
            }
            return;
        }
        Backoff(rows[0], st.error());
        return;
    }
    int messages = 0;
    int statuses = 0;
    for (const auto& row : rows) {
        inbound_.AfterCommit(row.workspace, row.summary, row.changes);
        messages += row.summary.messages_created;
        statuses += row.summary.statuses_applied;
    }
    log::Debug("webhook.processed", {{"deliveries", rows.size()},
                                     {"messages", messages},
                                     {"statuses", statuses}});
}

void WebhookService::Backoff(const Claimed& row, const Error& error) {
    const bool give_up = !error.retryable || row.attempts >= options_.max_attempts;
    const Timestamp now = clock_.Now();
    const auto delay = std::chrono::seconds(std::min<std::int64_t>(
        300, std::int64_t{1} << std::min(row.attempts, 9)));
    Status st = db_.Write([&](Session& s) -> Status {
        return s.Exec("UPDATE webhook_events SET status = $2, error = $3, next_attempt_at = $4, "
                      "locked_until = NULL WHERE id = $1",
                      {row.id, std::string(give_up ? "failed" : "received"), error.message,
                       ToMicros(now + delay)})
                   .ok()
                   ? Ok()
                   : Error::Unavailable("update failed");
    });
    (give_up ? log::Error : log::Warn)(
        "webhook.process_failed", {{"event_id", row.id},
                                   {"attempt", row.attempts},
                                   {"will_retry", !give_up},
                                   {"error", error.message},
                                   {"recorded", st.ok()}});
}

Status WebhookService::Process(const jobs::JobContext& job) {
    // Rows queued this way before the webhook queue existed are due for the drainer already
    // (their next_attempt_at is 0): the job only wakes it.
    (void)job;
    {
        std::lock_guard lock(run_mu_);
        wake_ = true;
    }
    run_cv_.notify_one();
    return Ok();
}

}  // namespace hudhud::services
