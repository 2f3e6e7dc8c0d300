#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace hudhud {

// Wall-clock instants are microseconds since the Unix epoch, stored as BIGINT in both backends.
using Timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::microseconds>;

inline std::int64_t ToMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

// The seam for time. Thread-safe.
class Clock {
public:
    virtual ~Clock() = default;
    virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
public:
    Timestamp Now() const override {
        return std::chrono::time_point_cast<std::chrono::microseconds>(
            std::chrono::system_clock::now());
    }
};

// A clock that moves only when told to; for tests.
class FakeClock final : public Clock {
public:
    explicit FakeClock(Timestamp start = FromMicros(1'700'000'000'000'000)) : now_(ToMicros(start)) {}
    Timestamp Now() const override { return FromMicros(now_.load()); }
    void Advance(std::chrono::microseconds d) { now_ += d.count(); }
    void Set(Timestamp t) { now_ = ToMicros(t); }

private:
    std::atomic<std::int64_t> now_;
};

}  // namespace hudhud
