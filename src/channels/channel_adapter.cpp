#include "channels/channel_adapter.hpp"

namespace hudhud::channels {

std::string_view ErrorHintName(ErrorHint hint) {
    switch (hint) {
        case ErrorHint::kNone:
            return "none";
        case ErrorHint::kReplyWindowClosed:
            return "reply_window_closed";
        case ErrorHint::kRecipientUnreachable:
            return "recipient_unreachable";
        case ErrorHint::kMarketingOptOut:
            return "marketing_opt_out";
        case ErrorHint::kRecipientRateLimited:
            return "recipient_rate_limited";
        case ErrorHint::kTemplateProblem:
            return "template_problem";
        case ErrorHint::kAccountRestricted:
            return "account_restricted";
        case ErrorHint::kFixRequest:
            return "fix_request";
    }
    return "none";
}

Result<std::string> ChannelAdapter::AnswerHandshake(const WebhookRequest& /*request*/) const {
    return Error::NotFound(std::string(ChannelKindName(kind())) + " has no webhook handshake");
}

Result<PlatformCall> ChannelAdapter::BuildSend(const OutboundMessage& message,
                                               const ChannelAccount& /*account*/) const {
    return Error::InvalidArgument(std::string(ChannelKindName(kind())) + " cannot send " +
                                  std::string(OutboundKindName(message.kind)) +
                                  " messages through a platform API");
}

Result<SendAccepted> ChannelAdapter::ParseSendResponse(std::string_view /*body*/) const {
    return Error{ErrorCode::kExternalRejected,
                 std::string(ChannelKindName(kind())) + " has no platform send API"};
}

std::string_view OutboundKindName(OutboundKind kind) {
    switch (kind) {
        case OutboundKind::kText:
            return "text";
        case OutboundKind::kMedia:
            return "media";
        case OutboundKind::kLocation:
            return "location";
        case OutboundKind::kButtons:
            return "buttons";
        case OutboundKind::kList:
            return "list";
        case OutboundKind::kTemplate:
            return "template";
        case OutboundKind::kReaction:
            return "reaction";
        case OutboundKind::kMarkRead:
            return "mark_read";
    }
    return "text";
}

}  // namespace hudhud::channels
