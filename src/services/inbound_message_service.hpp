#pragma once

#include <vector>

#include "channels/inbound_event.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
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
};

// Turns the normalized events of one webhook delivery into contacts, conversations and
// messages, all in one transaction: either the whole delivery is stored or none of it.
// Idempotent: a platform retry of the same delivery changes nothing (messages are unique per
// inbox by their platform id, delivery statuses only move forward). Thread-safe.
class InboundMessageService {
public:
    InboundMessageService(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

    Result<IngestSummary> Ingest(WorkspaceId ws, InboxId inbox,
                                 const std::vector<channels::InboundEvent>& events);

private:
    storage::Database& db_;
    const Clock& clock_;
};

}  // namespace hudhud::services
