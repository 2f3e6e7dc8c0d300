#include "llm/retry_policy.hpp"

#include <gtest/gtest.h>

namespace hudhud::llm {
namespace {

using std::chrono::milliseconds;

net::HttpResponse With(int status, std::vector<std::pair<std::string, std::string>> headers,
                       std::string body = "") {
    net::HttpResponse r;
    r.status = status;
    r.headers = std::move(headers);
    r.body = std::move(body);
    return r;
}

TEST(LlmRetryPolicyTest, RetryAfterForms) {
    EXPECT_EQ(RetryAfter(With(429, {{"retry-after", "2"}})), milliseconds(2000));
    EXPECT_EQ(RetryAfter(With(429, {{"retry-after", " 0.25 "}})), milliseconds(250));
    EXPECT_EQ(RetryAfter(With(429, {{"retry-after", "0"}})), milliseconds(0));
    // OpenAI's millisecond header wins.
    EXPECT_EQ(RetryAfter(With(429, {{"retry-after", "2"}, {"retry-after-ms", "1500"}})),
              milliseconds(1500));
    EXPECT_EQ(RetryAfter(With(503, {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}})),
              std::nullopt);
    EXPECT_EQ(RetryAfter(With(503, {{"retry-after", "-1"}})), std::nullopt);
    EXPECT_EQ(RetryAfter(With(503, {})), std::nullopt);
    EXPECT_EQ(RetryAfter(With(503, {{"retry-after", "99999999999"}})), milliseconds(86'400'000));
}

TEST(LlmRetryPolicyTest, WhichStatusesAreRetried) {
    for (int s : {408, 409, 429, 500, 502, 503, 504}) EXPECT_TRUE(ShouldRetryStatus(With(s, {})));
    for (int s : {400, 401, 403, 404, 413, 422}) EXPECT_FALSE(ShouldRetryStatus(With(s, {})));
    EXPECT_FALSE(ShouldRetryStatus(With(503, {{"x-should-retry", "false"}})));
    EXPECT_TRUE(ShouldRetryStatus(With(400, {{"x-should-retry", "true"}})));
    EXPECT_FALSE(
        ShouldRetryStatus(With(429, {},
                               R"({"error":{"message":"quota","type":"insufficient_quota",)"
                               R"("code":"insufficient_quota"}})")));
}

TEST(LlmRetryPolicyTest, BackoffGrowsWithJitterAndCap) {
    const milliseconds initial(500), max(8000);
    EXPECT_EQ(BackoffDelay(0, initial, max, 1.0), milliseconds(500));
    EXPECT_EQ(BackoffDelay(0, initial, max, 0.0), milliseconds(250));
    EXPECT_EQ(BackoffDelay(1, initial, max, 1.0), milliseconds(1000));
    EXPECT_EQ(BackoffDelay(3, initial, max, 1.0), milliseconds(4000));
    EXPECT_EQ(BackoffDelay(10, initial, max, 1.0), milliseconds(8000));
    EXPECT_EQ(BackoffDelay(1000, initial, max, 0.5), milliseconds(6000));
}

}  // namespace
}  // namespace hudhud::llm
