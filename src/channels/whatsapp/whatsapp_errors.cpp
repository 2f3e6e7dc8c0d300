#include "channels/whatsapp/whatsapp_errors.hpp"

#include <simdjson.h>

#include <array>
#include <string>

namespace hudhud::channels::whatsapp {
namespace {

struct Rule {
    std::int64_t first;
    std::int64_t last;
    ErrorCode code;
    bool retryable;
    bool needs_reconnect;
    ErrorHint hint;
    std::string_view meaning;
};

// channels.md 1.6. Single codes come before the ranges that contain them (first match wins).
constexpr std::array<Rule, 33> kRules{{
    {0, 0, ErrorCode::kUnauthenticated, false, true, ErrorHint::kNone,
     "access token expired or invalidated; reconnect the channel"},
    {190, 190, ErrorCode::kUnauthenticated, false, true, ErrorHint::kNone,
     "access token expired or invalidated; reconnect the channel"},
    {3, 3, ErrorCode::kPermissionDenied, false, true, ErrorHint::kNone,
     "permission missing or removed; reconnect or re-consent"},
    {10, 10, ErrorCode::kPermissionDenied, false, true, ErrorHint::kNone,
     "permission missing or removed; reconnect or re-consent"},
    {200, 299, ErrorCode::kPermissionDenied, false, true, ErrorHint::kNone,
     "permission missing or removed; reconnect or re-consent"},
    {4, 4, ErrorCode::kRateLimited, true, false, ErrorHint::kNone, "app API call rate limit"},
    {80007, 80007, ErrorCode::kRateLimited, true, false, ErrorHint::kNone,
     "WhatsApp Business Account rate limit"},
    {130429, 130429, ErrorCode::kRateLimited, true, false, ErrorHint::kNone,
     "throughput limit reached; retry with backoff"},
    {131056, 131056, ErrorCode::kRateLimited, true, false, ErrorHint::kRecipientRateLimited,
     "too many messages to this recipient; retry later"},
    {131048, 131048, ErrorCode::kExternalRejected, false, false, ErrorHint::kAccountRestricted,
     "spam rate limit hit; campaigns paused"},
    {131064, 131064, ErrorCode::kExternalRejected, false, false, ErrorHint::kAccountRestricted,
     "messaging limit lowered after template violations"},
    {131049, 131049, ErrorCode::kExternalRejected, false, false, ErrorHint::kNone,
     "not delivered to keep engagement healthy; do not retry for 24 hours"},
    {131050, 131050, ErrorCode::kExternalRejected, false, false, ErrorHint::kMarketingOptOut,
     "the customer stopped marketing messages"},
    {131047, 131047, ErrorCode::kExternalRejected, false, false, ErrorHint::kReplyWindowClosed,
     "more than 24 hours since the customer's last message; send an approved template"},
    {131026, 131026, ErrorCode::kExternalRejected, false, false, ErrorHint::kRecipientUnreachable,
     "message undeliverable to this recipient"},
    {130403, 130403, ErrorCode::kExternalRejected, false, false, ErrorHint::kRecipientUnreachable,
     "the business has blocked this user"},
    {130472, 130472, ErrorCode::kExternalRejected, false, false, ErrorHint::kNone,
     "held back by a Meta experiment"},
    {131052, 131053, ErrorCode::kExternalRejected, false, false, ErrorHint::kNone,
     "media download or upload failed; check the file type"},
    {131057, 131057, ErrorCode::kUnavailable, true, false, ErrorHint::kNone,
     "account in maintenance; retry later"},
    {131042, 131042, ErrorCode::kExternalRejected, false, false, ErrorHint::kAccountRestricted,
     "payment problem on the account"},
    {131045, 131045, ErrorCode::kExternalRejected, false, true, ErrorHint::kNone,
     "phone number not registered; reconnect or register it"},
    {131062, 131062, ErrorCode::kInvalidArgument, false, false, ErrorHint::kFixRequest,
     "authentication template sent to a business-scoped user id; use the phone number"},
    {132015, 132016, ErrorCode::kExternalRejected, false, false, ErrorHint::kTemplateProblem,
     "template paused or disabled for low quality"},
    {132000, 132999, ErrorCode::kExternalRejected, false, false, ErrorHint::kTemplateProblem,
     "template call rejected; fix the template or its parameters"},
    {368, 368, ErrorCode::kExternalRejected, false, false, ErrorHint::kAccountRestricted,
     "account restricted"},
    {131031, 131031, ErrorCode::kExternalRejected, false, false, ErrorHint::kAccountRestricted,
     "account locked"},
    {130497, 130497, ErrorCode::kExternalRejected, false, false, ErrorHint::kAccountRestricted,
     "account blocked from messaging this country"},
    {33, 33, ErrorCode::kExternalRejected, false, true, ErrorHint::kAccountRestricted,
     "business phone number deleted; disconnect the channel"},
    {131051, 131051, ErrorCode::kInvalidArgument, false, false, ErrorHint::kFixRequest,
     "unsupported message type"},
    {100, 100, ErrorCode::kInvalidArgument, false, false, ErrorHint::kFixRequest,
     "invalid parameter"},
    {131008, 131009, ErrorCode::kInvalidArgument, false, false, ErrorHint::kFixRequest,
     "missing or invalid parameter"},
    {131021, 131021, ErrorCode::kInvalidArgument, false, false, ErrorHint::kFixRequest,
     "sender and recipient are the same number"},
    {1, 2, ErrorCode::kUnavailable, true, false, ErrorHint::kNone,
     "temporary platform error; retry with backoff"},
}};

constexpr std::array<std::int64_t, 3> kTemporaryCodes{131000, 131016, 133004};

ErrorClass ClassifyByStatus(int http_status, std::int64_t code, std::string_view detail) {
    ErrorClass c;
    c.platform_code = code;
    std::string what;
    if (http_status == 429) {
        c.code = ErrorCode::kRateLimited;
        c.retryable = true;
        what = "rate limited";
    } else if (http_status >= 500) {
        c.code = ErrorCode::kUnavailable;
        c.retryable = true;
        what = "platform unavailable";
    } else if (http_status == 408) {
        c.code = ErrorCode::kTimeout;
        c.retryable = true;
        what = "request timed out";
    } else if (http_status == 401) {
        c.code = ErrorCode::kUnauthenticated;
        c.needs_reconnect = true;
        what = "credentials rejected; reconnect the channel";
    } else if (http_status == 403) {
        c.code = ErrorCode::kPermissionDenied;
        what = "permission denied";
    } else if (http_status >= 200 && http_status < 300) {
        c.code = ErrorCode::kInternal;
        what = "unexpected response";
    } else {
        c.code = ErrorCode::kExternalRejected;
        what = "request rejected";
    }
    c.message = "WhatsApp: " + what;
    if (code != 0) c.message += " (error " + std::to_string(code) + ")";
    if (http_status != 0) c.message += " [HTTP " + std::to_string(http_status) + "]";
    if (!detail.empty()) c.message += ": " + std::string(detail);
    return c;
}

}  // namespace

ErrorClass ClassifyErrorCode(std::int64_t code, int http_status,
                             std::string_view platform_message) {
    for (const Rule& r : kRules) {
        if (code < r.first || code > r.last) continue;
        ErrorClass c{r.code, r.retryable, r.needs_reconnect, r.hint, code, {}};
        c.message = "WhatsApp error " + std::to_string(code) + ": " + std::string(r.meaning);
        if (!platform_message.empty()) c.message += " (" + std::string(platform_message) + ")";
        return c;
    }
    for (std::int64_t t : kTemporaryCodes) {
        if (code == t) {
            ErrorClass c{ErrorCode::kUnavailable, true, false, ErrorHint::kNone, code, {}};
            c.message = "WhatsApp error " + std::to_string(code) +
                        ": temporary platform error; retry with backoff";
            if (!platform_message.empty()) c.message += " (" + std::string(platform_message) + ")";
            return c;
        }
    }
    return ClassifyByStatus(http_status, code, platform_message);
}

ErrorClass ClassifyGraphError(int http_status, std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object error;
    if (body.empty() || parser.parse(body.data(), body.size())["error"].get_object().get(error) !=
                            simdjson::SUCCESS) {
        return ClassifyByStatus(http_status, 0, {});
    }
    std::int64_t code = 0;
    const bool has_code = error["code"].get_int64().get(code) == simdjson::SUCCESS;
    std::string_view details;
    std::string_view message;
    if (error["error_data"]["details"].get_string().get(details) != simdjson::SUCCESS) details = {};
    if (error["message"].get_string().get(message) != simdjson::SUCCESS) message = {};
    const std::string_view detail = details.empty() ? message : details;
    if (!has_code) return ClassifyByStatus(http_status, 0, detail);
    return ClassifyErrorCode(code, http_status, detail);
}

}  // namespace hudhud::channels::whatsapp
