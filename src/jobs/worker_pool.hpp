#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "jobs/job.hpp"
#include "jobs/job_queue.hpp"
#include "storage/database.hpp"

namespace hudhud::jobs {

struct WorkerPoolOptions {
    int threads = 4;
    // Most jobs claimed per round trip; 0 means `threads`. Never more than idle threads.
    int batch_size = 0;
    std::chrono::milliseconds lease{60'000};
    std::chrono::milliseconds poll_interval{250};
    // Names this pool in locked_by; a random suffix is always appended so that a restarted
    // process never mistakes its predecessor's claims for its own. Empty: "<host>:<pid>".
    std::string worker_id;
    std::chrono::milliseconds cleanup_interval{std::chrono::minutes(10)};
};

// Runs queued jobs on a fixed set of threads.
//
// One dispatcher thread claims due jobs from the JobQueue, never more than there are idle
// worker threads, and hands them to the workers; it claims again at once when a worker frees up
// while more work is known to be due, when Notify() is called, or else every poll_interval.
// It also renews the leases of the jobs in hand every lease/3 (so a long handler keeps its job)
// and prunes old done rows every cleanup_interval. Any number of pools, in one process or many,
// may serve the same database: each job runs on one of them at a time.
//
// Handler outcome: Ok → done; an Error → retried with backoff when retryable and attempts
// remain, else dead; a thrown exception → a retryable failure carrying its text (logged);
// a type with no handler → dead with "no handler registered for job type ...".
//
// Lifecycle: Register handlers, Start() once, Stop() (also run by the destructor). Notify() and
// stats() are thread-safe at any time.
class WorkerPool {
  public:
    using Handler = std::function<Status(const JobContext&)>;

    using Options = WorkerPoolOptions;

    // Counters since Start, for tests and metrics.
    struct Stats {
        std::int64_t claimed = 0;
        std::int64_t succeeded = 0;
        std::int64_t retried = 0;  // failed, will run again
        std::int64_t dead = 0;     // failed for good (including unknown types)
        std::int64_t lost = 0;     // outcome not recorded: claim lost or database error
    };

    // `db` is the database `queue` runs on (Start checks that it answers).
    WorkerPool(storage::Database& db, JobQueue& queue, Clock& clock, Options options = {});
    ~WorkerPool();  // Stop()
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    // Sets the handler for a job type. Call before Start (later calls are logged and ignored);
    // registering a type twice is a bug.
    void Register(std::string type, Handler handler);

    // Starts the dispatcher and worker threads. A database that does not answer is logged, not
    // fatal: the dispatcher keeps polling. Calls after the first do nothing.
    void Start();

    // Stops claiming, waits for running handlers to finish and record their outcome, and hands
    // claimed-but-unstarted jobs back to the queue. Idempotent; the pool cannot be restarted.
    void Stop();

    // Wakes the dispatcher to claim now rather than at the next poll (wire it to
    // JobQueue::SetEnqueueListener). Cheap; callable from any thread.
    void Notify();

    const std::string& worker_id() const { return worker_id_; }
    Stats stats() const;

  private:
    void DispatchLoop();
    void WorkLoop();
    void RunOne(const ClaimedJob& job);
    Status Invoke(const Handler& handler, const ClaimedJob& job);
    void Record(const ClaimedJob& job, const char* what, const std::function<Status()>& op);
    void Heartbeat();
    int FreeSlotsLocked() const;

    storage::Database& db_;
    JobQueue& queue_;
    Clock& clock_;
    const Options options_;
    const std::string worker_id_;
    std::unordered_map<std::string, Handler> handlers_;

    mutable std::mutex mu_;
    std::condition_variable dispatch_cv_;
    std::condition_variable work_cv_;
    std::deque<ClaimedJob> ready_;                          // claimed, not started
    std::unordered_map<std::int64_t, ClaimedJob> in_hand_;  // claimed, not yet recorded
    int running_ = 0;
    bool wake_ = false;
    bool more_ready_ = false;  // the last claim was full: more jobs are likely due
    bool started_ = false;
    bool stopping_ = false;         // workers: take nothing new; dispatcher: claim nothing
    bool dispatcher_exit_ = false;  // set once the workers have returned
    std::mutex stop_mu_;  // serializes Stop() so a second caller waits for the first

    std::thread dispatcher_;
    std::vector<std::thread> workers_;

    std::atomic<std::int64_t> claimed_{0};
    std::atomic<std::int64_t> succeeded_{0};
    std::atomic<std::int64_t> retried_{0};
    std::atomic<std::int64_t> dead_{0};
    std::atomic<std::int64_t> lost_{0};
};

}  // namespace hudhud::jobs
