#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/workspace.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// Workspaces, users and memberships. Stateless: every call runs on the Session it is given.
// Tenant-owned lookups take the WorkspaceId; a row of another workspace is kNotFound.
class WorkspaceRepository {
public:
    static Result<Workspace> Create(Session& s, const std::string& name, const std::string& locale,
                                    Timestamp now);
    static Result<Workspace> Get(Session& s, WorkspaceId id);
    static Status Update(Session& s, WorkspaceId id, const std::optional<std::string>& name,
                         const std::optional<std::string>& locale, Timestamp now);
    static Result<std::int64_t> Count(Session& s);
};

class UserRepository {
public:
    static Result<User> Create(Session& s, const std::string& email, const std::string& name,
                               const std::string& password_hash, const std::string& locale,
                               Timestamp now);
    static Result<std::optional<User>> FindByEmail(Session& s, const std::string& email);
    static Result<User> Get(Session& s, UserId id);
    static Status UpdateProfile(Session& s, UserId id, const std::optional<std::string>& name,
                                const std::optional<std::string>& locale, Timestamp now);
    static Status UpdatePasswordHash(Session& s, UserId id, const std::string& hash, Timestamp now);
};

struct UserWorkspace {
    Workspace workspace;
    Role role = Role::kAgent;
};

class MembershipRepository {
public:
    static Status Add(Session& s, WorkspaceId ws, UserId user, Role role, Timestamp now);
    static Result<std::optional<Membership>> Find(Session& s, WorkspaceId ws, UserId user);
    // kInvalidArgument naming the first of `users` that is not a member of `ws`.
    static Status RequireMembers(Session& s, WorkspaceId ws, const std::vector<UserId>& users);
    static Result<std::vector<Member>> List(Session& s, WorkspaceId ws);
    static Result<std::vector<UserWorkspace>> ListForUser(Session& s, UserId user);
    static Status UpdateRole(Session& s, WorkspaceId ws, UserId user, Role role);
    static Status UpdateAvailability(Session& s, WorkspaceId ws, UserId user, Availability a);
    static Status Remove(Session& s, WorkspaceId ws, UserId user);
    static Result<std::int64_t> CountOwners(Session& s, WorkspaceId ws);
};

}  // namespace hudhud::storage
