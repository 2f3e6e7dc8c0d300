#include "storage/repositories/webchat_visitor_repository.hpp"

#include "storage/repositories/row.hpp"

namespace hudhud::storage {
namespace {

using detail::OptTimeValue;
using detail::OptValue;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kCols =
    "id, workspace_id, inbox_id, source_id, identifier, hmac_verified, name, email, phone, "
    "consent_text, consent_at, locale, user_agent, referer, created_at, last_seen_at";

WebChatVisitor ReadVisitor(RowReader r) {
    WebChatVisitor v;
    v.id = r.Int();
    v.workspace_id = r.IdOf<WorkspaceId>();
    v.inbox_id = r.IdOf<InboxId>();
    v.source_id = r.Text();
    v.identifier = r.OptText();
    v.hmac_verified = r.Bool();
    v.name = r.OptText();
    v.email = r.OptText();
    v.phone = r.OptText();
    v.consent_text = r.OptText();
    v.consent_at = r.OptTime();
    v.locale = r.OptText();
    v.user_agent = r.Text();
    v.referer = r.Text();
    v.created_at = r.Time();
    v.last_seen_at = r.Time();
    return v;
}

}  // namespace

Result<WebChatVisitor> WebChatVisitorRepository::Create(Session& s, WorkspaceId ws, InboxId inbox,
                                                        const NewWebChatVisitor& v,
                                                        Timestamp now) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO webchat_visitors (workspace_id, inbox_id, source_id, "
                            "locale, user_agent, referer, created_at, last_seen_at) VALUES ($1, "
                            "$2, $3, $4, $5, $6, $7, $7) RETURNING ") +
                    kCols,
                {ws.value(), inbox.value(), v.source_id, OptValue(v.locale), v.user_agent,
                 v.referer, TimeValue(now)}));
    return ReadVisitor(RowReader(rows.rows.at(0)));
}

Result<std::optional<WebChatVisitor>> WebChatVisitorRepository::Find(Session& s, WorkspaceId ws,
                                                                     InboxId inbox,
                                                                     const std::string& source_id) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(std::string("SELECT ") + kCols +
                                    " FROM webchat_visitors WHERE workspace_id = $1 AND "
                                    "inbox_id = $2 AND source_id = $3",
                                {ws.value(), inbox.value(), source_id}));
    if (rows.empty()) return std::optional<WebChatVisitor>();
    return std::optional<WebChatVisitor>(ReadVisitor(RowReader(rows.rows[0])));
}

Status WebChatVisitorRepository::Touch(Session& s, WorkspaceId ws, std::int64_t id,
                                       Timestamp now) {
    return detail::ExpectOneRow(
        s.Exec("UPDATE webchat_visitors SET last_seen_at = $3 WHERE workspace_id = $1 AND id = $2",
               {ws.value(), id, TimeValue(now)}),
        "visitor");
}

Status WebChatVisitorRepository::SetIdentifier(Session& s, WorkspaceId ws, std::int64_t id,
                                               const std::string& identifier, bool verified,
                                               Timestamp now) {
    return detail::ExpectOneRow(
        s.Exec("UPDATE webchat_visitors SET identifier = $3, hmac_verified = $4, last_seen_at = "
               "$5 WHERE workspace_id = $1 AND id = $2",
               {ws.value(), id, identifier, std::int64_t{verified ? 1 : 0}, TimeValue(now)}),
        "visitor");
}

Status WebChatVisitorRepository::UpdateDetails(Session& s, WorkspaceId ws, std::int64_t id,
                                               const WebChatVisitorDetails& d, Timestamp now) {
    return detail::ExpectOneRow(
        s.Exec("UPDATE webchat_visitors SET name = COALESCE($3, name), email = COALESCE($4, "
               "email), phone = COALESCE($5, phone), consent_text = COALESCE($6, consent_text), "
               "consent_at = COALESCE($7, consent_at), locale = COALESCE($8, locale), "
               "last_seen_at = $9 WHERE workspace_id = $1 AND id = $2",
               {ws.value(), id, OptValue(d.name), OptValue(d.email), OptValue(d.phone),
                OptValue(d.consent_text), OptTimeValue(d.consent_at), OptValue(d.locale),
                TimeValue(now)}),
        "visitor");
}

Result<std::vector<ConversationId>> WebChatVisitorRepository::ListConversations(
    Session& s, WorkspaceId ws, InboxId inbox, ContactId contact, int limit) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query("SELECT id FROM conversations WHERE workspace_id = $1 AND "
                                "inbox_id = $2 AND contact_id = $3 ORDER BY id DESC LIMIT $4",
                                {ws.value(), inbox.value(), contact.value(),
                                 static_cast<std::int64_t>(limit)}));
    std::vector<ConversationId> out;
    for (const auto& row : rows.rows) out.emplace_back(AsInt(row[0]));
    return out;
}

Result<std::optional<WebChatVisitorRepository::ConversationIdentity>>
WebChatVisitorRepository::IdentityOfConversation(Session& s, WorkspaceId ws, ConversationId id) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT c.inbox_id, i.external_id FROM conversations c JOIN contact_identities i "
                "ON i.id = c.contact_identity_id AND i.workspace_id = c.workspace_id WHERE "
                "c.workspace_id = $1 AND c.id = $2",
                {ws.value(), id.value()}));
    if (rows.empty()) return std::optional<ConversationIdentity>();
    return std::optional<ConversationIdentity>(
        ConversationIdentity{InboxId(AsInt(rows.rows[0][0])), AsText(rows.rows[0][1])});
}

}  // namespace hudhud::storage
