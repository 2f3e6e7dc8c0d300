#include "storage/sql.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace hudhud::storage {
namespace {

std::string FormatDouble(double d) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), d);
    if (ec != std::errc()) return "0";
    return std::string(buf, end);
}

// Text from a backend may hold an integer ("42") or, for NUMERIC columns, a decimal ("42.0").
std::int64_t ParseInt(const std::string& s) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size()) return v;
    double d = 0;
    auto [dend, dec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (dec == std::errc() && std::isfinite(d)) return static_cast<std::int64_t>(d);
    return v;
}

double ParseDouble(const std::string& s) {
    double d = 0;
    std::from_chars(s.data(), s.data() + s.size(), d);
    return d;
}

}  // namespace

bool IsNull(const Value& v) { return std::holds_alternative<std::nullptr_t>(v); }

std::int64_t AsInt(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
    if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
    if (const auto* s = std::get_if<std::string>(&v)) return ParseInt(*s);
    return 0;
}

double AsDouble(const Value& v) {
    if (const auto* d = std::get_if<double>(&v)) return *d;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
    if (const auto* s = std::get_if<std::string>(&v)) return ParseDouble(*s);
    return 0;
}

std::string AsText(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
    return std::string();
}

std::optional<std::string> AsOptText(const Value& v) {
    if (IsNull(v)) return std::nullopt;
    return AsText(v);
}

std::optional<std::int64_t> AsOptInt(const Value& v) {
    if (IsNull(v)) return std::nullopt;
    return AsInt(v);
}

}  // namespace hudhud::storage
