#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "secrets/password.hpp"
#include "services/audit_log.hpp"
#include "services/login_throttle.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/workspace_repository.hpp"

namespace hudhud::services {

struct SignedIn {
    User user;
    std::string session_token;  // the cookie value; only its hash is stored
    std::string csrf_token;
    std::vector<storage::UserWorkspace> workspaces;
    Timestamp expires_at;
};

struct OwnerSetup {
    std::string workspace_name;
    std::string name;
    std::string email;
    std::string password;
    std::string locale = "en";
};

struct CreatedOwner {
    Workspace workspace;
    User user;
};

// Sign-in, sessions, API-token authentication, first-run set-up and per-workspace authorization.
// Thread-safe. Passwords are hashed with argon2id outside any database transaction.
class AccountService {
public:
    struct Options {
        secrets::PasswordHashOptions password_hash;
        std::chrono::seconds session_ttl{14 * 24 * 3600};
        std::chrono::seconds session_touch_interval{300};
        std::size_t min_password_length = 8;
        // How long an authenticated principal and a membership lookup are reused without
        // asking the database. Changes made on this node (logout, revocation, role changes)
        // drop the cache at once; another node sees them within this bound. 0 disables.
        std::chrono::milliseconds auth_cache_ttl{2000};
    };

    AccountService(storage::Database& db, const Clock& clock, AuditLog& audit,
                   LoginThrottle& throttle, Options options);

    Result<bool> NeedsSetup();

    // First-run set-up from the web: only while no workspace exists (kConflict otherwise).
    Result<SignedIn> SetupFirstOwner(const OwnerSetup& setup, const RequestContext& ctx);

    // `hudhud admin create-owner`: a new workspace with a new or existing user as its owner.
    Result<CreatedOwner> CreateOwner(const OwnerSetup& setup);

    // kUnauthenticated for a wrong email or password (same message for both), kRateLimited with
    // the wait in the message's retry_after when throttled.
    Result<SignedIn> Login(const std::string& email, const std::string& password,
                           const RequestContext& ctx);
    Status Logout(const std::string& session_token, const RequestContext& ctx);

    Result<Principal> AuthenticateSession(const std::string& session_token);
    Result<Principal> AuthenticateApiToken(const std::string& token);

    // The caller's membership in `ws` if it has at least `min_role`. A workspace the caller is
    // not a member of (or an API token of another workspace) is kNotFound, never 403, so ids of
    // other tenants are not disclosed; an insufficient role is kPermissionDenied.
    Result<WorkspaceAccess> Authorize(const Principal& p, WorkspaceId ws, Role min_role);

    Result<std::vector<storage::UserWorkspace>> WorkspacesOf(UserId user);
    Status UpdateProfile(UserId user, const std::optional<std::string>& name,
                         const std::optional<std::string>& locale);
    Status ChangePassword(const Principal& p, const std::string& current,
                          const std::string& next, const RequestContext& ctx);
    Result<Workspace> CreateWorkspace(const Principal& p, const std::string& name,
                                      const RequestContext& ctx);

    // For invitation acceptance: creates the user (or verifies the existing user's password)
    // and signs in.
    Result<SignedIn> SignInNewSession(const User& user, const RequestContext& ctx);
    Result<User> FindOrCreateUserForInvite(const std::string& email, const std::string& name,
                                           const std::string& password);

    Status ValidatePassword(const std::string& password) const;

    // Forgets every cached principal and membership; called after changes to sessions, tokens,
    // roles or memberships.
    void InvalidateAuthCache();
    static std::optional<std::string> NormalizeEmail(std::string_view email);

private:
    struct CachedPrincipal {
        Principal principal;
        Timestamp expires;
    };
    struct CachedMembership {
        std::optional<Membership> membership;
        Timestamp expires;
    };
    std::optional<Principal> CachedLookup(const std::string& key);
    void CacheStore(const std::string& key, const Principal& p);

    const Clock& clock_;
    storage::Database& db_;
    AuditLog& audit_;
    LoginThrottle& throttle_;
    Options options_;
    std::string dummy_hash_;

    std::mutex cache_mu_;
    std::unordered_map<std::string, CachedPrincipal> principal_cache_;  // "s:"/"t:" + token hash
    std::map<std::pair<std::int64_t, std::int64_t>, CachedMembership> membership_cache_;
};

}  // namespace hudhud::services
