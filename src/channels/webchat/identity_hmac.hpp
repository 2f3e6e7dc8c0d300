#pragma once

#include <string>
#include <string_view>

namespace hudhud::channels::webchat {

// Identity validation (Chatwoot's identifier_hash): the business's server computes
// lowercase hex HMAC-SHA256(key = the inbox's hmac_token, message = identifier) and passes it to
// the widget with the identifier; we recompute and compare.

std::string IdentityHash(std::string_view hmac_token, std::string_view identifier);

// Constant-time; accepts upper- or lower-case hex. False for an empty token or hash.
bool VerifyIdentityHash(std::string_view hmac_token, std::string_view identifier,
                        std::string_view identifier_hash);

}  // namespace hudhud::channels::webchat
