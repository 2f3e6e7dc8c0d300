#include "channels/webchat/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace hudhud::channels::webchat {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiterTest, LimitsPerKeyPerWindow) {
    FakeClock clock;
    RateLimiter limiter(3, 10s);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.Allow("ip:1", clock.Now()));
    EXPECT_FALSE(limiter.Allow("ip:1", clock.Now()));
    EXPECT_TRUE(limiter.Allow("ip:2", clock.Now()));  // keys are independent
    clock.Advance(9s);
    EXPECT_FALSE(limiter.Allow("ip:1", clock.Now()));
    clock.Advance(1s);
    EXPECT_TRUE(limiter.Allow("ip:1", clock.Now()));
}

TEST(RateLimiterTest, BoundedMemoryDropsExpiredWindowsFirst) {
    FakeClock clock;
    RateLimiter limiter(1, 10s, 2);
    EXPECT_TRUE(limiter.Allow("a", clock.Now()));
    clock.Advance(11s);
    EXPECT_TRUE(limiter.Allow("b", clock.Now()));
    EXPECT_TRUE(limiter.Allow("c", clock.Now()));  // "a" expired and was dropped
    EXPECT_FALSE(limiter.Allow("b", clock.Now()));
}

}  // namespace
}  // namespace hudhud::channels::webchat
