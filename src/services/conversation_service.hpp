#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "jobs/job.hpp"
#include "jobs/job_queue.hpp"
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/conversation_list_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/repositories/conversation_state_repository.hpp"
#include "storage/repositories/page.hpp"

namespace hudhud::services {

// What PATCH /conversations/{id} asks for (docs/api.md "Actions"), before validation.
struct ConversationUpdate {
    std::optional<std::string> status;
    std::optional<Timestamp> snoozed_until;
    std::optional<std::optional<std::int64_t>> assignee_id;  // inner nullopt: unassign
    std::optional<std::optional<std::int64_t>> team_id;
    std::optional<std::string> priority;
};

// The shared inbox: listing with filters, counts, and the agents' actions on a conversation
// (status, snooze, assignment, priority, labels), always within one workspace. Every committed
// change publishes conversation.updated (and conversation.assigned when the assignee or team
// changed); assignment changes are audited in the same transaction. Thread-safe.
class ConversationService {
public:
    static constexpr std::string_view kUnsnoozeJob = "conversation.unsnooze";

    // `jobs` schedules the unsnooze job (snoozing is refused without it); `events` may be null.
    ConversationService(storage::Database& db, const Clock& clock, AuditLog& audit,
                        jobs::JobQueue* jobs, const events::EventBus* events)
        : db_(db), clock_(clock), audit_(audit), jobs_(jobs), events_(events) {}

    // Every call below sees only the conversations of the inboxes the caller may see
    // (InboxScopeOf: all for owners and admins, an agent's inbox memberships): another inbox's
    // conversation is kNotFound, as another workspace's is.

    // `f` already resolved (`me` is a user id by now). kInvalidArgument for a bad filter value.
    Result<storage::ConversationListPage> List(const WorkspaceAccess& a,
                                               storage::ConversationFilter f,
                                               const std::optional<storage::ConversationCursor>& after,
                                               int limit);
    Result<storage::ConversationCounts> Counts(const WorkspaceAccess& a);
    // With labels.
    Result<storage::ConversationRow> Get(const WorkspaceAccess& a, ConversationId id);
    // Newest first.
    Result<storage::Page<Message>> Messages(const WorkspaceAccess& a, ConversationId id,
                                            const storage::PageRequest& page);
    // Ok when the caller may see the conversation; kNotFound otherwise. For actions served by
    // other services (replies, read marks, canned responses, attachments).
    Status RequireVisible(const WorkspaceAccess& a, ConversationId id);

    // Applies the actions together. kInvalidArgument for a bad status or priority, a snooze
    // without a future snoozed_until, an assignee who is not a workspace member or a team of
    // another workspace. Snoozing schedules kUnsnoozeJob at snoozed_until in the same
    // transaction. An assignee must see the conversation's inbox (an admin, or an agent who is
    // a member of it).
    Result<storage::ConversationRow> Update(const WorkspaceAccess& a, ConversationId id,
                                            const ConversationUpdate& u,
                                            const RequestContext& ctx);
    // Label names must exist in the workspace (kInvalidArgument). Return the labels after.
    Result<std::vector<std::string>> AddLabels(const WorkspaceAccess& a, ConversationId id,
                                               const std::vector<std::string>& names);
    Result<std::vector<std::string>> RemoveLabel(const WorkspaceAccess& a, ConversationId id,
                                                 const std::string& name);

    // The kUnsnoozeJob handler: payload {conversation_id, snoozed_until}. Reopens only a
    // conversation still snoozed until that instant, so a stale job changes nothing.
    Status ProcessUnsnooze(const jobs::JobContext& job);

    static bool IsStatus(std::string_view s);
    static bool IsPriority(std::string_view s);

private:
    void Publish(const storage::ConversationRow& c, bool assigned) const;

    storage::Database& db_;
    const Clock& clock_;
    AuditLog& audit_;
    jobs::JobQueue* jobs_;
    const events::EventBus* events_;
};

}  // namespace hudhud::services
