#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/group_commit.hpp"

namespace hudhud::storage::detail {

// How the caller of a queued work learns its outcome: a future its thread waits on
// (Database::Write) or a callback run once on the writer thread (Database::WriteAsync).
class Completion {
  public:
    Completion() = default;
    explicit Completion(std::function<void(Status)> callback) : callback_(std::move(callback)) {}
    std::future<Status> get_future() { return promise_.get_future(); }
    // Completes the work; call once. An exception from the callback is swallowed: the writer
    // must go on with the batch.
    void set_value(Status status);

  private:
    std::promise<Status> promise_;
    std::function<void(Status)> callback_;
};

// One Database::Write call waiting for a writer.
struct PendingWrite {
    Database::Work work;
    Completion done;
    bool alone = false;  // Database::WriteAlone: a batch of its own
};

// The queue between Database::Write callers and a backend's writer threads. Thread-safe.
class WriteQueue {
  public:
    explicit WriteQueue(GroupCommitOptions options);

    // Enqueues `work` and blocks until a writer has committed (or failed) the batch holding it.
    // kUnavailable once Close() was called.
    // `alone`: the work is handed out as a batch of one (Database::WriteAlone).
    Status Submit(Database::Work work, bool alone = false);
    // Enqueues `work` and returns at once; `done` gets what Submit would return, on the writer
    // thread after the commit (on this thread when the queue is closed).
    void SubmitAsync(Database::Work work, std::function<void(Status)> done);

    // Writer side: blocks until works are queued and returns up to max_batch of them, after the
    // wait window described in GroupCommitOptions. Returns an empty batch only when the queue is
    // closed and drained, which tells the writer to exit.
    std::vector<PendingWrite> TakeBatch();

    // Refuses new works; those already queued are still handed out by TakeBatch.
    void Close();

  private:
    const GroupCommitOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<PendingWrite> queue_;
    bool closed_ = false;
    bool last_batch_shared_ = false;
};

// Writers' counters, updated from several threads.
class WriteCounters {
  public:
    void AddCommit(std::int64_t works) {
        commits_.fetch_add(1, std::memory_order_relaxed);
        works_.fetch_add(works, std::memory_order_relaxed);
    }
    void AddFailure() { failed_.fetch_add(1, std::memory_order_relaxed); }
    WriteStats Snapshot() const {
        return {commits_.load(std::memory_order_relaxed), works_.load(std::memory_order_relaxed),
                failed_.load(std::memory_order_relaxed)};
    }

  private:
    std::atomic<std::int64_t> commits_{0};
    std::atomic<std::int64_t> works_{0};
    std::atomic<std::int64_t> failed_{0};
};

// The transaction a writer runs one batch in, implemented by each backend on its connection.
// Every work runs inside a savepoint; the protocol lets a backend send the statements of one
// step together (one round trip) where its driver allows. Used by one writer thread at a time.
class WriteTransaction {
  public:
    virtual Session& session() = 0;
    // Starts the transaction and opens the first work's savepoint. Nothing of the batch has run
    // yet, so an implementation may reconnect and retry here.
    virtual Status Begin() = 0;
    // Keeps the work that just ran: releases its savepoint and opens the next one. Fails, with
    // the savepoint still open, when the work left the transaction unusable (PostgreSQL aborts
    // it on any statement error the work swallowed).
    virtual Status Keep() = 0;
    // Undoes the work that just ran: rolls back to its savepoint, which stays open, clean, for
    // the next work.
    virtual Status Undo() = 0;
    // Commits everything kept. The last, empty savepoint is still open; COMMIT ends it too.
    virtual Status Commit() = 0;
    // Best effort, after a failed Begin, Undo or Commit.
    virtual void Rollback() = 0;

    // Optional fast path for backends where a savepoint costs a network round trip: the batch
    // runs without savepoints and, if any work fails, is rolled back and run again the usual
    // way, each work in its own savepoint. BeginOptimistic starts such a transaction.
    virtual bool SupportsOptimistic() const { return false; }
    virtual Status BeginOptimistic() { return Error::Internal("optimistic batches unsupported"); }
    // After a work returned OK in an optimistic batch: whether one of its statements failed
    // anyway (an error the work swallowed leaves a PostgreSQL transaction aborted).
    virtual bool WorkLeftError() const { return false; }
    // After a failed Commit of an optimistic batch: whether a work's deferred statement
    // (Session::ExecDeferred) failed, so the batch must run again in savepoints to find it.
    virtual bool CommitFailedOnWork() const { return false; }

  protected:
    ~WriteTransaction() = default;
};

// Runs `batch` in one transaction of `txn`, each work inside its own savepoint, and completes
// every promise: with the work's own result when the transaction committed, with kUnavailable
// for every work when it could not begin, undo a work, or commit.
void RunBatch(WriteTransaction& txn, std::vector<PendingWrite>& batch, WriteCounters& counters);

// Runs a unit of work; an exception escaping it becomes kInternal ("<kind> work threw: ...").
Status RunGuarded(const Database::Work& work, Session& session, std::string_view kind);

// Completes every promise of `batch` with `error`.
void FailBatch(std::vector<PendingWrite>& batch, const Error& error);

}  // namespace hudhud::storage::detail
