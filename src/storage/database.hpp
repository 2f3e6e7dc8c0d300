#pragma once

#include <functional>
#include <type_traits>
#include <utility>

#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// A storage backend: one database, reached through sessions handed to units of work.
// Implementations: sqlite::SqliteDatabase, postgres::PostgresDatabase. Thread-safe.
class Database {
public:
    using Work = std::function<Status(Session&)>;

    virtual ~Database() = default;
    virtual Dialect dialect() const = 0;

    // Runs `work` inside a write transaction and returns once its effects are durable.
    // Group commit: works submitted concurrently within a short window share one transaction
    // and one fsync; each runs inside its own savepoint, so a work that returns an error (or
    // throws) is rolled back alone and its caller gets that error while the others commit.
    // If the shared commit fails, every caller in the batch gets kUnavailable and nothing of
    // their work remains. `work` runs on a writer thread: it must not block on anything but
    // the session, and must not call Write or Read itself. A work may run more than once: a
    // backend may first run a batch without savepoints and, when any work of it fails, roll the
    // batch back and run every work again in savepoints (PostgreSQL does). So a work must have
    // no effect outside the session except assigning its results to captured variables.
    virtual Status Write(Work work) = 0;

    // Write without waiting: returns at once, and `done` is called once with what Write would
    // have returned, after the commit, on a writer thread (on the caller's thread when the
    // database is closed, or for a backend without writer threads). `done` must be quick and
    // must not block or call Write/Read: post the rest to the caller's executor.
    virtual void WriteAsync(Work work, std::function<void(Status)> done) {
        done(Write(std::move(work)));
    }
    // Write for a large work (many statements): it gets a transaction of its own instead of
    // joining a group commit, so several of them can run at once on backends with several
    // writers (PostgreSQL). Same guarantees as Write otherwise.
    virtual Status WriteAlone(Work work) { return Write(std::move(work)); }

    // Runs `work` on a read connection in a read-only snapshot. Many reads run in parallel.
    virtual Status Read(Work work) = 0;

    // Succeeds when the database answers a trivial query.
    virtual Status Ping() = 0;

    // Stops accepting work, finishes and commits what was submitted, closes connections.
    virtual void Close() = 0;

    // Convenience wrappers returning a value computed by the work.
    template <typename F>
    auto WriteValue(F&& f) -> std::invoke_result_t<F, Session&> {
        using R = std::invoke_result_t<F, Session&>;
        std::optional<R> out;
        Status s = Write([&](Session& session) -> Status {
            out.emplace(f(session));
            if (!out->ok()) return out->error();
            return Ok();
        });
        if (!s.ok()) return std::move(s).error();
        return std::move(*out);
    }
    template <typename F>
    auto ReadValue(F&& f) -> std::invoke_result_t<F, Session&> {
        using R = std::invoke_result_t<F, Session&>;
        std::optional<R> out;
        Status s = Read([&](Session& session) -> Status {
            out.emplace(f(session));
            if (!out->ok()) return out->error();
            return Ok();
        });
        if (!s.ok()) return std::move(s).error();
        return std::move(*out);
    }
};

}  // namespace hudhud::storage
