#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"

namespace hudhud::services {

// An inbox's settings.auto_assignment.
struct AutoAssignmentSettings {
    bool enabled = false;
    int max_open_per_agent = 0;  // 0: no limit
};

// Reads settings.auto_assignment from an inbox's settings JSON; absent means disabled.
// kInvalidArgument when present but malformed ({enabled: bool, max_open_per_agent: int ≥ 0},
// nothing else).
Result<AutoAssignmentSettings> ParseAutoAssignment(const std::string& settings_json);

// Round robin: the first of `online` (sorted ids) after `last` (wrapping round) whose open
// count is under `max_open` (0: no limit). nullopt when nobody qualifies.
std::optional<UserId> PickNextAgent(const std::vector<UserId>& online, std::int64_t last,
                                    const std::map<std::int64_t, std::int64_t>& open_counts,
                                    int max_open);

// Assigns a conversation the caller's transaction just created, when its inbox has
// auto-assignment enabled: round robin among the inbox's online members under the limit. The
// rotation moves and the assignment is audited (actor "system") in the same transaction.
// Returns the assignee, if any. Events are the caller's (PublishCommitted adds
// conversation.assigned for a new conversation with an assignee).
Result<std::optional<UserId>> AutoAssignNewConversation(storage::Session& s, WorkspaceId ws,
                                                        InboxId inbox,
                                                        ConversationId conversation,
                                                        Timestamp now);

// Who works an inbox (GET/PUT /inboxes/{id}/members). Thread-safe.
class InboxRoutingService {
public:
    // `events` (may be null) gets inbox.members_changed after each change of members.
    InboxRoutingService(storage::Database& db, AuditLog& audit,
                        const events::EventBus* events = nullptr)
        : db_(db), audit_(audit), events_(events) {}

    // kNotFound for an inbox outside the workspace.
    Result<std::vector<UserId>> Members(const WorkspaceAccess& a, InboxId inbox);
    // Admin. Replaces the members; every id must be a workspace member (kInvalidArgument).
    // Audited as inbox.members_changed.
    Result<std::vector<UserId>> SetMembers(const WorkspaceAccess& a, InboxId inbox,
                                           const std::vector<UserId>& users,
                                           const RequestContext& ctx);

private:
    storage::Database& db_;
    AuditLog& audit_;
    const events::EventBus* events_;
};

// The inboxes the caller may see (docs/api.md "Permissions"): all of them for owners and admins
// (no query), the agent's inbox memberships otherwise.
Result<InboxScope> InboxScopeOf(storage::Session& s, const WorkspaceAccess& a);

}  // namespace hudhud::services
