#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "llm/chat.hpp"

namespace hudhud::llm {

// A daily LLM token budget per workspace (days are UTC). Before a call, Reserve the tokens it may
// use; after it, Commit what it did use (ChatResult::usage.total_tokens), which replaces the
// reservation; a call that failed before the provider did any work is Released instead (or just
// dropped: the destructor releases). Reservations make concurrent calls of one workspace see
// each other, so a burst cannot overshoot the limit by more than estimates undershoot.
//
// Per node and in memory: each node counts only its own calls and the count starts again at a
// restart. With N nodes a workspace can spend up to N times its limit per day. (Persisting it in
// the database is a later step.)
//
// Thread safety: every member function may be called from any thread. The budget must outlive
// its reservations.
class TokenBudget {
  public:
    struct Options {
        // For workspaces without their own limit (SetDailyLimit). 0: no LLM use at all.
        std::int64_t default_daily_limit = 200'000;
    };

    class Reservation {
      public:
        Reservation(Reservation&& other) noexcept;
        Reservation& operator=(Reservation&& other) noexcept;
        Reservation(const Reservation&) = delete;
        Reservation& operator=(const Reservation&) = delete;
        ~Reservation();  // releases the reservation if it was neither committed nor released

        // Charges `actual_tokens` (negative counts as 0) to the workspace and drops the
        // reservation. If the UTC day changed since Reserve, the tokens count for the new day.
        // Only the first Commit or Release of a reservation has an effect.
        void Commit(std::int64_t actual_tokens);
        void Release();

        WorkspaceId workspace() const { return workspace_; }
        std::int64_t estimated() const { return estimated_; }

      private:
        friend class TokenBudget;
        Reservation(TokenBudget* budget, WorkspaceId workspace, std::int64_t day,
                    std::int64_t estimated)
            : budget_(budget), workspace_(workspace), day_(day), estimated_(estimated) {}

        TokenBudget* budget_ = nullptr;  // null once committed, released or moved from
        WorkspaceId workspace_;
        std::int64_t day_ = 0;
        std::int64_t estimated_ = 0;
    };

    // `clock` must outlive the budget.
    TokenBudget(const Clock& clock, Options options);

    // Reserves `estimated_tokens` for one call. kRateLimited (not retryable: the budget comes
    // back at 00:00 UTC, not after a backoff) when today's used + reserved + estimate would
    // pass the workspace's limit; kInvalidArgument for a negative estimate or an invalid id.
    Result<Reservation> Reserve(WorkspaceId workspace, std::int64_t estimated_tokens);

    // A workspace's own daily limit (>= 0), replacing the default; ClearDailyLimit goes back to
    // the default.
    void SetDailyLimit(WorkspaceId workspace, std::int64_t limit);
    void ClearDailyLimit(WorkspaceId workspace);

    struct Usage {
        std::string day;  // "2025-01-31" (UTC)
        std::int64_t limit = 0;
        std::int64_t used = 0;       // committed today
        std::int64_t reserved = 0;   // held by calls in flight
        std::int64_t remaining = 0;  // limit - used - reserved, never below 0
    };
    Usage UsageOf(WorkspaceId workspace) const;

  private:
    struct Day {
        std::int64_t day = -1;
        std::int64_t used = 0;
        std::int64_t reserved = 0;
    };
    std::int64_t Today() const;
    std::int64_t LimitLocked(WorkspaceId workspace) const;
    Day& DayLocked(WorkspaceId workspace, std::int64_t today);
    void Settle(const Reservation& reservation, std::int64_t actual_tokens, bool commit);

    const Clock& clock_;
    const Options options_;
    mutable std::mutex mutex_;
    std::unordered_map<WorkspaceId, Day> days_;
    std::unordered_map<WorkspaceId, std::int64_t> limits_;
};

// A cautious (high) estimate of the tokens one chat call uses, for TokenBudget::Reserve: about
// one token per three bytes of message text (English runs near four characters a token; Arabic,
// two bytes a letter, runs shorter), a few tokens of framing per message, plus the output
// allowance (`max_output_tokens`, or 1,024 when it is not set).
std::int64_t EstimateChatTokens(const std::vector<ChatMessage>& messages,
                                std::int64_t max_output_tokens);

}  // namespace hudhud::llm
