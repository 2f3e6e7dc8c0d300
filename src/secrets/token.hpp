#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hudhud::secrets {

// `bytes` random bytes from the OS CSPRNG (randombytes_buf), as url-safe base64 without padding
// (32 bytes -> 43 characters). Thread-safe.
std::string RandomToken(std::size_t bytes = 32);

// SHA-256 of `token` as 64 lowercase hex characters: what is stored for session and API tokens,
// so a database leak does not leak usable tokens. Unkeyed on purpose: tokens are 256-bit random
// values (nothing to brute-force, so no pepper or slow hash is needed), the hash survives a
// master-key rotation, and it can be checked from psql with encode(sha256(...), 'hex').
std::string HashToken(std::string_view token);

// Compares in time independent of where the inputs differ (sodium_memcmp). Lengths are compared
// first, so only the length can leak.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace hudhud::secrets
