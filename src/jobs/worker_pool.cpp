#include "jobs/worker_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <exception>
#include <random>

#include "log/log.hpp"

namespace hudhud::jobs {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr int kRecordAttempts = 3;
constexpr auto kClaimErrorLogEvery = std::chrono::seconds(60);

std::string MakeWorkerId(const std::string& prefix) {
    std::string base = prefix;
    if (base.empty()) {
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
        base = std::string(host[0] != '\0' ? host : "host") + ":" + std::to_string(::getpid());
    }
    std::random_device rd;
    char suffix[9];
    std::snprintf(suffix, sizeof suffix, "%08x", rd());
    return base + "-" + suffix;
}

nlohmann::json JobFields(const ClaimedJob& job) {
    return {{"job_id", job.id.value()},
            {"job_type", job.type},
            {"workspace_id", job.workspace.value()},
            {"attempt", job.attempt},
            {"max_attempts", job.max_attempts}};
}

}  // namespace

WorkerPool::WorkerPool(storage::Database& db, JobQueue& queue, Clock& clock, Options options)
    : db_(db),
      queue_(queue),
      clock_(clock),
      options_([&] {
          options.threads = std::max(options.threads, 1);
          if (options.batch_size <= 0) options.batch_size = options.threads;
          if (options.lease.count() <= 0) options.lease = std::chrono::seconds(60);
          if (options.poll_interval.count() <= 0)
              options.poll_interval = std::chrono::milliseconds(250);
          if (options.cleanup_interval.count() <= 0) {
              options.cleanup_interval = std::chrono::minutes(10);
          }
          return options;
      }()),
      worker_id_(MakeWorkerId(options_.worker_id)) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Register(std::string type, Handler handler) {
    std::lock_guard lock(mu_);
    if (started_) {
        // Workers read handlers_ without a lock, so the map must not change once started.
        log::Error("jobs.register_after_start", {{"job_type", type}});
        return;
    }
    assert(handlers_.count(type) == 0 && "job type registered twice");
    handlers_[std::move(type)] = std::move(handler);
}

void WorkerPool::Start() {
    {
        std::lock_guard lock(mu_);
        if (started_) return;
        started_ = true;
    }
    if (Status ping = db_.Ping(); !ping.ok()) {
        log::Warn("jobs.database_unreachable",
                  {{"worker_id", worker_id_}, {"error", ping.error().message}});
    }
    log::Info("jobs.pool_started", {{"worker_id", worker_id_}, {"threads", options_.threads}});
    workers_.reserve(static_cast<std::size_t>(options_.threads));
    for (int i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { WorkLoop(); });
    dispatcher_ = std::thread([this] { DispatchLoop(); });
}

void WorkerPool::Stop() {
    std::lock_guard stop_lock(stop_mu_);
    std::deque<ClaimedJob> unstarted;
    {
        std::lock_guard lock(mu_);
        if (!started_ || stopping_) return;
        stopping_ = true;
    }
    dispatch_cv_.notify_all();
    work_cv_.notify_all();
    // Workers first: until the last handler has returned, the dispatcher keeps renewing the
    // leases of the jobs in hand (without claiming more), so a slow handler is not taken over
    // by another pool while this one shuts down.
    for (auto& t : workers_) {
        if (t.joinable()) t.join();
    }
    {
        std::lock_guard lock(mu_);
        dispatcher_exit_ = true;
    }
    dispatch_cv_.notify_all();
    if (dispatcher_.joinable()) dispatcher_.join();
    {
        std::lock_guard lock(mu_);
        unstarted.swap(ready_);
        for (const auto& job : unstarted) in_hand_.erase(job.id.value());
    }
    for (const auto& job : unstarted) {
        Record(job, "release", [&] { return queue_.Release(job); });
    }
    log::Info("jobs.pool_stopped",
              {{"worker_id", worker_id_}, {"released", static_cast<int>(unstarted.size())}});
}

void WorkerPool::Notify() {
    {
        std::lock_guard lock(mu_);
        wake_ = true;
    }
    dispatch_cv_.notify_one();
}

WorkerPool::Stats WorkerPool::stats() const {
    Stats s;
    s.claimed = claimed_.load();
    s.succeeded = succeeded_.load();
    s.retried = retried_.load();
    s.dead = dead_.load();
    s.lost = lost_.load();
    return s;
}

int WorkerPool::FreeSlotsLocked() const {
    return options_.threads - static_cast<int>(ready_.size()) - running_;
}

void WorkerPool::DispatchLoop() {
    const auto lease = std::chrono::duration_cast<std::chrono::microseconds>(options_.lease);
    const auto heartbeat_every =
        std::max<SteadyClock::duration>(options_.lease / 3, std::chrono::milliseconds(10));
    auto now = SteadyClock::now();
    auto next_poll = now;
    auto next_heartbeat = now + heartbeat_every;
    auto next_cleanup = now;
    SteadyClock::time_point last_claim_error_log{};
    bool claim_failing = false;

    while (true) {
        int want = 0;
        bool stopping = false;
        {
            std::unique_lock lock(mu_);
            const auto deadline = std::min({next_poll, next_heartbeat, next_cleanup});
            dispatch_cv_.wait_until(lock, deadline, [&] {
                return dispatcher_exit_ || (!stopping_ && wake_ && FreeSlotsLocked() > 0);
            });
            if (dispatcher_exit_) return;
            now = SteadyClock::now();
            stopping = stopping_;
            if (stopping) {
                // Only heartbeats until the workers are done.
                next_poll = next_cleanup = now + std::chrono::hours(1);
            } else if (wake_ || now >= next_poll) {
                wake_ = false;
                want = std::min(options_.batch_size, FreeSlotsLocked());
                next_poll = now + options_.poll_interval;
            }
        }

        if (now >= next_heartbeat) {
            Heartbeat();
            next_heartbeat = now + heartbeat_every;
        }
        if (!stopping && now >= next_cleanup) {
            next_cleanup = now + options_.cleanup_interval;
            auto pruned = queue_.PruneDone();
            if (!pruned.ok()) {
                log::Warn("jobs.prune_failed", {{"error", pruned.error().message}});
            } else if (*pruned > 0) {
                log::Info("jobs.pruned", {{"rows", *pruned}});
            }
        }
        if (want <= 0) continue;

        auto claimed = queue_.ClaimBatch(worker_id_, want, lease);
        if (!claimed.ok()) {
            if (!claim_failing || now - last_claim_error_log >= kClaimErrorLogEvery) {
                log::Warn("jobs.claim_failed",
                          {{"worker_id", worker_id_}, {"error", claimed.error().message}});
                last_claim_error_log = now;
            }
            claim_failing = true;
            std::lock_guard lock(mu_);
            more_ready_ = false;
            continue;
        }
        if (claim_failing) log::Info("jobs.claim_recovered", {{"worker_id", worker_id_}});
        claim_failing = false;
        claimed_ += static_cast<std::int64_t>(claimed->size());
        {
            std::lock_guard lock(mu_);
            more_ready_ = static_cast<int>(claimed->size()) == want;
            for (auto& job : *claimed) {
                in_hand_.emplace(job.id.value(), job);
                ready_.push_back(std::move(job));
            }
            // More is probably due: claim again as soon as a thread is free.
            if (more_ready_) {
                wake_ = true;
                next_poll = now;
            }
        }
        if (!claimed->empty()) work_cv_.notify_all();
    }
}

void WorkerPool::WorkLoop() {
    while (true) {
        ClaimedJob job;
        {
            std::unique_lock lock(mu_);
            work_cv_.wait(lock, [&] { return stopping_ || !ready_.empty(); });
            // On Stop, unstarted jobs stay in ready_ and Stop hands them back.
            if (stopping_) return;
            job = std::move(ready_.front());
            ready_.pop_front();
            ++running_;
        }
        RunOne(job);
        {
            std::lock_guard lock(mu_);
            --running_;
            in_hand_.erase(job.id.value());
        }
        dispatch_cv_.notify_one();
    }
}

Status WorkerPool::Invoke(const Handler& handler, const ClaimedJob& job) {
    JobContext ctx{job.id, job.workspace, job.type, job.payload, job.attempt, job.max_attempts};
    // Last-resort catch: a throwing handler fails its job, never the worker thread.
    try {
        return handler(ctx);
    } catch (const std::exception& e) {
        auto fields = JobFields(job);
        fields["error"] = e.what();
        log::Error("jobs.handler_threw", fields);
        return Error{ErrorCode::kInternal, std::string("handler threw: ") + e.what(), true};
    } catch (...) {
        log::Error("jobs.handler_threw", JobFields(job));
        return Error{ErrorCode::kInternal, "handler threw a non-standard exception", true};
    }
}

void WorkerPool::RunOne(const ClaimedJob& job) {
    auto it = handlers_.find(job.type);
    if (it == handlers_.end()) {
        const std::string reason = "no handler registered for job type '" + job.type + "'";
        log::Error("jobs.unknown_type", JobFields(job));
        Record(job, "bury", [&] { return queue_.Bury(job, reason); });
        ++dead_;
        return;
    }
    if (log::Enabled(log::Level::kDebug)) {
        auto fields = JobFields(job);
        fields["lateness_ms"] =
            std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now() - job.run_at)
                .count();
        log::Debug("jobs.started", fields);
    }
    Status result = Invoke(it->second, job);
    if (result.ok()) {
        Record(job, "complete", [&] { return queue_.Complete(job); });
        ++succeeded_;
        return;
    }
    const Error& error = result.error();
    const bool will_retry = error.retryable && job.attempt < job.max_attempts;
    auto fields = JobFields(job);
    fields["error_code"] = std::string(ErrorCodeName(error.code));
    fields["error"] = error.message;
    fields["will_retry"] = will_retry;
    if (will_retry) {
        log::Warn("jobs.failed", fields);
        ++retried_;
    } else {
        log::Error("jobs.failed", fields);
        ++dead_;
    }
    Record(job, "fail", [&] { return queue_.Fail(job, error); });
}

void WorkerPool::Record(const ClaimedJob& job, const char* what,
                        const std::function<Status()>& op) {
    for (int attempt = 1;; ++attempt) {
        Status s = op();
        if (s.ok()) return;
        const bool again = s.error().retryable && attempt < kRecordAttempts;
        if (!again) {
            // The job will run again once its lease expires: at-least-once delivery.
            ++lost_;
            auto fields = JobFields(job);
            fields["op"] = what;
            fields["error"] = s.error().message;
            if (s.error().code == ErrorCode::kConflict) {
                log::Warn("jobs.claim_lost", fields);
            } else {
                log::Error("jobs.record_failed", fields);
            }
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
    }
}

void WorkerPool::Heartbeat() {
    std::vector<ClaimedJob> jobs;
    {
        std::lock_guard lock(mu_);
        jobs.reserve(in_hand_.size());
        for (const auto& [id, job] : in_hand_) jobs.push_back(job);
    }
    if (jobs.empty()) return;
    auto extended = queue_.ExtendLeases(
        worker_id_, jobs, std::chrono::duration_cast<std::chrono::microseconds>(options_.lease));
    if (!extended.ok()) {
        log::Warn("jobs.heartbeat_failed",
                  {{"worker_id", worker_id_}, {"error", extended.error().message}});
    }
}

}  // namespace hudhud::jobs
