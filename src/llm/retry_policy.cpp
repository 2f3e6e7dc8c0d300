#include "llm/retry_policy.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "llm/openai_wire.hpp"

namespace hudhud::llm {
namespace {

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// A non-negative decimal number ("2", "0.5"); nullopt for anything else (an HTTP-date).
std::optional<double> ParseNonNegative(std::string_view s) {
    s = Trim(s);
    if (s.empty() || s.size() > 32) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value) || value < 0)
        return std::nullopt;
    return value;
}

bool IEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::optional<std::chrono::milliseconds> RetryAfter(const net::HttpResponse& response) {
    // A day is far more than anyone waits in-line; the cap keeps the conversion from overflowing.
    constexpr double kCapMs = 86'400'000.0;
    if (auto ms = response.Header("retry-after-ms")) {
        if (auto v = ParseNonNegative(*ms))
            return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(*v, kCapMs)));
    }
    if (auto s = response.Header("retry-after")) {
        if (auto v = ParseNonNegative(*s))
            return std::chrono::milliseconds(
                static_cast<std::int64_t>(std::ceil(std::min(*v * 1000.0, kCapMs))));
    }
    return std::nullopt;
}

bool ShouldRetryStatus(const net::HttpResponse& response) {
    if (auto hint = response.Header("x-should-retry")) {
        if (IEquals(Trim(*hint), "true")) return true;
        if (IEquals(Trim(*hint), "false")) return false;
    }
    const int s = response.status;
    if (s == 429) return ParseApiError(response.body).code != "insufficient_quota";
    return s == 408 || s == 409 || s >= 500;
}

std::chrono::milliseconds BackoffDelay(int retry, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max, double jitter01) {
    const double base = static_cast<double>(std::max<std::int64_t>(initial.count(), 0));
    const double cap = static_cast<double>(std::max<std::int64_t>(max.count(), 0));
    const double exponential = std::min(cap, base * std::pow(2.0, std::clamp(retry, 0, 30)));
    const double factor = 0.5 + 0.5 * std::clamp(jitter01, 0.0, 1.0);
    return std::chrono::milliseconds(static_cast<std::int64_t>(exponential * factor));
}

}  // namespace hudhud::llm
