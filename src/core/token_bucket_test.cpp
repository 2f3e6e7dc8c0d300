#include "core/token_bucket.hpp"

#include <gtest/gtest.h>

namespace hudhud {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(TokenBucketTest, BurstIsFreeThenPacedAtTheRate) {
    TokenBucket b(80, 80);
    const Timestamp t0 = FromMicros(1'000'000);
    for (int i = 0; i < 80; ++i) EXPECT_EQ(b.Reserve(t0), microseconds(0)) << i;
    // The 81st waits one interval (1/80 s), the 82nd two.
    EXPECT_EQ(b.Reserve(t0), microseconds(12'500));
    EXPECT_EQ(b.Reserve(t0), microseconds(25'000));
}

TEST(TokenBucketTest, RefillsWithTimeUpToTheBurst) {
    TokenBucket b(1.0 / 6.0, 2);  // WhatsApp pair rate: one per 6 s, small burst
    const Timestamp t0 = FromMicros(0);
    EXPECT_EQ(b.Reserve(t0), microseconds(0));
    EXPECT_EQ(b.Reserve(t0), microseconds(0));
    EXPECT_EQ(b.Reserve(t0), microseconds(6'000'000));
    // Long idle: never more than the burst saved.
    TokenBucket c(10, 3);
    c.Reserve(t0);
    EXPECT_NEAR(c.available(t0 + std::chrono::hours(1)), 3.0, 1e-9);
}

TEST(TokenBucketTest, CancelReturnsTheToken) {
    TokenBucket b(1, 1);
    const Timestamp t0 = FromMicros(0);
    EXPECT_EQ(b.Reserve(t0), microseconds(0));
    EXPECT_GT(b.Reserve(t0), microseconds(0));
    b.Cancel();
    b.Cancel();
    EXPECT_EQ(b.Reserve(t0), microseconds(0));
}

TEST(TokenBucketTest, ClockGoingBackwardsAddsNothing) {
    TokenBucket b(1, 1);
    EXPECT_EQ(b.Reserve(FromMicros(10'000'000)), microseconds(0));
    EXPECT_GT(b.Reserve(FromMicros(5'000'000)), microseconds(0));
}

}  // namespace
}  // namespace hudhud
