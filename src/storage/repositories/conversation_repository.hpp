#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "storage/repositories/page.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// The person behind a platform id on one inbox, found or created.
struct ResolvedContact {
    ContactId contact_id;
    ContactIdentityId identity_id;
    bool created = false;
};

struct ConversationRow {
    ConversationId id;
    WorkspaceId workspace_id;
    InboxId inbox_id;
    ContactId contact_id;
    std::string status;
    std::optional<std::int64_t> assignee_id;
    int unread_count = 0;
    Timestamp last_activity_at;
    std::optional<Timestamp> last_incoming_at;
    std::optional<std::string> referral_json;
    Timestamp created_at;
    std::optional<ContactIdentityId> contact_identity_id;  // the platform id replies go to
    std::optional<Timestamp> snoozed_until;
    std::optional<std::int64_t> team_id;
    std::string priority = "none";
    // Label names, sorted; filled only by the readers that say so (ConversationListRepository).
    std::vector<std::string> labels;
};

// How the platform knows the person behind a contact identity.
struct IdentityKeys {
    std::string external_id;
    std::optional<std::string> secondary_id;
};

struct NewMessage {
    MessageDirection direction = MessageDirection::kIncoming;
    SenderKind sender_kind = SenderKind::kContact;
    std::optional<std::int64_t> sender_id;
    bool is_private = false;
    std::string content;
    std::string content_type = "text";
    std::string content_attributes_json = "{}";
    std::optional<std::string> external_id;
    std::optional<MessageId> reply_to_id;
    DeliveryStatus status = DeliveryStatus::kReceived;
    Timestamp created_at;
};

// What one query tells about an incoming message before it is stored (see LookupIncoming).
struct IncomingLookup {
    std::optional<MessageId> existing;  // the message is already stored (a platform retry)
    std::optional<ContactId> contact;   // the sender's identity on the inbox, when known
    std::optional<ContactIdentityId> identity;
    std::optional<std::string> secondary_id;       // as stored on that identity
    std::optional<ConversationId> active_conversation;  // the contact's open one on the inbox
    std::string active_status;  // its status (open, pending, snoozed), empty without one
};

// Contacts by platform identity, conversations and messages. Every call is scoped by workspace.
class ConversationRepository {
public:
    static Result<ResolvedContact> ResolveContact(Session& s, WorkspaceId ws, InboxId inbox,
                                                  const std::string& external_id,
                                                  const std::optional<std::string>& secondary_id,
                                                  const std::string& profile_name, Timestamp now);
    // In one round trip: whether the inbox already has `message_external_id`, the identity of
    // `sender_external_id` on the inbox, and that contact's newest unresolved conversation there.
    static Result<IncomingLookup> LookupIncoming(Session& s, WorkspaceId ws, InboxId inbox,
                                                 const std::string& sender_external_id,
                                                 const std::string& message_external_id);
    // Re-keys an identity when the person changed their platform id (a new phone number).
    static Status RekeyIdentity(Session& s, WorkspaceId ws, InboxId inbox,
                                const std::string& old_external_id,
                                const std::string& new_external_id);
    static Result<std::optional<ContactId>> FindContactByIdentity(Session& s, WorkspaceId ws,
                                                                  InboxId inbox,
                                                                  const std::string& external_id);

    // The contact's newest conversation on the inbox that is not resolved.
    static Result<std::optional<ConversationRow>> FindActive(Session& s, WorkspaceId ws,
                                                             InboxId inbox, ContactId contact);
    static Result<ConversationRow> Create(Session& s, WorkspaceId ws, InboxId inbox,
                                          ContactId contact, ContactIdentityId identity,
                                          const std::optional<std::string>& referral_json,
                                          Timestamp now);
    static Result<ConversationRow> Get(Session& s, WorkspaceId ws, ConversationId id);
    // Newest activity first.
    static Result<Page<ConversationRow>> List(Session& s, WorkspaceId ws, const PageRequest& p);
    // A customer wrote at `at`: activity and last-incoming times move forward (never back, so a
    // late delivery of an older message changes neither), the unread count grows, and a snoozed
    // or pending conversation opens (a resolved one is never chosen for new messages: the
    // customer starts a new conversation).
    static Status NoteIncoming(Session& s, WorkspaceId ws, ConversationId id, Timestamp at);

    // Appends a message; a message whose external id the inbox already has is not inserted
    // again (nullopt), so a platform's retry never creates a duplicate.
    static Result<std::optional<MessageId>> AppendMessage(Session& s, WorkspaceId ws,
                                                          ConversationId conversation,
                                                          InboxId inbox, const NewMessage& m);
    // The same, answering with the stored row.
    static Result<std::optional<Message>> AppendMessageRow(Session& s, WorkspaceId ws,
                                                           ConversationId conversation,
                                                           InboxId inbox, const NewMessage& m);
    static Result<std::optional<MessageId>> FindMessageByExternalId(Session& s, WorkspaceId ws,
                                                                    InboxId inbox,
                                                                    const std::string& external_id);
    // Applies a delivery report if it moves the message forward (DeliveryStatusAdvances);
    // returns the message's id when it changed anything. Unknown message ids are kNotFound.
    static Result<std::optional<MessageId>> ApplyDeliveryStatus(Session& s, WorkspaceId ws, InboxId inbox,
                                            const std::string& external_id,
                                            DeliveryStatus reported, Timestamp at,
                                            const std::optional<std::string>& error_code,
                                            const std::optional<std::string>& error_message);
    static Result<Message> GetMessage(Session& s, WorkspaceId ws, MessageId id);
    // The platform accepted an outgoing message: record its id and move pending -> sent.
    // False when the message was no longer pending (a concurrent attempt already recorded it).
    static Result<bool> MarkOutboundAccepted(Session& s, WorkspaceId ws, MessageId id,
                                             const std::string& external_id, Timestamp at);
    // An outgoing message that will never be sent: pending -> failed with the reason.
    static Result<bool> MarkOutboundFailed(Session& s, WorkspaceId ws, MessageId id,
                                           const std::string& error_code,
                                           const std::string& error_message, Timestamp at);
    // Replaces a message's content_attributes (a JSON object as text), e.g. to describe the
    // attachments bound to it in the transaction that created it. kNotFound when absent.
    static Status SetContentAttributes(Session& s, WorkspaceId ws, MessageId id,
                                       const std::string& content_attributes_json, Timestamp at);
    static Result<IdentityKeys> GetIdentity(Session& s, WorkspaceId ws, ContactIdentityId id);
    // An agent read the conversation: unread count to zero, agent_last_seen_at = at.
    static Status MarkSeen(Session& s, WorkspaceId ws, ConversationId id, Timestamp at);
    // An agent or bot wrote: the conversation's activity time moves.
    static Status NoteOutgoing(Session& s, WorkspaceId ws, ConversationId id, Timestamp at);
    // The platform id of the customer's newest message (for read receipts).
    static Result<std::optional<std::string>> LatestIncomingExternalId(Session& s, WorkspaceId ws,
                                                                       ConversationId id);
    // Newest first.
    static Result<Page<Message>> ListMessages(Session& s, WorkspaceId ws, ConversationId id,
                                              const PageRequest& p);
};

namespace detail {
// The columns (unqualified, comma-separated) and row readers behind ConversationRow and Message,
// for other repositories that select them (ConversationListRepository).
const char* ConversationColumns();
const char* MessageColumns();
ConversationRow ReadConversationRow(const std::vector<Value>& row);
Message ReadMessageRow(const std::vector<Value>& row);
}  // namespace detail

}  // namespace hudhud::storage
