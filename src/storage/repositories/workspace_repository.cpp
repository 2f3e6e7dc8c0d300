#include "storage/repositories/workspace_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::Discard;
using detail::ExpectOneRow;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kWorkspaceCols = "id, name, locale, settings, created_at, updated_at";
constexpr const char* kUserCols =
    "id, email, name, password_hash, locale, created_at, updated_at";

Workspace ReadWorkspace(RowReader r) {
    Workspace w;
    w.id = r.IdOf<WorkspaceId>();
    w.name = r.Text();
    w.locale = r.Text();
    w.settings_json = r.Text();
    w.created_at = r.Time();
    w.updated_at = r.Time();
    return w;
}

User ReadUser(RowReader r) {
    User u;
    u.id = r.IdOf<UserId>();
    u.email = r.Text();
    u.name = r.Text();
    u.password_hash = r.Text();
    u.locale = r.Text();
    u.created_at = r.Time();
    u.updated_at = r.Time();
    return u;
}

Membership ReadMembership(RowReader& r) {
    Membership m;
    m.workspace_id = r.IdOf<WorkspaceId>();
    m.user_id = r.IdOf<UserId>();
    m.role = ParseRole(r.Text()).value_or(Role::kAgent);
    m.availability = ParseAvailability(r.Text()).value_or(Availability::kOffline);
    m.max_open_conversations = static_cast<int>(r.Int());
    m.created_at = r.Time();
    return m;
}


}  // namespace

Result<Workspace> WorkspaceRepository::Create(Session& s, const std::string& name,
                                              const std::string& locale, Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("INSERT INTO workspaces (name, locale, "
                                                       "created_at, updated_at) VALUES ($1, $2, "
                                                       "$3, $3) RETURNING ") +
                                               kWorkspaceCols,
                                           {name, locale, TimeValue(now)}));
    return ReadWorkspace(RowReader(rows.rows.at(0)));
}

Result<Workspace> WorkspaceRepository::Get(Session& s, WorkspaceId id) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(std::string("SELECT ") + kWorkspaceCols +
                                    " FROM workspaces WHERE id = $1",
                                {id.value()}));
    if (rows.empty()) return Error::NotFound("workspace not found");
    return ReadWorkspace(RowReader(rows.rows[0]));
}

Status WorkspaceRepository::Update(Session& s, WorkspaceId id,
                                   const std::optional<std::string>& name,
                                   const std::optional<std::string>& locale, Timestamp now) {
    return ExpectOneRow(
        s.Exec("UPDATE workspaces SET name = COALESCE($2, name), locale = COALESCE($3, locale), "
               "updated_at = $4 WHERE id = $1",
               {id.value(), detail::OptValue(name), detail::OptValue(locale), TimeValue(now)}),
        "workspace");
}

Result<std::int64_t> WorkspaceRepository::Count(Session& s) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT COUNT(*) FROM workspaces"));
    return AsInt(rows.rows.at(0).at(0));
}

Result<User> UserRepository::Create(Session& s, const std::string& email, const std::string& name,
                                    const std::string& password_hash, const std::string& locale,
                                    Timestamp now) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO users (email, name, password_hash, locale, created_at, "
                            "updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING ") +
                    kUserCols,
                {email, name, password_hash, locale, TimeValue(now)}));
    return ReadUser(RowReader(rows.rows.at(0)));
}

Result<std::optional<User>> UserRepository::FindByEmail(Session& s, const std::string& email) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kUserCols +
                                               " FROM users WHERE email = $1",
                                           {email}));
    if (rows.empty()) return std::optional<User>();
    return std::optional<User>(ReadUser(RowReader(rows.rows[0])));
}

Result<User> UserRepository::Get(Session& s, UserId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kUserCols +
                                               " FROM users WHERE id = $1",
                                           {id.value()}));
    if (rows.empty()) return Error::NotFound("user not found");
    return ReadUser(RowReader(rows.rows[0]));
}

Status UserRepository::UpdateProfile(Session& s, UserId id, const std::optional<std::string>& name,
                                     const std::optional<std::string>& locale, Timestamp now) {
    return ExpectOneRow(
        s.Exec("UPDATE users SET name = COALESCE($2, name), locale = COALESCE($3, locale), "
               "updated_at = $4 WHERE id = $1",
               {id.value(), detail::OptValue(name), detail::OptValue(locale), TimeValue(now)}),
        "user");
}

Status UserRepository::UpdatePasswordHash(Session& s, UserId id, const std::string& hash,
                                          Timestamp now) {
    return ExpectOneRow(s.Exec("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                               {id.value(), hash, TimeValue(now)}),
                        "user");
}

Status MembershipRepository::Add(Session& s, WorkspaceId ws, UserId user, Role role,
                                 Timestamp now) {
    auto r = s.Exec(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
        {ws.value(), user.value(), std::string(RoleName(role)), TimeValue(now)});
    if (!r.ok()) return std::move(r).error();
    return Ok();
}

Result<std::optional<Membership>> MembershipRepository::Find(Session& s, WorkspaceId ws,
                                                             UserId user) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT workspace_id, user_id, role, availability, max_open_conversations, "
                "created_at FROM memberships WHERE workspace_id = $1 AND user_id = $2",
                {ws.value(), user.value()}));
    if (rows.empty()) return std::optional<Membership>();
    RowReader r(rows.rows[0]);
    return std::optional<Membership>(ReadMembership(r));
}

Status MembershipRepository::RequireMembers(Session& s, WorkspaceId ws,
                                            const std::vector<UserId>& users) {
    for (UserId u : users) {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM memberships WHERE workspace_id = "
                                               "$1 AND user_id = $2",
                                               {ws.value(), u.value()}));
        if (rows.empty()) {
            return Error::InvalidArgument("user " + u.str() + " is not a member of the workspace");
        }
    }
    return Ok();
}

Result<std::vector<Member>> MembershipRepository::List(Session& s, WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT m.workspace_id, m.user_id, m.role, m.availability, "
                "m.max_open_conversations, m.created_at, u.id, u.email, u.name, u.password_hash, "
                "u.locale, u.created_at, u.updated_at FROM memberships m JOIN users u ON u.id = "
                "m.user_id WHERE m.workspace_id = $1 ORDER BY u.name, u.id",
                {ws.value()}));
    std::vector<Member> out;
    out.reserve(rows.size());
    for (const auto& row : rows.rows) {
        RowReader r(row);
        Member m;
        m.membership = ReadMembership(r);
        m.user = ReadUser(r);
        m.user.password_hash.clear();
        out.push_back(std::move(m));
    }
    return out;
}

Result<std::vector<UserWorkspace>> MembershipRepository::ListForUser(Session& s, UserId user) {
    HH_ASSIGN_OR_RETURN(
        auto rows, s.Query(std::string("SELECT w.id, w.name, w.locale, w.settings, w.created_at, "
                                       "w.updated_at, m.role FROM memberships m JOIN workspaces w "
                                       "ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY "
                                       "w.id"),
                           {user.value()}));
    std::vector<UserWorkspace> out;
    for (const auto& row : rows.rows) {
        RowReader r(row);
        UserWorkspace uw;
        uw.workspace = ReadWorkspace(r);
        uw.role = ParseRole(AsText(row.at(6))).value_or(Role::kAgent);
        out.push_back(std::move(uw));
    }
    return out;
}

Status MembershipRepository::UpdateRole(Session& s, WorkspaceId ws, UserId user, Role role) {
    return ExpectOneRow(
        s.Exec("UPDATE memberships SET role = $3 WHERE workspace_id = $1 AND user_id = $2",
               {ws.value(), user.value(), std::string(RoleName(role))}),
        "member");
}

Status MembershipRepository::UpdateAvailability(Session& s, WorkspaceId ws, UserId user,
                                                Availability a) {
    return ExpectOneRow(
        s.Exec("UPDATE memberships SET availability = $3 WHERE workspace_id = $1 AND user_id = $2",
               {ws.value(), user.value(), std::string(AvailabilityName(a))}),
        "member");
}

Status MembershipRepository::Remove(Session& s, WorkspaceId ws, UserId user) {
    return ExpectOneRow(s.Exec("DELETE FROM memberships WHERE workspace_id = $1 AND user_id = $2",
                               {ws.value(), user.value()}),
                        "member");
}

Result<std::int64_t> MembershipRepository::CountOwners(Session& s, WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner'",
                {ws.value()}));
    return AsInt(rows.rows.at(0).at(0));
}

}  // namespace hudhud::storage
