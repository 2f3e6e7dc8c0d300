#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage::detail {

// Reads the cells of one row in order; keeps the row-to-struct code short and positional.
class RowReader {
public:
    explicit RowReader(const std::vector<Value>& row) : row_(row) {}
    std::int64_t Int() { return AsInt(row_.at(i_++)); }
    std::optional<std::int64_t> OptInt() { return AsOptInt(row_.at(i_++)); }
    std::string Text() { return AsText(row_.at(i_++)); }
    std::optional<std::string> OptText() { return AsOptText(row_.at(i_++)); }
    bool Bool() { return AsInt(row_.at(i_++)) != 0; }
    Timestamp Time() { return FromMicros(Int()); }
    std::optional<Timestamp> OptTime() {
        auto v = OptInt();
        if (!v) return std::nullopt;
        return FromMicros(*v);
    }
    template <typename IdT>
    IdT IdOf() {
        return IdT(Int());
    }
    template <typename IdT>
    std::optional<IdT> OptIdOf() {
        auto v = OptInt();
        if (!v) return std::nullopt;
        return IdT(*v);
    }

private:
    const std::vector<Value>& row_;
    std::size_t i_ = 0;
};

// For UPDATE/DELETE of one addressed row: zero rows changed means it is not there (or belongs to
// another workspace), which callers report as kNotFound.
inline Status ExpectOneRow(Result<std::int64_t> changed, const char* what) {
    if (!changed.ok()) return std::move(changed).error();
    if (*changed == 0) return Error::NotFound(std::string(what) + " not found");
    return Ok();
}

inline Status Discard(Result<std::int64_t> changed) {
    if (!changed.ok()) return std::move(changed).error();
    return Ok();
}

inline Value OptValue(const std::optional<std::string>& v) {
    return v ? Value(*v) : Value(nullptr);
}
inline Value OptValue(const std::optional<std::int64_t>& v) {
    return v ? Value(*v) : Value(nullptr);
}
inline Value TimeValue(Timestamp t) { return Value(ToMicros(t)); }
inline Value OptTimeValue(const std::optional<Timestamp>& t) {
    return t ? Value(ToMicros(*t)) : Value(nullptr);
}

}  // namespace hudhud::storage::detail
