#include "storage/repositories/inbox_member_repository.hpp"

#include "storage/repositories/row.hpp"
#include "storage/repositories/workspace_repository.hpp"

namespace hudhud::storage {

using detail::Discard;

namespace {

// The ids a one-column query returned, in its order.
template <typename IdT>
Result<std::vector<IdT>> IdsOf(Session& s, std::string_view sql, const Params& params) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    std::vector<IdT> out;
    out.reserve(rows.rows.size());
    for (const auto& row : rows.rows) out.emplace_back(AsInt(row[0]));
    return out;
}

}  // namespace

Result<std::vector<UserId>> InboxMemberRepository::List(Session& s, WorkspaceId ws,
                                                        InboxId inbox) {
    return IdsOf<UserId>(s, "SELECT user_id FROM inbox_members WHERE workspace_id = $1 AND "
                            "inbox_id = $2 ORDER BY user_id",
                         {ws.value(), inbox.value()});
}

Status InboxMemberRepository::Set(Session& s, WorkspaceId ws, InboxId inbox,
                                  const std::vector<UserId>& users) {
    HH_RETURN_IF_ERROR(MembershipRepository::RequireMembers(s, ws, users));
    HH_RETURN_IF_ERROR(Discard(s.Exec("DELETE FROM inbox_members WHERE workspace_id = $1 AND "
                                      "inbox_id = $2",
                                      {ws.value(), inbox.value()})));
    for (UserId u : users) {
        HH_RETURN_IF_ERROR(Discard(s.Exec("INSERT INTO inbox_members (workspace_id, inbox_id, "
                                          "user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                                          {ws.value(), inbox.value(), u.value()})));
    }
    return Ok();
}

Result<std::vector<InboxId>> InboxMemberRepository::InboxesOf(Session& s, WorkspaceId ws,
                                                              UserId user) {
    return IdsOf<InboxId>(s, "SELECT inbox_id FROM inbox_members WHERE workspace_id = $1 AND "
                             "user_id = $2 ORDER BY inbox_id",
                          {ws.value(), user.value()});
}

Result<std::vector<UserId>> InboxMemberRepository::Audience(Session& s, WorkspaceId ws,
                                                            InboxId inbox) {
    return IdsOf<UserId>(s, "SELECT user_id FROM inbox_members WHERE workspace_id = $1 AND "
                            "inbox_id = $2 UNION SELECT user_id FROM memberships WHERE "
                            "workspace_id = $1 AND role IN ('owner', 'admin') ORDER BY 1",
                         {ws.value(), inbox.value()});
}

Result<std::vector<UserId>> InboxMemberRepository::Online(Session& s, WorkspaceId ws,
                                                          InboxId inbox) {
    return IdsOf<UserId>(s, "SELECT im.user_id FROM inbox_members im JOIN memberships m ON "
                            "m.workspace_id = im.workspace_id AND m.user_id = im.user_id WHERE "
                            "im.workspace_id = $1 AND im.inbox_id = $2 AND m.availability = "
                            "'online' ORDER BY im.user_id",
                         {ws.value(), inbox.value()});
}

Result<std::map<std::int64_t, std::int64_t>> InboxMemberRepository::OpenCounts(
    Session& s, WorkspaceId ws, const std::vector<UserId>& users) {
    std::map<std::int64_t, std::int64_t> out;
    // One index range (conversations_assignee) per agent.
    for (UserId u : users) {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT COUNT(*) FROM conversations WHERE "
                                               "workspace_id = $1 AND assignee_id = $2 AND "
                                               "status = 'open'",
                                               {ws.value(), u.value()}));
        out[u.value()] = AsInt(rows.rows.at(0).at(0));
    }
    return out;
}

Result<std::int64_t> InboxMemberRepository::LockRotation(Session& s, WorkspaceId ws,
                                                         InboxId inbox) {
    // The no-op update on conflict takes the row lock that SELECT alone would not.
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query("INSERT INTO inbox_assignment_state (inbox_id, workspace_id, "
                                "last_user_id) VALUES ($1, $2, 0) ON CONFLICT (inbox_id) DO "
                                "UPDATE SET last_user_id = inbox_assignment_state.last_user_id "
                                "RETURNING last_user_id, workspace_id",
                                {inbox.value(), ws.value()}));
    if (AsInt(rows.rows.at(0).at(1)) != ws.value()) {
        return Error::NotFound("inbox not found");
    }
    return AsInt(rows.rows.at(0).at(0));
}

Status InboxMemberRepository::SetRotation(Session& s, WorkspaceId ws, InboxId inbox,
                                          UserId last) {
    return Discard(s.Exec("UPDATE inbox_assignment_state SET last_user_id = $3 WHERE "
                          "workspace_id = $1 AND inbox_id = $2",
                          {ws.value(), inbox.value(), last.value()}));
}

}  // namespace hudhud::storage
