#include "storage/postgres/postgres_database.hpp"

#include <spdlog/spdlog.h>

#include <exception>

#include "storage/migrator.hpp"
#include "storage/postgres/migrations.hpp"

namespace hudhud::storage::postgres {
namespace {

using detail::Connection;

// Runs `sql` to open a transaction; a connection found broken (the server restarted, an idle
// connection was cut) is re-established first or after the failed attempt, since nothing of the
// transaction has run yet.
Status BeginOn(Connection& conn, const char* sql) {
    if (conn.IsBroken()) HH_RETURN_IF_ERROR(conn.Reconnect());
    if (conn.InTransaction()) (void)conn.Command("ROLLBACK");  // left over from a failed batch
    Result<std::string> begun = conn.Command(sql);
    if (!begun.ok() && conn.IsBroken()) {
        spdlog::warn("postgres: connection lost, reconnecting: {}", begun.error().message);
        HH_RETURN_IF_ERROR(conn.Reconnect());
        begun = conn.Command(sql);
    }
    if (!begun.ok()) return std::move(begun).error();
    return Ok();
}

// Each step is one round trip: the statements of a step go together in one simple-protocol
// message, which stops at the first failing statement.
class PostgresWriteTransaction final : public storage::detail::WriteTransaction {
  public:
    explicit PostgresWriteTransaction(Connection& conn) : conn_(conn) {}
    Session& session() override { return conn_; }
    Status Begin() override {
        HH_RETURN_IF_ERROR(BeginOn(conn_, "BEGIN; SAVEPOINT hh_work"));
        conn_.ClearLastError();
        return Ok();
    }
    Status Keep() override {
        Result<std::string> r = conn_.Command("RELEASE SAVEPOINT hh_work; SAVEPOINT hh_work");
        if (r.ok()) {
            conn_.ClearLastError();
            return Ok();
        }
        // RELEASE fails when the work swallowed a statement error (PostgreSQL aborts the whole
        // transaction on any error); the work's caller wants that error, not 25P02.
        if (conn_.last_error() && !conn_.IsBroken() &&
            conn_.last_error()->code != ErrorCode::kUnavailable) {
            return *conn_.last_error();
        }
        return std::move(r).error();
    }
    Status Undo() override {
        HH_RETURN_IF_ERROR(conn_.Command("ROLLBACK TO SAVEPOINT hh_work"));
        conn_.ClearLastError();
        return Ok();
    }
    Status Commit() override {
        HH_ASSIGN_OR_RETURN(std::string tag, conn_.Command("COMMIT"));
        // COMMIT of a transaction in the aborted state "succeeds" by rolling back.
        if (tag != "COMMIT") return Error::Unavailable("transaction was rolled back");
        return Ok();
    }
    void Rollback() override {
        if (!conn_.IsBroken() && conn_.InTransaction()) (void)conn_.Command("ROLLBACK");
    }
    // Each savepoint is a round trip and a subtransaction; most batches have no failing work.
    bool SupportsOptimistic() const override { return true; }
    Status BeginOptimistic() override {
        HH_RETURN_IF_ERROR(BeginOn(conn_, "BEGIN"));
        conn_.ClearLastError();
        return Ok();
    }
    bool WorkLeftError() const override { return conn_.last_error().has_value(); }
    bool CommitFailedOnWork() const override { return conn_.deferred_failed(); }

  private:
    Connection& conn_;
};

// Acknowledged writes must be durable: refuse to run writers with synchronous_commit off.
Status SetUpWriter(Connection& conn) {
    HH_ASSIGN_OR_RETURN(Rows r, conn.Query("SELECT current_setting('synchronous_commit')"));
    if (!r.empty() && AsText(r.rows[0][0]) == "off") {
        spdlog::warn("postgres: synchronous_commit is off; turning it on for writer sessions");
        HH_RETURN_IF_ERROR(conn.Command("SET synchronous_commit = on"));
    }
    return Ok();
}

}  // namespace

PostgresDatabase::PostgresDatabase(PostgresOptions options)
    : options_(std::move(options)), queue_(options_.group_commit) {}

PostgresDatabase::~PostgresDatabase() { Close(); }

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(PostgresOptions options) {
    if (options.pool_size < 1 || options.writer_count < 1) {
        return Error::InvalidArgument("PostgreSQL needs at least one reader and one writer");
    }
    auto db = std::unique_ptr<PostgresDatabase>(new PostgresDatabase(std::move(options)));
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

Status PostgresDatabase::Start() {
    for (int i = 0; i < options_.writer_count; ++i) {
        HH_ASSIGN_OR_RETURN(auto conn, Connection::Open(options_.conninfo, SetUpWriter));
        conn->EnablePipelining();
        writer_conns_.push_back(std::move(conn));
    }
    for (int i = 0; i < options_.pool_size; ++i) {
        HH_ASSIGN_OR_RETURN(auto conn, Connection::Open(options_.conninfo));
        readers_.Add(std::move(conn));
    }
    for (auto& conn : writer_conns_) {
        writers_.emplace_back([this, c = conn.get()] { WriterLoop(*c); });
    }
    return Ok();
}

void PostgresDatabase::WriterLoop(Connection& conn) {
    for (;;) {
        std::vector<storage::detail::PendingWrite> batch = queue_.TakeBatch();
        if (batch.empty()) return;
        PostgresWriteTransaction txn(conn);
        storage::detail::RunBatch(txn, batch, counters_);
        conn.TrimCache();
    }
}

Status PostgresDatabase::Write(Work work) { return queue_.Submit(std::move(work)); }

void PostgresDatabase::WriteAsync(Work work, std::function<void(Status)> done) {
    queue_.SubmitAsync(std::move(work), std::move(done));
}

Status PostgresDatabase::WriteAlone(Work work) { return queue_.Submit(std::move(work), true); }

Status PostgresDatabase::Read(Work work) {
    auto lease = readers_.Acquire();
    if (!lease) return Error::Unavailable("database is closed");
    Connection& conn = *lease;
    HH_RETURN_IF_ERROR(BeginOn(conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
    Status status = storage::detail::RunGuarded(work, conn, "read");
    if (!conn.IsBroken() && conn.InTransaction()) {
        (void)conn.Command(status.ok() ? "COMMIT" : "ROLLBACK");
    }
    conn.TrimCache();
    return status;
}

Status PostgresDatabase::Ping() {
    return Read([](Session& s) -> Status {
        HH_RETURN_IF_ERROR(s.Query("SELECT 1"));
        return Ok();
    });
}

void PostgresDatabase::Close() {
    std::lock_guard lock(close_mu_);
    if (closed_) return;
    closed_ = true;
    queue_.Close();
    for (auto& t : writers_) {
        if (t.joinable()) t.join();
    }
    readers_.Close();
    writer_conns_.clear();
}

}  // namespace hudhud::storage::postgres
