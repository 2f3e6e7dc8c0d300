#include "channels/inbound_event.hpp"

namespace hudhud::channels {

std::string_view ContentTypeName(ContentType type) {
    switch (type) {
        case ContentType::kText:
            return "text";
        case ContentType::kImage:
            return "image";
        case ContentType::kAudio:
            return "audio";
        case ContentType::kVideo:
            return "video";
        case ContentType::kDocument:
            return "document";
        case ContentType::kSticker:
            return "sticker";
        case ContentType::kLocation:
            return "location";
        case ContentType::kContacts:
            return "contacts";
        case ContentType::kInteractiveReply:
            return "interactive_reply";
        case ContentType::kButtonReply:
            return "button_reply";
        case ContentType::kReaction:
            return "reaction";
        case ContentType::kOrder:
            return "order";
        case ContentType::kSystem:
            return "system";
        case ContentType::kUnsupported:
            return "unsupported";
    }
    return "unsupported";
}

std::string_view DeliveryStateName(DeliveryState state) {
    switch (state) {
        case DeliveryState::kSent:
            return "sent";
        case DeliveryState::kDelivered:
            return "delivered";
        case DeliveryState::kRead:
            return "read";
        case DeliveryState::kFailed:
            return "failed";
    }
    return "sent";
}

}  // namespace hudhud::channels
