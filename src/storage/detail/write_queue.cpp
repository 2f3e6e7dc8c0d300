#include "storage/detail/write_queue.hpp"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

namespace hudhud::storage::detail {
Status RunGuarded(const Database::Work& work, Session& session, std::string_view kind) {
    try {
        return work(session);
    } catch (const std::exception& e) {
        return Error::Internal(std::string(kind) + " work threw: " + e.what());
    } catch (...) {
        return Error::Internal(std::string(kind) + " work threw a non-standard exception");
    }
}

namespace {

Error BatchError(std::string_view what, const Error& cause) {
    return Error::Unavailable("write transaction " + std::string(what) + ": " + cause.message);
}

}  // namespace

WriteQueue::WriteQueue(GroupCommitOptions options) : options_(options) {}

Status WriteQueue::Submit(Database::Work work, bool alone) {
    std::future<Status> result;
    {
        std::lock_guard lock(mu_);
        if (closed_) return Error::Unavailable("database is closed");
        PendingWrite& p = queue_.emplace_back(PendingWrite{std::move(work), {}, alone});
        result = p.done.get_future();
    }
    cv_.notify_one();
    return result.get();
}

void Completion::set_value(Status status) {
    if (!callback_) {
        promise_.set_value(std::move(status));
        return;
    }
    std::function<void(Status)> callback = std::move(callback_);
    callback_ = nullptr;
    try {
        callback(std::move(status));
    } catch (...) {
        // The caller's problem; the batch's other works still need their answers.
    }
}

void WriteQueue::SubmitAsync(Database::Work work, std::function<void(Status)> done) {
    {
        std::lock_guard lock(mu_);
        if (!closed_) {
            queue_.push_back(PendingWrite{std::move(work), Completion(std::move(done)), false});
            done = nullptr;
        }
    }
    if (done) {
        done(Error::Unavailable("database is closed"));
        return;
    }
    cv_.notify_one();
}

std::vector<PendingWrite> WriteQueue::TakeBatch() {
    const std::size_t max_batch = options_.max_batch > 0 ? options_.max_batch : 1;
    std::unique_lock lock(mu_);
    for (;;) {
        cv_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return {};  // closed and drained
        if (queue_.front().alone) {
            std::vector<PendingWrite> batch;
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
            last_batch_shared_ = false;
            bool more = !queue_.empty();
            lock.unlock();
            if (more) cv_.notify_one();
            return batch;
        }
        if (queue_.size() < max_batch && options_.window.count() > 0 && last_batch_shared_ &&
            !closed_) {
            cv_.wait_for(lock, options_.window,
                         [&] { return queue_.size() >= max_batch || closed_; });
            // Another writer may have taken everything meanwhile.
            if (queue_.empty()) continue;
        }
        std::size_t n = std::min(queue_.size(), max_batch);
        std::vector<PendingWrite> batch;
        batch.reserve(n);
        // A work that wants a batch of its own ends this one.
        for (std::size_t i = 0; i < n && !queue_.front().alone; ++i) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        n = batch.size();
        if (n == 0) continue;  // the head wants a batch of its own: hand it out alone
        last_batch_shared_ = n > 1;
        bool more = !queue_.empty();
        lock.unlock();
        if (more) cv_.notify_one();  // let an idle writer start on the rest
        return batch;
    }
}

void WriteQueue::Close() {
    {
        std::lock_guard lock(mu_);
        closed_ = true;
    }
    cv_.notify_all();
}

void FailBatch(std::vector<PendingWrite>& batch, const Error& error) {
    for (PendingWrite& p : batch) p.done.set_value(error);
}

namespace {

enum class Optimistic { kDone, kRunWithSavepoints };

// Runs the batch without savepoints. Any failure before the commit rolls everything back and
// asks for the savepoint path, which runs every work again (a batch of one work is answered with
// its error at once); a failed commit fails the batch as in the savepoint path (whether it
// committed may be unknown), unless a deferred statement of a work caused it.
Optimistic RunOptimistic(WriteTransaction& txn, std::vector<PendingWrite>& batch,
                         WriteCounters& counters) {
    try {
        if (!txn.BeginOptimistic().ok()) {
            txn.Rollback();
            return Optimistic::kRunWithSavepoints;
        }
        for (auto& pending : batch) {
            Status s = RunGuarded(pending.work, txn.session(), "write");
            if (!s.ok() && batch.size() == 1) {
                // A work alone needs no savepoint to be undone: its error is its answer.
                txn.Rollback();
                counters.AddCommit(1);
                pending.done.set_value(std::move(s));
                return Optimistic::kDone;
            }
            if (!s.ok() || txn.WorkLeftError()) {
                txn.Rollback();
                return Optimistic::kRunWithSavepoints;
            }
        }
        if (Status committed = txn.Commit(); !committed.ok()) {
            txn.Rollback();
            if (txn.CommitFailedOnWork()) return Optimistic::kRunWithSavepoints;
            counters.AddFailure();
            FailBatch(batch, BatchError("could not commit", committed.error()));
            return Optimistic::kDone;
        }
    } catch (const std::exception&) {
        txn.Rollback();
        return Optimistic::kRunWithSavepoints;
    }
    counters.AddCommit(static_cast<std::int64_t>(batch.size()));
    for (auto& pending : batch) pending.done.set_value(Ok());
    return Optimistic::kDone;
}

}  // namespace

void RunBatch(WriteTransaction& txn, std::vector<PendingWrite>& batch, WriteCounters& counters) {
    if (txn.SupportsOptimistic() &&
        RunOptimistic(txn, batch, counters) == Optimistic::kDone) {
        return;
    }
    std::vector<std::optional<Status>> results(batch.size());
    try {
        if (Status begun = txn.Begin(); !begun.ok()) {
            txn.Rollback();
            counters.AddFailure();
            FailBatch(batch, BatchError("could not begin", begun.error()));
            return;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            Status s = RunGuarded(batch[i].work, txn.session(), "write");
            if (s.ok()) {
                if (Status kept = txn.Keep(); !kept.ok()) s = std::move(kept).error();
            }
            if (!s.ok()) {
                if (Status undone = txn.Undo(); !undone.ok()) {
                    txn.Rollback();
                    counters.AddFailure();
                    FailBatch(batch, BatchError("failed", undone.error()));
                    return;
                }
            }
            results[i] = std::move(s);
        }
        if (Status committed = txn.Commit(); !committed.ok()) {
            txn.Rollback();
            counters.AddFailure();
            FailBatch(batch, BatchError("could not commit", committed.error()));
            return;
        }
    } catch (const std::exception& e) {
        txn.Rollback();
        counters.AddFailure();
        FailBatch(batch, Error::Unavailable(std::string("write transaction failed: ") + e.what()));
        return;
    }
    counters.AddCommit(static_cast<std::int64_t>(batch.size()));
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done.set_value(std::move(*results[i]));
}

}  // namespace hudhud::storage::detail
