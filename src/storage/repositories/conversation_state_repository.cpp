#include "storage/repositories/conversation_state_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {

using detail::Discard;
using detail::ExpectOneRow;
using detail::TimeValue;

Status ConversationStateRepository::Apply(Session& s, WorkspaceId ws, ConversationId id,
                                          const ConversationChange& c, Timestamp now) {
    Params params{ws.value(), id.value(), TimeValue(now)};
    auto add = [&](Value v) {
        params.push_back(std::move(v));
        return "$" + std::to_string(params.size());
    };
    std::string set = "updated_at = $3";
    if (c.status) {
        set += ", status = " + add(*c.status);
        set += ", snoozed_until = " +
               (c.snoozed_until ? add(TimeValue(*c.snoozed_until)) : std::string("NULL"));
    }
    if (c.assignee) set += ", assignee_id = " + (*c.assignee ? add(**c.assignee) : "NULL");
    if (c.team) set += ", team_id = " + (*c.team ? add(**c.team) : "NULL");
    if (c.priority) set += ", priority = " + add(*c.priority);
    return ExpectOneRow(s.Exec("UPDATE conversations SET " + set +
                                   " WHERE workspace_id = $1 AND id = $2",
                               params),
                        "conversation");
}

Result<bool> ConversationStateRepository::Unsnooze(Session& s, WorkspaceId ws, ConversationId id,
                                                   Timestamp until, Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE conversations SET status = 'open', snoozed_until "
                                       "= NULL, updated_at = $4 WHERE workspace_id = $1 AND id = "
                                       "$2 AND status = 'snoozed' AND snoozed_until = $3",
                                       {ws.value(), id.value(), TimeValue(until), TimeValue(now)}));
    return n > 0;
}

Status ConversationStateRepository::AddLabels(Session& s, WorkspaceId ws, ConversationId id,
                                              const std::vector<std::string>& names) {
    for (const auto& name : names) {
        HH_RETURN_IF_ERROR(Discard(s.Exec("INSERT INTO conversation_labels (workspace_id, "
                                          "conversation_id, label) VALUES ($1, $2, $3) ON "
                                          "CONFLICT DO NOTHING",
                                          {ws.value(), id.value(), name})));
    }
    return Ok();
}

Status ConversationStateRepository::RemoveLabel(Session& s, WorkspaceId ws, ConversationId id,
                                                const std::string& name) {
    return Discard(s.Exec("DELETE FROM conversation_labels WHERE workspace_id = $1 AND "
                          "conversation_id = $2 AND label = $3",
                          {ws.value(), id.value(), name}));
}

Result<std::vector<std::string>> ConversationStateRepository::UnknownLabels(
    Session& s, WorkspaceId ws, const std::vector<std::string>& names) {
    std::vector<std::string> unknown;
    for (const auto& name : names) {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM labels WHERE workspace_id = $1 AND "
                                               "name = $2",
                                               {ws.value(), name}));
        if (rows.empty()) unknown.push_back(name);
    }
    return unknown;
}

}  // namespace hudhud::storage
