#include "core/result.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/ids.hpp"

namespace hudhud {
namespace {

Result<int> Half(int x) {
    if (x % 2 != 0) return Error::InvalidArgument("odd");
    return x / 2;
}

Result<int> Quarter(int x) {
    HH_ASSIGN_OR_RETURN(int h, Half(x));
    return Half(h);
}

Status CheckEven(int x) {
    HH_RETURN_IF_ERROR(Half(x));
    return Ok();
}

TEST(ResultTest, CarriesValueOrError) {
    EXPECT_EQ(*Quarter(8), 2);
    auto r = Quarter(6);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(r.error().message, "odd");
    EXPECT_TRUE(CheckEven(4).ok());
    EXPECT_FALSE(CheckEven(5).ok());
}

TEST(ResultTest, HoldsMoveOnlyValues) {
    Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
    ASSERT_TRUE(r.ok());
    auto p = std::move(r).value();
    EXPECT_EQ(*p, 7);
}

TEST(ResultTest, RetryableFollowsCode) {
    EXPECT_TRUE(Error::Unavailable("x").retryable);
    EXPECT_FALSE(Error::NotFound("x").retryable);
    EXPECT_EQ(ErrorCodeName(ErrorCode::kPayloadTooLarge), "payload_too_large");
}

TEST(IdTest, DistinctKindsAndOrdering) {
    WorkspaceId a(1), b(2);
    EXPECT_LT(a, b);
    EXPECT_FALSE(WorkspaceId().valid());
    static_assert(!std::is_convertible_v<WorkspaceId, InboxId>);
}

}  // namespace
}  // namespace hudhud
