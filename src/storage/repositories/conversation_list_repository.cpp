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
    if (f.inbox) lead += " AND inbox_id = " + p.Add(f.inbox->value());
    std::string rest;
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
    const bool status_leads = f.assignee || f.unassigned || f.inbox;
    if (statuses.empty() && status_leads) {
        statuses.assign(std::begin(kStatuses), std::end(kStatuses));
    }

    const std::string cols = ConversationColumns();
    auto branch = [&](const std::optional<std::string>& status) {
        std::string sql = "SELECT " + cols + " FROM conversations WHERE workspace_id = " + ws_p +
                          lead;
        if (status) sql += " AND status = " + p.Add(*status);
        sql += rest + " ORDER BY last_activity_at DESC, id DESC LIMIT " + limit_p;
        return sql;
    };
    std::string source;
    if (statuses.size() <= 1) {
        source = "(" + branch(statuses.empty() ? std::nullopt
                                               : std::optional<std::string>(statuses[0])) +
                 ") AS c";
    } else {
        source = "(";
        for (std::size_t i = 0; i < statuses.size(); ++i) {
            if (i > 0) source += " UNION ALL ";
            source += "SELECT * FROM (" + branch(statuses[i]) + ") AS b" + std::to_string(i);
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

Result<ConversationCounts> ConversationListRepository::Counts(Session& s, WorkspaceId ws,
                                                              UserId me) {
    ConversationCounts out;
    for (const char* st : kStatuses) out.by_status[st] = 0;
    HH_ASSIGN_OR_RETURN(auto by_status, s.Query("SELECT status, COUNT(*) FROM conversations WHERE "
                                                "workspace_id = $1 GROUP BY status",
                                                {ws.value()}));
    for (const auto& row : by_status.rows) out.by_status[AsText(row[0])] = AsInt(row[1]);
    HH_ASSIGN_OR_RETURN(
        auto by_inbox,
        s.Query("SELECT i.id, (SELECT COUNT(*) FROM conversations c WHERE c.workspace_id = $1 "
                "AND c.inbox_id = i.id AND c.status IN ('open', 'pending') AND c.unread_count > "
                "0) FROM inboxes i WHERE i.workspace_id = $1 ORDER BY i.id",
                {ws.value()}));
    for (const auto& row : by_inbox.rows) out.unread_by_inbox[AsInt(row[0])] = AsInt(row[1]);
    HH_ASSIGN_OR_RETURN(
        auto mine,
        s.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN unread_count > 0 THEN 1 ELSE 0 END), 0) "
                "FROM conversations WHERE workspace_id = $1 AND assignee_id = $2 AND status = "
                "'open'",
                {ws.value(), me.value()}));
    out.mine = AsInt(mine.rows.at(0).at(0));
    out.mine_unread = AsInt(mine.rows.at(0).at(1));
    HH_ASSIGN_OR_RETURN(
        auto nobody,
        s.Query("SELECT COUNT(*), COALESCE(SUM(CASE WHEN unread_count > 0 THEN 1 ELSE 0 END), 0) "
                "FROM conversations WHERE workspace_id = $1 AND assignee_id IS NULL AND status = "
                "'open'",
                {ws.value()}));
    out.unassigned = AsInt(nobody.rows.at(0).at(0));
    out.unassigned_unread = AsInt(nobody.rows.at(0).at(1));
    return out;
}

}  // namespace hudhud::storage
