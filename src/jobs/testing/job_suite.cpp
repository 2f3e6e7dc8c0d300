// The job queue and worker pool tests, run against every storage backend (see job_suite.hpp).

#include "jobs/testing/job_suite.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "core/clock.hpp"
#include "jobs/job_queue.hpp"
#include "jobs/worker_pool.hpp"

namespace hudhud::jobs::testing {
namespace {

using namespace std::chrono_literals;
using storage::Session;

const WorkspaceId kWs1(1);
const WorkspaceId kWs2(2);

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 30s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return pred();
}

NewJob Job(WorkspaceId ws, std::string type, std::string payload = "{}") {
    NewJob j;
    j.workspace = ws;
    j.type = std::move(type);
    j.payload_json = std::move(payload);
    return j;
}

}  // namespace

std::string JobsBackendName(const ::testing::TestParamInfo<JobsBackendFactory>& info) {
    return info.param.name;
}

void JobsTest::SetUp() {
    std::string skip;
    backend_ = GetParam().make(&skip);
    if (backend_ == nullptr) {
        if (!skip.empty()) GTEST_SKIP() << skip;
        FAIL() << "no backend";
    }
    auto db = backend_->Open();
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    JobQueue::Options options;
    options.random = [] { return 0.5; };
    options.done_retention = 1h;
    queue_ = std::make_unique<JobQueue>(*db_, fake_, options);
}

void JobsTest::TearDown() {
    queue_.reset();
    if (db_ != nullptr) db_->Close();
    db_.reset();
    backend_.reset();
}

JobId JobsTest::MustEnqueue(const NewJob& job, JobQueue* queue) {
    auto id = (queue != nullptr ? queue : queue_.get())->Enqueue(job);
    EXPECT_TRUE(id.ok()) << id.error().message;
    return id.ok() ? *id : JobId();
}

std::vector<ClaimedJob> JobsTest::Claim(const std::string& worker, int n,
                                        std::chrono::microseconds lease) {
    auto c = queue_->ClaimBatch(worker, n, lease);
    EXPECT_TRUE(c.ok()) << c.error().message;
    return c.ok() ? *c : std::vector<ClaimedJob>{};
}

JobInfo JobsTest::MustGet(WorkspaceId ws, JobId id) {
    auto j = queue_->Get(ws, id);
    EXPECT_TRUE(j.ok()) << j.error().message;
    return j.ok() ? *j : JobInfo{};
}

QueueDepth JobsTest::Depth(JobQueue* queue) {
    auto d = (queue != nullptr ? queue : queue_.get())->CountByStatus();
    EXPECT_TRUE(d.ok());
    return d.ok() ? *d : QueueDepth{};
}

namespace {

// ---- JobQueue ----

TEST_P(JobsTest, EnqueueClaimComplete) {
    JobId id = MustEnqueue(Job(kWs1, "email.send", R"({"to":"ali@example.com"})"));
    ASSERT_TRUE(id.valid());
    EXPECT_EQ(Depth().queued, 1);

    auto claimed = Claim("w1");
    ASSERT_EQ(claimed.size(), 1u);
    const ClaimedJob& job = claimed[0];
    EXPECT_EQ(job.id, id);
    EXPECT_EQ(job.workspace, kWs1);
    EXPECT_EQ(job.type, "email.send");
    EXPECT_EQ(job.payload, R"({"to":"ali@example.com"})");
    EXPECT_EQ(job.attempt, 1);
    EXPECT_EQ(job.max_attempts, 10);
    EXPECT_EQ(job.lease_until, fake_.Now() + 30s);
    EXPECT_EQ(MustGet(kWs1, id).status, JobStatus::kRunning);
    EXPECT_TRUE(Claim("w2").empty());  // nobody else gets it

    ASSERT_TRUE(queue_->Complete(job).ok());
    JobInfo info = MustGet(kWs1, id);
    EXPECT_EQ(info.status, JobStatus::kDone);
    EXPECT_EQ(info.finished_at, fake_.Now());
    QueueDepth d = Depth();
    EXPECT_EQ(d.queued, 0);
    EXPECT_EQ(d.running, 0);
    EXPECT_EQ(d.done, 1);
    EXPECT_EQ(queue_->QueuedCount(), 0);
    EXPECT_TRUE(Claim("w1").empty());

    // A second outcome for the same claim is refused.
    auto again = queue_->Complete(job);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_P(JobsTest, RejectsInvalidJobs) {
    EXPECT_EQ(queue_->Enqueue(Job(kWs1, "")).error().code, ErrorCode::kInvalidArgument);
    NewJob j = Job(kWs1, "t");
    j.max_attempts = 0;
    EXPECT_EQ(queue_->Enqueue(j).error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(queue_->SchedulePeriodic(kWs1, "t", "{}", 0s, "k").ok());
    EXPECT_FALSE(queue_->SchedulePeriodic(kWs1, "t", "{}", 1s, "").ok());
}

TEST_P(JobsTest, ClaimsOldestFirstAndAtMostN) {
    std::vector<JobId> ids;
    for (int i = 0; i < 5; ++i) {
        NewJob j = Job(kWs1, "t");
        j.run_at = fake_.Now() - std::chrono::seconds(10 - i);  // past: clamped to now
        ids.push_back(MustEnqueue(j));
        fake_.Advance(1ms);
    }
    auto first = Claim("w", 3);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(first[0].id, ids[0]);
    EXPECT_EQ(first[1].id, ids[1]);
    EXPECT_EQ(first[2].id, ids[2]);
    auto rest = Claim("w", 3);
    ASSERT_EQ(rest.size(), 2u);
    EXPECT_EQ(rest[0].id, ids[3]);
}

TEST_P(JobsTest, DelayedJobIsNotClaimedBeforeRunAt) {
    NewJob j = Job(kWs1, "reminder");
    j.run_at = fake_.Now() + 10s;
    JobId id = MustEnqueue(j);
    EXPECT_TRUE(Claim("w").empty());
    fake_.Advance(10s - 1us);
    EXPECT_TRUE(Claim("w").empty());
    fake_.Advance(1us);
    auto claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].id, id);
}

TEST_P(JobsTest, RetryBackoffFollowsTheScheduleThenGoesDead) {
    NewJob j = Job(kWs1, "flaky");
    j.max_attempts = 5;
    JobId id = MustEnqueue(j);
    // Fixed random 0.5: delays are half the ceilings 1 s, 2 s, 4 s, 8 s.
    const std::chrono::microseconds expected[] = {500ms, 1s, 2s, 4s};
    for (int attempt = 1; attempt <= 4; ++attempt) {
        auto claimed = Claim("w");
        ASSERT_EQ(claimed.size(), 1u) << attempt;
        EXPECT_EQ(claimed[0].attempt, attempt);
        fake_.Advance(100ms);  // the handler's run time
        ASSERT_TRUE(queue_->Fail(claimed[0], Error::Unavailable("platform down")).ok());
        JobInfo info = MustGet(kWs1, id);
        EXPECT_EQ(info.status, JobStatus::kQueued);
        EXPECT_EQ(info.attempts, attempt);
        EXPECT_EQ(info.run_at, fake_.Now() + expected[attempt - 1]) << attempt;
        ASSERT_TRUE(info.last_error.has_value());
        EXPECT_NE(info.last_error->find("platform down"), std::string::npos);

        fake_.Set(info.run_at - 1us);
        EXPECT_TRUE(Claim("w").empty()) << attempt;
        fake_.Set(info.run_at);
    }
    auto last = Claim("w");
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0].attempt, 5);
    ASSERT_TRUE(queue_->Fail(last[0], Error::Unavailable("still down")).ok());
    JobInfo info = MustGet(kWs1, id);
    EXPECT_EQ(info.status, JobStatus::kDead);
    EXPECT_NE(info.last_error->find("still down"), std::string::npos);
    EXPECT_TRUE(info.finished_at.has_value());
}

TEST_P(JobsTest, NonRetryableErrorGoesDeadAtOnce) {
    JobId id = MustEnqueue(Job(kWs1, "parse"));
    auto claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(queue_->Fail(claimed[0], Error::InvalidArgument("bad payload")).ok());
    JobInfo info = MustGet(kWs1, id);
    EXPECT_EQ(info.status, JobStatus::kDead);
    EXPECT_EQ(info.attempts, 1);
}

TEST_P(JobsTest, DeadLettersAreListedRetriedAndScopedByWorkspace) {
    std::vector<JobId> ws1_ids;
    for (int i = 0; i < 5; ++i) ws1_ids.push_back(MustEnqueue(Job(kWs1, "t")));
    JobId other = MustEnqueue(Job(kWs2, "t"));
    JobId alive = MustEnqueue(Job(kWs1, "t"));
    for (const auto& job : Claim("w", 10)) {
        if (job.id == alive) continue;
        ASSERT_TRUE(queue_->Fail(job, Error::InvalidArgument("nope")).ok());
    }
    EXPECT_EQ(Depth().dead, 6);

    // Newest first, in pages.
    std::vector<JobId> listed;
    std::optional<std::int64_t> cursor;
    int pages = 0;
    do {
        auto page = queue_->ListDead(kWs1, cursor, 2);
        ASSERT_TRUE(page.ok()) << page.error().message;
        for (const auto& j : page->items) {
            EXPECT_EQ(j.workspace, kWs1);
            EXPECT_EQ(j.status, JobStatus::kDead);
            listed.push_back(j.id);
        }
        cursor = page->next_cursor;
        ++pages;
    } while (cursor && pages < 10);
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(listed, std::vector<JobId>(ws1_ids.rbegin(), ws1_ids.rend()));
    auto ws2 = queue_->ListDead(kWs2, std::nullopt, 50);
    ASSERT_TRUE(ws2.ok());
    ASSERT_EQ(ws2->items.size(), 1u);
    EXPECT_EQ(ws2->items[0].id, other);

    // Another workspace's job does not exist as far as this workspace can tell.
    auto cross = queue_->RetryDead(kWs2, ws1_ids[0]);
    ASSERT_FALSE(cross.ok());
    EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(queue_->Get(kWs2, ws1_ids[0]).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(queue_->RetryDead(kWs1, JobId(999999)).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(queue_->RetryDead(kWs1, alive).error().code, ErrorCode::kConflict);

    ASSERT_TRUE(queue_->RetryDead(kWs1, ws1_ids[0]).ok());
    JobInfo info = MustGet(kWs1, ws1_ids[0]);
    EXPECT_EQ(info.status, JobStatus::kQueued);
    EXPECT_EQ(info.attempts, 0);
    auto claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].id, ws1_ids[0]);
    EXPECT_EQ(claimed[0].attempt, 1);
    ASSERT_TRUE(queue_->Complete(claimed[0]).ok());
    EXPECT_EQ(MustGet(kWs1, ws1_ids[0]).status, JobStatus::kDone);
}

TEST_P(JobsTest, UniqueKeyDedupesWhileTheJobIsNotFinished) {
    NewJob j = Job(kWs1, "sync");
    j.unique_key = "inbox:7";
    JobId first = MustEnqueue(j);
    EXPECT_EQ(MustEnqueue(j), first);
    NewJob other_ws = j;
    other_ws.workspace = kWs2;
    JobId second_ws = MustEnqueue(other_ws);
    EXPECT_NE(second_ws, first);  // keys are per workspace
    EXPECT_EQ(Depth().queued, 2);

    auto claimed = Claim("w", 1);
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_EQ(claimed[0].id, first);
    EXPECT_EQ(MustEnqueue(j), first);  // still running: still deduped
    ASSERT_TRUE(queue_->Complete(claimed[0]).ok());
    JobId after_done = MustEnqueue(j);
    EXPECT_NE(after_done, first);  // finished: the key is free again

    // Dead frees the key too.
    auto c2 = Claim("w", 10);
    for (const auto& c : c2) {
        if (c.id == after_done) {
            ASSERT_TRUE(queue_->Fail(c, Error::InvalidArgument("x")).ok());
        }
    }
    EXPECT_NE(MustEnqueue(j), after_done);
}

TEST_P(JobsTest, EnqueueJoinsTheCallersTransaction) {
    // Committed together.
    Status ok = db_->Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(
            s.Exec("INSERT INTO workspaces (name, created_at, updated_at) VALUES ('W', 1, 1)"));
        auto id = queue_->Enqueue(s, Job(kWs1, "webhook.process", R"({"event":1})"));
        if (!id.ok()) return id.error();
        return Ok();
    });
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(Depth().queued, 1);

    // Rolled back together.
    Status failed = db_->Write([&](Session& s) -> Status {
        auto id = queue_->Enqueue(s, Job(kWs1, "webhook.process", R"({"event":2})"));
        if (!id.ok()) return id.error();
        return Error::Conflict("the caller's own write failed");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(Depth().queued, 1);
}

TEST_P(JobsTest, PeriodicJobIsReArmedSkippingMissedTicks) {
    const Timestamp t0 = fake_.Now();
    auto id = queue_->SchedulePeriodic(kWs1, "digest", "{}", 60s, "digest");
    ASSERT_TRUE(id.ok()) << id.error().message;
    auto again = queue_->SchedulePeriodic(kWs1, "digest", R"({"v":2})", 60s, "digest");
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *id);
    EXPECT_EQ(Depth().queued, 1);

    auto claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    EXPECT_EQ(claimed[0].payload, R"({"v":2})");
    ASSERT_EQ(claimed[0].period, std::chrono::microseconds(60s));
    // Scheduling while it runs keeps exactly one row.
    EXPECT_EQ(*queue_->SchedulePeriodic(kWs1, "digest", R"({"v":2})", 60s, "digest"), *id);
    fake_.Advance(1s);
    ASSERT_TRUE(queue_->Complete(claimed[0]).ok());
    JobInfo info = MustGet(kWs1, *id);
    EXPECT_EQ(info.status, JobStatus::kQueued);
    EXPECT_EQ(info.run_at, t0 + 60s);
    EXPECT_EQ(info.attempts, 0);

    fake_.Set(t0 + 30s);
    EXPECT_TRUE(Claim("w").empty());
    // The process was down for a while: ticks at 120 s, 180 s, 240 s were missed.
    fake_.Set(t0 + 270s);
    claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(queue_->Complete(claimed[0]).ok());
    EXPECT_EQ(MustGet(kWs1, *id).run_at, t0 + 300s);  // the next tick, not a burst

    // A permanent failure re-arms it too; it never goes dead.
    fake_.Set(t0 + 300s);
    claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(queue_->Fail(claimed[0], Error::InvalidArgument("bad")).ok());
    info = MustGet(kWs1, *id);
    EXPECT_EQ(info.status, JobStatus::kQueued);
    EXPECT_EQ(info.run_at, t0 + 360s);
    ASSERT_TRUE(info.last_error.has_value());
    QueueDepth d = Depth();
    EXPECT_EQ(d.queued, 1);
    EXPECT_EQ(d.done + d.dead + d.running, 0);
}

TEST_P(JobsTest, BuriedPeriodicJobIsRevivedBySchedulePeriodic) {
    auto id = queue_->SchedulePeriodic(WorkspaceId(0), "cleanup", "{}", 1h, "cleanup");
    ASSERT_TRUE(id.ok());
    auto claimed = Claim("w");
    ASSERT_EQ(claimed.size(), 1u);
    ASSERT_TRUE(queue_->Bury(claimed[0], "no handler registered for job type 'cleanup'").ok());
    EXPECT_EQ(MustGet(WorkspaceId(0), *id).status, JobStatus::kDead);
    EXPECT_EQ(*queue_->SchedulePeriodic(WorkspaceId(0), "cleanup", "{}", 1h, "cleanup"), *id);
    EXPECT_EQ(MustGet(WorkspaceId(0), *id).status, JobStatus::kQueued);
    EXPECT_EQ(Claim("w").size(), 1u);
}

TEST_P(JobsTest, ExpiredLeaseIsReclaimedAndTheOldClaimIsFenced) {
    JobId id = MustEnqueue(Job(kWs1, "t"));
    auto a = Claim("worker-a", 10, 30s);
    ASSERT_EQ(a.size(), 1u);
    // worker-a dies. Before the lease runs out nobody else may take the job.
    fake_.Advance(30s);
    EXPECT_TRUE(Claim("worker-b").empty());
    fake_.Advance(1us);
    auto b = Claim("worker-b");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].id, id);
    EXPECT_EQ(b[0].attempt, 2);
    JobInfo info = MustGet(kWs1, id);
    ASSERT_TRUE(info.last_error.has_value());
    EXPECT_NE(info.last_error->find("lease expired"), std::string::npos);

    // worker-a comes back late: its outcome is refused, worker-b's counts.
    EXPECT_EQ(queue_->Complete(a[0]).error().code, ErrorCode::kConflict);
    EXPECT_EQ(queue_->Fail(a[0], Error::Unavailable("x")).error().code, ErrorCode::kConflict);
    ASSERT_TRUE(queue_->Complete(b[0]).ok());
    EXPECT_EQ(MustGet(kWs1, id).status, JobStatus::kDone);
}

TEST_P(JobsTest, LeaseExpiringOnTheFinalAttemptGoesDead) {
    NewJob j = Job(kWs1, "t");
    j.max_attempts = 1;
    JobId id = MustEnqueue(j);
    ASSERT_EQ(Claim("a", 10, 10s).size(), 1u);
    fake_.Advance(11s);
    EXPECT_TRUE(Claim("b").empty());
    JobInfo info = MustGet(kWs1, id);
    EXPECT_EQ(info.status, JobStatus::kDead);
    EXPECT_NE(info.last_error->find("final attempt"), std::string::npos);
}

TEST_P(JobsTest, ExtendedLeaseKeepsTheJob) {
    JobId id = MustEnqueue(Job(kWs1, "long"));
    auto a = Claim("a", 10, 30s);
    ASSERT_EQ(a.size(), 1u);
    fake_.Advance(20s);
    auto n = queue_->ExtendLeases("a", a, 30s);
    ASSERT_TRUE(n.ok()) << n.error().message;
    EXPECT_EQ(*n, 1);
    EXPECT_EQ(*queue_->ExtendLeases("b", a, 30s), 0);  // not b's
    fake_.Advance(20s);  // past the original lease, inside the extended one
    EXPECT_TRUE(Claim("b").empty());
    ASSERT_TRUE(queue_->Complete(a[0]).ok());
    EXPECT_EQ(MustGet(kWs1, id).status, JobStatus::kDone);
}

TEST_P(JobsTest, ReleaseReturnsAnUnstartedClaim) {
    JobId id = MustEnqueue(Job(kWs1, "t"));
    auto a = Claim("a");
    ASSERT_EQ(a.size(), 1u);
    ASSERT_TRUE(queue_->Release(a[0]).ok());
    JobInfo info = MustGet(kWs1, id);
    EXPECT_EQ(info.status, JobStatus::kQueued);
    EXPECT_EQ(info.attempts, 0);
    auto b = Claim("b");
    ASSERT_EQ(b.size(), 1u);
    EXPECT_EQ(b[0].attempt, 1);
}

TEST_P(JobsTest, PruneDoneDeletesOnlyOldDoneRows) {
    JobId old_job = MustEnqueue(Job(kWs1, "t"));
    ASSERT_TRUE(queue_->Complete(Claim("w").at(0)).ok());
    fake_.Advance(2h);
    JobId recent = MustEnqueue(Job(kWs1, "t"));
    ASSERT_TRUE(queue_->Complete(Claim("w").at(0)).ok());
    JobId waiting = MustEnqueue(Job(kWs1, "t"));

    auto pruned = queue_->PruneDone();
    ASSERT_TRUE(pruned.ok()) << pruned.error().message;
    EXPECT_EQ(*pruned, 1);
    EXPECT_EQ(queue_->Get(kWs1, old_job).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(MustGet(kWs1, recent).status, JobStatus::kDone);
    EXPECT_EQ(MustGet(kWs1, waiting).status, JobStatus::kQueued);
}

// ---- WorkerPool (real time) ----

WorkerPool::Options FastPool(int threads) {
    WorkerPool::Options o;
    o.threads = threads;
    o.poll_interval = 20ms;
    o.lease = 30s;
    return o;
}

JobQueue::Options FastRetries() {
    JobQueue::Options o;
    o.backoff.base = 1ms;
    o.backoff.cap = 5ms;
    return o;
}

TEST_P(JobsTest, PoolRunsJobsAndRecordsEveryOutcome) {
    JobQueue queue(*db_, system_, FastRetries());
    WorkerPool pool(*db_, queue, system_, FastPool(2));
    std::atomic<int> ok_runs{0};
    std::atomic<int> throw_runs{0};
    pool.Register("ok", [&](const JobContext& ctx) -> Status {
        EXPECT_EQ(ctx.workspace, kWs1);
        EXPECT_EQ(ctx.payload, R"({"n":1})");
        ++ok_runs;
        return Ok();
    });
    pool.Register("throws", [&](const JobContext&) -> Status {
        ++throw_runs;
        throw std::runtime_error("kaboom");
    });
    pool.Register("rejects", [](const JobContext&) -> Status {
        return Error::InvalidArgument("malformed payload");
    });
    JobId ok_id = MustEnqueue(Job(kWs1, "ok", R"({"n":1})"), &queue);
    NewJob t = Job(kWs1, "throws");
    t.max_attempts = 3;
    JobId throw_id = MustEnqueue(t, &queue);
    JobId reject_id = MustEnqueue(Job(kWs1, "rejects"), &queue);
    JobId unknown_id = MustEnqueue(Job(kWs1, "nobody.handles.this"), &queue);

    pool.Start();
    ASSERT_TRUE(WaitFor([&] {
        QueueDepth d = Depth(&queue);
        return d.done == 1 && d.dead == 3;
    }));
    pool.Stop();

    EXPECT_EQ(ok_runs.load(), 1);
    EXPECT_EQ(throw_runs.load(), 3);  // a throw is retryable, until attempts run out
    JobInfo thrown = *queue.Get(kWs1, throw_id);
    EXPECT_NE(thrown.last_error->find("kaboom"), std::string::npos) << *thrown.last_error;
    EXPECT_EQ(thrown.attempts, 3);
    JobInfo rejected = *queue.Get(kWs1, reject_id);
    EXPECT_EQ(rejected.attempts, 1);  // not retryable
    EXPECT_NE(rejected.last_error->find("malformed payload"), std::string::npos);
    JobInfo unknown = *queue.Get(kWs1, unknown_id);
    EXPECT_EQ(unknown.status, JobStatus::kDead);
    EXPECT_NE(unknown.last_error->find("no handler registered for job type"), std::string::npos);
    EXPECT_EQ(queue.Get(kWs1, ok_id)->status, JobStatus::kDone);
    WorkerPool::Stats s = pool.stats();
    EXPECT_EQ(s.succeeded, 1);
    EXPECT_EQ(s.dead, 3);
    EXPECT_EQ(s.retried, 2);
    EXPECT_EQ(s.lost, 0);
}

TEST_P(JobsTest, NotifyWakesThePoolBeforeThePoll) {
    JobQueue queue(*db_, system_);
    WorkerPool::Options o = FastPool(2);
    o.poll_interval = 60s;
    WorkerPool pool(*db_, queue, system_, o);
    queue.SetEnqueueListener([&pool] { pool.Notify(); });
    std::atomic<int> runs{0};
    pool.Register("t", [&](const JobContext&) -> Status {
        ++runs;
        return Ok();
    });
    pool.Start();
    std::this_thread::sleep_for(200ms);  // the first poll has passed; the next is a minute away
    MustEnqueue(Job(kWs1, "t"), &queue);
    EXPECT_TRUE(WaitFor([&] { return runs.load() == 1; }, 10s));

    // Enqueue inside a caller's transaction, then notify after the commit.
    ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                       auto id = queue.Enqueue(s, Job(kWs1, "t"));
                       return id.ok() ? Ok() : Status(id.error());
                   })
                    .ok());
    queue.NotifyEnqueued();
    EXPECT_TRUE(WaitFor([&] { return runs.load() == 2; }, 10s));
    pool.Stop();
}

TEST_P(JobsTest, TwoPoolsRunEveryJobExactlyOnce) {
    constexpr int kJobs = 2000;
    auto second = backend_->Open();  // another "process" on the same database
    ASSERT_TRUE(second.ok()) << second.error().message;
    std::unique_ptr<storage::Database> db2 = std::move(second).value();

    JobQueue queue1(*db_, system_);
    JobQueue queue2(*db2, system_);
    {
        Status s = db_->Write([&](Session& session) -> Status {
            for (int i = 0; i < kJobs; ++i) {
                auto id = queue1.Enqueue(session, Job(kWs1, "count", std::to_string(i)));
                if (!id.ok()) return id.error();
            }
            return Ok();
        });
        ASSERT_TRUE(s.ok()) << s.error().message;
    }

    std::vector<std::atomic<int>> runs(kJobs);
    std::atomic<int> total{0};
    std::atomic<int> by_pool[2] = {0, 0};
    auto handler = [&](int pool_index) {
        return [&, pool_index](const JobContext& ctx) -> Status {
            ++runs[static_cast<std::size_t>(std::stoi(ctx.payload))];
            ++by_pool[pool_index];
            ++total;
            return Ok();
        };
    };
    WorkerPool pool1(*db_, queue1, system_, FastPool(4));
    WorkerPool pool2(*db2, queue2, system_, FastPool(4));
    EXPECT_NE(pool1.worker_id(), pool2.worker_id());
    pool1.Register("count", handler(0));
    pool2.Register("count", handler(1));
    pool1.Start();
    pool2.Start();
    const bool finished = WaitFor([&] { return Depth(&queue1).done == kJobs; }, 240s);
    pool1.Stop();
    pool2.Stop();
    ASSERT_TRUE(finished) << "done: " << Depth(&queue1).done;

    int twice = 0;
    int never = 0;
    for (const auto& r : runs) {
        if (r.load() > 1) ++twice;
        if (r.load() == 0) ++never;
    }
    EXPECT_EQ(twice, 0);
    EXPECT_EQ(never, 0);
    EXPECT_EQ(total.load(), kJobs);
    EXPECT_EQ(pool1.stats().lost + pool2.stats().lost, 0);
    std::printf("[          ] pool 1 ran %d jobs, pool 2 ran %d\n", by_pool[0].load(),
                by_pool[1].load());
    db2->Close();
}

TEST_P(JobsTest, StopWaitsForRunningHandlersAndClaimsNothingNew) {
    JobQueue queue(*db_, system_);
    WorkerPool pool(*db_, queue, system_, FastPool(2));
    std::atomic<int> started{0};
    std::atomic<int> finished{0};
    pool.Register("slow", [&](const JobContext&) -> Status {
        ++started;
        std::this_thread::sleep_for(400ms);
        ++finished;
        return Ok();
    });
    MustEnqueue(Job(kWs1, "slow"), &queue);
    MustEnqueue(Job(kWs1, "slow"), &queue);
    pool.Start();
    ASSERT_TRUE(WaitFor([&] { return started.load() == 2; }, 10s));
    MustEnqueue(Job(kWs1, "slow"), &queue);  // arrives while both threads are busy

    pool.Stop();
    EXPECT_EQ(finished.load(), 2);  // Stop returned only after both handlers did
    EXPECT_EQ(started.load(), 2);   // and nothing new was started
    QueueDepth d = Depth(&queue);
    EXPECT_EQ(d.done, 2);
    EXPECT_EQ(d.running, 0);
    EXPECT_EQ(d.queued, 1);
    pool.Stop();  // idempotent
}

TEST_P(JobsTest, LeasesOfRunningJobsAreRenewedEvenDuringStop) {
    JobQueue queue(*db_, system_);
    WorkerPool::Options o = FastPool(1);
    o.lease = 300ms;  // renewed every 100 ms
    WorkerPool pool(*db_, queue, system_, o);
    std::atomic<int> runs{0};
    std::atomic<bool> started{false};
    pool.Register("slow", [&](const JobContext&) -> Status {
        ++runs;
        started = true;
        std::this_thread::sleep_for(1200ms);
        return Ok();
    });
    JobId id = MustEnqueue(Job(kWs1, "slow"), &queue);
    pool.Start();
    ASSERT_TRUE(WaitFor([&] { return started.load(); }, 10s));
    std::this_thread::sleep_for(500ms);  // past the first lease
    std::thread stopper([&] { pool.Stop(); });
    std::this_thread::sleep_for(400ms);  // Stop is waiting for the handler
    auto stolen = queue.ClaimBatch("intruder", 10, 30s);
    ASSERT_TRUE(stolen.ok());
    EXPECT_TRUE(stolen->empty());
    stopper.join();
    EXPECT_EQ(runs.load(), 1);
    EXPECT_EQ(queue.Get(kWs1, id)->status, JobStatus::kDone);
}

TEST_P(JobsTest, JobsSurviveARestart) {
    {
        JobQueue queue(*db_, system_);
        for (int i = 0; i < 5; ++i) MustEnqueue(Job(kWs1, "t", std::to_string(i)), &queue);
        // A worker of the old process had claimed one when the process died.
        auto claimed = queue.ClaimBatch("old-process", 1, 300ms);
        ASSERT_TRUE(claimed.ok());
        ASSERT_EQ(claimed->size(), 1u);
    }
    db_->Close();
    db_.reset();
    queue_.reset();

    auto reopened = backend_->Open();
    ASSERT_TRUE(reopened.ok()) << reopened.error().message;
    db_ = std::move(reopened).value();
    JobQueue queue(*db_, system_);
    WorkerPool pool(*db_, queue, system_, FastPool(2));
    std::mutex mu;
    std::multiset<std::string> seen;
    pool.Register("t", [&](const JobContext& ctx) -> Status {
        std::lock_guard lock(mu);
        seen.insert(ctx.payload);
        return Ok();
    });
    pool.Start();
    ASSERT_TRUE(WaitFor([&] { return Depth(&queue).done == 5; }, 30s));
    pool.Stop();
    EXPECT_EQ(seen, (std::multiset<std::string>{"0", "1", "2", "3", "4"}));
}

}  // namespace
}  // namespace hudhud::jobs::testing
