#pragma once

#include <optional>
#include <string>

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
};

}  // namespace hudhud::services
