#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.hpp"

namespace hudhud::services {

// Counts failed sign-ins per account and per client IP in a sliding window and refuses further
// attempts once either passes its limit. In memory, per node: a cluster of N nodes allows at most
// N times the limit, which still stops online guessing. Thread-safe.
class LoginThrottle {
public:
    struct Options {
        int max_failures_per_account = 5;
        int max_failures_per_ip = 20;
        std::chrono::seconds window{15 * 60};
    };

    LoginThrottle(const Clock& clock, Options options);

    // How long the caller must wait before another attempt; nullopt when allowed now.
    std::optional<std::chrono::seconds> RetryAfter(const std::string& account,
                                                   const std::string& ip);
    void RecordFailure(const std::string& account, const std::string& ip);
    void RecordSuccess(const std::string& account);

private:
    struct Window {
        Timestamp start;
        int failures = 0;
    };
    std::optional<std::chrono::seconds> Check(std::unordered_map<std::string, Window>& m,
                                              const std::string& key, int limit, Timestamp now);
    void Bump(std::unordered_map<std::string, Window>& m, const std::string& key, Timestamp now);
    void PruneLocked(Timestamp now);

    const Clock& clock_;
    Options options_;
    std::mutex mu_;
    std::unordered_map<std::string, Window> by_account_;
    std::unordered_map<std::string, Window> by_ip_;
    Timestamp last_prune_{};
};

}  // namespace hudhud::services
