#include "jobs/backoff.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace hudhud::jobs {
namespace {

using namespace std::chrono_literals;

TEST(BackoffTest, CeilingDoublesFromTheBaseUpToTheCap) {
    BackoffPolicy p;  // 1 s, x2, 1 h
    EXPECT_EQ(BackoffCeiling(p, 1), 1s);
    EXPECT_EQ(BackoffCeiling(p, 2), 2s);
    EXPECT_EQ(BackoffCeiling(p, 3), 4s);
    EXPECT_EQ(BackoffCeiling(p, 12), 2048s);
    EXPECT_EQ(BackoffCeiling(p, 13), 1h);    // 4096 s capped
    EXPECT_EQ(BackoffCeiling(p, 1000), 1h);  // no overflow
    EXPECT_EQ(BackoffCeiling(p, 0), 1s);
    EXPECT_EQ(BackoffCeiling(p, -5), 1s);
}

TEST(BackoffTest, DelayIsFullJitterOverTheCeiling) {
    BackoffPolicy p;
    EXPECT_EQ(BackoffDelay(p, 3, 0.0), 0s);
    EXPECT_EQ(BackoffDelay(p, 3, 0.5), 2s);
    EXPECT_EQ(BackoffDelay(p, 3, 1.0), 4s);
    EXPECT_EQ(BackoffDelay(p, 3, 7.0), 4s);   // clamped
    EXPECT_EQ(BackoffDelay(p, 3, -1.0), 0s);  // clamped
    EXPECT_EQ(BackoffDelay(p, 3, std::numeric_limits<double>::quiet_NaN()), 0s);
}

TEST(BackoffTest, PolicyIsConfigurable) {
    BackoffPolicy p{100ms, 3.0, 1s};
    EXPECT_EQ(BackoffCeiling(p, 1), 100ms);
    EXPECT_EQ(BackoffCeiling(p, 2), 300ms);
    EXPECT_EQ(BackoffCeiling(p, 3), 900ms);
    EXPECT_EQ(BackoffCeiling(p, 4), 1s);
}

TEST(BackoffTest, DefaultRandomSourceIsUniformInUnitIntervalAndThreadSafe) {
    RandomSource r = DefaultRandomSource();
    std::vector<std::thread> threads;
    std::atomic<int> bad{0};
    std::atomic<int> low{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                double x = r();
                if (!(x >= 0.0 && x < 1.0)) ++bad;
                if (x < 0.5) ++low;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(bad.load(), 0);
    EXPECT_NEAR(low.load(), 20000, 1000);
}

TEST(BackoffTest, NextPeriodicRunSkipsMissedTicks) {
    const Timestamp t0 = FromMicros(1'000'000'000);
    EXPECT_EQ(NextPeriodicRun(t0, 60s, t0), t0 + 60s);
    EXPECT_EQ(NextPeriodicRun(t0, 60s, t0 + 1s), t0 + 60s);
    EXPECT_EQ(NextPeriodicRun(t0, 60s, t0 + 60s), t0 + 120s);
    EXPECT_EQ(NextPeriodicRun(t0, 60s, t0 + 270s), t0 + 300s);
    EXPECT_EQ(NextPeriodicRun(t0, 60s, t0 - 5s), t0 + 60s);
}

}  // namespace
}  // namespace hudhud::jobs
