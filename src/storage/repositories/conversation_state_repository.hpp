#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// What an agent changes on a conversation. Absent fields stay; the inner optional of
// assignee/team is null for "nobody".
struct ConversationChange {
    std::optional<std::string> status;  // open | pending | snoozed | resolved
    std::optional<Timestamp> snoozed_until;  // with status snoozed
    std::optional<std::optional<std::int64_t>> assignee;
    std::optional<std::optional<std::int64_t>> team;
    std::optional<std::string> priority;
};

// The shared inbox's writes on conversations: status, snooze, assignment, priority, labels.
// Every call is scoped by workspace; a conversation outside it is kNotFound.
class ConversationStateRepository {
public:
    // Applies the change (values already validated). Leaving `snoozed` clears snoozed_until.
    static Status Apply(Session& s, WorkspaceId ws, ConversationId id,
                        const ConversationChange& change, Timestamp now);
    // The unsnooze job: reopens the conversation only if it is still snoozed until `until`
    // (another snooze, or any status change, wins). True when it reopened.
    static Result<bool> Unsnooze(Session& s, WorkspaceId ws, ConversationId id, Timestamp until,
                                 Timestamp now);
    // Adds labels (already present ones are kept once).
    static Status AddLabels(Session& s, WorkspaceId ws, ConversationId id,
                            const std::vector<std::string>& names);
    static Status RemoveLabel(Session& s, WorkspaceId ws, ConversationId id,
                              const std::string& name);
    // The names among `names` that are not labels of the workspace.
    static Result<std::vector<std::string>> UnknownLabels(Session& s, WorkspaceId ws,
                                                          const std::vector<std::string>& names);
};

}  // namespace hudhud::storage
