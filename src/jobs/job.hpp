#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace hudhud::jobs {

// The lifecycle of a row in `jobs`:
//   queued --claim--> running --success--> done (pruned after a retention)
//                        |  \--retryable failure, attempts left--> queued (run_at = backoff)
//                        \--non-retryable failure / attempts exhausted--> dead
//   dead --RetryDead--> queued.  A running row whose lease expired is claimable again.
//   Periodic jobs never reach done: they go back to queued at their next tick.
enum class JobStatus { kQueued, kRunning, kDone, kDead };

std::string_view JobStatusName(JobStatus status);
std::optional<JobStatus> ParseJobStatus(std::string_view name);

struct NewJob {
    // The tenant the job works for. Required; system-wide jobs use WorkspaceId(0).
    WorkspaceId workspace;
    std::string type;
    std::string payload_json = "{}";
    // When to run. Anything not in the future (including the default, the epoch) means now.
    Timestamp run_at{};
    int max_attempts = 10;
    // Dedupe key, scoped to the workspace: while a job with this key is queued or running,
    // enqueueing another is a no-op that returns the existing job's id. Once it is done or dead
    // the key is free again.
    std::optional<std::string> unique_key;
};

// A job claimed by a worker, with the lease that makes it this worker's until lease_until.
// (id, attempt) identifies the claim: a later claim of the same job has a higher attempt.
struct ClaimedJob {
    JobId id;
    WorkspaceId workspace;
    std::string type;
    std::string payload;
    int attempt = 0;  // 1 for the first run
    int max_attempts = 0;
    Timestamp run_at;  // when it was due
    std::optional<std::chrono::microseconds> period;
    std::string worker_id;
    Timestamp lease_until;
};

// What a handler sees.
struct JobContext {
    JobId id;
    WorkspaceId workspace;
    std::string type;
    std::string payload;
    int attempt = 0;       // 1 for the first run
    int max_attempts = 0;  // when attempt == max_attempts, a failure is final
    bool last_attempt() const { return attempt >= max_attempts; }
};

// A job as stored, for dead-letter listings and inspection.
struct JobInfo {
    JobId id;
    WorkspaceId workspace;
    std::string type;
    std::string payload;
    JobStatus status = JobStatus::kQueued;
    int attempts = 0;
    int max_attempts = 0;
    std::optional<std::string> last_error;
    Timestamp run_at;
    std::optional<std::chrono::microseconds> period;
    Timestamp created_at;
    Timestamp updated_at;
    std::optional<Timestamp> finished_at;
};

// Rows per status, for a queue-depth gauge.
struct QueueDepth {
    std::int64_t queued = 0;
    std::int64_t running = 0;
    std::int64_t done = 0;
    std::int64_t dead = 0;
};

}  // namespace hudhud::jobs
