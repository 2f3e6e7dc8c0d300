#include "services/inbox_routing.hpp"

#include <gtest/gtest.h>

namespace hudhud::services {
namespace {

std::vector<UserId> Users(std::initializer_list<std::int64_t> ids) {
    std::vector<UserId> out;
    for (auto id : ids) out.emplace_back(id);
    return out;
}

TEST(ParseAutoAssignmentTest, AbsentIsDisabledAndBadShapesAreRefused) {
    auto none = ParseAutoAssignment(R"({"phone_number_id":"1"})");
    ASSERT_TRUE(none.ok());
    EXPECT_FALSE(none->enabled);
    auto on = ParseAutoAssignment(R"({"auto_assignment":{"enabled":true,"max_open_per_agent":3}})");
    ASSERT_TRUE(on.ok());
    EXPECT_TRUE(on->enabled);
    EXPECT_EQ(on->max_open_per_agent, 3);
    for (const char* bad :
         {R"({"auto_assignment":true})", R"({"auto_assignment":{"enabled":"yes"}})",
          R"({"auto_assignment":{"max_open_per_agent":-1}})",
          R"({"auto_assignment":{"max_open_per_agent":1.5}})",
          R"({"auto_assignment":{"enabled":true,"mode":"x"}})"}) {
        EXPECT_FALSE(ParseAutoAssignment(bad).ok()) << bad;
    }
}

TEST(PickNextAgentTest, RotatesInIdOrderAndWraps) {
    const auto online = Users({3, 5, 9});
    std::map<std::int64_t, std::int64_t> open;
    EXPECT_EQ(PickNextAgent(online, 0, open, 0)->value(), 3);
    EXPECT_EQ(PickNextAgent(online, 3, open, 0)->value(), 5);
    EXPECT_EQ(PickNextAgent(online, 5, open, 0)->value(), 9);
    EXPECT_EQ(PickNextAgent(online, 9, open, 0)->value(), 3);
    // The last one went offline: continue after where it stood.
    EXPECT_EQ(PickNextAgent(online, 4, open, 0)->value(), 5);
    EXPECT_FALSE(PickNextAgent({}, 0, open, 0).has_value());
}

TEST(PickNextAgentTest, SkipsAgentsAtTheirLimit) {
    const auto online = Users({3, 5, 9});
    std::map<std::int64_t, std::int64_t> open{{3, 2}, {5, 1}, {9, 2}};
    EXPECT_EQ(PickNextAgent(online, 0, open, 2)->value(), 5);
    EXPECT_EQ(PickNextAgent(online, 5, open, 2)->value(), 5);
    open[5] = 2;
    EXPECT_FALSE(PickNextAgent(online, 0, open, 2).has_value());
    // 0 is no limit.
    EXPECT_EQ(PickNextAgent(online, 0, open, 0)->value(), 3);
}

}  // namespace
}  // namespace hudhud::services
