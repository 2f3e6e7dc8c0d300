#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace hudhud {

struct Workspace {
    WorkspaceId id;
    std::string name;
    std::string locale = "en";
    std::string settings_json = "{}";
    Timestamp created_at;
    Timestamp updated_at;
};

// Roles are ordered: an owner can do everything an admin can, an admin everything an agent can.
enum class Role { kAgent = 1, kAdmin = 2, kOwner = 3 };

std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);
inline bool RoleAtLeast(Role have, Role need) {
    return static_cast<int>(have) >= static_cast<int>(need);
}

enum class Availability { kOnline, kBusy, kOffline };
std::string_view AvailabilityName(Availability a);
std::optional<Availability> ParseAvailability(std::string_view name);

struct Membership {
    WorkspaceId workspace_id;
    UserId user_id;
    Role role = Role::kAgent;
    Availability availability = Availability::kOffline;
    int max_open_conversations = 0;  // 0 = no limit
    Timestamp created_at;
};

struct User {
    UserId id;
    std::string email;  // stored lower-cased
    std::string name;
    std::string password_hash;
    std::string locale = "en";
    Timestamp created_at;
    Timestamp updated_at;
};

// A member as listed in a workspace: the membership joined with its user.
struct Member {
    Membership membership;
    User user;
};

}  // namespace hudhud
