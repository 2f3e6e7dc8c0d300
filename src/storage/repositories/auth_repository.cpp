#include "storage/repositories/auth_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::OptValue;
using detail::Discard;
using detail::ExpectOneRow;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kSessionCols =
    "id, user_id, csrf_token, ip, user_agent, created_at, last_seen_at, expires_at";
constexpr const char* kTokenCols =
    "id, workspace_id, user_id, name, prefix, created_at, last_used_at, revoked_at";
constexpr const char* kInvitationCols =
    "id, workspace_id, email, role, invited_by, created_at, expires_at, accepted_at";
constexpr const char* kAuditCols =
    "id, workspace_id, actor_user_id, actor_kind, action, target_type, target_id, ip, user_agent, "
    "details, created_at";

SessionRecord ReadSession(RowReader r) {
    SessionRecord s;
    s.id = r.IdOf<SessionId>();
    s.user_id = r.IdOf<UserId>();
    s.csrf_token = r.Text();
    s.ip = r.Text();
    s.user_agent = r.Text();
    s.created_at = r.Time();
    s.last_seen_at = r.Time();
    s.expires_at = r.Time();
    return s;
}

ApiTokenRecord ReadToken(RowReader r) {
    ApiTokenRecord t;
    t.id = r.IdOf<ApiTokenId>();
    t.workspace_id = r.IdOf<WorkspaceId>();
    t.user_id = r.IdOf<UserId>();
    t.name = r.Text();
    t.prefix = r.Text();
    t.created_at = r.Time();
    t.last_used_at = r.OptTime();
    t.revoked_at = r.OptTime();
    return t;
}

InvitationRecord ReadInvitation(RowReader r) {
    InvitationRecord i;
    i.id = r.IdOf<InvitationId>();
    i.workspace_id = r.IdOf<WorkspaceId>();
    i.email = r.Text();
    i.role = ParseRole(r.Text()).value_or(Role::kAgent);
    i.invited_by = r.OptIdOf<UserId>();
    i.created_at = r.Time();
    i.expires_at = r.Time();
    i.accepted_at = r.OptTime();
    return i;
}

AuditEntry ReadAudit(RowReader r) {
    AuditEntry a;
    a.id = r.IdOf<AuditEntryId>();
    a.workspace_id = r.OptIdOf<WorkspaceId>();
    a.actor_user_id = r.OptIdOf<UserId>();
    a.actor_kind = r.Text();
    a.action = r.Text();
    a.target_type = r.Text();
    a.target_id = r.Text();
    a.ip = r.Text();
    a.user_agent = r.Text();
    a.details_json = r.Text();
    a.created_at = r.Time();
    return a;
}



}  // namespace

Result<SessionRecord> SessionRepository::Create(Session& s, UserId user,
                                                const std::string& token_hash,
                                                const std::string& csrf_token,
                                                const std::string& ip,
                                                const std::string& user_agent, Timestamp now,
                                                Timestamp expires_at) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO sessions (user_id, token_hash, csrf_token, ip, "
                            "user_agent, created_at, last_seen_at, expires_at) VALUES ($1, $2, "
                            "$3, $4, $5, $6, $6, $7) RETURNING ") +
                    kSessionCols,
                {user.value(), token_hash, csrf_token, ip, user_agent, TimeValue(now),
                 TimeValue(expires_at)}));
    return ReadSession(RowReader(rows.rows.at(0)));
}

Result<std::optional<SessionRecord>> SessionRepository::FindLive(Session& s,
                                                                 const std::string& token_hash,
                                                                 Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kSessionCols +
                                               " FROM sessions WHERE token_hash = $1 AND "
                                               "expires_at > $2",
                                           {token_hash, TimeValue(now)}));
    if (rows.empty()) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(ReadSession(RowReader(rows.rows[0])));
}

Status SessionRepository::Touch(Session& s, SessionId id, Timestamp now, Timestamp expires_at) {
    return Discard(s.Exec("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1",
                          {id.value(), TimeValue(now), TimeValue(expires_at)}));
}

Status SessionRepository::Delete(Session& s, const std::string& token_hash) {
    return Discard(s.Exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash}));
}

Status SessionRepository::DeleteForUser(Session& s, UserId user) {
    return Discard(s.Exec("DELETE FROM sessions WHERE user_id = $1", {user.value()}));
}

Result<std::int64_t> SessionRepository::DeleteExpired(Session& s, Timestamp now) {
    return s.Exec("DELETE FROM sessions WHERE expires_at <= $1", {TimeValue(now)});
}

Result<ApiTokenRecord> ApiTokenRepository::Create(Session& s, WorkspaceId ws, UserId user,
                                                  const std::string& name,
                                                  const std::string& token_hash,
                                                  const std::string& prefix, Timestamp now) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO api_tokens (workspace_id, user_id, name, token_hash, "
                            "prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ") +
                    kTokenCols,
                {ws.value(), user.value(), name, token_hash, prefix, TimeValue(now)}));
    return ReadToken(RowReader(rows.rows.at(0)));
}

Result<std::vector<ApiTokenRecord>> ApiTokenRepository::List(Session& s, WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kTokenCols +
                                               " FROM api_tokens WHERE workspace_id = $1 AND "
                                               "revoked_at IS NULL ORDER BY id DESC",
                                           {ws.value()}));
    std::vector<ApiTokenRecord> out;
    for (const auto& row : rows.rows) out.push_back(ReadToken(RowReader(row)));
    return out;
}

Result<std::optional<ApiTokenRecord>> ApiTokenRepository::FindActive(
    Session& s, const std::string& token_hash) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kTokenCols +
                                               " FROM api_tokens WHERE token_hash = $1 AND "
                                               "revoked_at IS NULL",
                                           {token_hash}));
    if (rows.empty()) return std::optional<ApiTokenRecord>();
    return std::optional<ApiTokenRecord>(ReadToken(RowReader(rows.rows[0])));
}

Status ApiTokenRepository::MarkUsed(Session& s, ApiTokenId id, Timestamp now) {
    return Discard(s.Exec("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
                          {id.value(), TimeValue(now)}));
}

Status ApiTokenRepository::Revoke(Session& s, WorkspaceId ws, ApiTokenId id, Timestamp now) {
    return ExpectOneRow(s.Exec("UPDATE api_tokens SET revoked_at = $3 WHERE workspace_id = $1 "
                               "AND id = $2 AND revoked_at IS NULL",
                               {ws.value(), id.value(), TimeValue(now)}),
                        "api token");
}

Result<InvitationRecord> InvitationRepository::Create(Session& s, WorkspaceId ws,
                                                      const std::string& email, Role role,
                                                      const std::string& token_hash,
                                                      std::optional<UserId> invited_by,
                                                      Timestamp now, Timestamp expires_at) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO invitations (workspace_id, email, role, token_hash, "
                            "invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, "
                            "$7) RETURNING ") +
                    kInvitationCols,
                {ws.value(), email, std::string(RoleName(role)), token_hash,
                 invited_by ? Value(invited_by->value()) : Value(nullptr), TimeValue(now),
                 TimeValue(expires_at)}));
    return ReadInvitation(RowReader(rows.rows.at(0)));
}

Result<std::vector<InvitationRecord>> InvitationRepository::ListPending(Session& s,
                                                                        WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kInvitationCols +
                                               " FROM invitations WHERE workspace_id = $1 AND "
                                               "accepted_at IS NULL ORDER BY id DESC",
                                           {ws.value()}));
    std::vector<InvitationRecord> out;
    for (const auto& row : rows.rows) out.push_back(ReadInvitation(RowReader(row)));
    return out;
}

Status InvitationRepository::Delete(Session& s, WorkspaceId ws, InvitationId id) {
    return ExpectOneRow(s.Exec("DELETE FROM invitations WHERE workspace_id = $1 AND id = $2 AND "
                               "accepted_at IS NULL",
                               {ws.value(), id.value()}),
                        "invitation");
}

Result<std::optional<InvitationRecord>> InvitationRepository::FindPendingByToken(
    Session& s, const std::string& token_hash, Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kInvitationCols +
                                               " FROM invitations WHERE token_hash = $1 AND "
                                               "accepted_at IS NULL AND expires_at > $2",
                                           {token_hash, TimeValue(now)}));
    if (rows.empty()) return std::optional<InvitationRecord>();
    return std::optional<InvitationRecord>(ReadInvitation(RowReader(rows.rows[0])));
}

Status InvitationRepository::MarkAccepted(Session& s, InvitationId id, Timestamp now) {
    return ExpectOneRow(s.Exec("UPDATE invitations SET accepted_at = $2 WHERE id = $1 AND "
                               "accepted_at IS NULL",
                               {id.value(), TimeValue(now)}),
                        "invitation");
}

Status AuditRepository::Append(Session& s, const AuditEntry& e) {
    return Discard(s.Exec(
        "INSERT INTO audit_log (workspace_id, actor_user_id, actor_kind, action, target_type, "
        "target_id, ip, user_agent, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10)",
        {e.workspace_id ? Value(e.workspace_id->value()) : Value(nullptr),
         e.actor_user_id ? Value(e.actor_user_id->value()) : Value(nullptr), e.actor_kind,
         e.action, e.target_type, e.target_id, e.ip, e.user_agent, e.details_json,
         TimeValue(e.created_at)}));
}

Result<Page<AuditEntry>> AuditRepository::List(Session& s, WorkspaceId ws,
                                               const PageRequest& page) {
    const int limit = ClampLimit(page.limit);
    HH_ASSIGN_OR_RETURN(
        auto rows, s.Query(std::string("SELECT ") + kAuditCols +
                               " FROM audit_log WHERE workspace_id = $1 AND id < $2 ORDER BY id "
                               "DESC LIMIT $3",
                           {ws.value(), page.cursor.value_or(INT64_MAX),
                            static_cast<std::int64_t>(limit + 1)}));
    std::vector<AuditEntry> items;
    for (const auto& row : rows.rows) items.push_back(ReadAudit(RowReader(row)));
    return MakePage(std::move(items), limit, [](const AuditEntry& e) { return e.id.value(); });
}

}  // namespace hudhud::storage
