#include "storage/sqlite/placeholders.hpp"

#include <gtest/gtest.h>

namespace hudhud::storage::sqlite::detail {
namespace {

TEST(TranslatePlaceholdersTest, RewritesPositionalParameters) {
    struct Case {
        const char* in;
        const char* out;
    };
    const Case cases[] = {
        {"SELECT $1", "SELECT ?1"},
        {"VALUES ($2, $1, $10)", "VALUES (?2, ?1, ?10)"},
        {"WHERE a = $1 AND b = $1", "WHERE a = ?1 AND b = ?1"},
        {"SELECT '$1'", "SELECT '$1'"},
        {"SELECT 'it''s $1', $2", "SELECT 'it''s $1', ?2"},
        {"SELECT \"$1\" FROM t", "SELECT \"$1\" FROM t"},
        {"SELECT [$1], `$2`", "SELECT [$1], `$2`"},
        {"SELECT $1 -- $2\n, $3", "SELECT ?1 -- $2\n, ?3"},
        {"SELECT /* $1 */ $2", "SELECT /* $1 */ ?2"},
        {"SELECT $a, $", "SELECT $a, $"},
        {"SELECT 'unterminated $1", "SELECT 'unterminated $1"},
        {"SELECT 'مرحبا' || $1", "SELECT 'مرحبا' || ?1"},
        {"", ""},
    };
    for (const Case& c : cases) EXPECT_EQ(TranslatePlaceholders(c.in), c.out) << c.in;
}

}  // namespace
}  // namespace hudhud::storage::sqlite::detail
