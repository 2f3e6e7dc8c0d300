#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/result.hpp"
#include "core/workspace.hpp"
#include "storage/repositories/page.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// Secrets (session, API and invitation tokens) are stored only as hashes; lookups take the hash.

struct SessionRecord {
    SessionId id;
    UserId user_id;
    std::string csrf_token;
    std::string ip;
    std::string user_agent;
    Timestamp created_at;
    Timestamp last_seen_at;
    Timestamp expires_at;
};

class SessionRepository {
public:
    static Result<SessionRecord> Create(Session& s, UserId user, const std::string& token_hash,
                                        const std::string& csrf_token, const std::string& ip,
                                        const std::string& user_agent, Timestamp now,
                                        Timestamp expires_at);
    // Only sessions that have not expired at `now`.
    static Result<std::optional<SessionRecord>> FindLive(Session& s, const std::string& token_hash,
                                                         Timestamp now);
    static Status Touch(Session& s, SessionId id, Timestamp now, Timestamp expires_at);
    static Status Delete(Session& s, const std::string& token_hash);
    static Status DeleteForUser(Session& s, UserId user);
    static Result<std::int64_t> DeleteExpired(Session& s, Timestamp now);
};

struct ApiTokenRecord {
    ApiTokenId id;
    WorkspaceId workspace_id;
    UserId user_id;
    std::string name;
    std::string prefix;
    Timestamp created_at;
    std::optional<Timestamp> last_used_at;
    std::optional<Timestamp> revoked_at;
};

class ApiTokenRepository {
public:
    static Result<ApiTokenRecord> Create(Session& s, WorkspaceId ws, UserId user,
                                         const std::string& name, const std::string& token_hash,
                                         const std::string& prefix, Timestamp now);
    static Result<std::vector<ApiTokenRecord>> List(Session& s, WorkspaceId ws);
    // A token that is not revoked; the record names the one workspace it is valid for.
    static Result<std::optional<ApiTokenRecord>> FindActive(Session& s,
                                                            const std::string& token_hash);
    static Status MarkUsed(Session& s, ApiTokenId id, Timestamp now);
    static Status Revoke(Session& s, WorkspaceId ws, ApiTokenId id, Timestamp now);
};

struct InvitationRecord {
    InvitationId id;
    WorkspaceId workspace_id;
    std::string email;
    Role role = Role::kAgent;
    std::optional<UserId> invited_by;
    Timestamp created_at;
    Timestamp expires_at;
    std::optional<Timestamp> accepted_at;
};

class InvitationRepository {
public:
    static Result<InvitationRecord> Create(Session& s, WorkspaceId ws, const std::string& email,
                                           Role role, const std::string& token_hash,
                                           std::optional<UserId> invited_by, Timestamp now,
                                           Timestamp expires_at);
    // Pending (not accepted) invitations of the workspace.
    static Result<std::vector<InvitationRecord>> ListPending(Session& s, WorkspaceId ws);
    static Status Delete(Session& s, WorkspaceId ws, InvitationId id);
    static Result<std::optional<InvitationRecord>> FindPendingByToken(Session& s,
                                                                      const std::string& token_hash,
                                                                      Timestamp now);
    static Status MarkAccepted(Session& s, InvitationId id, Timestamp now);
};

class AuditRepository {
public:
    static Status Append(Session& s, const AuditEntry& entry);
    // Newest first.
    static Result<Page<AuditEntry>> List(Session& s, WorkspaceId ws, const PageRequest& page);
};

}  // namespace hudhud::storage
