#pragma once

#include <cassert>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.hpp"

namespace hudhud {

// Result<T> holds either a T or an Error: the value type for expected failures (see STYLE.md).
// A small stand-in for std::expected until the toolchain has C++23.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const& {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() && {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const& {
        assert(!ok());
        return std::get<1>(v_);
    }
    Error&& error() && {
        assert(!ok());
        return std::get<1>(std::move(v_));
    }

    template <typename U>
    T value_or(U&& fallback) const& {
        return ok() ? value() : static_cast<T>(std::forward<U>(fallback));
    }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

    bool ok() const { return !error_.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const& {
        assert(!ok());
        return *error_;
    }
    Error&& error() && {
        assert(!ok());
        return std::move(*error_);
    }

private:
    std::optional<Error> error_;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace hudhud

// Propagates the error of a Result-returning expression; evaluates to nothing on success.
#define HH_RETURN_IF_ERROR(expr)                          \
    do {                                                  \
        auto hh_status_ = (expr);                         \
        if (!hh_status_.ok()) return std::move(hh_status_).error(); \
    } while (0)

#define HH_CONCAT_INNER(a, b) a##b
#define HH_CONCAT(a, b) HH_CONCAT_INNER(a, b)
// HH_ASSIGN_OR_RETURN(auto x, Expr()); declares x from the Result's value or returns its error.
#define HH_ASSIGN_OR_RETURN(lhs, expr) \
    HH_ASSIGN_OR_RETURN_IMPL(HH_CONCAT(hh_result_, __LINE__), lhs, expr)
#define HH_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
    auto tmp = (expr);                           \
    if (!tmp.ok()) return std::move(tmp).error(); \
    lhs = std::move(tmp).value()
