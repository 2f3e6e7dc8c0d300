#include "storage/sql.hpp"

#include <gtest/gtest.h>

namespace hudhud::storage {
namespace {

TEST(ValueTest, AccessorsConvertBetweenRepresentations) {
    EXPECT_TRUE(IsNull(Value(nullptr)));
    EXPECT_FALSE(IsNull(Value(std::string())));
    EXPECT_EQ(AsInt(Value(std::int64_t{42})), 42);
    EXPECT_EQ(AsInt(Value(std::string("42"))), 42);
    EXPECT_EQ(AsInt(Value(std::string("-9223372036854775808"))), INT64_MIN);
    EXPECT_EQ(AsInt(Value(std::string("42.0"))), 42);
    EXPECT_EQ(AsInt(Value(2.9)), 2);
    EXPECT_EQ(AsInt(Value(nullptr)), 0);
    EXPECT_EQ(AsDouble(Value(std::int64_t{3})), 3.0);
    EXPECT_EQ(AsDouble(Value(std::string("2.5"))), 2.5);
    EXPECT_EQ(AsText(Value(std::int64_t{-7})), "-7");
    EXPECT_EQ(AsText(Value(0.5)), "0.5");
    EXPECT_EQ(AsText(Value(std::string("نص"))), "نص");
    EXPECT_EQ(AsText(Value(nullptr)), "");
    EXPECT_EQ(AsOptText(Value(nullptr)), std::nullopt);
    EXPECT_EQ(AsOptText(Value(std::string())), std::optional<std::string>(""));
    EXPECT_EQ(AsOptInt(Value(nullptr)), std::nullopt);
    EXPECT_EQ(AsOptInt(Value(std::string("5"))), std::optional<std::int64_t>(5));
}

}  // namespace
}  // namespace hudhud::storage
