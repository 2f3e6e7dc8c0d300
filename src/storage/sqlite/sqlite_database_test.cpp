#include "storage/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "storage/sqlite/migrations.hpp"
#include "storage/testing/database_conformance.hpp"
#include "storage/testing/temp_dir.hpp"

namespace hudhud::storage::sqlite {
namespace {

using storage::testing::BackendFactory;
using storage::testing::DatabaseConformanceTest;
using storage::testing::TempDir;
using storage::testing::TestBackend;

class SqliteTestBackend final : public TestBackend {
  public:
    explicit SqliteTestBackend(bool in_memory) : in_memory_(in_memory) {}

    Result<std::unique_ptr<Database>> Open(bool migrate) override {
        if (opened_.exchange(true) && in_memory_) {
            return Error::InvalidArgument("one instance per :memory:");
        }
        SqliteOptions options;
        options.path = in_memory_ ? ":memory:" : (dir_.path() / "hudhud.db").string();
        options.apply_migrations = migrate;
        HH_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(std::move(options)));
        return std::unique_ptr<Database>(std::move(db));
    }
    bool SupportsSecondInstance() const override { return !in_memory_; }
    std::span<const Migration> Migrations() const override { return sqlite::Migrations(); }
    WriteStats Stats(Database& db) const override {
        return static_cast<SqliteDatabase&>(db).write_stats();
    }
    int WriterThreads() const override { return 1; }

  private:
    const bool in_memory_;
    std::atomic<bool> opened_{false};
    TempDir dir_;
};

BackendFactory Factory(bool in_memory) {
    return {in_memory ? "Memory" : "File",
            [in_memory](std::string*) { return std::make_unique<SqliteTestBackend>(in_memory); }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, DatabaseConformanceTest,
                         ::testing::Values(Factory(/*in_memory=*/false),
                                           Factory(/*in_memory=*/true)),
                         storage::testing::BackendFactoryName);

std::int64_t ReadPragma(Database& db, const std::string& pragma) {
    Result<Rows> r = db.ReadValue([&](Session& s) { return s.Query("PRAGMA " + pragma); });
    EXPECT_TRUE(r.ok());
    return r.ok() && !r->empty() ? AsInt(r->rows[0][0]) : -1;
}

TEST(SqliteDatabaseTest, FileDatabaseIsWalFullSyncWithForeignKeys) {
    TempDir dir;
    SqliteOptions options;
    options.path = (dir.path() / "x.db").string();
    auto db = SqliteDatabase::Open(options);
    ASSERT_TRUE(db.ok()) << db.error().message;
    Result<Rows> mode = (*db)->ReadValue([](Session& s) { return s.Query("PRAGMA journal_mode"); });
    ASSERT_TRUE(mode.ok());
    EXPECT_EQ(AsText(mode->rows[0][0]), "wal");
    EXPECT_EQ(ReadPragma(**db, "synchronous"), 2);  // FULL
    EXPECT_EQ(ReadPragma(**db, "foreign_keys"), 1);
    Result<Rows> writer_sync =
        (*db)->WriteValue([](Session& s) { return s.Query("PRAGMA synchronous"); });
    ASSERT_TRUE(writer_sync.ok());
    EXPECT_EQ(AsInt(writer_sync->rows[0][0]), 2);
    EXPECT_EQ((*db)->dialect(), Dialect::kSqlite);
}

TEST(SqliteDatabaseTest, MigrationsCanBeSkipped) {
    SqliteOptions options;
    options.apply_migrations = false;
    auto db = SqliteDatabase::Open(options);
    ASSERT_TRUE(db.ok());
    Result<Rows> tables = (*db)->ReadValue(
        [](Session& s) { return s.Query("SELECT name FROM sqlite_schema WHERE type = 'table'"); });
    ASSERT_TRUE(tables.ok());
    EXPECT_TRUE(tables->empty());
}

TEST(SqliteDatabaseTest, OpenReportsAnUnreachablePath) {
    SqliteOptions options;
    options.path = "/nonexistent-hudhud-dir/sub/x.db";
    auto db = SqliteDatabase::Open(options);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.error().code, ErrorCode::kUnavailable);
}

TEST(SqliteDatabaseTest, RejectsSeveralStatementsInOneQuery) {
    auto db = SqliteDatabase::Open({});
    ASSERT_TRUE(db.ok());
    Status s = (*db)->Read([](Session& session) -> Status {
        HH_RETURN_IF_ERROR(session.Query("SELECT 1; SELECT 2"));
        return Ok();
    });
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST(SqliteDatabaseTest, EmbeddedMigrationsAreNumberedFromTheirFileNames) {
    std::span<const Migration> m = Migrations();
    ASSERT_GE(m.size(), 1u);
    EXPECT_EQ(m[0].version, 1);
    EXPECT_EQ(m[0].name, "init");
    EXPECT_NE(m[0].sql.find("CREATE TABLE messages"), std::string::npos);
}

TEST(SqliteDatabaseTest, BusyWriterFromAnotherProcessIsRetryableUnavailable) {
    TempDir dir;
    SqliteOptions options;
    options.path = (dir.path() / "x.db").string();
    options.busy_timeout = std::chrono::milliseconds(50);
    auto a = SqliteDatabase::Open(options);
    auto b = SqliteDatabase::Open(options);
    ASSERT_TRUE(a.ok() && b.ok());
    std::atomic<bool> holding{false};
    std::atomic<bool> release{false};
    std::thread holder([&] {
        (void)(*a)->Write([&](Session& s) -> Status {
            HH_RETURN_IF_ERROR(s.Exec("CREATE TABLE held (x INTEGER)"));
            holding = true;
            while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return Ok();
        });
    });
    while (!holding.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    Status s = (*b)->Write([](Session&) { return Ok(); });
    release = true;
    holder.join();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(s.error().retryable);
    EXPECT_TRUE((*b)->Write([](Session&) { return Ok(); }).ok());
}

}  // namespace
}  // namespace hudhud::storage::sqlite
