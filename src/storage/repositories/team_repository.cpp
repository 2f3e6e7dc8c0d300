#include "storage/repositories/team_repository.hpp"

#include "storage/repositories/row.hpp"
#include "storage/repositories/workspace_repository.hpp"

namespace hudhud::storage {
namespace {

using detail::OptValue;
using detail::Discard;
using detail::ExpectOneRow;
using detail::RowReader;
using detail::TimeValue;


Team ReadTeam(RowReader r) {
    Team t;
    t.id = r.IdOf<TeamId>();
    t.workspace_id = r.IdOf<WorkspaceId>();
    t.name = r.Text();
    t.description = r.Text();
    t.created_at = r.Time();
    return t;
}

Label ReadLabel(RowReader r) {
    Label l;
    l.id = r.Int();
    l.workspace_id = r.IdOf<WorkspaceId>();
    l.name = r.Text();
    l.color = r.Text();
    l.description = r.Text();
    return l;
}

Status LoadMembers(Session& s, Team& t) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT user_id FROM team_members WHERE workspace_id "
                                           "= $1 AND team_id = $2 ORDER BY user_id",
                                           {t.workspace_id.value(), t.id.value()}));
    t.member_ids.clear();
    for (const auto& row : rows.rows) t.member_ids.emplace_back(AsInt(row[0]));
    return Ok();
}

}  // namespace

Result<Team> TeamRepository::Create(Session& s, WorkspaceId ws, const std::string& name,
                                    const std::string& description, Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query("INSERT INTO teams (workspace_id, name, description, created_at) "
                                "VALUES ($1, $2, $3, $4) RETURNING id, workspace_id, name, "
                                "description, created_at",
                                {ws.value(), name, description, TimeValue(now)}));
    return ReadTeam(RowReader(rows.rows.at(0)));
}

Result<Team> TeamRepository::Get(Session& s, WorkspaceId ws, TeamId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, workspace_id, name, description, "
                                           "created_at FROM teams WHERE workspace_id = $1 AND "
                                           "id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("team not found");
    Team t = ReadTeam(RowReader(rows.rows[0]));
    HH_RETURN_IF_ERROR(LoadMembers(s, t));
    return t;
}

Result<std::vector<Team>> TeamRepository::List(Session& s, WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, workspace_id, name, description, "
                                           "created_at FROM teams WHERE workspace_id = $1 ORDER "
                                           "BY name, id",
                                           {ws.value()}));
    std::vector<Team> out;
    for (const auto& row : rows.rows) {
        Team t = ReadTeam(RowReader(row));
        HH_RETURN_IF_ERROR(LoadMembers(s, t));
        out.push_back(std::move(t));
    }
    return out;
}

Status TeamRepository::Update(Session& s, WorkspaceId ws, TeamId id,
                              const std::optional<std::string>& name,
                              const std::optional<std::string>& description) {
    return ExpectOneRow(s.Exec("UPDATE teams SET name = COALESCE($3, name), description = "
                               "COALESCE($4, description) WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id.value(), OptValue(name), OptValue(description)}),
                        "team");
}

Status TeamRepository::Delete(Session& s, WorkspaceId ws, TeamId id) {
    return ExpectOneRow(
        s.Exec("DELETE FROM teams WHERE workspace_id = $1 AND id = $2", {ws.value(), id.value()}),
        "team");
}

Status TeamRepository::SetMembers(Session& s, WorkspaceId ws, TeamId id,
                                  const std::vector<UserId>& users) {
    HH_RETURN_IF_ERROR(Get(s, ws, id));
    HH_RETURN_IF_ERROR(MembershipRepository::RequireMembers(s, ws, users));
    auto del = s.Exec("DELETE FROM team_members WHERE workspace_id = $1 AND team_id = $2",
                      {ws.value(), id.value()});
    if (!del.ok()) return std::move(del).error();
    for (UserId u : users) {
        auto ins = s.Exec("INSERT INTO team_members (workspace_id, team_id, user_id) VALUES ($1, "
                          "$2, $3) ON CONFLICT DO NOTHING",
                          {ws.value(), id.value(), u.value()});
        if (!ins.ok()) return std::move(ins).error();
    }
    return Ok();
}

Result<Label> LabelRepository::Create(Session& s, WorkspaceId ws, const std::string& name,
                                      const std::string& color, const std::string& description) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query("INSERT INTO labels (workspace_id, name, color, description) "
                                "VALUES ($1, $2, $3, $4) RETURNING id, workspace_id, name, color, "
                                "description",
                                {ws.value(), name, color, description}));
    return ReadLabel(RowReader(rows.rows.at(0)));
}

Result<Label> LabelRepository::Get(Session& s, WorkspaceId ws, std::int64_t id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, workspace_id, name, color, description "
                                           "FROM labels WHERE workspace_id = $1 AND id = $2",
                                           {ws.value(), id}));
    if (rows.empty()) return Error::NotFound("label not found");
    return ReadLabel(RowReader(rows.rows[0]));
}

Result<std::vector<Label>> LabelRepository::List(Session& s, WorkspaceId ws) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, workspace_id, name, color, description "
                                           "FROM labels WHERE workspace_id = $1 ORDER BY name",
                                           {ws.value()}));
    std::vector<Label> out;
    for (const auto& row : rows.rows) out.push_back(ReadLabel(RowReader(row)));
    return out;
}

Status LabelRepository::Update(Session& s, WorkspaceId ws, std::int64_t id,
                               const std::optional<std::string>& name,
                               const std::optional<std::string>& color,
                               const std::optional<std::string>& description) {
    HH_ASSIGN_OR_RETURN(auto before, Get(s, ws, id));
    HH_RETURN_IF_ERROR(ExpectOneRow(
        s.Exec("UPDATE labels SET name = COALESCE($3, name), color = COALESCE($4, color), "
               "description = COALESCE($5, description) WHERE workspace_id = $1 AND id = $2",
               {ws.value(), id, OptValue(name), OptValue(color), OptValue(description)}),
        "label"));
    // Conversations carry the label by name: a rename follows to every one of them.
    if (name && *name != before.name) {
        HH_RETURN_IF_ERROR(s.Exec("UPDATE conversation_labels SET label = $3 WHERE workspace_id "
                                  "= $1 AND label = $2",
                                  {ws.value(), before.name, *name}));
    }
    return Ok();
}

Status LabelRepository::Delete(Session& s, WorkspaceId ws, std::int64_t id) {
    HH_ASSIGN_OR_RETURN(auto label, Get(s, ws, id));
    HH_RETURN_IF_ERROR(
        s.Exec("DELETE FROM conversation_labels WHERE workspace_id = $1 AND label = $2",
               {ws.value(), label.name}));
    return ExpectOneRow(
        s.Exec("DELETE FROM labels WHERE workspace_id = $1 AND id = $2", {ws.value(), id}),
        "label");
}

}  // namespace hudhud::storage
