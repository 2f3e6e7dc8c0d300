#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "channels/adapter_registry.hpp"
#include "core/clock.hpp"
#include "core/inbox.hpp"
#include "core/result.hpp"
#include "jobs/job.hpp"
#include "jobs/job_queue.hpp"
#include "secrets/keyring.hpp"
#include "services/inbound_message_service.hpp"
#include "storage/database.hpp"

namespace hudhud::services {

// A platform's HTTP delivery to /webhooks/{channel}/{webhook_key}, as received.
struct IncomingWebhook {
    ChannelKind channel = ChannelKind::kApi;
    std::string webhook_key;
    std::string method;  // GET (handshake) or POST (events)
    std::string body;    // raw bytes, exactly as received
    std::vector<std::pair<std::string, std::string>> headers;
    std::vector<std::pair<std::string, std::string>> query;
};

// What to answer the platform.
struct WebhookReply {
    int status = 200;
    std::string body;  // the handshake challenge, or empty
    std::string note;  // why, for the log (never secret)
};

// Accept durably, then process. Accept verifies the delivery over its raw bytes with the
// inbox's secret, commits the raw payload (one webhook_events row) and only then answers 200, so
// an acknowledged delivery survives a crash; a failed commit answers 503 so the platform
// retries. The stored rows are their own queue: a drainer thread claims due rows in batches
// (a lease in locked_until; FOR UPDATE SKIP LOCKED on PostgreSQL, so several nodes share the
// work), parses them and ingests the whole batch in one transaction together with marking the
// rows processed. A retry of either step creates nothing twice. A batch that fails is retried
// row by row; a row whose processing keeps failing backs off (next_attempt_at) and ends
// 'failed' after max_attempts. Rows a crashed node had claimed are claimed again when their
// lease expires. Thread-safe.
class WebhookService {
public:
    // Jobs of this type (queued by versions before the webhook queue) are still processed.
    static constexpr std::string_view kJobType = "webhook.process";

    struct Options {
        int batch_size = 64;   // deliveries per transaction
        int parallelism = 2;   // transactions at once (deliveries about different people);
                               // the other writer connections stay free for accepts
        std::chrono::seconds lease{10};  // a crashed node's claims are taken over after this
        std::chrono::milliseconds poll_interval{1000};  // for rows other nodes accepted
        int max_attempts = 10;
        std::chrono::milliseconds inbox_cache_ttl{2000};  // webhook key -> inbox and secrets
    };

    WebhookService(storage::Database& db, const Clock& clock, const secrets::Keyring& keyring,
                   const channels::AdapterRegistry& adapters, InboundMessageService& inbound);
    WebhookService(storage::Database& db, const Clock& clock, const secrets::Keyring& keyring,
                   const channels::AdapterRegistry& adapters, InboundMessageService& inbound,
                   Options options);
    ~WebhookService();

    // The drainer thread. Start after the database is open; Stop (also run by the destructor)
    // waits for the batch in hand.
    void Start();
    void Stop();

    // Claims and processes one batch of due rows now, on the calling thread; returns how many
    // rows it claimed (0: nothing due). For tests and the drainer.
    Result<int> DrainOnce();

    // 401 for a missing or forged signature, 404 for an unknown webhook URL, 200 (dropped,
    // logged) for a disconnected inbox, 503 when the payload could not be stored durably,
    // 403/400 for a failed handshake.
    WebhookReply Accept(const IncomingWebhook& in);
    // Accept without holding the calling thread through the commit: for the HTTP server's I/O
    // thread. With the inbox cached it checks the delivery at once and `done` runs on a storage
    // writer thread after the commit (or at once when refused); otherwise the whole of Accept
    // runs through `offload` (a blocking pool). `done` must be quick.
    void AcceptAsync(std::shared_ptr<const IncomingWebhook> in,
                     std::function<void(WebhookReply)> done,
                     const std::function<void(std::function<void()>)>& offload);

    // Drops the cached webhook-key lookups (call when an inbox changed; entries also expire
    // after inbox_cache_ttl, which bounds staleness across nodes).
    void ForgetCachedInboxes();

    // A "webhook.process" job queued by a version before the webhook queue: its row is due for
    // the drainer (next_attempt_at 0), so this only wakes the drainer.
    Status Process(const jobs::JobContext& job);

private:
    struct CachedInbox;
    struct Claimed;
    Result<std::shared_ptr<const CachedInbox>> FindInbox(ChannelKind channel,
                                                         const std::string& key);
    // The cached lookup only, never the database: nullopt when not cached (or expired).
    std::optional<std::shared_ptr<const CachedInbox>> CachedOnly(const std::string& key);
    // Everything Accept decides before storing: a reply, or the work that stores the delivery.
    // `found` is the inbox of the webhook URL (null: unknown).
    std::variant<WebhookReply, storage::Database::Work> Check(const IncomingWebhook& in,
                                                              const CachedInbox* found);
    // The answer once the delivery's commit returned `stored`; wakes the drainer.
    WebhookReply Stored(const Status& stored);
    void Run();
    // Parses one claimed row into the events to ingest (empty when it is to be dropped),
    // deciding its final status when there is nothing to ingest.
    Status Prepare(Claimed& row, std::map<std::int64_t, std::optional<Inbox>>& inboxes);
    // Ingests prepared rows in one transaction and marks them; on failure retries them one by one
    // and backs off the ones that still fail.
    void Commit(std::vector<Claimed>& rows);
    void Backoff(const Claimed& row, const Error& error);

    storage::Database& db_;
    const Clock& clock_;
    const secrets::Keyring& keyring_;
    const channels::AdapterRegistry& adapters_;
    InboundMessageService& inbound_;
    Options options_;
    std::mutex cache_mu_;
    std::map<std::string, std::shared_ptr<const CachedInbox>> cache_;
    std::mutex run_mu_;
    std::condition_variable run_cv_;
    bool wake_ = false;
    bool stopping_ = false;
    std::thread drainer_;
};

}  // namespace hudhud::services
