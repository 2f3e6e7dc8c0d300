#pragma once

#include <chrono>
#include <functional>

#include "core/clock.hpp"

namespace hudhud::jobs {

// Exponential backoff for retries: attempt n (1-based, the attempt that just failed) waits a
// uniformly random delay in [0, min(cap, base * factor^(n-1))] ("full jitter"), which spreads
// the retries of many jobs that failed together instead of synchronizing them.
struct BackoffPolicy {
    std::chrono::microseconds base = std::chrono::seconds(1);
    double factor = 2.0;
    std::chrono::microseconds cap = std::chrono::hours(1);
};

// A source of uniform doubles in [0, 1). Must be safe to call from several threads.
using RandomSource = std::function<double()>;

// A thread-safe RandomSource seeded from std::random_device.
RandomSource DefaultRandomSource();

// min(cap, base * factor^(attempt-1)); attempt < 1 counts as 1.
std::chrono::microseconds BackoffCeiling(const BackoffPolicy& policy, int attempt);

// The delay before the retry after `attempt`: `unit` (in [0, 1], clamped) times the ceiling.
std::chrono::microseconds BackoffDelay(const BackoffPolicy& policy, int attempt, double unit);

// The next tick of a periodic job that was due at `previous` and has just run at `now`: the first
// previous + k*period (k >= 1) that is after `now`. Missed ticks are skipped, not run in a burst.
Timestamp NextPeriodicRun(Timestamp previous, std::chrono::microseconds period, Timestamp now);

}  // namespace hudhud::jobs
