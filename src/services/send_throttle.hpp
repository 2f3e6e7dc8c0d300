#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/clock.hpp"
#include "core/token_bucket.hpp"

namespace hudhud::services {

// Paces sends per platform account and per recipient, in this process: WhatsApp allows a
// number 80 messages/s by default (inbound and outbound together, so we keep outbound below it)
// and about one message every 6 s to the same user, with short bursts (the "pair rate limit").
// Acquire reserves a slot and says how long to wait before sending; a caller that will not wait
// that long gives the slot back with Release. Thread-safe.
//
// Several nodes sharing one database each pace their own sends; an account's limit is then
// divided by the node count in config (docs/architecture.md), and 130429/131056 from the
// platform still trigger the job retry with backoff.
class SendThrottle {
  public:
    struct Options {
        double pair_rate_per_second = 1.0 / 6.0;
        double pair_burst = 10;
        std::size_t max_tracked_pairs = 100'000;  // idle pairs are forgotten beyond this
    };
    SendThrottle() : SendThrottle(Options{}) {}
    explicit SendThrottle(Options options) : options_(options) {}

    struct Slot {
        std::chrono::microseconds wait{0};
        std::int64_t account = 0;
        std::string recipient;
    };

    Slot Acquire(std::int64_t account, double account_rate_per_second,
                 const std::string& recipient, Timestamp now) {
        std::lock_guard lock(mu_);
        auto& account_bucket = Account(account, account_rate_per_second);
        auto& pair_bucket = Pair(account, recipient, now);
        const auto a = account_bucket.Reserve(now);
        const auto p = pair_bucket.Reserve(now);
        return Slot{std::max(a, p), account, recipient};
    }

    void Release(const Slot& slot) {
        std::lock_guard lock(mu_);
        if (auto it = accounts_.find(slot.account); it != accounts_.end()) it->second.bucket.Cancel();
        if (auto it = pairs_.find({slot.account, slot.recipient}); it != pairs_.end()) {
            it->second.Cancel();
        }
    }

  private:
    struct AccountBucket {
        double rate;
        TokenBucket bucket;
    };

    TokenBucket& Account(std::int64_t account, double rate) {
        auto it = accounts_.find(account);
        if (it == accounts_.end() || it->second.rate != rate) {
            // A burst of one second's worth: Meta measures per second.
            it = accounts_.insert_or_assign(account, AccountBucket{rate, TokenBucket(rate, rate)})
                     .first;
        }
        return it->second.bucket;
    }

    TokenBucket& Pair(std::int64_t account, const std::string& recipient, Timestamp now) {
        if (pairs_.size() >= options_.max_tracked_pairs) {
            // Forget pairs idle long enough to have refilled completely.
            const auto idle = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::duration<double>(options_.pair_burst / options_.pair_rate_per_second));
            for (auto it = pairs_.begin(); it != pairs_.end();) {
                it = now - it->second.last_used() > idle ? pairs_.erase(it) : std::next(it);
            }
        }
        auto key = std::make_pair(account, recipient);
        auto it = pairs_.find(key);
        if (it == pairs_.end()) {
            it = pairs_.emplace(key, TokenBucket(options_.pair_rate_per_second, options_.pair_burst))
                     .first;
        }
        return it->second;
    }

    Options options_;
    std::mutex mu_;
    std::map<std::int64_t, AccountBucket> accounts_;
    std::map<std::pair<std::int64_t, std::string>, TokenBucket> pairs_;
};

}  // namespace hudhud::services
