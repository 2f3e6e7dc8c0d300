#include "storage/sqlite/placeholders.hpp"

#include <cctype>

namespace hudhud::storage::sqlite::detail {
namespace {

bool IsDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Index just past the quoted run that starts at `i` and closes with `close`. A doubled closing
// quote is an escaped one and simply reopens the run on the next iteration.
std::size_t SkipQuoted(std::string_view sql, std::size_t i, char close) {
    std::size_t end = sql.find(close, i + 1);
    return end == std::string_view::npos ? sql.size() : end + 1;
}

}  // namespace

std::string TranslatePlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    std::size_t i = 0;
    while (i < sql.size()) {
        char c = sql[i];
        std::size_t next = i + 1;
        if (c == '\'' || c == '"' || c == '`') {
            next = SkipQuoted(sql, i, c);
        } else if (c == '[') {
            next = SkipQuoted(sql, i, ']');
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            std::size_t end = sql.find('\n', i);
            next = end == std::string_view::npos ? sql.size() : end + 1;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            std::size_t end = sql.find("*/", i + 2);
            next = end == std::string_view::npos ? sql.size() : end + 2;
        } else if (c == '$' && i + 1 < sql.size() && IsDigit(sql[i + 1])) {
            out.push_back('?');
            ++i;
            continue;
        }
        out.append(sql.substr(i, next - i));
        i = next;
    }
    return out;
}

}  // namespace hudhud::storage::sqlite::detail
