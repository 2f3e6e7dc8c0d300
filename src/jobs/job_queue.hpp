#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "jobs/backoff.hpp"
#include "jobs/job.hpp"
#include "storage/database.hpp"

namespace hudhud::jobs {

// One page of a keyset listing over descending job ids: pass next_cursor to get the next page.
struct JobPage {
    std::vector<JobInfo> items;
    std::optional<std::int64_t> next_cursor;
};

struct JobQueueOptions {
    BackoffPolicy backoff;
    // Uniform [0, 1) for backoff jitter; empty: DefaultRandomSource().
    RandomSource random;
    // How long done rows are kept before PruneDone deletes them.
    std::chrono::microseconds done_retention = std::chrono::hours(24);
};

// The durable job queue, stored in the `jobs` table of a storage::Database (SQLite or
// PostgreSQL). Delivery is at least once: a job runs again if its worker dies or loses its lease
// before recording the outcome, so handlers must be idempotent.
//
// Claims are leases: ClaimBatch marks jobs running for `lease`; a claim whose lease expires (the
// worker or its process died) becomes claimable again, so jobs survive crashes and restarts.
// Outcomes (Complete, Fail, Bury, Release) are fenced by (id, worker_id, attempt): a worker that
// lost its claim gets kConflict and changes nothing.
//
// Every call runs its own Database::Write/Read except Enqueue(Session&, ...), which joins the
// caller's transaction. Thread-safe. Errors are the storage errors (kUnavailable is retryable)
// unless stated otherwise.
class JobQueue {
  public:
    using Options = JobQueueOptions;

    JobQueue(storage::Database& db, Clock& clock, Options options = {});

    // Called after an Enqueue that committed a job due now (and after RetryDead), typically
    // bound to WorkerPool::Notify so workers start at once rather than at their next poll. Set it
    // before the queue is shared between threads.
    void SetEnqueueListener(std::function<void()> listener);
    // Runs the listener; call it after committing a transaction that used Enqueue(Session&, ...).
    void NotifyEnqueued() const;

    // Adds a job inside the caller's write transaction, so it commits (or not) with the caller's
    // other writes. Does not notify: call NotifyEnqueued() once the Write has returned ok.
    // kInvalidArgument for an empty type, max_attempts < 1 or a workspace id < 0.
    Result<JobId> Enqueue(storage::Session& session, const NewJob& job);
    // Adds a job in a transaction of its own, then notifies.
    Result<JobId> Enqueue(const NewJob& job);

    // Ensures exactly one periodic job with `unique_key` (scoped to `workspace`) exists: creates
    // it due now, or updates the type, payload and period of the existing one (keeping its
    // schedule; a dead one is revived). After every run, successful or not, it is re-armed at
    // its next tick (see NextPeriodicRun); retryable failures are first retried with backoff.
    Result<JobId> SchedulePeriodic(WorkspaceId workspace, std::string type,
                                   std::string payload_json, std::chrono::microseconds period,
                                   std::string unique_key);

    // Claims up to `n` due jobs (queued with run_at <= now, or running with an expired lease),
    // oldest run_at first, for `worker_id`, incrementing their attempt. On PostgreSQL concurrent
    // claimers skip each other's rows (FOR UPDATE SKIP LOCKED); on SQLite the single writer
    // serializes them. A job whose lease expired on its last allowed attempt goes dead instead.
    Result<std::vector<ClaimedJob>> ClaimBatch(const std::string& worker_id, int n,
                                               std::chrono::microseconds lease);

    // Success: done (periodic: re-armed). kConflict if the claim was lost.
    Status Complete(const ClaimedJob& job);
    // Failure: retried after backoff when error.retryable and attempts remain, otherwise dead
    // with last_error (periodic: re-armed). kConflict if the claim was lost.
    Status Fail(const ClaimedJob& job, const Error& error);
    // Dead at once with `reason`, whatever the attempts (e.g. no handler for the type).
    Status Bury(const ClaimedJob& job, const std::string& reason);
    // Gives an unstarted claim back: queued again, its attempt not counted.
    Status Release(const ClaimedJob& job);
    // Pushes the leases of these claims (all of `worker_id`) to now + lease. Claims that were
    // lost are skipped. Returns how many were extended.
    Result<std::int64_t> ExtendLeases(const std::string& worker_id,
                                      const std::vector<ClaimedJob>& jobs,
                                      std::chrono::microseconds lease);

    // Deletes done rows finished more than done_retention ago, in bounded batches. Returns the
    // number deleted.
    Result<std::int64_t> PruneDone();

    // Dead jobs of `workspace`, newest first; `cursor` is the previous page's next_cursor.
    // limit is clamped to [1, 200].
    Result<JobPage> ListDead(WorkspaceId workspace, std::optional<std::int64_t> cursor, int limit);
    // Queues a dead job of `workspace` again with its attempts reset. kNotFound if there is no
    // such job in this workspace; kConflict if it exists but is not dead.
    Status RetryDead(WorkspaceId workspace, JobId id);
    // One job of `workspace`. kNotFound as above.
    Result<JobInfo> Get(WorkspaceId workspace, JobId id);
    // Rows per status across all workspaces (a gauge).
    Result<QueueDepth> CountByStatus();
    // Queued rows across all workspaces, or -1 if the database could not be read (for a gauge).
    std::int64_t QueuedCount();

  private:
    std::string ScopedKey(WorkspaceId workspace, const std::string& key) const;
    Result<std::int64_t> Finish(const ClaimedJob& job, const std::string& sql,
                                const storage::Params& params);

    storage::Database& db_;
    Clock& clock_;
    const Options options_;
    RandomSource random_;
    std::function<void()> listener_;
};

}  // namespace hudhud::jobs
