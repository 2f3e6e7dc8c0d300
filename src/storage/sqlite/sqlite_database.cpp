#include "storage/sqlite/sqlite_database.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include "storage/migrator.hpp"
#include "storage/sqlite/migrations.hpp"

namespace hudhud::storage::sqlite {
namespace {

using detail::Connection;

constexpr int kReadWriteCreate = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

bool IsMemoryPath(const std::string& path) { return path == ":memory:"; }

class SqliteWriteTransaction final : public storage::detail::WriteTransaction {
  public:
    explicit SqliteWriteTransaction(Connection& conn) : conn_(conn) {}
    Session& session() override { return conn_; }
    // IMMEDIATE takes the write lock up front, so no statement of the batch can hit BUSY
    // half-way through because another process started writing.
    Status Begin() override {
        HH_RETURN_IF_ERROR(conn_.Exec("BEGIN IMMEDIATE"));
        return Run("SAVEPOINT hh_work");
    }
    Status Keep() override {
        HH_RETURN_IF_ERROR(conn_.Exec("RELEASE SAVEPOINT hh_work"));
        return Run("SAVEPOINT hh_work");
    }
    Status Undo() override { return Run("ROLLBACK TO SAVEPOINT hh_work"); }
    Status Commit() override { return Run("COMMIT"); }
    void Rollback() override {
        if (conn_.InTransaction()) (void)conn_.Exec("ROLLBACK");
    }

  private:
    Status Run(std::string_view sql) {
        Result<std::int64_t> r = conn_.Exec(sql);
        if (!r.ok()) return std::move(r).error();
        return Ok();
    }
    Connection& conn_;
};

Status RunPragma(Connection& conn, const std::string& sql) {
    Result<Rows> r = conn.Query(sql);
    if (!r.ok()) {
        Error e = std::move(r).error();
        e.message = sql + ": " + e.message;
        return e;
    }
    return Ok();
}

Status Configure(Connection& conn, bool writer, bool in_memory) {
    // synchronous before journal_mode: the switch to WAL itself writes the file header.
    HH_RETURN_IF_ERROR(RunPragma(conn, "PRAGMA synchronous = FULL"));
    HH_RETURN_IF_ERROR(RunPragma(conn, "PRAGMA foreign_keys = ON"));
    HH_RETURN_IF_ERROR(RunPragma(conn, "PRAGMA temp_store = MEMORY"));
    if (writer && !in_memory) {
        // Several processes opening one fresh file at once race for the switch to WAL; SQLite
        // then answers BUSY (without its busy handler) or the old mode, so try again briefly.
        std::string got = "?";
        for (int attempt = 0; attempt < 100; ++attempt) {
            Result<Rows> mode = conn.Query("PRAGMA journal_mode = WAL");
            if (mode.ok() && !mode->empty()) {
                got = AsText(mode->rows[0][0]);
                if (got == "wal") break;
            } else if (!mode.ok() && mode.error().code != ErrorCode::kUnavailable) {
                return std::move(mode).error();
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (got != "wal") {
            return Error::Internal("SQLite refused WAL mode (journal_mode is " + got + ")");
        }
    }
    if (!writer) HH_RETURN_IF_ERROR(RunPragma(conn, "PRAGMA query_only = ON"));
    return Ok();
}

// A new database file is only durable once the directory entry naming it is; SQLite syncs the
// directory for journals and the WAL it creates, but not for the main file.
Status SyncDirectoryOf(const std::string& path) {
    if (path.rfind("file:", 0) == 0) return Ok();
    std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (dir.empty()) dir = ".";
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Error::Internal("cannot open " + dir.string() + ": " + std::strerror(errno));
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return Error::Internal("cannot fsync " + dir.string() + ": " + std::strerror(err));
    return Ok();
}

}  // namespace

SqliteDatabase::SqliteDatabase(SqliteOptions options)
    : options_(std::move(options)),
      in_memory_(IsMemoryPath(options_.path)),
      queue_(options_.group_commit) {}

SqliteDatabase::~SqliteDatabase() { Close(); }

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(SqliteOptions options) {
    if (options.path.empty()) return Error::InvalidArgument("SQLite path is empty");
    if (options.read_connections < 1) {
        return Error::InvalidArgument("SQLite needs at least one read connection");
    }
    auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase(std::move(options)));
    HH_RETURN_IF_ERROR(db->Start());
    if (db->options_.apply_migrations) {
        Status migrated = Migrate(*db, Migrations());
        if (!migrated.ok()) {
            db->Close();
            return std::move(migrated).error();
        }
    }
    return db;
}

Status SqliteDatabase::Start() {
    const std::string& path = options_.path;
    HH_ASSIGN_OR_RETURN(auto writer,
                        Connection::Open(path, kReadWriteCreate, options_.busy_timeout));
    HH_RETURN_IF_ERROR(Configure(*writer, /*writer=*/true, in_memory_));
    if (in_memory_) {
        readers_.Add(std::move(writer));
    } else {
        HH_RETURN_IF_ERROR(SyncDirectoryOf(path));
        writer_conn_ = std::move(writer);
        for (int i = 0; i < options_.read_connections; ++i) {
            HH_ASSIGN_OR_RETURN(
                auto reader, Connection::Open(path, SQLITE_OPEN_READWRITE, options_.busy_timeout));
            HH_RETURN_IF_ERROR(Configure(*reader, /*writer=*/false, in_memory_));
            readers_.Add(std::move(reader));
        }
    }
    writer_ = std::thread([this] { WriterLoop(); });
    return Ok();
}

void SqliteDatabase::WriterLoop() {
    for (;;) {
        std::vector<storage::detail::PendingWrite> batch = queue_.TakeBatch();
        if (batch.empty()) return;
        if (in_memory_) {
            auto lease = readers_.Acquire();
            if (!lease) {
                storage::detail::FailBatch(batch, Error::Unavailable("database is closed"));
                continue;
            }
            SqliteWriteTransaction txn(*lease);
            storage::detail::RunBatch(txn, batch, counters_);
            lease->TrimCache();
        } else {
            SqliteWriteTransaction txn(*writer_conn_);
            storage::detail::RunBatch(txn, batch, counters_);
            writer_conn_->TrimCache();
        }
    }
}

Status SqliteDatabase::Write(Work work) { return queue_.Submit(std::move(work)); }

void SqliteDatabase::WriteAsync(Work work, std::function<void(Status)> done) {
    queue_.SubmitAsync(std::move(work), std::move(done));
}

Status SqliteDatabase::Read(Work work) {
    auto lease = readers_.Acquire();
    if (!lease) return Error::Unavailable("database is closed");
    Connection& conn = *lease;
    // The in-memory database reads on the writer's connection; query_only keeps Read read-only.
    if (in_memory_) HH_RETURN_IF_ERROR(RunPragma(conn, "PRAGMA query_only = ON"));
    Result<std::int64_t> begun = conn.Exec("BEGIN");
    Status status = begun.ok() ? storage::detail::RunGuarded(work, conn, "read") : Status(std::move(begun).error());
    if (conn.InTransaction() && !conn.Exec("COMMIT").ok()) (void)conn.Exec("ROLLBACK");
    if (in_memory_) (void)RunPragma(conn, "PRAGMA query_only = OFF");
    conn.TrimCache();
    return status;
}

Status SqliteDatabase::Ping() {
    return Read([](Session& s) -> Status {
        HH_RETURN_IF_ERROR(s.Query("SELECT 1"));
        return Ok();
    });
}

void SqliteDatabase::Close() {
    std::lock_guard lock(close_mu_);
    if (closed_) return;
    closed_ = true;
    queue_.Close();
    if (writer_.joinable()) writer_.join();
    readers_.Close();
    writer_conn_.reset();
}

}  // namespace hudhud::storage::sqlite
