#include "channels/webchat/webchat_adapter.hpp"

namespace hudhud::channels::webchat {

Status WebChatAdapter::VerifyWebhook(const WebhookRequest& /*request*/) const {
    return Error::Unauthenticated("web chat has no webhooks; visitors use the widget API");
}

Result<std::vector<InboundEvent>> WebChatAdapter::ParseWebhook(std::string_view /*body*/) const {
    return Error::InvalidArgument("web chat has no webhooks; visitors use the widget API");
}

ErrorClass WebChatAdapter::ClassifySendError(int http_status, std::string_view /*body*/) const {
    ErrorClass e;
    e.code = ErrorCode::kInternal;
    e.hint = ErrorHint::kFixRequest;
    e.message = "web chat has no platform API (HTTP " + std::to_string(http_status) + ")";
    return e;
}

}  // namespace hudhud::channels::webchat
