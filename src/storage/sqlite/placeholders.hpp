#pragma once

#include <string>
#include <string_view>

namespace hudhud::storage::sqlite::detail {

// Rewrites PostgreSQL-style positional parameters ($1, $2, ...) into SQLite's numbered ones
// (?1, ?2, ...), leaving string literals, quoted identifiers and comments untouched. SQLite would
// otherwise read "$1" as a *named* parameter and number parameters by first appearance.
std::string TranslatePlaceholders(std::string_view sql);

}  // namespace hudhud::storage::sqlite::detail
