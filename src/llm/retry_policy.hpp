#pragma once

#include <chrono>
#include <optional>

#include "net/http_client.hpp"

// When and how long to wait before retrying an LLM API call. Pure.
namespace hudhud::llm {

// How long the server asked us to wait: OpenAI's `retry-after-ms` header (milliseconds), else
// `retry-after` in delta-seconds (integer or decimal). nullopt when neither is present or
// readable; an HTTP-date Retry-After is not read (the caller falls back to its own backoff).
std::optional<std::chrono::milliseconds> RetryAfter(const net::HttpResponse& response);

// Whether an error status is worth retrying: 408, 409, 429 and 5xx (as OpenAI's own SDKs do),
// unless the server says otherwise with `x-should-retry: true|false`. A 429 whose error code is
// `insufficient_quota` is never retried: the account is out of credit, waiting will not help.
bool ShouldRetryStatus(const net::HttpResponse& response);

// Exponential backoff for retry number `retry` (0 = first retry): initial * 2^retry, capped at
// `max`, then scaled by a jitter factor in [0.5, 1] taken from `jitter01` (in [0, 1]) so that
// many clients rejected together do not come back together.
std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max, double jitter01);

}  // namespace hudhud::llm
