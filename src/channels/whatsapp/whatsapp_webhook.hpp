#pragma once

#include <string_view>
#include <vector>

#include "channels/inbound_event.hpp"
#include "core/result.hpp"

// Pure functions for the WhatsApp Cloud API webhook (channels.md section 1). No I/O, no state;
// safe to call from any thread.
namespace hudhud::channels::whatsapp {

// Checks `header_value` (the X-Hub-Signature-256 value, "sha256=<64 hex>") against
// HMAC-SHA256(app_secret, raw_body). raw_body must be the exact bytes received. Hex is accepted in
// either case; the comparison is constant-time.
// Errors: kUnauthenticated for a missing (empty), malformed or non-matching signature;
// kInternal when app_secret is empty (misconfigured inbox: never accept).
Status VerifySignature(std::string_view app_secret, std::string_view raw_body,
                       std::string_view header_value);

// The GET handshake: Ok when mode is "subscribe" and token equals expected_token (constant-time).
// Errors: kInvalidArgument for another mode; kPermissionDenied for a wrong or missing token;
// kInternal when expected_token is empty.
Status VerifyChallenge(std::string_view mode, std::string_view token,
                       std::string_view expected_token);

// Parses one webhook POST body into events: every entry, change, message, status, error and
// user preference, in payload order. A `system` message yields an kSystem message followed by a
// ContactChange; a `reaction` yields an InboundReaction. Unknown message types (and known types
// missing their object) become kUnsupported messages; unknown change fields and status values
// become UnrecognizedEvent. account_id is metadata.phone_number_id, account_group_id the WABA id.
// Errors: kInvalidArgument when the body is not JSON, not an object, or names another `object`.
Result<std::vector<InboundEvent>> ParseWebhook(std::string_view body);

}  // namespace hudhud::channels::whatsapp
