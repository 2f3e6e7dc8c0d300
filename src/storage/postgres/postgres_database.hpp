#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/detail/connection_pool.hpp"
#include "storage/detail/write_queue.hpp"
#include "storage/group_commit.hpp"
#include "storage/postgres/postgres_connection.hpp"

namespace hudhud::storage::postgres {

struct PostgresOptions {
    // libpq connection string: "host=... dbname=..." or "postgresql://user@host:port/db?...".
    std::string conninfo;
    // Read connections.
    int pool_size = 8;
    // Writer threads, each with its own connection, each committing its own batches.
    int writer_count = 4;
    // At most 64 works per transaction: each work that writes is a subtransaction with its own
    // xid, and a transaction with more than 64 of them overflows PostgreSQL's per-backend
    // subxid cache, which slows every other session's snapshots while it runs.
    GroupCommitOptions group_commit{.max_batch = 64, .window = std::chrono::microseconds(200)};
    // Apply postgres::Migrations() during Open.
    bool apply_migrations = true;
};

// storage::Database on PostgreSQL through libpq. Writer threads take batches of concurrent
// Writes from one shared queue and run each batch as one transaction (a savepoint per work, one
// COMMIT, so one WAL flush); a Write returns after its COMMIT, i.e. once it is durable as the
// server's synchronous_commit defines (a writer connection that finds it "off" turns it on).
// Reads run on a pool of connections, each Read in one REPEATABLE READ READ ONLY transaction.
// Statements are prepared once per connection (extended protocol, text parameters; see
// postgres_values.hpp for parameter typing). A broken connection is re-established before the
// next transaction on it; a batch whose transaction had not begun is retried once after a
// reconnect, one that broke later fails with kUnavailable.
//
// Real-time fan-out: a work may run `SELECT pg_notify($1, $2)` (channel, payload); PostgreSQL
// delivers it to every PostgresListener on that channel when, and only if, the batch commits.
//
// Thread-safe.
class PostgresDatabase final : public Database {
  public:
    // Connects every connection, starts the writers and applies migrations.
    // Errors: kInvalidArgument for bad options, kUnavailable if the server cannot be reached,
    // or the error of a failing migration.
    static Result<std::unique_ptr<PostgresDatabase>> Open(PostgresOptions options);

    ~PostgresDatabase() override;  // Close()

    Dialect dialect() const override { return Dialect::kPostgres; }
    Status Write(Work work) override;
    void WriteAsync(Work work, std::function<void(Status)> done) override;
    Status WriteAlone(Work work) override;
    Status Read(Work work) override;
    Status Ping() override;
    void Close() override;

    WriteStats write_stats() const { return counters_.Snapshot(); }

  private:
    explicit PostgresDatabase(PostgresOptions options);
    Status Start();
    void WriterLoop(detail::Connection& conn);

    const PostgresOptions options_;
    storage::detail::WriteQueue queue_;
    storage::detail::WriteCounters counters_;
    std::vector<std::unique_ptr<detail::Connection>> writer_conns_;
    std::vector<std::thread> writers_;
    storage::detail::ConnectionPool<detail::Connection> readers_;
    std::mutex close_mu_;
    bool closed_ = false;
};

}  // namespace hudhud::storage::postgres
