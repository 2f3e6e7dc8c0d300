#include "storage/postgres/postgres_values.hpp"

#include <charconv>
#include <cmath>

namespace hudhud::storage::postgres::detail {
namespace {

constexpr Oid kBool = 16;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kOid = 26;
constexpr Oid kFloat4 = 700;
constexpr Oid kFloat8 = 701;
constexpr Oid kNumeric = 1700;

bool StartsWith(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Oid ParamType(const Value& v) {
    if (std::holds_alternative<std::int64_t>(v)) return kInt8;
    if (std::holds_alternative<double>(v)) return kFloat8;
    return 0;
}

std::optional<std::string> FormatParam(const Value& v) {
    if (const auto* s = std::get_if<std::string>(&v)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) {
        if (std::isnan(*d)) return std::string("NaN");
        if (std::isinf(*d)) return std::string(*d > 0 ? "Infinity" : "-Infinity");
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *d);
        return std::string(buf, ec == std::errc() ? end : buf);
    }
    return std::nullopt;
}

Value ParseCell(Oid type, std::string_view text) {
    switch (type) {
        case kInt2:
        case kInt4:
        case kInt8:
        case kOid: {
            std::int64_t v = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && end == text.data() + text.size()) return v;
            return std::string(text);
        }
        case kFloat4:
        case kFloat8:
        case kNumeric: {
            double v = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
            if (ec == std::errc() && end == text.data() + text.size()) return v;
            return std::string(text);
        }
        case kBool:
            return std::int64_t{text == "t" ? 1 : 0};
        default:
            return std::string(text);
    }
}

Error ErrorFromSqlState(std::string_view sqlstate, std::string message) {
    if (StartsWith(sqlstate, "23")) return Error::Conflict(std::move(message));
    if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03" ||
        StartsWith(sqlstate, "08") || StartsWith(sqlstate, "57P") || StartsWith(sqlstate, "53")) {
        return Error::Unavailable(std::move(message));
    }
    if (sqlstate == "57014") return Error::Timeout(std::move(message));
    return Error::Internal(std::move(message));
}

}  // namespace hudhud::storage::postgres::detail
