#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hudhud::secrets {

// Argon2id cost parameters, as libsodium's crypto_pwhash. The defaults are libsodium's
// INTERACTIVE limits (2 passes, 64 MiB); kPasswordHashMinimum is for tests only.
struct PasswordHashOptions {
    unsigned long long opslimit = 2;
    std::size_t memlimit = 64ull * 1024 * 1024;
};
inline constexpr PasswordHashOptions kPasswordHashMinimum{1, 8192};

// An encoded argon2id hash ("$argon2id$v=19$m=...,t=...,p=1$salt$hash") with a random salt.
// kInvalidArgument if the limits are out of range, kInternal if memory ran out. Thread-safe;
// costs `memlimit` bytes of memory while it runs.
Result<std::string> HashPassword(std::string_view password,
                                 const PasswordHashOptions& options = {});

// True when `password` matches `hash`. False for a mismatch and for a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

// True when `hash` was made with other parameters than `options` or another algorithm (or is
// malformed): re-hash the password after the next successful login.
bool NeedsRehash(std::string_view hash, const PasswordHashOptions& options = {});

}  // namespace hudhud::secrets
