#include "core/message.hpp"

#include <gtest/gtest.h>

namespace hudhud {
namespace {

using S = DeliveryStatus;

TEST(DeliveryStatusTest, MovesOnlyForward) {
    EXPECT_TRUE(DeliveryStatusAdvances(S::kPending, S::kSent));
    EXPECT_TRUE(DeliveryStatusAdvances(S::kSent, S::kDelivered));
    EXPECT_TRUE(DeliveryStatusAdvances(S::kSent, S::kRead)) << "delivered may be skipped";
    EXPECT_TRUE(DeliveryStatusAdvances(S::kDelivered, S::kRead));
    EXPECT_FALSE(DeliveryStatusAdvances(S::kRead, S::kDelivered)) << "read never goes back";
    EXPECT_FALSE(DeliveryStatusAdvances(S::kDelivered, S::kSent));
    EXPECT_FALSE(DeliveryStatusAdvances(S::kRead, S::kRead)) << "duplicates change nothing";
}

TEST(DeliveryStatusTest, FailureCountsOnlyBeforeDelivery) {
    EXPECT_TRUE(DeliveryStatusAdvances(S::kPending, S::kFailed));
    EXPECT_TRUE(DeliveryStatusAdvances(S::kSent, S::kFailed));
    EXPECT_FALSE(DeliveryStatusAdvances(S::kDelivered, S::kFailed));
    EXPECT_FALSE(DeliveryStatusAdvances(S::kFailed, S::kRead)) << "failed is final";
}

TEST(DeliveryStatusTest, IncomingMessagesHaveNoLifecycle) {
    EXPECT_FALSE(DeliveryStatusAdvances(S::kReceived, S::kRead));
    EXPECT_EQ(ParseDeliveryStatus("delivered"), S::kDelivered);
    EXPECT_FALSE(ParseDeliveryStatus("bogus"));
}

}  // namespace
}  // namespace hudhud
