#include "llm/token_budget.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace hudhud::llm {
namespace {

using namespace std::chrono_literals;

// 2023-11-14T22:13:20Z, a little before a UTC midnight.
const Timestamp kStart = FromMicros(1'700'000'000'000'000);

class LlmTokenBudgetTest : public ::testing::Test {
  protected:
    FakeClock clock_{kStart};
    TokenBudget budget_{clock_, {.default_daily_limit = 1000}};
    const WorkspaceId ws_{1};
};

TEST_F(LlmTokenBudgetTest, ReserveCommitAndExhaustion) {
    auto r = budget_.Reserve(ws_, 600);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(budget_.UsageOf(ws_).reserved, 600);
    EXPECT_EQ(budget_.UsageOf(ws_).remaining, 400);

    // A second call in flight cannot take more than what is left.
    auto too_much = budget_.Reserve(ws_, 500);
    ASSERT_FALSE(too_much.ok());
    EXPECT_EQ(too_much.error().code, ErrorCode::kRateLimited);
    EXPECT_FALSE(too_much.error().retryable);
    EXPECT_NE(too_much.error().message.find("workspace 1"), std::string::npos);
    EXPECT_NE(too_much.error().message.find("600 of 1000"), std::string::npos);
    EXPECT_NE(too_much.error().message.find("2023-11-14"), std::string::npos);
    EXPECT_NE(too_much.error().message.find("resets at 00:00 UTC"), std::string::npos);

    r->Commit(250);  // used less than estimated: the rest comes back
    auto u = budget_.UsageOf(ws_);
    EXPECT_EQ(u.used, 250);
    EXPECT_EQ(u.reserved, 0);
    EXPECT_EQ(u.remaining, 750);
    EXPECT_EQ(u.limit, 1000);
    EXPECT_EQ(u.day, "2023-11-14");
    r->Commit(999);  // only the first settlement counts
    EXPECT_EQ(budget_.UsageOf(ws_).used, 250);

    ASSERT_TRUE(budget_.Reserve(ws_, 750).ok());  // released again at the end of the statement
    auto last = budget_.Reserve(ws_, 750);
    ASSERT_TRUE(last.ok());
    last->Commit(900);  // more than estimated is charged in full
    EXPECT_EQ(budget_.UsageOf(ws_).used, 1150);
    EXPECT_EQ(budget_.UsageOf(ws_).remaining, 0);
    EXPECT_FALSE(budget_.Reserve(ws_, 1).ok());
    EXPECT_FALSE(budget_.Reserve(ws_, 0).ok());  // over the limit: even an empty call waits
}

TEST_F(LlmTokenBudgetTest, ReleaseAndDestructorGiveTheReservationBack) {
    {
        auto r = budget_.Reserve(ws_, 400);
        ASSERT_TRUE(r.ok());
        auto moved = std::move(r).value();
        EXPECT_EQ(budget_.UsageOf(ws_).reserved, 400);
    }
    EXPECT_EQ(budget_.UsageOf(ws_).reserved, 0);
    auto r = budget_.Reserve(ws_, 300);
    ASSERT_TRUE(r.ok());
    r->Release();
    r->Commit(300);  // after a release, nothing
    EXPECT_EQ(budget_.UsageOf(ws_).used, 0);
    EXPECT_EQ(budget_.UsageOf(ws_).reserved, 0);
}

TEST_F(LlmTokenBudgetTest, WorkspacesAreSeparateAndLimitsCanBeSet) {
    const WorkspaceId other(2);
    auto a = budget_.Reserve(ws_, 1000);
    ASSERT_TRUE(a.ok());
    a->Commit(1000);
    EXPECT_FALSE(budget_.Reserve(ws_, 1).ok());
    EXPECT_TRUE(budget_.Reserve(other, 1000).ok());

    budget_.SetDailyLimit(other, 0);  // no LLM use for this one
    EXPECT_FALSE(budget_.Reserve(other, 1).ok());
    EXPECT_EQ(budget_.UsageOf(other).limit, 0);
    budget_.SetDailyLimit(ws_, 5000);
    EXPECT_TRUE(budget_.Reserve(ws_, 4000).ok());
    budget_.ClearDailyLimit(ws_);
    EXPECT_EQ(budget_.UsageOf(ws_).limit, 1000);

    EXPECT_EQ(budget_.Reserve(WorkspaceId(), 1).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(budget_.Reserve(ws_, -1).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(LlmTokenBudgetTest, TheBudgetComesBackAtUtcMidnight) {
    auto r = budget_.Reserve(ws_, 900);
    ASSERT_TRUE(r.ok());
    r->Commit(900);
    EXPECT_FALSE(budget_.Reserve(ws_, 200).ok());

    auto in_flight = budget_.Reserve(ws_, 100);
    ASSERT_TRUE(in_flight.ok());
    clock_.Advance(std::chrono::hours(2));  // 00:13 UTC the next day
    EXPECT_EQ(budget_.UsageOf(ws_).day, "2023-11-15");
    EXPECT_EQ(budget_.UsageOf(ws_).used, 0);
    auto fresh = budget_.Reserve(ws_, 800);
    ASSERT_TRUE(fresh.ok());
    // Yesterday's call finishing now counts today, without touching today's reservations.
    in_flight->Commit(150);
    auto u = budget_.UsageOf(ws_);
    EXPECT_EQ(u.used, 150);
    EXPECT_EQ(u.reserved, 800);
}

TEST_F(LlmTokenBudgetTest, ConcurrentCallersNeverOvershoot) {
    TokenBudget budget(clock_, {.default_daily_limit = 10'000});
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                auto r = budget.Reserve(ws_, 10);
                if (!r.ok()) continue;
                ++granted;
                r->Commit(10);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(granted.load(), 1000);
    EXPECT_EQ(budget.UsageOf(ws_).used, 10'000);
    EXPECT_EQ(budget.UsageOf(ws_).reserved, 0);
}

TEST(LlmTokenEstimateTest, GrowsWithTextAndOutputAllowance) {
    const std::vector<ChatMessage> short_prompt = {{Role::kUser, "hi"}};
    const std::vector<ChatMessage> long_prompt = {{Role::kSystem, std::string(3000, 'x')},
                                                  {Role::kUser, "hi"}};
    EXPECT_EQ(EstimateChatTokens(short_prompt, 0), 3 + 4 + 1 + 1024);
    EXPECT_EQ(EstimateChatTokens(short_prompt, 100), 3 + 4 + 1 + 100);
    EXPECT_GT(EstimateChatTokens(long_prompt, 100), 1000);
}

}  // namespace
}  // namespace hudhud::llm
