#pragma once

#include <map>
#include <vector>

#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// Who works an inbox (inbox_members), and the inbox's auto-assignment rotation
// (inbox_assignment_state). Every call is scoped by workspace.
class InboxMemberRepository {
public:
    // Sorted user ids.
    static Result<std::vector<UserId>> List(Session& s, WorkspaceId ws, InboxId inbox);
    // Replaces the list; every user must be a member of the workspace (kInvalidArgument).
    static Status Set(Session& s, WorkspaceId ws, InboxId inbox, const std::vector<UserId>& users);
    // The inboxes `user` is a member of, sorted.
    static Result<std::vector<InboxId>> InboxesOf(Session& s, WorkspaceId ws, UserId user);
    // Who may see the inbox's conversations: its members and the workspace's owners and
    // admins, sorted user ids.
    static Result<std::vector<UserId>> Audience(Session& s, WorkspaceId ws, InboxId inbox);
    // Members of the inbox whose availability is online, sorted by user id.
    static Result<std::vector<UserId>> Online(Session& s, WorkspaceId ws, InboxId inbox);
    // How many open conversations each of `users` has assigned (absent: none).
    static Result<std::map<std::int64_t, std::int64_t>> OpenCounts(Session& s, WorkspaceId ws,
                                                                   const std::vector<UserId>& users);
    // The user who got the inbox's last auto-assigned conversation (0: none yet). Creates the
    // row if needed and, on PostgreSQL, locks it until the transaction ends, so concurrent
    // assigners on several nodes take turns rather than pick the same agent.
    static Result<std::int64_t> LockRotation(Session& s, WorkspaceId ws, InboxId inbox);
    static Status SetRotation(Session& s, WorkspaceId ws, InboxId inbox, UserId last);
};

}  // namespace hudhud::storage
