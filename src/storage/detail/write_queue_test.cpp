#include "storage/detail/write_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace hudhud::storage::detail {
namespace {

// Records the transaction-control steps it is asked to take; fails the one it is told to.
class FakeTransaction final : public WriteTransaction, public Session {
  public:
    Session& session() override { return *this; }
    Status Begin() override { return Step("begin"); }
    Status Keep() override { return Step("keep"); }
    Status Undo() override { return Step("undo"); }
    Status Commit() override { return Step("commit"); }
    void Rollback() override { log.push_back("rollback"); }

    Dialect dialect() const override { return Dialect::kSqlite; }
    Result<Rows> Query(std::string_view, const Params&) override { return Rows{}; }
    Result<std::int64_t> Exec(std::string_view, const Params&) override { return 0; }

    std::vector<std::string> log;
    std::string fail;

  private:
    Status Step(std::string step) {
        log.push_back(step);
        if (step == fail) return Error::Internal("injected failure");
        return Ok();
    }
};

std::vector<PendingWrite> Batch(std::vector<Database::Work> works,
                                std::vector<std::future<Status>>& futures) {
    std::vector<PendingWrite> batch;
    for (auto& w : works) {
        batch.push_back(PendingWrite{std::move(w), {}});
        futures.push_back(batch.back().done.get_future());
    }
    return batch;
}

TEST(RunBatchTest, EachWorkGetsASavepointAndTheBatchOneCommit) {
    FakeTransaction txn;
    WriteCounters counters;
    std::vector<std::future<Status>> results;
    auto batch = Batch(
        {[](Session&) { return Ok(); }, [](Session&) -> Status { return Error::Conflict("dup"); },
         [](Session&) -> Status { throw std::runtime_error("boom"); }},
        results);
    RunBatch(txn, batch, counters);
    EXPECT_TRUE(results[0].get().ok());
    EXPECT_EQ(results[1].get().error().code, ErrorCode::kConflict);
    Status thrown = results[2].get();
    EXPECT_EQ(thrown.error().code, ErrorCode::kInternal);
    EXPECT_NE(thrown.error().message.find("boom"), std::string::npos);
    const std::vector<std::string> expected = {"begin", "keep", "undo", "undo", "commit"};
    EXPECT_EQ(txn.log, expected);
    EXPECT_EQ(counters.Snapshot().commits, 1);
    EXPECT_EQ(counters.Snapshot().works, 3);
}

TEST(RunBatchTest, FailedCommitFailsEveryCallerAsUnavailable) {
    FakeTransaction txn;
    txn.fail = "commit";
    WriteCounters counters;
    std::vector<std::future<Status>> results;
    auto batch = Batch(
        {[](Session&) { return Ok(); }, [](Session&) -> Status { return Error::Conflict("dup"); }},
        results);
    RunBatch(txn, batch, counters);
    for (auto& r : results) {
        Status s = r.get();
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
        EXPECT_TRUE(s.error().retryable);
    }
    EXPECT_EQ(txn.log.back(), "rollback");
    EXPECT_EQ(counters.Snapshot().commits, 0);
    EXPECT_EQ(counters.Snapshot().failed_batches, 1);
}

TEST(RunBatchTest, AWorkThatCannotBeKeptIsUndoneAndGetsTheError) {
    FakeTransaction txn;
    txn.fail = "keep";
    WriteCounters counters;
    std::vector<std::future<Status>> results;
    auto batch = Batch({[](Session&) { return Ok(); }}, results);
    RunBatch(txn, batch, counters);
    EXPECT_EQ(results[0].get().error().message, "injected failure");
    EXPECT_EQ(txn.log, (std::vector<std::string>{"begin", "keep", "undo", "commit"}));
}

TEST(RunBatchTest, FailedUndoFailsTheWholeBatch) {
    FakeTransaction txn;
    txn.fail = "undo";
    WriteCounters counters;
    std::vector<std::future<Status>> results;
    auto batch = Batch(
        {[](Session&) { return Ok(); }, [](Session&) -> Status { return Error::NotFound("x"); }},
        results);
    RunBatch(txn, batch, counters);
    for (auto& r : results) EXPECT_EQ(r.get().error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(txn.log.back(), "rollback");
}

TEST(RunBatchTest, FailedBeginFailsEveryCallerWithoutRunningWorks) {
    FakeTransaction txn;
    txn.fail = "begin";
    WriteCounters counters;
    std::vector<std::future<Status>> results;
    bool ran = false;
    auto batch = Batch({[&](Session&) {
                           ran = true;
                           return Ok();
                       }},
                       results);
    RunBatch(txn, batch, counters);
    EXPECT_EQ(results[0].get().error().code, ErrorCode::kUnavailable);
    EXPECT_FALSE(ran);
}

TEST(WriteQueueTest, QueuedWorksAreHandedOutTogetherUpToMaxBatch) {
    WriteQueue queue({.max_batch = 3, .window = std::chrono::microseconds(0)});
    std::vector<std::thread> callers;
    std::atomic<int> done{0};
    for (int i = 0; i < 5; ++i) {
        callers.emplace_back([&] {
            EXPECT_TRUE(queue.Submit([](Session&) { return Ok(); }).ok());
            ++done;
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::vector<PendingWrite> first = queue.TakeBatch();
    EXPECT_EQ(first.size(), 3u);
    std::vector<PendingWrite> second = queue.TakeBatch();
    EXPECT_EQ(second.size(), 2u);
    for (auto& p : first) p.done.set_value(Ok());
    for (auto& p : second) p.done.set_value(Ok());
    for (auto& t : callers) t.join();
    EXPECT_EQ(done.load(), 5);
}

TEST(WriteQueueTest, AWorkSubmittedAloneIsABatchOfItsOwn) {
    WriteQueue queue({.max_batch = 8, .window = std::chrono::microseconds(0)});
    std::vector<std::thread> callers;
    // Queued in this order: shared, shared, alone, alone, shared.
    for (bool alone : {false, false, true, true, false}) {
        callers.emplace_back([&queue, alone] {
            EXPECT_TRUE(queue.Submit([](Session&) { return Ok(); }, alone).ok());
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    std::vector<std::size_t> sizes;
    std::vector<bool> alone_flags;
    for (int i = 0; i < 4; ++i) {
        std::vector<PendingWrite> batch = queue.TakeBatch();
        sizes.push_back(batch.size());
        alone_flags.push_back(batch.size() == 1 && batch[0].alone);
        for (auto& p : batch) p.done.set_value(Ok());
    }
    for (auto& t : callers) t.join();
    EXPECT_EQ(sizes, (std::vector<std::size_t>{2, 1, 1, 1}));
    EXPECT_EQ(alone_flags, (std::vector<bool>{false, true, true, false}));
}

TEST(WriteQueueTest, CloseRefusesNewWorkAndDrainsQueuedWork) {
    WriteQueue queue(GroupCommitOptions{});
    std::thread caller([&] { EXPECT_TRUE(queue.Submit([](Session&) { return Ok(); }).ok()); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    queue.Close();
    Status refused = queue.Submit([](Session&) { return Ok(); });
    EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
    std::vector<PendingWrite> batch = queue.TakeBatch();
    ASSERT_EQ(batch.size(), 1u);
    batch[0].done.set_value(Ok());
    caller.join();
    EXPECT_TRUE(queue.TakeBatch().empty());
}

}  // namespace
}  // namespace hudhud::storage::detail
