#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/detail/connection_pool.hpp"
#include "storage/detail/write_queue.hpp"
#include "storage/group_commit.hpp"
#include "storage/sqlite/sqlite_connection.hpp"

namespace hudhud::storage::sqlite {

struct SqliteOptions {
    // A file name, a "file:" URI, or ":memory:" for a private in-memory database (tests). An
    // in-memory database has a single connection that reads and writes take turns on.
    std::string path = ":memory:";
    // Read connections (file databases only).
    int read_connections = 4;
    GroupCommitOptions group_commit;
    // How long a statement waits for a lock held by another process before kUnavailable.
    std::chrono::milliseconds busy_timeout{5000};
    // Apply sqlite::Migrations() during Open.
    bool apply_migrations = true;
};

// storage::Database on SQLite, in WAL mode with synchronous=FULL and foreign keys on: a Write
// returns only after its transaction is fsynced, so it survives a crash of the process or the
// machine. One writer thread groups concurrent Writes into one transaction (see database.hpp
// and README.md); reads run in parallel on a pool of query-only connections, each Read in one
// snapshot (BEGIN ... COMMIT). Thread-safe.
class SqliteDatabase final : public Database {
  public:
    // Opens (creating if needed) the database, starts the writer and applies migrations.
    // Errors: kInvalidArgument for bad options, kUnavailable if the file cannot be opened,
    // kInternal if it cannot be put in WAL mode or a migration fails.
    static Result<std::unique_ptr<SqliteDatabase>> Open(SqliteOptions options);

    ~SqliteDatabase() override;  // Close()

    Dialect dialect() const override { return Dialect::kSqlite; }
    Status Write(Work work) override;
    void WriteAsync(Work work, std::function<void(Status)> done) override;
    Status Read(Work work) override;
    Status Ping() override;
    void Close() override;

    WriteStats write_stats() const { return counters_.Snapshot(); }

  private:
    explicit SqliteDatabase(SqliteOptions options);
    Status Start();
    void WriterLoop();

    const SqliteOptions options_;
    const bool in_memory_;
    storage::detail::WriteQueue queue_;
    storage::detail::WriteCounters counters_;
    // The writer's own connection; null for an in-memory database, whose only connection sits
    // in readers_ and is borrowed by the writer for each batch.
    std::unique_ptr<detail::Connection> writer_conn_;
    storage::detail::ConnectionPool<detail::Connection> readers_;
    std::thread writer_;
    std::mutex close_mu_;
    bool closed_ = false;
};

}  // namespace hudhud::storage::sqlite
