#include "core/message.hpp"

namespace hudhud {
namespace {

int Rank(DeliveryStatus s) {
    switch (s) {
        case DeliveryStatus::kReceived: return 0;
        case DeliveryStatus::kPending: return 1;
        case DeliveryStatus::kSent: return 2;
        case DeliveryStatus::kFailed: return 3;  // see DeliveryStatusAdvances
        case DeliveryStatus::kDelivered: return 4;
        case DeliveryStatus::kRead: return 5;
    }
    return 0;
}

}  // namespace

std::string_view DirectionName(MessageDirection d) {
    return d == MessageDirection::kIncoming ? "incoming" : "outgoing";
}

std::string_view SenderKindName(SenderKind k) {
    switch (k) {
        case SenderKind::kContact: return "contact";
        case SenderKind::kAgent: return "agent";
        case SenderKind::kBot: return "bot";
        case SenderKind::kSystem: return "system";
    }
    return "system";
}

std::string_view DeliveryStatusName(DeliveryStatus s) {
    switch (s) {
        case DeliveryStatus::kReceived: return "received";
        case DeliveryStatus::kPending: return "pending";
        case DeliveryStatus::kSent: return "sent";
        case DeliveryStatus::kDelivered: return "delivered";
        case DeliveryStatus::kRead: return "read";
        case DeliveryStatus::kFailed: return "failed";
    }
    return "received";
}

std::optional<DeliveryStatus> ParseDeliveryStatus(std::string_view name) {
    for (auto s : {DeliveryStatus::kReceived, DeliveryStatus::kPending, DeliveryStatus::kSent,
                   DeliveryStatus::kDelivered, DeliveryStatus::kRead, DeliveryStatus::kFailed}) {
        if (DeliveryStatusName(s) == name) return s;
    }
    return std::nullopt;
}

bool DeliveryStatusAdvances(DeliveryStatus current, DeliveryStatus reported) {
    if (current == DeliveryStatus::kReceived || reported == DeliveryStatus::kReceived) {
        return false;  // incoming messages have no delivery lifecycle
    }
    if (current == DeliveryStatus::kFailed) return false;  // final
    // Failed ranks above sent and below delivered: a failure reported after the message was
    // delivered or read is stale and ignored.
    return Rank(reported) > Rank(current);
}

}  // namespace hudhud
