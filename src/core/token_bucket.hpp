#pragma once

#include <algorithm>
#include <chrono>

#include "core/clock.hpp"

namespace hudhud {

// A token bucket with reservations: `rate` tokens per second, at most `burst` saved up. Reserve
// takes one token and says how long the caller must wait before using it (zero when one was
// available); reservations queue up fairly because the balance may go negative. Pure and not
// thread-safe: the owner locks.
class TokenBucket {
  public:
    TokenBucket(double rate_per_second, double burst)
        : rate_(std::max(rate_per_second, 1e-9)), burst_(std::max(burst, 1.0)), tokens_(burst_) {}

    std::chrono::microseconds Reserve(Timestamp now) {
        Refill(now);
        tokens_ -= 1.0;
        if (tokens_ >= 0) return std::chrono::microseconds(0);
        return std::chrono::microseconds(static_cast<std::int64_t>(-tokens_ / rate_ * 1e6));
    }

    // Gives back a reservation that was not used (the send was refused before it went out).
    void Cancel() { tokens_ = std::min(burst_, tokens_ + 1.0); }

    double available(Timestamp now) {
        Refill(now);
        return tokens_;
    }
    Timestamp last_used() const { return last_; }

  private:
    void Refill(Timestamp now) {
        if (!started_) {
            started_ = true;
            last_ = now;
            return;
        }
        if (now <= last_) return;
        const double elapsed = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
        last_ = now;
    }

    double rate_;
    double burst_;
    double tokens_;
    bool started_ = false;
    Timestamp last_{};
};

}  // namespace hudhud
