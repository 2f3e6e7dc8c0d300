#include "services/login_throttle.hpp"

#include <gtest/gtest.h>

namespace hudhud::services {
namespace {

using namespace std::chrono_literals;

TEST(LoginThrottleTest, LocksAccountAfterLimitUntilWindowEnds) {
    FakeClock clock;
    LoginThrottle t(clock, {.max_failures_per_account = 3, .max_failures_per_ip = 100,
                            .window = 60s});
    for (int i = 0; i < 3; ++i) {
        EXPECT_FALSE(t.RetryAfter("a@x.io", "1.1.1.1"));
        t.RecordFailure("a@x.io", "1.1.1.1");
    }
    auto wait = t.RetryAfter("a@x.io", "2.2.2.2");
    ASSERT_TRUE(wait);
    EXPECT_EQ(wait->count(), 60);
    EXPECT_FALSE(t.RetryAfter("b@x.io", "1.1.1.1")) << "another account is not locked";
    clock.Advance(61s);
    EXPECT_FALSE(t.RetryAfter("a@x.io", "1.1.1.1"));
}

TEST(LoginThrottleTest, LocksIpAcrossAccounts) {
    FakeClock clock;
    LoginThrottle t(clock, {.max_failures_per_account = 100, .max_failures_per_ip = 4,
                            .window = 60s});
    for (int i = 0; i < 4; ++i) t.RecordFailure("user" + std::to_string(i) + "@x.io", "9.9.9.9");
    EXPECT_TRUE(t.RetryAfter("fresh@x.io", "9.9.9.9"));
    EXPECT_FALSE(t.RetryAfter("fresh@x.io", "8.8.8.8"));
}

TEST(LoginThrottleTest, SuccessClearsAccountCounter) {
    FakeClock clock;
    LoginThrottle t(clock, {.max_failures_per_account = 2, .max_failures_per_ip = 100,
                            .window = 60s});
    t.RecordFailure("a@x.io", "1.1.1.1");
    t.RecordSuccess("a@x.io");
    t.RecordFailure("a@x.io", "1.1.1.1");
    EXPECT_FALSE(t.RetryAfter("a@x.io", "1.1.1.1"));
}

}  // namespace
}  // namespace hudhud::services
