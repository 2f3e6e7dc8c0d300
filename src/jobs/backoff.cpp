#include "jobs/backoff.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>

namespace hudhud::jobs {

RandomSource DefaultRandomSource() {
    struct State {
        std::mutex mu;
        std::mt19937_64 engine{std::random_device{}()};
        std::uniform_real_distribution<double> dist{0.0, 1.0};
    };
    auto state = std::make_shared<State>();
    return [state] {
        std::lock_guard lock(state->mu);
        return state->dist(state->engine);
    };
}

std::chrono::microseconds BackoffCeiling(const BackoffPolicy& policy, int attempt) {
    const double cap = static_cast<double>(policy.cap.count());
    const double base = static_cast<double>(policy.base.count());
    const int n = std::max(attempt, 1) - 1;
    // Computed in double and clamped before converting, so a large attempt cannot overflow.
    const double raw = base * std::pow(std::max(policy.factor, 1.0), n);
    const double ceiling = std::clamp(raw, 0.0, cap);
    return std::chrono::microseconds(static_cast<std::int64_t>(ceiling));
}

std::chrono::microseconds BackoffDelay(const BackoffPolicy& policy, int attempt, double unit) {
    if (!(unit >= 0.0)) unit = 0.0;  // also catches NaN
    unit = std::min(unit, 1.0);
    const double ceiling = static_cast<double>(BackoffCeiling(policy, attempt).count());
    return std::chrono::microseconds(static_cast<std::int64_t>(ceiling * unit));
}

Timestamp NextPeriodicRun(Timestamp previous, std::chrono::microseconds period, Timestamp now) {
    if (period.count() <= 0) return now;
    if (now < previous) return previous + period;
    const auto missed = (now - previous) / period;  // whole periods already elapsed
    return previous + period * (missed + 1);
}

}  // namespace hudhud::jobs
