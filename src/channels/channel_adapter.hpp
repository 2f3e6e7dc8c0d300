#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "channels/inbound_event.hpp"
#include "channels/outbound_message.hpp"
#include "channels/webhook_request.hpp"
#include "core/error.hpp"
#include "core/inbox.hpp"
#include "core/result.hpp"

namespace hudhud::channels {

// What a failure means for the caller beyond retry/reconnect; drives recovery in services.
enum class ErrorHint {
    kNone,
    kReplyWindowClosed,     // outside the reply window: send a template / tagged message instead
    kRecipientUnreachable,  // flag the contact; do not retry
    kMarketingOptOut,       // mark the contact opted out of marketing
    kRecipientRateLimited,  // too fast to this one recipient; others are unaffected
    kTemplateProblem,       // fix or block the template
    kAccountRestricted,     // the account is limited or blocked; pause and alert the workspace
    kFixRequest,            // our request was malformed; a bug or bad input, never retry
};

std::string_view ErrorHintName(ErrorHint hint);

// The classification of one failed platform call.
struct ErrorClass {
    ErrorCode code = ErrorCode::kInternal;
    bool retryable = false;
    bool needs_reconnect = false;  // credentials or permissions are gone: mark the inbox
    ErrorHint hint = ErrorHint::kNone;
    std::int64_t platform_code = 0;  // the platform's own error code, 0 when none was readable
    std::string message;             // for humans: what happened and what to do

    Error ToError() const { return Error{code, message, retryable}; }
};

// The seam between Hudhud and one messaging platform. An adapter is pure protocol: it never touches
// storage, the network, the clock or global state, so it is safe to share one instance between
// threads (every method is const and re-entrant). It never throws; failures are values.
//
// Webhook flow (see STYLE.md rule 4): VerifyWebhook over the raw bytes, persist the raw body,
// answer 200, then ParseWebhook in a job.
//
// Send flow: BuildSend turns a normalized message into one PlatformCall; the caller's HTTP client
// sends it; a 2xx response goes to ParseSendResponse, anything else (and transport failures mapped
// by the caller) to ClassifySendError, whose retry decision the caller's job follows. Channels
// delivered without a platform API (Web Chat) leave BuildSend at its default.
class ChannelAdapter {
  public:
    virtual ~ChannelAdapter() = default;

    virtual ChannelKind kind() const = 0;

    // Answers a subscription handshake (Meta's GET hub.challenge). Returns the exact response body
    // on success; kPermissionDenied for a wrong token, kInvalidArgument for a malformed request.
    // Channels without a handshake return kNotFound (the default).
    virtual Result<std::string> AnswerHandshake(const WebhookRequest& request) const;

    // Authenticates a webhook delivery from request.body (raw bytes), its headers and
    // request.secrets. Ok only for a proven-authentic request: kUnauthenticated for a missing,
    // malformed or wrong signature; kInternal when the inbox has no secret configured.
    virtual Status VerifyWebhook(const WebhookRequest& request) const = 0;

    // Turns one (already verified) body into events, in payload order, covering every item of a
    // batch. kInvalidArgument only when the body is not valid JSON or not this platform's envelope;
    // unknown fields are ignored, and unknown event kinds become UnrecognizedEvent or an
    // kUnsupported message rather than errors, so a valid delivery is never rejected.
    virtual Result<std::vector<InboundEvent>> ParseWebhook(std::string_view body) const = 0;

    // Classifies a failed platform API call from its HTTP status and response body (which may be
    // empty or not JSON). Always returns a classification.
    virtual ErrorClass ClassifySendError(int http_status, std::string_view body) const = 0;

    // The platform request that sends `message` as `account`. kInvalidArgument when the message
    // breaks the platform's rules (too many buttons, text too long, missing media...) or is a kind
    // the channel cannot send, so nothing is sent. The default (channels without an API send)
    // refuses every message.
    virtual Result<PlatformCall> BuildSend(const OutboundMessage& message,
                                           const ChannelAccount& account) const;
    // Reads a 2xx send response. kExternalRejected when the body is not the expected shape.
    virtual Result<SendAccepted> ParseSendResponse(std::string_view body) const;
};

}  // namespace hudhud::channels
