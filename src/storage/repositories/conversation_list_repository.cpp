#include "storage/repositories/conversation_list_repository.hpp"

#include <algorithm>

#include "storage/repositories/page.hpp"
#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::ConversationColumns;
using detail::MessageColumns;
using detail::ReadConversationRow;
using detail::ReadMessageRow;
using detail::TimeValue;

constexpr const char* kStatuses[] = {"open", "pending", "snoozed", "resolved"};

// "a, b" -> "m.a, m.b"
std::string Qualify(const char* columns, const std::string& alias) {
    std::string out;
    std::string col;
    auto flush = [&] {
        if (col.empty()) return;
        if (!out.empty()) out += ", ";
        out += alias + "." + col;
        col.clear();
    };
    for (const char* p = columns; *p != '\0'; ++p) {
        if (*p == ',') {
            flush();
        } else if (*p != ' ') {
            col += *p;
        }
    }
    flush();
    return out;
}

std::size_t CountColumns(const char* columns) {
    const std::string_view v(columns);
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), ',')) + 1;
}

class ParamList {
public:
    explicit ParamList(Params& p) : p_(p) {}
    std::string Add(Value v) {
        p_.push_back(std::move(v));
        return "$" + std::to_string(p_.size());
    }

private:
    Params& p_;
};

}  // namespace

std::string ConversationListRepository::ListSql(WorkspaceId ws, const ConversationFilter& f,
                                                const std::optional<ConversationCursor>& after,
                                                int limit, Params& params) {
    params.clear();
    ParamList p(params);
    const std::string ws_p = p.Add(ws.value());
    const std::string limit_p = p.Add(static_cast<std::int64_t>(limit));
    // The filters every branch shares, in index order first: equality on the leading columns
    // of the chosen index, then the keyset range, then plain filters.
    std::string lead;
    if (f.assignee) lead += " AND assignee_id = " + p.Add(*f.assignee);
    if (f.unassigned) lead += " AND assignee_id IS NULL";
    // The inboxes that lead a branch each: the one asked for, or every visible inbox when the
    // assignee index does not lead (with it, visibility is a plain filter).
    std::vector<std::optional<InboxId>> inboxes{std::nullopt};
    std::string visible_filter;
    if (f.inbox) {
        inboxes = {*f.inbox};
    } else if (f.visible_inboxes && !f.assignee && !f.unassigned) {
        inboxes.assign(f.visible_inboxes->begin(), f.visible_inboxes->end());
    } else if (f.visible_inboxes) {
        visible_filter = " AND inbox_id IN (";
        for (std::size_t i = 0; i < f.visible_inboxes->size(); ++i) {
            if (i > 0) visible_filter += ", ";
            visible_filter += p.Add((*f.visible_inboxes)[i].value());
        }
        visible_filter += f.visible_inboxes->empty() ? "NULL)" : ")";
    }
    if (inboxes.empty()) inboxes = {InboxId(0)};  // no visible inbox: a branch matching nothing
    std::string rest = visible_filter;
    if (after) {
        const std::string la = p.Add(TimeValue(after->last_activity_at));
        const std::string id = p.Add(after->id.value());
        rest += " AND last_activity_at <= " + la + " AND (last_activity_at < " + la +
                " OR id < " + id + ")";
    }
    if (f.team) rest += " AND team_id = " + p.Add(*f.team);
    if (f.priority) rest += " AND priority = " + p.Add(*f.priority);
    if (f.unread_only) rest += " AND unread_count > 0";
    if (f.label) {
        rest += " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = "
                "conversations.id AND cl.label = " +
                p.Add(*f.label) + ")";
    }

    std::vector<std::string> statuses = f.statuses;
    // Without an assignee or inbox, "every status" is the whole conversations_list index.
    const bool status_leads = f.assignee || f.unassigned || inboxes.front().has_value();
    if (statuses.empty() && status_leads) {
        statuses.assign(std::begin(kStatuses), std::end(kStatuses));
    }
    std::vector<std::string> status_params;
    for (const auto& st : statuses) status_params.push_back(p.Add(st));
    std::vector<std::string> inbox_params;
    for (const auto& i : inboxes) inbox_params.push_back(i ? p.Add(i->value()) : "");

    const std::string cols = ConversationColumns();
    auto branch = [&](const std::string& inbox_p, const std::string& status_p) {
        std::string sql = "SELECT " + cols + " FROM conversations WHERE workspace_id = " + ws_p +
                          lead;
        if (!inbox_p.empty()) sql += " AND inbox_id = " + inbox_p;
        if (!status_p.empty()) sql += " AND status = " + status_p;
        sql += rest + " ORDER BY last_activity_at DESC, id DESC LIMIT " + limit_p;
        return sql;
    };
    std::vector<std::string> branches;
    for (const auto& ip : inbox_params) {
        if (status_params.empty()) {
            branches.push_back(branch(ip, ""));
        } else {
            for (const auto& sp : status_params) branches.push_back(branch(ip, sp));
        }
    }
    std::string source;
    if (branches.size() == 1) {
        source = "(" + branches[0] + ") AS c";
    } else {
        source = "(";
        for (std::size_t i = 0; i < branches.size(); ++i) {
            if (i > 0) source += " UNION ALL ";
            source += "SELECT * FROM (" + branches[i] + ") AS b" + std::to_string(i);
        }
        // Merged and cut to the page before the joins, so the lookups below run once per row.
        source += " ORDER BY last_activity_at DESC, id DESC LIMIT " + limit_p + ") AS c";
    }
    return "SELECT " + Qualify(ConversationColumns(), "c") +
           ", ct.name, i.channel_kind, " + Qualify(MessageColumns(), "m") + " FROM " + source +
           " JOIN contacts ct ON ct.id = c.contact_id JOIN inboxes i ON i.id = c.inbox_id LEFT "
           "JOIN messages m ON m.id = (SELECT m2.id FROM messages m2 WHERE m2.workspace_id = " +
           ws_p +
           " AND m2.conversation_id = c.id ORDER BY m2.id DESC LIMIT 1) ORDER BY "
           "c.last_activity_at DESC, c.id DESC LIMIT " +
           limit_p;
}

Result<ConversationListPage> ConversationListRepository::List(
    Session& s, WorkspaceId ws, const ConversationFilter& f,
    const std::optional<ConversationCursor>& after, int limit) {
    limit = ClampLimit(limit);
    Params params;
    // One row more than the page tells whether another page follows.
    const std::string sql = ListSql(ws, f, after, limit + 1, params);
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    const std::size_t nconv = CountColumns(ConversationColumns());
    const std::size_t nmsg = CountColumns(MessageColumns());
    ConversationListPage page;
    for (const auto& row : rows.rows) {
        ConversationListItem item;
        std::vector<Value> conv(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(nconv));
        item.conversation = ReadConversationRow(conv);
        item.contact_name = AsText(row.at(nconv));
        item.channel_kind = AsText(row.at(nconv + 1));
        if (!IsNull(row.at(nconv + 2))) {
            std::vector<Value> msg(row.begin() + static_cast<std::ptrdiff_t>(nconv + 2),
                                   row.begin() + static_cast<std::ptrdiff_t>(nconv + 2 + nmsg));
            item.last_message = ReadMessageRow(msg);
        }
        page.items.push_back(std::move(item));
    }
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        const auto& last = page.items.back().conversation;
        page.next = ConversationCursor{last.last_activity_at, last.id};
    }
    std::vector<ConversationId> ids;
    for (const auto& item : page.items) ids.push_back(item.conversation.id);
    HH_ASSIGN_OR_RETURN(auto labels, LabelsOf(s, ws, ids));
    for (auto& item : page.items) {
        auto it = labels.find(item.conversation.id.value());
        if (it != labels.end()) item.conversation.labels = it->second;
    }
    return page;
}

Result<std::map<std::int64_t, std::vector<std::string>>> ConversationListRepository::LabelsOf(
    Session& s, WorkspaceId ws, const std::vector<ConversationId>& ids) {
    std::map<std::int64_t, std::vector<std::string>> out;
    if (ids.empty()) return out;
    Params params;
    params.reserve(ids.size() + 1);
    params.emplace_back(std::int64_t{ws.value()});
    std::string in;
    for (auto id : ids) {
        params.emplace_back(std::int64_t{id.value()});
        if (!in.empty()) in += ", ";
        in += "$" + std::to_string(params.size());
    }
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT conversation_id, label FROM "
                                           "conversation_labels WHERE workspace_id = $1 AND "
                                           "conversation_id IN (" + in +
                                               ") ORDER BY conversation_id, label",
                                           params));
    for (const auto& row : rows.rows) out[AsInt(row[0])].push_back(AsText(row[1]));
    return out;
}

Result<ConversationRow> ConversationListRepository::GetWithLabels(Session& s, WorkspaceId ws,
                                                                  ConversationId id) {
    HH_ASSIGN_OR_RETURN(auto c, ConversationRepository::Get(s, ws, id));
    HH_ASSIGN_OR_RETURN(auto labels, LabelsOf(s, ws, {id}));
    if (auto it = labels.find(id.value()); it != labels.end()) c.labels = it->second;
    return c;
}

Result<ConversationCounts> ConversationListRepository::Counts(
    Session& s, WorkspaceId ws, UserId me, const std::optional<std::vector<InboxId>>& visible) {
    ConversationCounts out;
    for (const char* st : kStatuses) out.by_status[st] = 0;
    // An agent's scope: " AND <column> IN (...)" over the visible inboxes, numbered after the
    // query's `fixed` parameters, which come first in `params`.
    auto scoped = [&](const char* column, Params params) -> std::pair<std::string, Params> {
        if (!visible) return {"", std::move(params)};
        if (visible->empty()) return {std::string(" AND ") + column + " IN (NULL)", params};
        std::string sql = std::string(" AND ") + column + " IN (";
        for (std::size_t i = 0; i < visible->size(); ++i) {
            params.emplace_back((*visible)[i].value());
            if (i > 0) sql += ", ";
            sql += "$" + std::to_string(params.size());
        }
        return {sql + ")", std::move(params)};
    };
    auto [status_scope, status_params] = scoped("inbox_id", {ws.value()});
    HH_ASSIGN_OR_RETURN(auto by_status,
                        s.Query("SELECT status, COUNT(*) FROM conversations WHERE workspace_id = "
                                "$1" + status_scope + " GROUP BY status",
                                status_params));
    for (const auto& row : by_status.rows) out.by_status[AsText(row[0])] = AsInt(row[1]);
    auto [inbox_scope, inbox_params] = scoped("i.id", {ws.value()});
    HH_ASSIGN_OR_RETURN(
        auto by_inbox,
        s.Query("SELECT i.id, (SELECT COUNT(*) FROM conversations c WHERE c.workspace_id = $1 "
                "AND c.inbox_id = i.id AND c.status IN ('open', 'pending') AND c.unread_count > "
                "0) FROM inboxes i WHERE i.workspace_id = $1" + inbox_scope + " ORDER BY i.id",
                inbox_params));
    for (const auto& row : by_inbox.rows) out.unread_by_inbox[AsInt(row[0])] = AsInt(row[1]);
    auto [mine_scope, mine_params] = scoped("inbox_id", {ws.value(), me.value()});
    HH_ASSIGN_OR_RETURN(
        auto mine,
        s.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN unread_count > 0 THEN 1 ELSE 0 END), 0) "
                "FROM conversations WHERE workspace_id = $1 AND assignee_id = $2 AND status = "
                "'open'" + mine_scope,
                mine_params));
    out.mine = AsInt(mine.rows.at(0).at(0));
    out.mine_unread = AsInt(mine.rows.at(0).at(1));
    auto [nobody_scope, nobody_params] = scoped("inbox_id", {ws.value()});
    HH_ASSIGN_OR_RETURN(
        auto nobody,
        s.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN unread_count > 0 THEN 1 ELSE 0 END), 0) "
                "FROM conversations WHERE workspace_id = $1 AND assignee_id IS NULL AND status = "
                "'open'" + nobody_scope,
                nobody_params));
    out.unassigned = AsInt(nobody.rows.at(0).at(0));
    out.unassigned_unread = AsInt(nobody.rows.at(0).at(1));
    return out;
}

}  // namespace hudhud::storage
