#include "channels/webchat/rate_limiter.hpp"

namespace hudhud::channels::webchat {

bool RateLimiter::Allow(const std::string& key, Timestamp now) {
    std::lock_guard lock(mu_);
    if (windows_.size() >= max_keys_ && !windows_.contains(key)) {
        std::erase_if(windows_, [&](const auto& kv) { return now - kv.second.start >= window_; });
        if (windows_.size() >= max_keys_) windows_.clear();
    }
    Window& w = windows_[key];
    if (w.hits == 0 || now - w.start >= window_) {
        w.start = now;
        w.hits = 0;
    }
    if (w.hits >= limit_) return false;
    ++w.hits;
    return true;
}

}  // namespace hudhud::channels::webchat
