#include "llm/token_budget.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace hudhud::llm {
namespace {

constexpr std::int64_t kMicrosPerDay = 86'400'000'000;

std::string DayName(std::int64_t day) {
    const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buffer;
}

}  // namespace

TokenBudget::Reservation::Reservation(Reservation&& other) noexcept
    : budget_(other.budget_),
      workspace_(other.workspace_),
      day_(other.day_),
      estimated_(other.estimated_) {
    other.budget_ = nullptr;
}

TokenBudget::Reservation& TokenBudget::Reservation::operator=(Reservation&& other) noexcept {
    if (this != &other) {
        Release();
        budget_ = other.budget_;
        workspace_ = other.workspace_;
        day_ = other.day_;
        estimated_ = other.estimated_;
        other.budget_ = nullptr;
    }
    return *this;
}

TokenBudget::Reservation::~Reservation() { Release(); }

void TokenBudget::Reservation::Commit(std::int64_t actual_tokens) {
    if (budget_ == nullptr) return;
    budget_->Settle(*this, std::max<std::int64_t>(actual_tokens, 0), true);
    budget_ = nullptr;
}

void TokenBudget::Reservation::Release() {
    if (budget_ == nullptr) return;
    budget_->Settle(*this, 0, false);
    budget_ = nullptr;
}

TokenBudget::TokenBudget(const Clock& clock, Options options) : clock_(clock), options_(options) {}

std::int64_t TokenBudget::Today() const {
    const std::int64_t us = ToMicros(clock_.Now());
    return us >= 0 ? us / kMicrosPerDay : (us - kMicrosPerDay + 1) / kMicrosPerDay;
}

std::int64_t TokenBudget::LimitLocked(WorkspaceId workspace) const {
    const auto it = limits_.find(workspace);
    return std::max<std::int64_t>(it != limits_.end() ? it->second : options_.default_daily_limit,
                                  0);
}

TokenBudget::Day& TokenBudget::DayLocked(WorkspaceId workspace, std::int64_t today) {
    Day& d = days_[workspace];
    if (d.day != today) d = Day{.day = today};
    return d;
}

Result<TokenBudget::Reservation> TokenBudget::Reserve(WorkspaceId workspace,
                                                      std::int64_t estimated_tokens) {
    if (!workspace.valid()) return Error::InvalidArgument("token budget: invalid workspace id");
    if (estimated_tokens < 0)
        return Error::InvalidArgument("token budget: the estimate must not be negative");
    const std::int64_t today = Today();
    std::lock_guard lock(mutex_);
    const std::int64_t limit = LimitLocked(workspace);
    Day& d = DayLocked(workspace, today);
    const std::int64_t committed = d.used + d.reserved;
    if (estimated_tokens > limit - committed) {
        return Error{ErrorCode::kRateLimited,
                     "workspace " + workspace.str() +
                         " has used its daily LLM token budget: " + std::to_string(committed) +
                         " of " + std::to_string(limit) + " tokens used or reserved on " +
                         DayName(today) + " (UTC), and this call needs up to " +
                         std::to_string(estimated_tokens) + "; the budget resets at 00:00 UTC",
                     false};
    }
    d.reserved += estimated_tokens;
    return Reservation(this, workspace, today, estimated_tokens);
}

void TokenBudget::Settle(const Reservation& r, std::int64_t actual_tokens, bool commit) {
    const std::int64_t today = Today();
    std::lock_guard lock(mutex_);
    auto it = days_.find(r.workspace_);
    if (it != days_.end() && it->second.day == r.day_) {
        it->second.reserved = std::max<std::int64_t>(it->second.reserved - r.estimated_, 0);
    }
    if (commit && actual_tokens > 0) DayLocked(r.workspace_, today).used += actual_tokens;
}

void TokenBudget::SetDailyLimit(WorkspaceId workspace, std::int64_t limit) {
    std::lock_guard lock(mutex_);
    limits_[workspace] = std::max<std::int64_t>(limit, 0);
}

void TokenBudget::ClearDailyLimit(WorkspaceId workspace) {
    std::lock_guard lock(mutex_);
    limits_.erase(workspace);
}

TokenBudget::Usage TokenBudget::UsageOf(WorkspaceId workspace) const {
    const std::int64_t today = Today();
    std::lock_guard lock(mutex_);
    Usage u;
    u.day = DayName(today);
    u.limit = LimitLocked(workspace);
    const auto it = days_.find(workspace);
    if (it != days_.end() && it->second.day == today) {
        u.used = it->second.used;
        u.reserved = it->second.reserved;
    }
    u.remaining = std::max<std::int64_t>(u.limit - u.used - u.reserved, 0);
    return u;
}

std::int64_t EstimateChatTokens(const std::vector<ChatMessage>& messages,
                                std::int64_t max_output_tokens) {
    std::int64_t tokens = 3;  // the reply's priming
    for (const ChatMessage& m : messages) {
        tokens += 4 + static_cast<std::int64_t>((m.content.size() + 2) / 3);
    }
    return tokens + (max_output_tokens > 0 ? max_output_tokens : 1024);
}

}  // namespace hudhud::llm
