#include "services/login_throttle.hpp"

namespace hudhud::services {

LoginThrottle::LoginThrottle(const Clock& clock, Options options)
    : clock_(clock), options_(options) {}

std::optional<std::chrono::seconds> LoginThrottle::Check(
    std::unordered_map<std::string, Window>& m, const std::string& key, int limit, Timestamp now) {
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    const auto end = it->second.start + options_.window;
    if (now >= end) {
        m.erase(it);
        return std::nullopt;
    }
    if (it->second.failures < limit) return std::nullopt;
    auto left = std::chrono::ceil<std::chrono::seconds>(end - now);
    return left.count() < 1 ? std::chrono::seconds(1) : left;
}

void LoginThrottle::Bump(std::unordered_map<std::string, Window>& m, const std::string& key,
                         Timestamp now) {
    auto& w = m[key];
    if (w.failures == 0 || now >= w.start + options_.window) {
        w.start = now;
        w.failures = 0;
    }
    ++w.failures;
}

void LoginThrottle::PruneLocked(Timestamp now) {
    // Bounded memory under a spray of distinct accounts/IPs: drop expired windows now and then.
    if (now - last_prune_ < options_.window) return;
    last_prune_ = now;
    for (auto* m : {&by_account_, &by_ip_}) {
        std::erase_if(*m, [&](const auto& kv) { return now >= kv.second.start + options_.window; });
    }
}

std::optional<std::chrono::seconds> LoginThrottle::RetryAfter(const std::string& account,
                                                              const std::string& ip) {
    std::lock_guard lock(mu_);
    const Timestamp now = clock_.Now();
    PruneLocked(now);
    auto a = Check(by_account_, account, options_.max_failures_per_account, now);
    auto i = Check(by_ip_, ip, options_.max_failures_per_ip, now);
    if (a && i) return std::max(*a, *i);
    return a ? a : i;
}

void LoginThrottle::RecordFailure(const std::string& account, const std::string& ip) {
    std::lock_guard lock(mu_);
    const Timestamp now = clock_.Now();
    Bump(by_account_, account, now);
    Bump(by_ip_, ip, now);
}

void LoginThrottle::RecordSuccess(const std::string& account) {
    std::lock_guard lock(mu_);
    by_account_.erase(account);
}

}  // namespace hudhud::services
