#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "storage/postgres/migrations.hpp"
#include "storage/postgres/postgres_database.hpp"
#include "storage/postgres/postgres_listener.hpp"
#include "storage/postgres/testing/scratch_database.hpp"
#include "storage/testing/database_conformance.hpp"

namespace hudhud::storage::postgres {
namespace {

using namespace std::chrono_literals;
using storage::testing::BackendFactory;
using storage::testing::DatabaseConformanceTest;
using storage::testing::TestBackend;
using testing::ScratchDatabase;

class PostgresTestBackend final : public TestBackend {
  public:
    explicit PostgresTestBackend(std::unique_ptr<ScratchDatabase> scratch)
        : scratch_(std::move(scratch)) {}

    Result<std::unique_ptr<Database>> Open(bool migrate) override {
        PostgresOptions options;
        options.conninfo = scratch_->conninfo();
        options.apply_migrations = migrate;
        HH_ASSIGN_OR_RETURN(auto db, PostgresDatabase::Open(std::move(options)));
        return std::unique_ptr<Database>(std::move(db));
    }
    bool SupportsSecondInstance() const override { return true; }
    std::span<const Migration> Migrations() const override { return postgres::Migrations(); }
    WriteStats Stats(Database& db) const override {
        return static_cast<PostgresDatabase&>(db).write_stats();
    }
    int WriterThreads() const override { return PostgresOptions{}.writer_count; }

  private:
    std::unique_ptr<ScratchDatabase> scratch_;
};

std::unique_ptr<TestBackend> MakePostgresBackend(std::string* skip_reason) {
    std::string url = testing::TestServerUrl();
    if (url.empty()) {
        *skip_reason = testing::kNoServerMessage;
        return nullptr;
    }
    auto scratch = ScratchDatabase::Create(url);
    if (!scratch.ok()) {
        ADD_FAILURE() << scratch.error().message;
        return nullptr;
    }
    return std::make_unique<PostgresTestBackend>(std::move(scratch).value());
}

INSTANTIATE_TEST_SUITE_P(Postgres, DatabaseConformanceTest,
                         ::testing::Values(BackendFactory{"Postgres", MakePostgresBackend}),
                         storage::testing::BackendFactoryName);

// PostgreSQL-only behaviour, each test on its own scratch database.
class PostgresDatabaseTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string url = testing::TestServerUrl();
        if (url.empty()) GTEST_SKIP() << testing::kNoServerMessage;
        auto scratch = ScratchDatabase::Create(url);
        ASSERT_TRUE(scratch.ok()) << scratch.error().message;
        scratch_ = std::move(scratch).value();
    }
    void TearDown() override {
        if (db_ != nullptr) db_->Close();
        db_.reset();
        scratch_.reset();
    }
    void OpenDatabase() {
        PostgresOptions options;
        options.conninfo = scratch_->conninfo();
        auto db = PostgresDatabase::Open(std::move(options));
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(db).value();
    }
    // Terminates every server process of the scratch database matching `where` and waits until
    // they are gone, so that the next statement on them fails for certain.
    void TerminateBackends(const std::string& where) {
        std::string filter = "datname = '" + scratch_->name() + "' AND pid <> pg_backend_pid()" +
                             (where.empty() ? "" : " AND " + where);
        ASSERT_TRUE(scratch_
                        ->Admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE " +
                                filter)
                        .ok());
        for (int i = 0; i < 500; ++i) {
            auto n = scratch_->AdminValue("SELECT count(*) FROM pg_stat_activity WHERE " + filter);
            ASSERT_TRUE(n.ok()) << n.error().message;
            if (*n == "0") return;
            std::this_thread::sleep_for(10ms);
        }
        FAIL() << "backends did not terminate";
    }

    std::unique_ptr<ScratchDatabase> scratch_;
    std::unique_ptr<PostgresDatabase> db_;
};

TEST_F(PostgresDatabaseTest, ConvertsColumnsByType) {
    OpenDatabase();
    Result<Rows> r = db_->ReadValue([](Session& s) {
        return s.Query(
            "SELECT 1::int2, 2::int4, 3::int8, 4::oid, 1.5::float4, 2.5::float8, 3.25::numeric, "
            "true, false, 'x'::text, '2024-01-02'::date, NULL::int8, 'NaN'::float8");
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& row = r->rows.at(0);
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(std::holds_alternative<std::int64_t>(row[i])) << i;
        EXPECT_EQ(AsInt(row[i]), i + 1);
    }
    EXPECT_EQ(std::get<double>(row[4]), 1.5);
    EXPECT_EQ(std::get<double>(row[5]), 2.5);
    EXPECT_EQ(std::get<double>(row[6]), 3.25);
    EXPECT_EQ(std::get<std::int64_t>(row[7]), 1);
    EXPECT_EQ(std::get<std::int64_t>(row[8]), 0);
    EXPECT_EQ(std::get<std::string>(row[9]), "x");
    EXPECT_EQ(std::get<std::string>(row[10]), "2024-01-02");
    EXPECT_TRUE(IsNull(row[11]));
    EXPECT_TRUE(std::isnan(std::get<double>(row[12])));
}

TEST_F(PostgresDatabaseTest, SmallintFlagsReadBackAsIntegers) {
    OpenDatabase();
    Result<Rows> r = db_->WriteValue([](Session& s) -> Result<Rows> {
        HH_ASSIGN_OR_RETURN(Rows ws,
                            s.Query("INSERT INTO workspaces (name, created_at, updated_at) "
                                    "VALUES ('w', 1, 1) RETURNING id"));
        return s.Query(
            "INSERT INTO contacts (workspace_id, marketing_consent, created_at, "
            "updated_at) VALUES ($1, $2, 1, 1) RETURNING marketing_consent, reachable",
            {ws.rows[0][0], std::int64_t{1}});
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(std::get<std::int64_t>(r->rows[0][0]), 1);
    EXPECT_EQ(std::get<std::int64_t>(r->rows[0][1]), 1);
}

TEST_F(PostgresDatabaseTest, ReconnectsAfterItsConnectionsAreTerminated) {
    OpenDatabase();
    ASSERT_TRUE(db_->Ping().ok());
    auto insert = [&] {
        return db_->Write([](Session& s) -> Status {
            HH_RETURN_IF_ERROR(
                s.Exec("INSERT INTO workspaces (name, created_at, updated_at) "
                       "VALUES ('again', 1, 1)"));
            return Ok();
        });
    };
    ASSERT_TRUE(insert().ok());
    TerminateBackends("");
    // Every connection is dead; each is re-established before its next transaction, and
    // statements prepared on the old ones are prepared again.
    for (int i = 0; i < 12; ++i) {
        Status w = insert();
        EXPECT_TRUE(w.ok()) << w.error().message;
        Status r = db_->Read([](Session& s) -> Status {
            HH_RETURN_IF_ERROR(s.Query("SELECT count(*) FROM workspaces"));
            return Ok();
        });
        EXPECT_TRUE(r.ok()) << r.error().message;
    }
    EXPECT_TRUE(db_->Ping().ok());
}

TEST_F(PostgresDatabaseTest, WritersKeepSynchronousCommitOn) {
    ASSERT_TRUE(
        scratch_->Admin("ALTER DATABASE " + scratch_->name() + " SET synchronous_commit = off")
            .ok());
    OpenDatabase();
    Result<Rows> r = db_->WriteValue(
        [](Session& s) { return s.Query("SELECT current_setting('synchronous_commit')"); });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(AsText(r->rows[0][0]), "on");
}

// Collects listener payloads and lets a test wait for one.
class Inbox {
  public:
    void Add(std::string_view payload) {
        std::lock_guard lock(mu_);
        payloads_.emplace_back(payload);
        cv_.notify_all();
    }
    bool WaitFor(const std::string& payload, std::chrono::milliseconds timeout = 10s) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] {
            return std::find(payloads_.begin(), payloads_.end(), payload) != payloads_.end();
        });
    }
    std::vector<std::string> All() {
        std::lock_guard lock(mu_);
        return payloads_;
    }

  private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<std::string> payloads_;
};

Status Notify(Database& db, const std::string& channel, const std::string& payload,
              bool fail_after = false) {
    return db.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(s.Query("SELECT pg_notify($1, $2)", {channel, payload}));
        if (fail_after) return Error::Conflict("rolled back on purpose");
        return Ok();
    });
}

TEST_F(PostgresDatabaseTest, NotifyFromAWriteReachesListenersOnlyWhenItCommits) {
    OpenDatabase();
    Inbox inbox;
    auto listener = PostgresListener::Start(
        {.conninfo = scratch_->conninfo(), .channel = "Hudhud.Events", .reconnect_delay = 1000ms},
        [&](std::string_view p) { inbox.Add(p); });
    ASSERT_TRUE(listener.ok()) << listener.error().message;
    EXPECT_TRUE((*listener)->connected());

    EXPECT_FALSE(Notify(*db_, "Hudhud.Events", "rolled-back", /*fail_after=*/true).ok());
    ASSERT_TRUE(Notify(*db_, "Hudhud.Events", "{\"conversation\":7,\"text\":\"مرحبا\"}").ok());
    ASSERT_TRUE(Notify(*db_, "other-channel", "elsewhere").ok());
    ASSERT_TRUE(Notify(*db_, "Hudhud.Events", "last").ok());
    ASSERT_TRUE(inbox.WaitFor("last"));
    EXPECT_EQ(inbox.All(),
              (std::vector<std::string>{"{\"conversation\":7,\"text\":\"مرحبا\"}", "last"}));
    (*listener)->Stop();
    EXPECT_FALSE((*listener)->connected());
}

TEST_F(PostgresDatabaseTest, ListenerReconnectsAndListensAgain) {
    OpenDatabase();
    Inbox inbox;
    std::atomic<int> reconnects{0};
    auto listener = PostgresListener::Start(
        {.conninfo = scratch_->conninfo(), .channel = "events", .reconnect_delay = 50ms},
        [&](std::string_view p) { inbox.Add(p); }, [&] { ++reconnects; });
    ASSERT_TRUE(listener.ok()) << listener.error().message;
    ASSERT_TRUE(Notify(*db_, "events", "before").ok());
    ASSERT_TRUE(inbox.WaitFor("before"));

    TerminateBackends("application_name = 'hudhud-listener'");
    for (int i = 0; i < 500 && reconnects.load() == 0; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(reconnects.load(), 1);
    EXPECT_TRUE((*listener)->connected());
    ASSERT_TRUE(Notify(*db_, "events", "after").ok());
    EXPECT_TRUE(inbox.WaitFor("after"));
}

TEST_F(PostgresDatabaseTest, ListenerStartFailsFastWithoutAServer) {
    auto listener = PostgresListener::Start(
        {.conninfo = "host=/nonexistent-hudhud port=1", .channel = "x"}, [](std::string_view) {});
    ASSERT_FALSE(listener.ok());
    EXPECT_EQ(listener.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace hudhud::storage::postgres
