#pragma once

#include <string>
#include <string_view>

namespace hudhud::http {

// An incoming X-Request-Id is kept when it is 1..64 characters of [A-Za-z0-9._-].
bool IsAcceptableRequestId(std::string_view id);

// 24 lowercase hex characters (96 random bits) from a per-thread generator. Thread-safe.
std::string GenerateRequestId();

}  // namespace hudhud::http
