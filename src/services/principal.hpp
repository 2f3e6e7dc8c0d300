#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "core/workspace.hpp"
#include "storage/repositories/auth_repository.hpp"

namespace hudhud::services {

// Where a request came from; recorded in the audit log.
struct RequestContext {
    std::string ip;
    std::string user_agent;
};

// An authenticated caller: a user signed in with a session cookie, or an API token, which is
// valid for the one workspace it was created in.
struct Principal {
    User user;
    std::optional<storage::SessionRecord> session;
    std::optional<storage::ApiTokenRecord> api_token;

    bool via_api_token() const { return api_token.has_value(); }
    std::string actor_kind() const { return via_api_token() ? "api_token" : "user"; }
};

// The caller's standing in one workspace, established by AccountService::Authorize.
struct WorkspaceAccess {
    Principal principal;
    Membership membership;
    WorkspaceId workspace() const { return membership.workspace_id; }
    UserId user() const { return principal.user.id; }
    // Owners and admins see every inbox; agents only the inboxes they are members of.
    bool sees_every_inbox() const { return RoleAtLeast(membership.role, Role::kAdmin); }
};

// The inboxes whose conversations a member may see and act on (docs/api.md "Permissions"):
// every inbox for owners and admins, the inboxes an agent is a member of otherwise.
struct InboxScope {
    bool all = true;
    std::vector<InboxId> inboxes;  // sorted; meaningful when !all

    bool Allows(InboxId inbox) const {
        return all || std::binary_search(inboxes.begin(), inboxes.end(), inbox);
    }
};

}  // namespace hudhud::services
