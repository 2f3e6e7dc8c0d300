#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace hudhud {

enum class MessageDirection { kIncoming, kOutgoing };
enum class SenderKind { kContact, kAgent, kBot, kSystem };

// Delivery state of a message. Incoming messages are kReceived; outgoing ones move forward
// through pending -> sent -> delivered -> read, or end in failed.
enum class DeliveryStatus { kReceived, kPending, kSent, kDelivered, kRead, kFailed };

std::string_view DirectionName(MessageDirection d);
std::string_view SenderKindName(SenderKind k);
std::string_view DeliveryStatusName(DeliveryStatus s);
std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name);

// Whether a status report may replace the current status. Reports arrive out of order and
// more than once; a message never moves backwards (read never becomes delivered), and a
// failure only counts before the message was delivered.
bool DeliveryStatusAdvances(DeliveryStatus current, DeliveryStatus reported);

struct Message {
    MessageId id;
    WorkspaceId workspace_id;
    ConversationId conversation_id;
    InboxId inbox_id;
    MessageDirection direction = MessageDirection::kIncoming;
    SenderKind sender_kind = SenderKind::kContact;
    std::optional<std::int64_t> sender_id;  // user id for agents, contact id for contacts
    bool is_private = false;                 // private note: never sent to the customer
    std::string content;
    std::string content_type = "text";
    std::string content_attributes_json = "{}";
    std::optional<std::string> external_id;  // the platform's message id, unique per inbox
    std::optional<MessageId> reply_to_id;
    DeliveryStatus status = DeliveryStatus::kReceived;
    std::optional<std::string> error_code;
    std::optional<std::string> error_message;
    Timestamp created_at;
    Timestamp updated_at;
};

}  // namespace hudhud
