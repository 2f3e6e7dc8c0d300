#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace hudhud {

// Who did what to which object, from where. Sign-ins, failed sign-ins, settings changes,
// exports and deletions are recorded; entries are append-only.
struct AuditEntry {
    AuditEntryId id;
    std::optional<WorkspaceId> workspace_id;  // absent for events outside any workspace
    std::optional<UserId> actor_user_id;
    std::string actor_kind = "user";  // user | api_token | system | assistant
    std::string action;               // e.g. "auth.sign_in", "member.role_changed"
    std::string target_type;
    std::string target_id;
    std::string ip;
    std::string user_agent;
    std::string details_json = "{}";
    Timestamp created_at;
};

}  // namespace hudhud
