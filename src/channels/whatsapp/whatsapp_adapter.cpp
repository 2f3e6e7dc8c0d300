#include "channels/whatsapp/whatsapp_adapter.hpp"

#include "channels/whatsapp/whatsapp_errors.hpp"
#include "channels/whatsapp/whatsapp_webhook.hpp"
#include "channels/whatsapp/whatsapp_wire.hpp"

namespace hudhud::channels::whatsapp {
namespace {

bool IsSafeChallenge(std::string_view challenge) {
    if (challenge.empty() || challenge.size() > 128) return false;
    for (char c : challenge) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                        (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

}  // namespace

Result<std::string> WhatsAppAdapter::AnswerHandshake(const WebhookRequest& request) const {
    HH_RETURN_IF_ERROR(VerifyChallenge(request.Query(wire::kQueryMode).value_or(""),
                                       request.Query(wire::kQueryVerifyToken).value_or(""),
                                       request.secrets.verify_token));
    const std::string_view challenge = request.Query(wire::kQueryChallenge).value_or("");
    if (!IsSafeChallenge(challenge))
        return Error::InvalidArgument("missing or malformed hub.challenge");
    return std::string(challenge);
}

Status WhatsAppAdapter::VerifyWebhook(const WebhookRequest& request) const {
    return VerifySignature(request.secrets.signing_secret, request.body,
                           request.Header(wire::kSignatureHeader).value_or(""));
}

Result<std::vector<InboundEvent>> WhatsAppAdapter::ParseWebhook(std::string_view body) const {
    return whatsapp::ParseWebhook(body);
}

ErrorClass WhatsAppAdapter::ClassifySendError(int http_status, std::string_view body) const {
    return ClassifyGraphError(http_status, body);
}

}  // namespace hudhud::channels::whatsapp
