#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"

namespace hudhud::channels {

// Normalized inbound events: what every ChannelAdapter::ParseWebhook produces. Plain values with no
// behaviour; strings are UTF-8 (platform escapes already decoded). JSON-valued fields hold compact
// JSON text re-serialized by the parser, which is fine for storage but never for signatures.

// The person on the platform side. At least one of external_id / secondary_id is normally set;
// callers key contact identities on external_id and fall back to secondary_id when it is empty.
struct Sender {
    std::string external_id;                  // WhatsApp wa_id, PSID, IGSID, Telegram user id, ...
    std::optional<std::string> secondary_id;  // e.g. WhatsApp business-scoped user_id (BSUID)
    std::optional<std::string> profile_name;  // display only; users change it at will
};

enum class ContentType {
    kText,
    kImage,
    kAudio,
    kVideo,
    kDocument,
    kSticker,
    kLocation,
    kContacts,
    kInteractiveReply,  // a tap on an interactive button/list row we sent
    kButtonReply,       // a quick-reply tap on a template we sent
    kReaction,          // reserved; adapters report reactions as InboundReaction events
    kOrder,
    kSystem,
    kUnsupported,
};

std::string_view ContentTypeName(ContentType type);

struct MediaDescriptor {
    std::string media_id;  // platform media handle; fetched later with the inbox's credentials
    std::string url;       // direct URL when the platform sends one instead of an id
    std::string mime_type;
    std::string sha256;  // as sent by the platform (WhatsApp: base64)
    std::string caption;
    std::string filename;
    bool voice = false;     // audio recorded as a voice note
    bool animated = false;  // stickers
};

struct Location {
    double latitude = 0;
    double longitude = 0;
    std::string name;
    std::string address;
    std::string url;
};

// What the user tapped on a button, list row or template quick reply.
struct ReplySelection {
    std::string kind;  // platform sub-type, e.g. "button_reply", "list_reply", "button"
    std::string id;    // the id or payload we attached when sending
    std::string title;
    std::string description;
};

// One error as the platform reported it, attached to a status, a message or a whole webhook.
struct PlatformErrorDetail {
    std::int64_t code = 0;
    std::string title;
    std::string message;
    std::string details;
    std::string href;
};

struct InboundMessage {
    std::string external_id;  // platform message id; the dedupe key (WhatsApp wamid)
    Sender sender;
    std::optional<Timestamp> sent_at;  // platform time; absent if missing or unreadable
    ContentType type = ContentType::kUnsupported;
    std::string platform_type;  // the platform's own type string, e.g. "interactive", "unknown"
    // What to show as the message text: the body of a text, the tapped title of a reply, the text
    // of an order or system notice. Media captions stay in media->caption.
    std::string text;
    std::optional<MediaDescriptor> media;
    std::optional<Location> location;
    std::optional<ReplySelection> reply;
    std::string contacts_json;  // shared contact cards (JSON array), for kContacts
    std::string order_json;     // the order object, for kOrder
    std::optional<std::string> reply_to_external_id;  // the quoted message (WhatsApp context.id)
    bool forwarded = false;
    std::string referral_json;  // ad / click-to-chat attribution object; empty when absent
    std::vector<PlatformErrorDetail> errors;  // why the platform could not render it
    std::string raw_json;                     // the platform's message object, compact
};

// A reaction on a message. An empty emoji means the reaction was removed.
struct InboundReaction {
    std::string external_id;  // id of the reaction event itself (WhatsApp wamid)
    Sender sender;
    std::optional<Timestamp> sent_at;
    std::string target_external_id;  // the message reacted to
    std::string emoji;
    bool removed() const { return emoji.empty(); }
};

enum class DeliveryState { kSent, kDelivered, kRead, kFailed };

std::string_view DeliveryStateName(DeliveryState state);

// A receipt for a message we sent. Apply rank-monotonically (sent < delivered < read); failed is
// terminal. The dedupe key is (external_message_id, state).
struct DeliveryStatus {
    std::string external_message_id;
    DeliveryState state = DeliveryState::kSent;
    std::optional<Timestamp> at;
    Sender recipient;  // external_id = recipient_id, secondary_id = recipient_user_id
    std::vector<PlatformErrorDetail> errors;  // set on kFailed
    std::string pricing_json;                 // billing info when the platform sends it
};

// The platform re-keyed a person: their old id is now a new one (WhatsApp user_changed_number /
// user_changed_user_id). Callers should re-key the identity, not create a new contact.
struct ContactChange {
    std::string kind;  // platform sub-type, e.g. "user_changed_number"
    Sender previous;
    std::string new_external_id;
    std::optional<std::string> new_secondary_id;
    std::optional<Timestamp> at;
    std::string description;  // the platform's human text
};

enum class ConsentAction { kStop, kResume };

// The user opted out of (or back into) a category of messages, e.g. WhatsApp marketing_messages.
struct ConsentChange {
    Sender sender;
    std::string category;  // e.g. "marketing_messages"
    ConsentAction action = ConsentAction::kStop;
    std::string detail;
    std::optional<Timestamp> at;
};

// An error the platform reported for the account, not for one message (WhatsApp value.errors[]).
struct AccountError {
    PlatformErrorDetail error;
};

// Authentic but not understood (an unsubscribed webhook field, a new status value). Callers store
// and log it; it must never fail the webhook.
struct UnrecognizedEvent {
    std::string kind;  // e.g. "field:account_update", "status:deleted"
    std::string raw_json;
};

using InboundEventBody =
    std::variant<InboundMessage, InboundReaction, DeliveryStatus, ContactChange, ConsentChange,
                 AccountError, UnrecognizedEvent>;

struct InboundEvent {
    // The channel account the event arrived for; the caller finds the inbox by it
    // (WhatsApp metadata.phone_number_id, Page id, IG account id, bot id, ...).
    std::string account_id;
    std::string account_group_id;  // e.g. the WhatsApp Business Account id (entry.id); may be empty
    InboundEventBody body;
};

}  // namespace hudhud::channels
