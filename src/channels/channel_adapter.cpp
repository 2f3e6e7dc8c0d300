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

}  // namespace hudhud::channels
