#pragma once

#include <optional>
#include <string>
#include <utility>
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
// inbox's secret, commits the raw payload and its processing job in one transaction, and only
// then answers 200, so an acknowledged delivery survives a crash; a failed commit answers 503 so
// the platform retries. Process (the job) parses and ingests; a retry of either step creates
// nothing twice. Thread-safe.
class WebhookService {
public:
    static constexpr std::string_view kJobType = "webhook.process";

    WebhookService(storage::Database& db, const Clock& clock, const secrets::Keyring& keyring,
                   const channels::AdapterRegistry& adapters, jobs::JobQueue& jobs,
                   InboundMessageService& inbound);

    // 401 for a missing or forged signature, 404 for an unknown webhook URL, 200 (dropped,
    // logged) for a disconnected inbox, 503 when the payload could not be stored durably,
    // 403/400 for a failed handshake.
    WebhookReply Accept(const IncomingWebhook& in);

    // The job: payload {"event_id": N}. Errors are retryable only when storage was unavailable.
    Status Process(const jobs::JobContext& job);

private:
    storage::Database& db_;
    const Clock& clock_;
    const secrets::Keyring& keyring_;
    const channels::AdapterRegistry& adapters_;
    jobs::JobQueue& jobs_;
    InboundMessageService& inbound_;
};

}  // namespace hudhud::services
