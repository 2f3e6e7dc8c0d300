#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace hudhud::channels {

// The inbox's secret material for authenticating webhooks. Which fields a channel uses:
//   Meta (WhatsApp, Messenger, Instagram): signing_secret = app secret, verify_token = hub token.
//   Telegram: signing_secret = the secret_token set with setWebhook.
//   TikTok: signing_secret = client secret.   Web Chat: signing_secret = inbox HMAC token.
// Non-owning views; the caller keeps the secrets alive for the duration of the call.
struct WebhookSecrets {
    std::string_view signing_secret;
    std::string_view verify_token;
};

// One webhook HTTP request exactly as received. Every member is a non-owning view valid only for
// the duration of the adapter call. `body` must be the raw bytes off the wire: signatures are
// computed over them, so the caller must not parse, re-encode or trim it first.
struct WebhookRequest {
    std::string_view method;  // "GET" or "POST"
    std::string_view body;
    std::vector<std::pair<std::string_view, std::string_view>> headers;  // name, value
    std::vector<std::pair<std::string_view, std::string_view>> query;    // decoded name, value
    WebhookSecrets secrets;
    Timestamp received_at{};  // for channels whose signatures carry a time (TikTok)

    // First header with this name, compared case-insensitively; nullopt when absent.
    std::optional<std::string_view> Header(std::string_view name) const;
    // First query parameter with this exact name; nullopt when absent.
    std::optional<std::string_view> Query(std::string_view name) const;
};

// Whether `body` is one well-formed JSON object (UTF-8, nothing after it). Every platform we
// take webhooks from sends JSON objects; anything else is refused before it is stored.
bool IsJsonObject(std::string_view body);

// Compares two byte strings in time that depends only on their lengths, never on their contents.
// Use it for every comparison involving a secret or a signature.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace hudhud::channels
