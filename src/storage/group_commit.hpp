#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hudhud::storage {

// How a backend's writers group concurrent Database::Write calls into one transaction.
struct GroupCommitOptions {
    // The most works one transaction holds.
    std::size_t max_batch = 512;
    // After taking what is queued, a writer waits up to this long for more works when fewer than
    // max_batch are queued and its previous transaction held more than one work (a sign that
    // callers are concurrent). A lone sequential caller therefore never waits. Zero: never wait.
    std::chrono::microseconds window{200};
};

// Counters kept by a backend's writers since Open. Read with the backend's write_stats().
struct WriteStats {
    std::int64_t commits = 0;         // transactions committed
    std::int64_t works = 0;           // works run in committed transactions, failed ones included
    std::int64_t failed_batches = 0;  // transactions that could not begin or commit
};

}  // namespace hudhud::storage
