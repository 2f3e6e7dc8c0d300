#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace hudhud::channels::webchat {

// A fixed-window counter per key (an IP address, a visitor): at most `limit` hits per `window`.
// In-process only, which is what one node needs; a cluster would move this to shared storage.
// Memory is bounded: once more than `max_keys` keys are tracked, expired windows are dropped, and
// if that is not enough the whole table is reset (limits loosen briefly rather than memory
// growing). Thread-safe.
class RateLimiter {
  public:
    RateLimiter(int limit, std::chrono::microseconds window, std::size_t max_keys = 100'000)
        : limit_(limit), window_(window), max_keys_(max_keys) {}

    // Counts one hit for `key` at `now`; false when the key is over its limit.
    bool Allow(const std::string& key, Timestamp now);

  private:
    struct Window {
        Timestamp start;
        int hits = 0;
    };
    const int limit_;
    const std::chrono::microseconds window_;
    const std::size_t max_keys_;
    std::mutex mu_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace hudhud::channels::webchat
