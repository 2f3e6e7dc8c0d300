#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "channels/channel_adapter.hpp"

namespace hudhud::channels::whatsapp {

// ChannelAdapter for the WhatsApp Cloud API. Stateless and thread-safe.
//   AnswerHandshake: hub.mode / hub.verify_token against secrets.verify_token; returns
//   hub.challenge
//     (which must be 1-128 characters of [A-Za-z0-9_-], so nothing else is ever reflected).
//   VerifyWebhook: X-Hub-Signature-256 over the raw body with secrets.signing_secret (app secret).
//   BuildSend / ParseSendResponse: the Cloud API messages endpoint (whatsapp_outbound.hpp, which
//     lists the limits checked); mark-as-read answers give an empty SendAccepted.
class WhatsAppAdapter final : public ChannelAdapter {
  public:
    ChannelKind kind() const override { return ChannelKind::kWhatsApp; }
    Result<std::string> AnswerHandshake(const WebhookRequest& request) const override;
    Status VerifyWebhook(const WebhookRequest& request) const override;
    Result<std::vector<InboundEvent>> ParseWebhook(std::string_view body) const override;
    ErrorClass ClassifySendError(int http_status, std::string_view body) const override;
    Result<PlatformCall> BuildSend(const OutboundMessage& message,
                                   const ChannelAccount& account) const override;
    Result<SendAccepted> ParseSendResponse(std::string_view body) const override;
};

}  // namespace hudhud::channels::whatsapp
