#include "storage/repositories/conversation_repository.hpp"

#include "core/phone.hpp"
#include "storage/repositories/row.hpp"
#include "storage/repositories/search_repository.hpp"

namespace hudhud::storage {
namespace {

using detail::Discard;
using detail::ExpectOneRow;
using detail::OptValue;
using detail::RowReader;
using detail::TimeValue;

constexpr const char* kConversationCols =
    "id, workspace_id, inbox_id, contact_id, status, assignee_id, unread_count, last_activity_at, "
    "last_incoming_at, referral, created_at, contact_identity_id, snoozed_until, team_id, priority";
constexpr const char* kMessageCols =
    "id, workspace_id, conversation_id, inbox_id, direction, sender_kind, sender_id, private, "
    "content, content_type, content_attributes, external_id, reply_to_id, status, error_code, "
    "error_message, created_at, updated_at";

ConversationRow ReadConversation(RowReader r) {
    ConversationRow c;
    c.id = r.IdOf<ConversationId>();
    c.workspace_id = r.IdOf<WorkspaceId>();
    c.inbox_id = r.IdOf<InboxId>();
    c.contact_id = r.IdOf<ContactId>();
    c.status = r.Text();
    c.assignee_id = r.OptInt();
    c.unread_count = static_cast<int>(r.Int());
    c.last_activity_at = r.Time();
    c.last_incoming_at = r.OptTime();
    c.referral_json = r.OptText();
    c.created_at = r.Time();
    c.contact_identity_id = r.OptIdOf<ContactIdentityId>();
    c.snoozed_until = r.OptTime();
    c.team_id = r.OptInt();
    c.priority = r.Text();
    return c;
}

Message ReadMessage(RowReader r) {
    Message m;
    m.id = r.IdOf<MessageId>();
    m.workspace_id = r.IdOf<WorkspaceId>();
    m.conversation_id = r.IdOf<ConversationId>();
    m.inbox_id = r.IdOf<InboxId>();
    m.direction = r.Text() == "outgoing" ? MessageDirection::kOutgoing : MessageDirection::kIncoming;
    const std::string kind = r.Text();
    m.sender_kind = kind == "agent"   ? SenderKind::kAgent
                    : kind == "bot"    ? SenderKind::kBot
                    : kind == "system" ? SenderKind::kSystem
                                       : SenderKind::kContact;
    m.sender_id = r.OptInt();
    m.is_private = r.Bool();
    m.content = r.Text();
    m.content_type = r.Text();
    m.content_attributes_json = r.Text();
    m.external_id = r.OptText();
    m.reply_to_id = r.OptIdOf<MessageId>();
    m.status = ParseDeliveryStatus(r.Text()).value_or(DeliveryStatus::kReceived);
    m.error_code = r.OptText();
    m.error_message = r.OptText();
    m.created_at = r.Time();
    m.updated_at = r.Time();
    return m;
}

Result<std::optional<ResolvedContact>> FindIdentity(Session& s, WorkspaceId ws, InboxId inbox,
                                                    const std::string& external_id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT contact_id, id FROM contact_identities WHERE "
                                           "workspace_id = $1 AND inbox_id = $2 AND "
                                           "external_id = $3",
                                           {ws.value(), inbox.value(), external_id}));
    if (rows.empty()) return std::optional<ResolvedContact>();
    return std::optional<ResolvedContact>(
        ResolvedContact{ContactId(AsInt(rows.rows[0][0])),
                        ContactIdentityId(AsInt(rows.rows[0][1])), false});
}

// A WhatsApp identity is the customer's phone number (wa_id: digits without '+'), so a contact
// created from one gets it as phone_e164. Other channels' ids are not numbers, even when digits.
Result<std::optional<std::string>> WhatsAppPhone(Session& s, WorkspaceId ws, InboxId inbox,
                                                 const std::string& external_id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT channel_kind FROM inboxes WHERE "
                                           "workspace_id = $1 AND id = $2",
                                           {ws.value(), inbox.value()}));
    if (rows.empty() || AsText(rows.rows[0][0]) != "whatsapp") return std::optional<std::string>();
    auto e164 = NormalizePhoneE164(external_id);
    // A username-only user's id, or a number libphonenumber does not know: no phone, no error.
    if (!e164.ok()) return std::optional<std::string>();
    return std::optional<std::string>(std::move(e164).value());
}

}  // namespace

Result<ResolvedContact> ConversationRepository::ResolveContact(
    Session& s, WorkspaceId ws, InboxId inbox, const std::string& external_id,
    const std::optional<std::string>& secondary_id, const std::string& profile_name,
    Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto found, FindIdentity(s, ws, inbox, external_id));
    if (found) {
        if (secondary_id) {
            HH_RETURN_IF_ERROR(s.Exec("UPDATE contact_identities SET secondary_id = $2 WHERE id "
                                      "= $1 AND (secondary_id IS NULL OR secondary_id <> $2)",
                                      {found->identity_id.value(), *secondary_id}));
        }
        return *found;
    }
    // The same person may already be known by the platform's secondary id (WhatsApp's
    // business-scoped user id) under an earlier primary id.
    if (secondary_id) {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT contact_id, id FROM contact_identities "
                                               "WHERE workspace_id = $1 AND inbox_id = $2 AND "
                                               "secondary_id = $3",
                                               {ws.value(), inbox.value(), *secondary_id}));
        if (!rows.empty()) {
            ResolvedContact rc{ContactId(AsInt(rows.rows[0][0])),
                               ContactIdentityId(AsInt(rows.rows[0][1])), false};
            HH_RETURN_IF_ERROR(s.Exec("UPDATE contact_identities SET external_id = $2 WHERE id = $1",
                                      {rc.identity_id.value(), external_id}));
            return rc;
        }
    }
    HH_ASSIGN_OR_RETURN(auto phone, WhatsAppPhone(s, ws, inbox, external_id));
    HH_ASSIGN_OR_RETURN(auto contact_rows,
                        s.Query("INSERT INTO contacts (workspace_id, name, created_at, "
                                "updated_at, last_activity_at, phone_e164) VALUES ($1, $2, $3, "
                                "$3, $3, $4) RETURNING id",
                                {ws.value(), profile_name, TimeValue(now), OptValue(phone)}));
    const ContactId contact(AsInt(contact_rows.rows.at(0).at(0)));
    HH_ASSIGN_OR_RETURN(
        auto ident_rows,
        s.Query("INSERT INTO contact_identities (workspace_id, contact_id, inbox_id, external_id, "
                "secondary_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT "
                "(inbox_id, external_id) DO NOTHING RETURNING id",
                {ws.value(), contact.value(), inbox.value(), external_id, OptValue(secondary_id),
                 TimeValue(now)}));
    if (ident_rows.empty()) {
        // Another writer created the identity meanwhile: use theirs, drop our contact.
        HH_RETURN_IF_ERROR(s.Exec("DELETE FROM contacts WHERE id = $1", {contact.value()}));
        HH_ASSIGN_OR_RETURN(auto theirs, FindIdentity(s, ws, inbox, external_id));
        if (!theirs) return Error::Unavailable("contact identity vanished; retry");
        return *theirs;
    }
    HH_RETURN_IF_ERROR(
        SearchRepository::IndexContact(s, ws, contact, {profile_name, {}, phone, {inbox}}));
    return ResolvedContact{contact, ContactIdentityId(AsInt(ident_rows.rows[0][0])), true};
}

Result<IncomingLookup> ConversationRepository::LookupIncoming(
    Session& s, WorkspaceId ws, InboxId inbox, const std::string& sender_external_id,
    const std::string& message_external_id) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("SELECT (SELECT m.id FROM messages m WHERE m.inbox_id = $2 AND m.external_id = $4 "
                "AND m.workspace_id = $1), ci.contact_id, ci.id, ci.secondary_id, c.id, c.status "
                "FROM (SELECT 1 AS one) AS anchor LEFT JOIN contact_identities ci ON "
                "ci.workspace_id = $1 AND ci.inbox_id = $2 AND ci.external_id = $3 LEFT JOIN "
                "conversations c ON c.id = (SELECT c2.id FROM conversations c2 WHERE "
                "c2.workspace_id = $1 AND c2.contact_id = ci.contact_id AND c2.inbox_id = $2 AND "
                "c2.status <> 'resolved' ORDER BY c2.id DESC LIMIT 1)",
                {ws.value(), inbox.value(), sender_external_id, message_external_id}));
    IncomingLookup out;
    if (rows.empty()) return out;
    RowReader r(rows.rows[0]);
    out.existing = r.OptIdOf<MessageId>();
    out.contact = r.OptIdOf<ContactId>();
    out.identity = r.OptIdOf<ContactIdentityId>();
    out.secondary_id = r.OptText();
    out.active_conversation = r.OptIdOf<ConversationId>();
    out.active_status = r.OptText().value_or("");
    return out;
}

Status ConversationRepository::RekeyIdentity(Session& s, WorkspaceId ws, InboxId inbox,
                                             const std::string& old_external_id,
                                             const std::string& new_external_id) {
    HH_ASSIGN_OR_RETURN(auto existing, FindIdentity(s, ws, inbox, new_external_id));
    if (existing) return Ok();  // already known under the new id
    return Discard(s.Exec("UPDATE contact_identities SET external_id = $4 WHERE workspace_id = "
                          "$1 AND inbox_id = $2 AND external_id = $3",
                          {ws.value(), inbox.value(), old_external_id, new_external_id}));
}

Result<std::optional<ContactId>> ConversationRepository::FindContactByIdentity(
    Session& s, WorkspaceId ws, InboxId inbox, const std::string& external_id) {
    HH_ASSIGN_OR_RETURN(auto found, FindIdentity(s, ws, inbox, external_id));
    if (!found) return std::optional<ContactId>();
    return std::optional<ContactId>(found->contact_id);
}

Result<std::optional<ConversationRow>> ConversationRepository::FindActive(Session& s,
                                                                         WorkspaceId ws,
                                                                         InboxId inbox,
                                                                         ContactId contact) {
    HH_ASSIGN_OR_RETURN(
        auto rows, s.Query(std::string("SELECT ") + kConversationCols +
                               " FROM conversations WHERE workspace_id = $1 AND inbox_id = $2 "
                               "AND contact_id = $3 AND status <> 'resolved' ORDER BY id DESC "
                               "LIMIT 1",
                           {ws.value(), inbox.value(), contact.value()}));
    if (rows.empty()) return std::optional<ConversationRow>();
    return std::optional<ConversationRow>(ReadConversation(RowReader(rows.rows[0])));
}

Result<ConversationRow> ConversationRepository::Create(Session& s, WorkspaceId ws, InboxId inbox,
                                                       ContactId contact,
                                                       ContactIdentityId identity,
                                                       const std::optional<std::string>& referral,
                                                       Timestamp now) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string("INSERT INTO conversations (workspace_id, inbox_id, contact_id, "
                            "contact_identity_id, referral, last_activity_at, created_at, "
                            "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $6) RETURNING ") +
                    kConversationCols,
                {ws.value(), inbox.value(), contact.value(), identity.value(), OptValue(referral),
                 TimeValue(now)}));
    return ReadConversation(RowReader(rows.rows.at(0)));
}

Result<ConversationRow> ConversationRepository::Get(Session& s, WorkspaceId ws,
                                                    ConversationId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kConversationCols +
                                               " FROM conversations WHERE workspace_id = $1 AND "
                                               "id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("conversation not found");
    return ReadConversation(RowReader(rows.rows[0]));
}

Result<Page<ConversationRow>> ConversationRepository::List(Session& s, WorkspaceId ws,
                                                           const PageRequest& p) {
    const int limit = ClampLimit(p.limit);
    HH_ASSIGN_OR_RETURN(
        auto rows, s.Query(std::string("SELECT ") + kConversationCols +
                               " FROM conversations WHERE workspace_id = $1 AND id < $2 ORDER BY "
                               "id DESC LIMIT $3",
                           {ws.value(), p.cursor.value_or(INT64_MAX),
                            static_cast<std::int64_t>(limit + 1)}));
    std::vector<ConversationRow> items;
    for (const auto& row : rows.rows) items.push_back(ReadConversation(RowReader(row)));
    return MakePage(std::move(items), limit, [](const ConversationRow& c) { return c.id.value(); });
}

Status ConversationRepository::NoteIncoming(Session& s, WorkspaceId ws, ConversationId id,
                                            Timestamp at) {
    return ExpectOneRow(
        s.Exec("UPDATE conversations SET last_activity_at = CASE WHEN last_activity_at > $3 THEN "
               "last_activity_at ELSE $3 END, last_incoming_at = CASE WHEN last_incoming_at > $3 "
               "THEN last_incoming_at ELSE $3 END, "
               "unread_count = unread_count + 1, updated_at = $3, snoozed_until = CASE WHEN "
               "status = 'snoozed' THEN NULL ELSE snoozed_until END, status = CASE WHEN status "
               "IN ('snoozed', 'pending', 'resolved') THEN 'open' ELSE status END WHERE "
               "workspace_id = $1 AND id = $2",
               {ws.value(), id.value(), TimeValue(at)}),
        "conversation");
}

Result<std::optional<Message>> ConversationRepository::AppendMessageRow(
    Session& s, WorkspaceId ws, ConversationId conversation, InboxId inbox, const NewMessage& m) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query("INSERT INTO messages (workspace_id, conversation_id, inbox_id, direction, "
                "sender_kind, sender_id, private, content, content_type, content_attributes, "
                "external_id, reply_to_id, status, created_at, updated_at) VALUES ($1, $2, $3, "
                "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) ON CONFLICT (inbox_id, "
                "external_id) DO NOTHING RETURNING " + std::string(kMessageCols),
                {ws.value(), conversation.value(), inbox.value(),
                 std::string(DirectionName(m.direction)), std::string(SenderKindName(m.sender_kind)),
                 OptValue(m.sender_id), std::int64_t{m.is_private ? 1 : 0}, m.content,
                 m.content_type, m.content_attributes_json, OptValue(m.external_id),
                 m.reply_to_id ? Value(m.reply_to_id->value()) : Value(nullptr),
                 std::string(DeliveryStatusName(m.status)), TimeValue(m.created_at)}));
    if (rows.empty()) return std::optional<Message>();
    Message stored = ReadMessage(RowReader(rows.rows[0]));
    HH_RETURN_IF_ERROR(SearchRepository::QueueMessage(s, ws, inbox, stored.id, stored.content));
    return std::optional<Message>(std::move(stored));
}

Result<std::optional<MessageId>> ConversationRepository::AppendMessage(
    Session& s, WorkspaceId ws, ConversationId conversation, InboxId inbox, const NewMessage& m) {
    HH_ASSIGN_OR_RETURN(auto row, AppendMessageRow(s, ws, conversation, inbox, m));
    if (!row) return std::optional<MessageId>();
    return std::optional<MessageId>(row->id);
}

Result<std::optional<MessageId>> ConversationRepository::FindMessageByExternalId(
    Session& s, WorkspaceId ws, InboxId inbox, const std::string& external_id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id FROM messages WHERE workspace_id = $1 AND "
                                           "inbox_id = $2 AND external_id = $3",
                                           {ws.value(), inbox.value(), external_id}));
    if (rows.empty()) return std::optional<MessageId>();
    return std::optional<MessageId>(MessageId(AsInt(rows.rows[0][0])));
}

Result<std::optional<MessageId>> ConversationRepository::ApplyDeliveryStatus(
    Session& s, WorkspaceId ws, InboxId inbox, const std::string& external_id,
    DeliveryStatus reported, Timestamp at, const std::optional<std::string>& error_code,
    const std::optional<std::string>& error_message) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT id, status FROM messages WHERE workspace_id = "
                                           "$1 AND inbox_id = $2 AND external_id = $3",
                                           {ws.value(), inbox.value(), external_id}));
    if (rows.empty()) return Error::NotFound("message not found");
    const auto current = ParseDeliveryStatus(AsText(rows.rows[0][1]));
    if (!current || !DeliveryStatusAdvances(*current, reported)) {
        return std::optional<MessageId>();
    }
    const MessageId id(AsInt(rows.rows[0][0]));
    const char* at_column = reported == DeliveryStatus::kSent        ? "sent_at"
                            : reported == DeliveryStatus::kDelivered ? "delivered_at"
                            : reported == DeliveryStatus::kRead      ? "read_at"
                                                                     : "updated_at";
    HH_RETURN_IF_ERROR(s.Exec(
        std::string("UPDATE messages SET status = $2, error_code = $3, error_message = $4, ") +
            at_column + " = $5, updated_at = $5 WHERE id = $1",
        {id.value(), std::string(DeliveryStatusName(reported)), OptValue(error_code),
         OptValue(error_message), TimeValue(at)}));
    return std::optional<MessageId>(id);
}

Result<Message> ConversationRepository::GetMessage(Session& s, WorkspaceId ws, MessageId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query(std::string("SELECT ") + kMessageCols +
                                               " FROM messages WHERE workspace_id = $1 AND id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("message not found");
    return ReadMessage(RowReader(rows.rows[0]));
}

Result<bool> ConversationRepository::MarkOutboundAccepted(Session& s, WorkspaceId ws,
                                                          MessageId id,
                                                          const std::string& external_id,
                                                          Timestamp at) {
    HH_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE messages SET external_id = $3, status = 'sent', "
                                       "sent_at = $4, updated_at = $4, error_code = NULL, "
                                       "error_message = NULL WHERE workspace_id = $1 AND id = $2 "
                                       "AND status = 'pending'",
                                       {ws.value(), id.value(),
                                        external_id.empty() ? Value(nullptr) : Value(external_id),
                                        TimeValue(at)}));
    return n > 0;
}

Status ConversationRepository::SetContentAttributes(Session& s, WorkspaceId ws, MessageId id,
                                                    const std::string& content_attributes_json,
                                                    Timestamp at) {
    return ExpectOneRow(s.Exec("UPDATE messages SET content_attributes = $3, updated_at = $4 "
                               "WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id.value(), content_attributes_json, TimeValue(at)}),
                        "message");
}

Result<bool> ConversationRepository::MarkOutboundFailed(Session& s, WorkspaceId ws, MessageId id,
                                                        const std::string& error_code,
                                                        const std::string& error_message,
                                                        Timestamp at) {
    HH_ASSIGN_OR_RETURN(auto n, s.Exec("UPDATE messages SET status = 'failed', error_code = $3, "
                                       "error_message = $4, updated_at = $5 WHERE workspace_id = "
                                       "$1 AND id = $2 AND status = 'pending'",
                                       {ws.value(), id.value(), error_code, error_message,
                                        TimeValue(at)}));
    return n > 0;
}

Result<IdentityKeys> ConversationRepository::GetIdentity(Session& s, WorkspaceId ws,
                                                         ContactIdentityId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT external_id, secondary_id FROM "
                                           "contact_identities WHERE workspace_id = $1 AND id = $2",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return Error::NotFound("contact identity not found");
    RowReader r(rows.rows[0]);
    IdentityKeys k;
    k.external_id = r.Text();
    k.secondary_id = r.OptText();
    return k;
}

Status ConversationRepository::NoteOutgoing(Session& s, WorkspaceId ws, ConversationId id,
                                            Timestamp at) {
    return ExpectOneRow(s.Exec("UPDATE conversations SET last_activity_at = $3, updated_at = $3 "
                               "WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id.value(), TimeValue(at)}),
                        "conversation");
}

Status ConversationRepository::MarkSeen(Session& s, WorkspaceId ws, ConversationId id,
                                        Timestamp at) {
    return ExpectOneRow(s.Exec("UPDATE conversations SET unread_count = 0, agent_last_seen_at = $3 "
                               "WHERE workspace_id = $1 AND id = $2",
                               {ws.value(), id.value(), TimeValue(at)}),
                        "conversation");
}

Result<std::optional<std::string>> ConversationRepository::LatestIncomingExternalId(
    Session& s, WorkspaceId ws, ConversationId id) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT external_id FROM messages WHERE workspace_id = "
                                           "$1 AND conversation_id = $2 AND direction = "
                                           "'incoming' AND external_id IS NOT NULL AND "
                                           "content_type <> 'reaction' ORDER BY id DESC LIMIT 1",
                                           {ws.value(), id.value()}));
    if (rows.empty()) return std::optional<std::string>();
    return std::optional<std::string>(AsText(rows.rows[0][0]));
}

Result<Page<Message>> ConversationRepository::ListMessages(Session& s, WorkspaceId ws,
                                                           ConversationId id,
                                                           const PageRequest& p) {
    const int limit = ClampLimit(p.limit);
    HH_ASSIGN_OR_RETURN(
        auto rows, s.Query(std::string("SELECT ") + kMessageCols +
                               " FROM messages WHERE workspace_id = $1 AND conversation_id = $2 "
                               "AND id < $3 ORDER BY id DESC LIMIT $4",
                           {ws.value(), id.value(), p.cursor.value_or(INT64_MAX),
                            static_cast<std::int64_t>(limit + 1)}));
    std::vector<Message> items;
    for (const auto& row : rows.rows) items.push_back(ReadMessage(RowReader(row)));
    return MakePage(std::move(items), limit, [](const Message& m) { return m.id.value(); });
}

namespace detail {

const char* ConversationColumns() { return kConversationCols; }
const char* MessageColumns() { return kMessageCols; }
ConversationRow ReadConversationRow(const std::vector<Value>& row) {
    return ReadConversation(RowReader(row));
}
Message ReadMessageRow(const std::vector<Value>& row) { return ReadMessage(RowReader(row)); }

}  // namespace detail

}  // namespace hudhud::storage
