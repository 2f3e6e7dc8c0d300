#include "storage/postgres/postgres_values.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "storage/postgres/postgres_database.hpp"

namespace hudhud::storage::postgres::detail {
namespace {

TEST(PostgresValuesTest, ParametersAreTypedAndFormatted) {
    EXPECT_EQ(ParamType(Value(std::int64_t{1})), 20u);
    EXPECT_EQ(ParamType(Value(1.5)), 701u);
    EXPECT_EQ(ParamType(Value(std::string("x"))), 0u);
    EXPECT_EQ(ParamType(Value(nullptr)), 0u);
    EXPECT_EQ(FormatParam(Value(std::numeric_limits<std::int64_t>::min())), "-9223372036854775808");
    EXPECT_EQ(FormatParam(Value(0.1)), "0.1");
    EXPECT_EQ(FormatParam(Value(std::numeric_limits<double>::infinity())), "Infinity");
    EXPECT_EQ(FormatParam(Value(std::nan(""))), "NaN");
    EXPECT_EQ(FormatParam(Value(std::string("نص"))), "نص");
    EXPECT_EQ(FormatParam(Value(nullptr)), std::nullopt);
}

TEST(PostgresValuesTest, CellsAreConvertedByColumnType) {
    EXPECT_EQ(ParseCell(20, "9223372036854775807"),
              Value(std::numeric_limits<std::int64_t>::max()));
    EXPECT_EQ(ParseCell(21, "-3"), Value(std::int64_t{-3}));
    EXPECT_EQ(ParseCell(23, "42"), Value(std::int64_t{42}));
    EXPECT_EQ(ParseCell(26, "4000000000"), Value(std::int64_t{4000000000}));
    EXPECT_EQ(ParseCell(701, "0.1"), Value(0.1));
    EXPECT_EQ(ParseCell(700, "-Infinity"), Value(-std::numeric_limits<double>::infinity()));
    EXPECT_EQ(ParseCell(1700, "12.50"), Value(12.5));
    EXPECT_EQ(ParseCell(16, "t"), Value(std::int64_t{1}));
    EXPECT_EQ(ParseCell(16, "f"), Value(std::int64_t{0}));
    EXPECT_EQ(ParseCell(25, "مرحبا"), Value(std::string("مرحبا")));
    EXPECT_EQ(ParseCell(1082, "2024-01-02"), Value(std::string("2024-01-02")));
}

TEST(PostgresValuesTest, SqlStatesMapToErrorCodes) {
    struct Case {
        const char* state;
        ErrorCode code;
        bool retryable;
    };
    const Case cases[] = {
        {"23505", ErrorCode::kConflict, false},   {"23503", ErrorCode::kConflict, false},
        {"23514", ErrorCode::kConflict, false},   {"40001", ErrorCode::kUnavailable, true},
        {"40P01", ErrorCode::kUnavailable, true}, {"08006", ErrorCode::kUnavailable, true},
        {"57P01", ErrorCode::kUnavailable, true}, {"53300", ErrorCode::kUnavailable, true},
        {"57014", ErrorCode::kTimeout, true},     {"42P01", ErrorCode::kInternal, false},
        {"25006", ErrorCode::kInternal, false},
    };
    for (const Case& c : cases) {
        Error e = ErrorFromSqlState(c.state, "m");
        EXPECT_EQ(e.code, c.code) << c.state;
        EXPECT_EQ(e.retryable, c.retryable) << c.state;
        EXPECT_EQ(e.message, "m");
    }
}

TEST(PostgresDatabaseOpenTest, UnreachableServerIsUnavailable) {
    PostgresOptions options;
    options.conninfo = "host=/nonexistent-hudhud port=1";
    auto db = PostgresDatabase::Open(options);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
    options.writer_count = 0;
    EXPECT_EQ(PostgresDatabase::Open(options).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace hudhud::storage::postgres::detail
