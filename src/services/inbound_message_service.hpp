#pragma once

#include <vector>

#include "channels/inbound_event.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "jobs/job_queue.hpp"
#include "storage/database.hpp"

namespace hudhud::services {

struct IngestSummary {
    int messages_created = 0;
    int duplicates = 0;          // platform retries: already stored, nothing changed
    int statuses_applied = 0;    // delivery reports that moved a message forward
    int statuses_ignored = 0;    // stale, repeated, or for messages we do not know
    int contacts_created = 0;
    int conversations_created = 0;
    int consent_changes = 0;
    int other_events = 0;        // kept in the raw webhook log only
    int media_queued = 0;        // attachments waiting for their media.download job
};

// What one delivery changed, for the events published after its commit.
struct IngestChanges {
    std::vector<MessageId> created;
    std::vector<Message> created_rows;  // the same messages as stored (published as they are)
    std::vector<MessageId> updated;
    std::vector<ConversationId> conversations;
    // Existing conversations the customer's message reopened (snoozed or pending before).
    std::vector<ConversationId> reopened;
};

// Turns the normalized events of one webhook delivery into contacts, conversations and
// messages, all in one transaction: either the whole delivery is stored or none of it.
// Idempotent: a platform retry of the same delivery changes nothing (messages are unique per
// inbox by their platform id, delivery statuses only move forward). Thread-safe.
class InboundMessageService {
public:
    // `events`, when given, receives message.created / message.updated / conversation.created
    // for what each delivery changed, after its commit.
    InboundMessageService(storage::Database& db, const Clock& clock,
                          const events::EventBus* events = nullptr)
        : db_(db), clock_(clock), events_(events) {}

    Result<IngestSummary> Ingest(WorkspaceId ws, InboxId inbox,
                                 const std::vector<channels::InboundEvent>& events);

    // The same inside the caller's transaction (several deliveries in one commit). After the
    // commit, call AfterCommit with what it returned, to wake media jobs and publish events.
    Result<IngestSummary> IngestIn(storage::Session& s, WorkspaceId ws, InboxId inbox,
                                   const std::vector<channels::InboundEvent>& events,
                                   Timestamp now, IngestChanges& changes) const;
    void AfterCommit(WorkspaceId ws, const IngestSummary& summary,
                     const IngestChanges& changes) const;

    // Inbound media: each new message with media also gets an attachments row and a
    // media.download job, in the delivery's transaction (see services/media_service.hpp).
    // Call once, before the service is shared between threads.
    void EnableMediaDownloads(jobs::JobQueue& jobs) { media_jobs_ = &jobs; }

private:
    storage::Database& db_;
    const Clock& clock_;
    const events::EventBus* events_;
    jobs::JobQueue* media_jobs_ = nullptr;
};

}  // namespace hudhud::services
