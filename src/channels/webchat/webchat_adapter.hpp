#pragma once

#include "channels/channel_adapter.hpp"

namespace hudhud::channels::webchat {

// Web Chat in the adapter registry. Visitors never arrive by webhook (they use the widget API,
// services::WebChatService), and replies are delivered over the widget's WebSocket rather than a
// platform API, so this adapter refuses webhooks and keeps the default (refusing) BuildSend.
class WebChatAdapter final : public ChannelAdapter {
  public:
    ChannelKind kind() const override { return ChannelKind::kWebChat; }
    Status VerifyWebhook(const WebhookRequest& request) const override;
    Result<std::vector<InboundEvent>> ParseWebhook(std::string_view body) const override;
    ErrorClass ClassifySendError(int http_status, std::string_view body) const override;
};

}  // namespace hudhud::channels::webchat
