#include "storage/repositories/search_repository.hpp"

#include <algorithm>
#include <set>

#include "search/tokenizer.hpp"
#include "storage/repositories/contact_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

// Terms live in their workspace's namespace "w<ws>_". Words never contain '_', so the reserved
// kinds below (and every other workspace's namespace) cannot be produced by any text.
std::string Namespace(WorkspaceId ws) { return "w" + std::to_string(ws.value()) + "_"; }
std::string InboxTerm(WorkspaceId ws, InboxId inbox) {
    return Namespace(ws) + "i_" + std::to_string(inbox.value());
}
std::string PhoneTerm(WorkspaceId ws, const std::string& digits) {
    return Namespace(ws) + "p_" + digits;
}

// A document's terms in the backend's input form: FTS5 text, or a tsvector literal of ready
// lexemes (quoted, so nothing parses or normalizes them again).
std::string DocumentText(Dialect d, const std::set<std::string>& terms) {
    std::string out;
    for (const auto& t : terms) {
        if (!out.empty()) out.push_back(' ');
        if (d == Dialect::kSqlite) {
            out += t;
            continue;
        }
        out.push_back('\'');
        for (char c : t) {
            if (c == '\'' || c == '\\') out.push_back(c == '\'' ? '\'' : '\\');
            out.push_back(c);
        }
        out.push_back('\'');
    }
    return out;
}

// A match expression: FTS5 query syntax, or tsquery input.
class MatchBuilder {
  public:
    explicit MatchBuilder(Dialect d) : d_(d) {}

    std::string Lexeme(const std::string& term, bool prefix) const {
        if (d_ == Dialect::kSqlite) {
            std::string out = "\"";
            for (char c : term) {
                if (c == '"') out.push_back('"');
                out.push_back(c);
            }
            return out + (prefix ? "\"*" : "\"");
        }
        std::string out = "'";
        for (char c : term) {
            if (c == '\'' || c == '\\') out.push_back(c == '\'' ? '\'' : '\\');
            out.push_back(c);
        }
        return out + (prefix ? "':*" : "'");
    }
    std::string Any(const std::vector<std::string>& parts) const {
        return Join(parts, d_ == Dialect::kSqlite ? " OR " : " | ");
    }
    std::string All(const std::vector<std::string>& parts) const {
        return Join(parts, d_ == Dialect::kSqlite ? " AND " : " & ");
    }

  private:
    static std::string Join(const std::vector<std::string>& parts, const char* op) {
        if (parts.size() == 1) return parts[0];
        std::string out = "(";
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i > 0) out += op;
            out += parts[i];
        }
        return out + ")";
    }
    Dialect d_;
};

// Every query word, by stem or surface (or as a prefix of a surface); empty when none.
std::string WordsExpression(const MatchBuilder& b, WorkspaceId ws, std::string_view query) {
    std::vector<std::string> groups;
    for (const auto& w : search::QueryWords(query)) {
        std::vector<std::string> alternatives;
        if (w.stem != w.surface) alternatives.push_back(b.Lexeme(Namespace(ws) + w.stem, false));
        alternatives.push_back(b.Lexeme(Namespace(ws) + w.surface, w.prefix));
        groups.push_back(b.Any(alternatives));
    }
    if (groups.empty()) return "";
    return b.All(groups);
}

// The scope's inbox restriction ANDed to `expr`; nullopt when the scope allows no inbox.
std::optional<std::string> Scoped(const MatchBuilder& b, const SearchScope& scope,
                                  std::string expr) {
    if (!scope.inboxes) return expr;
    if (scope.inboxes->empty()) return std::nullopt;
    std::vector<std::string> inboxes;
    for (InboxId id : *scope.inboxes)
        inboxes.push_back(b.Lexeme(InboxTerm(scope.workspace, id), false));
    return b.All({std::move(expr), b.Any(inboxes)});
}

// Newest-first ids straight from the index (FTS5 walks its doclists backwards by rowid; on
// PostgreSQL the GIN lookup), then the rows by primary key, still checked against the tenant.
std::string HitsSql(Dialect d, const char* index, const char* key, const char* table,
                    const std::string& columns) {
    const std::string match =
        d == Dialect::kSqlite
            ? std::string(index) + " MATCH $1 AND rowid < $2 ORDER BY rowid"
            : std::string("terms @@ $1::tsquery AND ") + key + " < $2 ORDER BY " + key;
    const std::string hit = d == Dialect::kSqlite ? "rowid" : key;
    return "SELECT " + columns + " FROM (SELECT " + hit + " AS hit_id FROM " + index + " WHERE " +
           match + " DESC LIMIT $3) hits JOIN " + table + " ON " + table +
           ".id = hits.hit_id WHERE " + table + ".workspace_id = $4 ORDER BY " + table + ".id DESC";
}

Status UpsertText(Session& s, const char* index, const char* key, std::int64_t id,
                  const std::string& text) {
    if (s.dialect() == Dialect::kSqlite) {
        return s.ExecDeferred(
            std::string("INSERT OR REPLACE INTO ") + index + " (rowid, terms) VALUES ($1, $2)",
            {id, text});
    }
    return s.ExecDeferred(std::string("INSERT INTO ") + index + " (" + key +
                              ", terms) VALUES ($1, "
                              "$2::tsvector) ON CONFLICT (" +
                              key + ") DO UPDATE SET terms = EXCLUDED.terms",
                          {id, text});
}

Status Upsert(Session& s, const char* index, const char* key, std::int64_t id,
              const std::set<std::string>& terms) {
    const std::string text = DocumentText(s.dialect(), terms);
    return UpsertText(s, index, key, id, text);
}

Status Remove(Session& s, const char* index, const char* key, std::int64_t id) {
    const std::string column = s.dialect() == Dialect::kSqlite ? "rowid" : key;
    return s.ExecDeferred(std::string("DELETE FROM ") + index + " WHERE " + column + " = $1", {id});
}

}  // namespace

std::string SearchRepository::MessageDocumentText(Dialect d, WorkspaceId ws, InboxId inbox,
                                                  std::string_view text) {
    if (text.empty()) return "";
    std::set<std::string> terms;
    const std::string ns = Namespace(ws);
    for (auto& t : search::IndexTerms(text)) terms.insert(ns + t);
    if (terms.empty()) return "";
    terms.insert(InboxTerm(ws, inbox));
    return DocumentText(d, terms);
}

Status SearchRepository::IndexMessage(Session& s, WorkspaceId ws, InboxId inbox, MessageId id,
                                      std::string_view text) {
    const std::string doc = MessageDocumentText(s.dialect(), ws, inbox, text);
    if (doc.empty()) return Ok();
    return UpsertText(s, "message_search", "message_id", id.value(), doc);
}

Status SearchRepository::QueueMessage(Session& s, WorkspaceId ws, InboxId inbox, MessageId id,
                                      std::string_view text) {
    if (text.empty()) return Ok();
    return s.ExecDeferred("INSERT INTO search_queue (message_id, workspace_id, inbox_id) VALUES "
                          "($1, $2, $3) ON CONFLICT (message_id) DO NOTHING",
                          {id.value(), ws.value(), inbox.value()});
}

Result<std::vector<QueuedMessage>> SearchRepository::ReadQueue(Session& s, int limit) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query("SELECT q.message_id, q.workspace_id, q.inbox_id, m.content FROM "
                                "search_queue q LEFT JOIN messages m ON m.id = q.message_id AND "
                                "m.workspace_id = q.workspace_id ORDER BY q.message_id LIMIT $1",
                                {static_cast<std::int64_t>(limit)}));
    std::vector<QueuedMessage> out;
    out.reserve(rows.size());
    for (const auto& row : rows.rows) {
        detail::RowReader r(row);
        QueuedMessage q;
        q.id = MessageId(r.Int());
        q.workspace = WorkspaceId(r.Int());
        q.inbox = InboxId(r.Int());
        q.content = r.OptText();
        out.push_back(std::move(q));
    }
    return out;
}

Status SearchRepository::StoreQueued(Session& s, const std::vector<MessageDocument>& docs) {
    const bool sqlite = s.dialect() == Dialect::kSqlite;
    for (const auto& d : docs) {
        if (!d.text.empty()) {
            // Only for a message that still exists: one erased meanwhile stays unindexed.
            HH_RETURN_IF_ERROR(s.ExecDeferred(
                sqlite ? "INSERT OR REPLACE INTO message_search (rowid, terms) SELECT $1, $2 "
                         "WHERE EXISTS (SELECT 1 FROM messages WHERE id = $1)"
                       : "INSERT INTO message_search (message_id, terms) SELECT $1, "
                         "$2::tsvector WHERE EXISTS (SELECT 1 FROM messages WHERE id = $1) ON "
                         "CONFLICT (message_id) DO UPDATE SET terms = EXCLUDED.terms",
                {d.id.value(), d.text}));
        }
        HH_RETURN_IF_ERROR(
            s.ExecDeferred("DELETE FROM search_queue WHERE message_id = $1", {d.id.value()}));
    }
    return Ok();
}

Result<int> SearchRepository::IndexQueued(Session& s, int limit) {
    HH_ASSIGN_OR_RETURN(auto queued, ReadQueue(s, limit));
    std::vector<MessageDocument> docs;
    docs.reserve(queued.size());
    for (const auto& q : queued) {
        docs.push_back({q.id, q.content ? MessageDocumentText(s.dialect(), q.workspace, q.inbox,
                                                              *q.content)
                                        : std::string()});
    }
    HH_RETURN_IF_ERROR(StoreQueued(s, docs));
    return static_cast<int>(docs.size());
}

Status SearchRepository::IndexContact(Session& s, WorkspaceId ws, ContactId id,
                                      const ContactSearchFields& f) {
    std::set<std::string> terms;
    const std::string ns = Namespace(ws);
    for (auto& t : search::IndexTerms(f.name)) terms.insert(ns + t);
    if (f.email) {
        for (auto& t : search::IndexTerms(*f.email)) terms.insert(ns + t);
    }
    if (f.phone_e164) {
        for (auto& t : search::PhoneIndexTerms(*f.phone_e164)) terms.insert(PhoneTerm(ws, t));
    }
    if (terms.empty()) return Remove(s, "contact_search", "contact_id", id.value());
    for (InboxId inbox : f.inboxes) terms.insert(InboxTerm(ws, inbox));
    return Upsert(s, "contact_search", "contact_id", id.value(), terms);
}

Status SearchRepository::ReindexContact(Session& s, WorkspaceId ws, ContactId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT name, email, phone_e164 FROM contacts WHERE "
                                           "workspace_id = $1 AND id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("contact not found");
    detail::RowReader r(rows.rows[0]);
    ContactSearchFields f;
    f.name = r.Text();
    f.email = r.OptText();
    f.phone_e164 = r.OptText();
    HH_ASSIGN_OR_RETURN(auto inboxes,
                        s.Query("SELECT DISTINCT inbox_id FROM contact_identities WHERE "
                                "workspace_id = $1 AND contact_id = $2 ORDER BY inbox_id",
                                {ws.value(), id.value()}));
    for (const auto& row : inboxes.rows) f.inboxes.emplace_back(AsInt(row[0]));
    return IndexContact(s, ws, id, f);
}

Status SearchRepository::RemoveMessage(Session& s, WorkspaceId ws, MessageId id) {
    // The index row has no workspace column: check the message is the caller's first.
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM messages WHERE workspace_id = $1 AND "
                                           "id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Ok();
    return Remove(s, "message_search", "message_id", id.value());
}

Status SearchRepository::RemoveContact(Session& s, WorkspaceId ws, ContactId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM contacts WHERE workspace_id = $1 AND "
                                           "id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Ok();
    return Remove(s, "contact_search", "contact_id", id.value());
}

Result<Page<Message>> SearchRepository::SearchMessages(Session& s, const SearchScope& scope,
                                                       std::string_view query,
                                                       const PageRequest& page) {
    const int limit = ClampLimit(page.limit);
    const MatchBuilder b(s.dialect());
    std::string words = WordsExpression(b, scope.workspace, query);
    if (words.empty()) return Page<Message>{};
    auto match = Scoped(b, scope, std::move(words));
    if (!match) return Page<Message>{};
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(HitsSql(s.dialect(), "message_search", "message_id", "messages",
                                        detail::MessageColumns()),
                                {*match, page.cursor.value_or(INT64_MAX),
                                 static_cast<std::int64_t>(limit + 1), scope.workspace.value()}));
    std::vector<Message> items;
    for (const auto& row : rows.rows) items.push_back(detail::ReadMessageRow(row));
    return MakePage(std::move(items), limit, [](const Message& m) { return m.id.value(); });
}

Result<Page<Contact>> SearchRepository::SearchContacts(Session& s, const SearchScope& scope,
                                                       std::string_view query,
                                                       const PageRequest& page) {
    const int limit = ClampLimit(page.limit);
    const MatchBuilder b(s.dialect());
    std::vector<std::string> either;
    std::string words = WordsExpression(b, scope.workspace, query);
    if (!words.empty()) either.push_back(std::move(words));
    if (auto digits = search::PhoneQuery(query)) {
        either.push_back(b.Lexeme(PhoneTerm(scope.workspace, *digits), true));
    }
    if (either.empty()) return Page<Contact>{};
    auto match = Scoped(b, scope, b.Any(either));
    if (!match) return Page<Contact>{};
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(HitsSql(s.dialect(), "contact_search", "contact_id", "contacts",
                                        detail::ContactColumns()),
                                {*match, page.cursor.value_or(INT64_MAX),
                                 static_cast<std::int64_t>(limit + 1), scope.workspace.value()}));
    std::vector<Contact> items;
    for (const auto& row : rows.rows) items.push_back(detail::ReadContactRow(row));
    return MakePage(std::move(items), limit, [](const Contact& c) { return c.id.value(); });
}

Result<bool> SearchRepository::BackfillStep(Session& s, int batch) {
    const char* lock = s.dialect() == Dialect::kPostgres ? " FOR UPDATE" : "";
    HH_ASSIGN_OR_RETURN(auto pending, s.Query(std::string("SELECT kind, last_id, until_id FROM "
                                                          "search_backfill ORDER BY kind LIMIT 1") +
                                              lock));
    if (pending.empty()) return true;
    detail::RowReader r(pending.rows[0]);
    const std::string kind = r.Text();
    const std::int64_t last = r.Int();
    const std::int64_t until = r.Int();
    std::int64_t reached = last;
    std::size_t seen = 0;
    if (kind == "messages") {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, workspace_id, inbox_id, content FROM "
                                               "messages WHERE id > $1 AND id <= $2 ORDER BY id "
                                               "LIMIT $3",
                                               {last, until, std::int64_t{batch}}));
        seen = rows.size();
        for (const auto& row : rows.rows) {
            detail::RowReader m(row);
            const MessageId id = m.IdOf<MessageId>();
            const WorkspaceId ws = m.IdOf<WorkspaceId>();
            const InboxId inbox = m.IdOf<InboxId>();
            HH_RETURN_IF_ERROR(IndexMessage(s, ws, inbox, id, m.Text()));
            reached = id.value();
        }
    } else if (kind == "contacts") {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, workspace_id FROM contacts WHERE id > "
                                               "$1 AND id <= $2 ORDER BY id LIMIT $3",
                                               {last, until, std::int64_t{batch}}));
        seen = rows.size();
        for (const auto& row : rows.rows) {
            const ContactId id(AsInt(row[0]));
            HH_RETURN_IF_ERROR(ReindexContact(s, WorkspaceId(AsInt(row[1])), id));
            reached = id.value();
        }
    }
    if (seen < static_cast<std::size_t>(batch) || reached >= until) {
        HH_RETURN_IF_ERROR(s.Exec("DELETE FROM search_backfill WHERE kind = $1", {kind}));
    } else {
        HH_RETURN_IF_ERROR(
            s.Exec("UPDATE search_backfill SET last_id = $2 WHERE kind = $1", {kind, reached}));
    }
    return false;
}

}  // namespace hudhud::storage
