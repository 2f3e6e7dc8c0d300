#include "jobs/job_queue.hpp"

#include <algorithm>
#include <utility>

namespace hudhud::jobs {
namespace {

using storage::Params;
using storage::Rows;
using storage::Session;
using storage::Value;

constexpr int kPeriodicMaxAttempts = 3;
constexpr std::size_t kMaxErrorChars = 4000;
constexpr int kPruneBatch = 1000;
constexpr int kPruneMaxBatches = 100;
constexpr int kMaxListLimit = 200;

constexpr const char* kInfoColumns =
    "id, workspace_id, type, payload, status, attempts, max_attempts, last_error, run_at, "
    "period_us, created_at, updated_at, finished_at";

// The next tick of a periodic row, in SQL so that it uses the row's current period ($1 = now).
constexpr const char* kNextTickSql = "run_at + period_us * ((($1 - run_at) / period_us) + 1)";

std::string SkipLocked(const Session& s) {
    return s.dialect() == storage::Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
}

Value OptText(const std::optional<std::string>& v) { return v ? Value(*v) : Value(nullptr); }

std::string ErrorText(const Error& e) {
    std::string text = std::string(ErrorCodeName(e.code)) + ": " + e.message;
    if (text.size() > kMaxErrorChars) text.resize(kMaxErrorChars);
    return text;
}

JobInfo InfoFromRow(const std::vector<Value>& r) {
    JobInfo j;
    j.id = JobId(storage::AsInt(r.at(0)));
    j.workspace = WorkspaceId(storage::AsInt(r.at(1)));
    j.type = storage::AsText(r.at(2));
    j.payload = storage::AsText(r.at(3));
    j.status = ParseJobStatus(storage::AsText(r.at(4))).value_or(JobStatus::kQueued);
    j.attempts = static_cast<int>(storage::AsInt(r.at(5)));
    j.max_attempts = static_cast<int>(storage::AsInt(r.at(6)));
    j.last_error = storage::AsOptText(r.at(7));
    j.run_at = FromMicros(storage::AsInt(r.at(8)));
    if (auto p = storage::AsOptInt(r.at(9))) j.period = std::chrono::microseconds(*p);
    j.created_at = FromMicros(storage::AsInt(r.at(10)));
    j.updated_at = FromMicros(storage::AsInt(r.at(11)));
    if (auto f = storage::AsOptInt(r.at(12))) j.finished_at = FromMicros(*f);
    return j;
}

Error ClaimLost(const ClaimedJob& job) {
    return Error::Conflict("job " + job.id.str() + " attempt " + std::to_string(job.attempt) +
                           " is no longer held by " + job.worker_id);
}

}  // namespace

std::string_view JobStatusName(JobStatus status) {
    switch (status) {
        case JobStatus::kQueued:
            return "queued";
        case JobStatus::kRunning:
            return "running";
        case JobStatus::kDone:
            return "done";
        case JobStatus::kDead:
            return "dead";
    }
    return "queued";
}

std::optional<JobStatus> ParseJobStatus(std::string_view name) {
    for (JobStatus s :
         {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kDone, JobStatus::kDead}) {
        if (JobStatusName(s) == name) return s;
    }
    return std::nullopt;
}

JobQueue::JobQueue(storage::Database& db, Clock& clock, Options options)
    : db_(db),
      clock_(clock),
      options_(std::move(options)),
      random_(options_.random ? options_.random : DefaultRandomSource()) {}

void JobQueue::SetEnqueueListener(std::function<void()> listener) {
    listener_ = std::move(listener);
}

void JobQueue::NotifyEnqueued() const {
    if (listener_) listener_();
}

std::string JobQueue::ScopedKey(WorkspaceId workspace, const std::string& key) const {
    // The column is globally unique; prefixing the tenant keeps one workspace's keys from
    // colliding with (or probing) another's.
    return workspace.str() + ":" + key;
}

Result<JobId> JobQueue::Enqueue(Session& s, const NewJob& job) {
    if (job.type.empty()) return Error::InvalidArgument("job type is empty");
    if (job.max_attempts < 1) return Error::InvalidArgument("max_attempts must be at least 1");
    if (job.workspace.value() < 0) return Error::InvalidArgument("job workspace id is negative");
    const Timestamp now = clock_.Now();
    const Timestamp run_at = std::max(job.run_at, now);
    std::optional<std::string> key;
    if (job.unique_key) key = ScopedKey(job.workspace, *job.unique_key);

    HH_ASSIGN_OR_RETURN(
        Rows rows,
        s.Query("INSERT INTO jobs (workspace_id, type, payload, status, run_at, attempts, "
                "max_attempts, unique_key, created_at, updated_at) "
                "VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, $7, $7) "
                "ON CONFLICT (unique_key) DO NOTHING RETURNING id",
                {job.workspace.value(), job.type, job.payload_json, ToMicros(run_at),
                 static_cast<std::int64_t>(job.max_attempts), OptText(key), ToMicros(now)}));
    if (!rows.empty()) return JobId(storage::AsInt(rows.rows[0][0]));

    HH_ASSIGN_OR_RETURN(Rows existing,
                        s.Query("SELECT id FROM jobs WHERE unique_key = $1", {*key}));
    if (existing.empty()) {
        // The conflicting row went away between the two statements (another transaction
        // finished it); trying again will insert.
        return Error::Unavailable("job with unique key changed concurrently; retry");
    }
    return JobId(storage::AsInt(existing.rows[0][0]));
}

Result<JobId> JobQueue::Enqueue(const NewJob& job) {
    auto id = db_.WriteValue([&](Session& s) { return Enqueue(s, job); });
    if (id.ok() && job.run_at <= clock_.Now()) NotifyEnqueued();
    return id;
}

Result<JobId> JobQueue::SchedulePeriodic(WorkspaceId workspace, std::string type,
                                         std::string payload_json, std::chrono::microseconds period,
                                         std::string unique_key) {
    if (type.empty()) return Error::InvalidArgument("job type is empty");
    if (period.count() <= 0) return Error::InvalidArgument("period must be positive");
    if (unique_key.empty()) return Error::InvalidArgument("a periodic job needs a unique key");
    if (workspace.value() < 0) return Error::InvalidArgument("job workspace id is negative");
    const std::int64_t now = ToMicros(clock_.Now());
    auto id = db_.WriteValue([&](Session& s) -> Result<JobId> {
        HH_ASSIGN_OR_RETURN(
            Rows rows,
            s.Query("INSERT INTO jobs (workspace_id, type, payload, status, run_at, attempts, "
                    "max_attempts, unique_key, period_us, created_at, updated_at) "
                    "VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, $7, $4, $4) "
                    "ON CONFLICT (unique_key) DO UPDATE SET "
                    "type = excluded.type, payload = excluded.payload, "
                    "period_us = excluded.period_us, max_attempts = excluded.max_attempts, "
                    "updated_at = excluded.updated_at, "
                    "status = CASE WHEN jobs.status IN ('dead', 'done') THEN 'queued' "
                    "ELSE jobs.status END, "
                    "attempts = CASE WHEN jobs.status IN ('dead', 'done') THEN 0 "
                    "ELSE jobs.attempts END, "
                    "run_at = CASE WHEN jobs.status IN ('dead', 'done') THEN excluded.run_at "
                    "ELSE jobs.run_at END, "
                    "finished_at = CASE WHEN jobs.status IN ('dead', 'done') THEN NULL "
                    "ELSE jobs.finished_at END "
                    "RETURNING id",
                    {workspace.value(), type, payload_json, now,
                     static_cast<std::int64_t>(kPeriodicMaxAttempts),
                     ScopedKey(workspace, unique_key), static_cast<std::int64_t>(period.count())}));
        if (rows.empty()) return Error::Internal("periodic job upsert returned no row");
        return JobId(storage::AsInt(rows.rows[0][0]));
    });
    if (id.ok()) NotifyEnqueued();
    return id;
}

Result<std::vector<ClaimedJob>> JobQueue::ClaimBatch(const std::string& worker_id, int n,
                                                     std::chrono::microseconds lease) {
    if (n <= 0) return std::vector<ClaimedJob>{};
    if (worker_id.empty()) return Error::InvalidArgument("worker id is empty");
    const Timestamp now = clock_.Now();
    const Timestamp lease_until = now + lease;
    const std::string expired_note = "lease expired: the worker died or stalled";
    const std::string final_note = expired_note + " on the final attempt";

    return db_.WriteValue([&](Session& s) -> Result<std::vector<ClaimedJob>> {
        const std::string skip = SkipLocked(s);
        const std::string expired_final =
            "SELECT id FROM jobs WHERE status = 'running' AND locked_until < $1 "
            "AND attempts >= max_attempts AND period_us IS NULL" +
            skip;
        // A claim that expired on its last allowed attempt does not get another run.
        HH_RETURN_IF_ERROR(
            s.Exec("UPDATE jobs SET status = 'dead', last_error = $2, finished_at = $1, "
                   "updated_at = $1, locked_by = NULL, locked_until = NULL, unique_key = NULL "
                   "WHERE id IN (" +
                       expired_final + ")",
                   {ToMicros(now), final_note}));
        const std::string expired_final_periodic =
            "SELECT id FROM jobs WHERE status = 'running' AND locked_until < $1 "
            "AND attempts >= max_attempts AND period_us IS NOT NULL" +
            skip;
        HH_RETURN_IF_ERROR(s.Exec(
            std::string("UPDATE jobs SET status = 'queued', attempts = 0, last_error = $2, "
                        "updated_at = $1, locked_by = NULL, locked_until = NULL, run_at = ") +
                kNextTickSql + " WHERE id IN (" + expired_final_periodic + ")",
            {ToMicros(now), final_note}));

        HH_ASSIGN_OR_RETURN(
            Rows rows,
            s.Query("UPDATE jobs SET status = 'running', locked_by = $2, locked_until = $3, "
                    "attempts = attempts + 1, updated_at = $1, "
                    "last_error = CASE WHEN status = 'running' THEN $5 ELSE last_error END "
                    "WHERE id IN (SELECT id FROM jobs WHERE "
                    "(status = 'queued' AND run_at <= $1) OR "
                    "(status = 'running' AND locked_until < $1 AND attempts < max_attempts) "
                    "ORDER BY run_at, id LIMIT $4" +
                        skip +
                        ") RETURNING id, workspace_id, type, payload, attempts, max_attempts, "
                        "run_at, period_us",
                    {ToMicros(now), worker_id, ToMicros(lease_until), static_cast<std::int64_t>(n),
                     expired_note}));
        std::vector<ClaimedJob> claimed;
        claimed.reserve(rows.size());
        for (const auto& r : rows.rows) {
            ClaimedJob j;
            j.id = JobId(storage::AsInt(r.at(0)));
            j.workspace = WorkspaceId(storage::AsInt(r.at(1)));
            j.type = storage::AsText(r.at(2));
            j.payload = storage::AsText(r.at(3));
            j.attempt = static_cast<int>(storage::AsInt(r.at(4)));
            j.max_attempts = static_cast<int>(storage::AsInt(r.at(5)));
            j.run_at = FromMicros(storage::AsInt(r.at(6)));
            if (auto p = storage::AsOptInt(r.at(7))) j.period = std::chrono::microseconds(*p);
            j.worker_id = worker_id;
            j.lease_until = lease_until;
            claimed.push_back(std::move(j));
        }
        // RETURNING does not promise an order.
        std::sort(claimed.begin(), claimed.end(), [](const ClaimedJob& a, const ClaimedJob& b) {
            return a.run_at != b.run_at ? a.run_at < b.run_at : a.id < b.id;
        });
        return claimed;
    });
}

Result<std::int64_t> JobQueue::Finish(const ClaimedJob& job, const std::string& set_sql,
                                      const Params& extra) {
    // $1 = now, $2 = id, $3 = worker, $4 = attempt; `extra` binds from $5.
    Params params{ToMicros(clock_.Now()), job.id.value(), job.worker_id,
                  static_cast<std::int64_t>(job.attempt)};
    params.insert(params.end(), extra.begin(), extra.end());
    const std::string sql = "UPDATE jobs SET " + set_sql +
                            ", locked_by = NULL, locked_until = NULL, updated_at = $1 "
                            "WHERE id = $2 AND status = 'running' AND locked_by = $3 "
                            "AND attempts = $4";
    auto changed = db_.WriteValue([&](Session& s) { return s.Exec(sql, params); });
    if (!changed.ok()) return changed;
    if (*changed == 0) return ClaimLost(job);
    return changed;
}

Status JobQueue::Complete(const ClaimedJob& job) {
    auto r =
        Finish(job,
               std::string("status = CASE WHEN period_us IS NULL THEN 'done' ELSE 'queued' END, "
                           "finished_at = CASE WHEN period_us IS NULL THEN $1 ELSE NULL END, "
                           "unique_key = CASE WHEN period_us IS NULL THEN NULL "
                           "ELSE unique_key END, "
                           "attempts = CASE WHEN period_us IS NULL THEN attempts ELSE 0 END, "
                           "run_at = CASE WHEN period_us IS NULL THEN run_at ELSE ") +
                   kNextTickSql + " END",
               {});
    if (!r.ok()) return std::move(r).error();
    return Ok();
}

Status JobQueue::Fail(const ClaimedJob& job, const Error& error) {
    const std::string text = ErrorText(error);
    Result<std::int64_t> r = 0;
    if (error.retryable && job.attempt < job.max_attempts) {
        const auto delay = BackoffDelay(options_.backoff, job.attempt, random_());
        r = Finish(job, "status = 'queued', run_at = $5, last_error = $6",
                   {ToMicros(clock_.Now() + delay), text});
    } else {
        r = Finish(job,
                   std::string("status = CASE WHEN period_us IS NULL THEN 'dead' "
                               "ELSE 'queued' END, "
                               "finished_at = CASE WHEN period_us IS NULL THEN $1 ELSE NULL END, "
                               "unique_key = CASE WHEN period_us IS NULL THEN NULL "
                               "ELSE unique_key END, "
                               "attempts = CASE WHEN period_us IS NULL THEN attempts ELSE 0 END, "
                               "last_error = $5, "
                               "run_at = CASE WHEN period_us IS NULL THEN run_at ELSE ") +
                       kNextTickSql + " END",
                   {text});
    }
    if (!r.ok()) return std::move(r).error();
    return Ok();
}

Status JobQueue::Bury(const ClaimedJob& job, const std::string& reason) {
    // A periodic row keeps its key, so SchedulePeriodic (e.g. after the handler is deployed)
    // revives this row instead of creating a second one.
    auto r = Finish(job,
                    "status = 'dead', finished_at = $1, last_error = $5, "
                    "unique_key = CASE WHEN period_us IS NULL THEN NULL ELSE unique_key END",
                    {reason.substr(0, kMaxErrorChars)});
    if (!r.ok()) return std::move(r).error();
    return Ok();
}

Status JobQueue::Release(const ClaimedJob& job) {
    auto r = Finish(job, "status = 'queued', attempts = attempts - 1", {});
    if (!r.ok()) return std::move(r).error();
    return Ok();
}

Result<std::int64_t> JobQueue::ExtendLeases(const std::string& worker_id,
                                            const std::vector<ClaimedJob>& jobs,
                                            std::chrono::microseconds lease) {
    if (jobs.empty()) return std::int64_t{0};
    const Timestamp now = clock_.Now();
    Params params{ToMicros(now + lease), ToMicros(now), worker_id};
    std::string in;
    for (const auto& j : jobs) {
        params.push_back(j.id.value());
        if (!in.empty()) in += ", ";
        in += "$" + std::to_string(params.size());
    }
    return db_.WriteValue([&](Session& s) {
        // Rows locked by another transaction are being completed right now: skip, not wait.
        return s.Exec(
            "UPDATE jobs SET locked_until = $1, updated_at = $2 WHERE id IN ("
            "SELECT id FROM jobs WHERE status = 'running' AND locked_by = $3 AND id IN (" +
                in + ")" + SkipLocked(s) + ")",
            params);
    });
}

Result<std::int64_t> JobQueue::PruneDone() {
    const std::int64_t cutoff = ToMicros(clock_.Now() - options_.done_retention);
    std::int64_t total = 0;
    for (int i = 0; i < kPruneMaxBatches; ++i) {
        HH_ASSIGN_OR_RETURN(std::int64_t n, db_.WriteValue([&](Session& s) {
            return s.Exec(
                "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE status = 'done' "
                "AND finished_at < $1 ORDER BY id LIMIT $2" +
                    SkipLocked(s) + ")",
                {cutoff, static_cast<std::int64_t>(kPruneBatch)});
        }));
        total += n;
        if (n < kPruneBatch) break;
    }
    return total;
}

Result<JobPage> JobQueue::ListDead(WorkspaceId workspace, std::optional<std::int64_t> cursor,
                                   int limit) {
    limit = std::clamp(limit, 1, kMaxListLimit);
    std::string sql = std::string("SELECT ") + kInfoColumns +
                      " FROM jobs WHERE workspace_id = $1 AND status = 'dead'";
    Params params{workspace.value(), static_cast<std::int64_t>(limit + 1)};
    if (cursor) {
        sql += " AND id < $3";
        params.push_back(*cursor);
    }
    sql += " ORDER BY id DESC LIMIT $2";
    HH_ASSIGN_OR_RETURN(Rows rows, db_.ReadValue([&](Session& s) { return s.Query(sql, params); }));
    JobPage page;
    for (const auto& r : rows.rows) page.items.push_back(InfoFromRow(r));
    if (static_cast<int>(page.items.size()) > limit) {
        page.items.resize(static_cast<std::size_t>(limit));
        page.next_cursor = page.items.back().id.value();
    }
    return page;
}

Status JobQueue::RetryDead(WorkspaceId workspace, JobId id) {
    const std::int64_t now = ToMicros(clock_.Now());
    Status s = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(
            std::int64_t n,
            s.Exec("UPDATE jobs SET status = 'queued', attempts = 0, run_at = $1, "
                   "locked_by = NULL, locked_until = NULL, finished_at = NULL, updated_at = $1 "
                   "WHERE id = $2 AND workspace_id = $3 AND status = 'dead'",
                   {now, id.value(), workspace.value()}));
        if (n > 0) return Ok();
        HH_ASSIGN_OR_RETURN(Rows rows,
                            s.Query("SELECT status FROM jobs WHERE id = $1 AND workspace_id = $2",
                                    {id.value(), workspace.value()}));
        if (rows.empty()) return Error::NotFound("job " + id.str() + " not found");
        return Error::Conflict("job " + id.str() + " is " + storage::AsText(rows.rows[0][0]) +
                               ", not dead");
    });
    if (s.ok()) NotifyEnqueued();
    return s;
}

Result<JobInfo> JobQueue::Get(WorkspaceId workspace, JobId id) {
    HH_ASSIGN_OR_RETURN(Rows rows, db_.ReadValue([&](Session& s) {
        return s.Query(std::string("SELECT ") + kInfoColumns +
                           " FROM jobs WHERE id = $1 AND workspace_id = $2",
                       {id.value(), workspace.value()});
    }));
    if (rows.empty()) return Error::NotFound("job " + id.str() + " not found");
    return InfoFromRow(rows.rows[0]);
}

Result<QueueDepth> JobQueue::CountByStatus() {
    HH_ASSIGN_OR_RETURN(Rows rows, db_.ReadValue([](Session& s) {
        return s.Query("SELECT status, COUNT(*) FROM jobs GROUP BY status");
    }));
    QueueDepth d;
    for (const auto& r : rows.rows) {
        const std::int64_t n = storage::AsInt(r.at(1));
        switch (ParseJobStatus(storage::AsText(r.at(0))).value_or(JobStatus::kQueued)) {
            case JobStatus::kQueued:
                d.queued += n;
                break;
            case JobStatus::kRunning:
                d.running += n;
                break;
            case JobStatus::kDone:
                d.done += n;
                break;
            case JobStatus::kDead:
                d.dead += n;
                break;
        }
    }
    return d;
}

std::int64_t JobQueue::QueuedCount() {
    auto rows = db_.ReadValue(
        [](Session& s) { return s.Query("SELECT COUNT(*) FROM jobs WHERE status = 'queued'"); });
    if (!rows.ok() || rows->empty()) return -1;
    return storage::AsInt(rows->rows[0][0]);
}

}  // namespace hudhud::jobs
