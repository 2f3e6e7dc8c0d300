#include "storage/testing/database_conformance.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace hudhud::storage::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kNow = 1'700'000'000'000'000;

// Runs `sql` in its own write transaction; fails the test on error.
void WriteSql(Database& db, const std::string& sql, const Params& params = {}) {
    Status s = db.Write([&](Session& session) -> Status {
        HH_RETURN_IF_ERROR(session.Exec(sql, params));
        return Ok();
    });
    ASSERT_TRUE(s.ok()) << sql << ": " << s.error().message;
}

Rows ReadRows(Database& db, const std::string& sql, const Params& params = {}) {
    Result<Rows> rows = db.ReadValue([&](Session& s) { return s.Query(sql, params); });
    EXPECT_TRUE(rows.ok()) << sql << ": " << (rows.ok() ? "" : rows.error().message);
    return rows.ok() ? std::move(rows).value() : Rows{};
}

std::int64_t Count(Database& db, const std::string& sql, const Params& params = {}) {
    Rows rows = ReadRows(db, sql, params);
    return rows.empty() ? -1 : AsInt(rows.rows[0][0]);
}

Status InsertKey(Session& s, const std::string& key) {
    HH_RETURN_IF_ERROR(s.Exec("INSERT INTO conformance_keys (k) VALUES ($1)", {key}));
    return Ok();
}

// Holds the (single) writer busy until `expected` callers have announced themselves and had
// time to queue, so that their works land in one transaction together.
class WriterBlocker {
  public:
    WriterBlocker(Database& db, int expected) : expected_(expected) {
        thread_ = std::thread([this, &db] {
            status_ = db.Write([this](Session&) -> Status {
                running_ = true;
                auto deadline = std::chrono::steady_clock::now() + 10s;
                while (announced_.load() < expected_ &&
                       std::chrono::steady_clock::now() < deadline) {
                    std::this_thread::sleep_for(1ms);
                }
                std::this_thread::sleep_for(100ms);
                return Ok();
            });
        });
        while (!running_.load()) std::this_thread::sleep_for(1ms);
    }
    void Announce() { announced_.fetch_add(1); }
    Status Join() {
        thread_.join();
        return status_;
    }

  private:
    const int expected_;
    std::atomic<int> announced_{0};
    std::atomic<bool> running_{false};
    std::thread thread_;
    Status status_;
};

}  // namespace

std::string BackendFactoryName(const ::testing::TestParamInfo<BackendFactory>& info) {
    return info.param.name;
}

std::unique_ptr<TestBackend> DatabaseConformanceTest::MakeBackend(std::string* skip_reason) {
    std::unique_ptr<TestBackend> backend = GetParam().make(skip_reason);
    if (backend == nullptr && skip_reason->empty()) {
        ADD_FAILURE() << "backend factory " << GetParam().name << " failed";
    }
    return backend;
}

void DatabaseConformanceTest::SetUp() {
    std::string skip_reason;
    backend_ = MakeBackend(&skip_reason);
    if (backend_ == nullptr) {
        if (!skip_reason.empty()) GTEST_SKIP() << skip_reason;
        FAIL() << "could not create the " << GetParam().name << " backend";
    }
    Result<std::unique_ptr<Database>> db = backend_->Open(/*migrate=*/true);
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(db).value();
    WriteSql(*db_, "CREATE TABLE conformance_keys (k TEXT PRIMARY KEY, v INTEGER)");
}

void DatabaseConformanceTest::TearDown() {
    if (db_ != nullptr) db_->Close();
    db_.reset();
    backend_.reset();
}

TEST_P(DatabaseConformanceTest, PlaceholdersAndTypesRoundTrip) {
    WriteSql(*db_,
             "CREATE TABLE conformance_values (k INTEGER PRIMARY KEY, i BIGINT, "
             "d DOUBLE PRECISION, s TEXT, n TEXT)");
    struct Case {
        std::int64_t i;
        double d;
        std::string s;
    };
    const std::vector<Case> cases = {
        {std::numeric_limits<std::int64_t>::max(), 0.1, "مرحبا بالعالم — أهلاً"},
        {std::numeric_limits<std::int64_t>::min(), -2.5e300, ""},
        {0, 1.0 / 3.0, "it's $1 and '$2'"},
        {-1, 1e-300, "emoji 🦜 and NUL-free text"},
    };
    Status s = db_->Write([&](Session& session) -> Status {
        for (std::size_t k = 0; k < cases.size(); ++k) {
            // Out of order on purpose: $N names a parameter by position, wherever it appears.
            HH_RETURN_IF_ERROR(session.Exec(
                "INSERT INTO conformance_values (n, s, d, i, k) VALUES ($5, $4, $3, $2, $1)",
                {static_cast<std::int64_t>(k + 1), cases[k].i, cases[k].d, cases[k].s, nullptr}));
        }
        return Ok();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;

    Rows rows = ReadRows(*db_, "SELECT k, i, d, s, n FROM conformance_values ORDER BY k");
    ASSERT_EQ(rows.size(), cases.size());
    ASSERT_EQ(rows.columns, (std::vector<std::string>{"k", "i", "d", "s", "n"}));
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& row = rows.rows[k];
        EXPECT_EQ(AsInt(row[0]), static_cast<std::int64_t>(k + 1));
        EXPECT_TRUE(std::holds_alternative<std::int64_t>(row[1]));
        EXPECT_EQ(AsInt(row[1]), cases[k].i);
        EXPECT_TRUE(std::holds_alternative<double>(row[2]));
        EXPECT_EQ(AsDouble(row[2]), cases[k].d);
        EXPECT_FALSE(IsNull(row[3]));  // the empty string is not NULL
        EXPECT_EQ(AsText(row[3]), cases[k].s);
        EXPECT_TRUE(IsNull(row[4]));
        EXPECT_EQ(AsOptText(row[4]), std::nullopt);
    }

    // Lookups by every type, and '$1' inside literals and comments left alone.
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_values WHERE s = $1",
                    {std::string("مرحبا بالعالم — أهلاً")}),
              1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_values WHERE s = ''"), 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_values WHERE n IS NULL"), 4);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_values WHERE i = $1",
                    {std::numeric_limits<std::int64_t>::min()}),
              1);
    Rows lit = ReadRows(*db_,
                        "SELECT '$1 costs' AS a, -- $2 is not a parameter\n"
                        " $1 AS b, 'it''s $2' AS c /* nor $3 */",
                        {std::int64_t{7}});
    ASSERT_EQ(lit.size(), 1u);
    EXPECT_EQ(AsText(lit.rows[0][0]), "$1 costs");
    EXPECT_EQ(AsInt(lit.rows[0][1]), 7);
    EXPECT_EQ(AsText(lit.rows[0][2]), "it's $2");
    Rows echo = ReadRows(*db_, "SELECT $1 AS i, $2 AS d, $3 AS s, $4 AS n",
                         {std::int64_t{-42}, 2.5, std::string("نص"), nullptr});
    ASSERT_EQ(echo.size(), 1u);
    EXPECT_EQ(AsInt(echo.rows[0][0]), -42);
    EXPECT_EQ(AsDouble(echo.rows[0][1]), 2.5);
    EXPECT_EQ(AsText(echo.rows[0][2]), "نص");
    EXPECT_TRUE(IsNull(echo.rows[0][3]));
}

TEST_P(DatabaseConformanceTest, ReturningAndChangeCounts) {
    Result<Rows> inserted = db_->WriteValue([](Session& s) {
        return s.Query(
            "INSERT INTO workspaces (name, created_at, updated_at) VALUES ($1, $2, $2) "
            "RETURNING id, name, created_at",
            {std::string("Acme"), kNow});
    });
    ASSERT_TRUE(inserted.ok()) << inserted.error().message;
    ASSERT_EQ(inserted->size(), 1u);
    EXPECT_EQ(inserted->columns, (std::vector<std::string>{"id", "name", "created_at"}));
    std::int64_t id = AsInt(inserted->rows[0][0]);
    EXPECT_GT(id, 0);
    EXPECT_EQ(AsText(inserted->rows[0][1]), "Acme");
    EXPECT_EQ(AsInt(inserted->rows[0][2]), kNow);

    Result<std::int64_t> changed = db_->WriteValue([&](Session& s) {
        return s.Exec("UPDATE workspaces SET name = $2 WHERE id = $1", {id, std::string("B")});
    });
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(*changed, 1);
    Result<std::int64_t> none = db_->WriteValue([&](Session& s) {
        return s.Exec("UPDATE workspaces SET name = 'x' WHERE id = $1", {id + 1000});
    });
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(*none, 0);
    Result<std::int64_t> selected =
        db_->ReadValue([](Session& s) { return s.Exec("SELECT id FROM workspaces"); });
    ASSERT_TRUE(selected.ok());
    EXPECT_EQ(*selected, 0);
}

TEST_P(DatabaseConformanceTest, WorkErrorIsReturnedAndRolledBack) {
    Status s = db_->Write([](Session& session) -> Status {
        HH_RETURN_IF_ERROR(InsertKey(session, "doomed"));
        return Error::NotFound("no such thing");
    });
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
    EXPECT_EQ(s.error().message, "no such thing");
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys"), 0);

    Status bad = db_->Write([](Session& session) -> Status {
        HH_RETURN_IF_ERROR(session.Exec("INSERT INTO no_such_table VALUES (1)"));
        return Ok();
    });
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
}

TEST_P(DatabaseConformanceTest, UniqueViolationIsConflictAndRolledBackAlone) {
    WriteSql(*db_, "INSERT INTO conformance_keys (k, v) VALUES ('taken', 1)");
    constexpr int kOthers = 7;
    WriteStats before = backend_->Stats(*db_);
    WriterBlocker blocker(*db_, kOthers + 1);
    Status dup_status;
    std::vector<Status> others(kOthers);
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        blocker.Announce();
        dup_status = db_->Write([](Session& s) -> Status {
            HH_RETURN_IF_ERROR(InsertKey(s, "side-effect-of-duplicate"));
            HH_RETURN_IF_ERROR(InsertKey(s, "taken"));
            return Ok();
        });
    });
    for (int i = 0; i < kOthers; ++i) {
        threads.emplace_back([&, i] {
            blocker.Announce();
            others[i] =
                db_->Write([i](Session& s) { return InsertKey(s, "ok-" + std::to_string(i)); });
        });
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(blocker.Join().ok());

    ASSERT_FALSE(dup_status.ok());
    EXPECT_EQ(dup_status.error().code, ErrorCode::kConflict) << dup_status.error().message;
    EXPECT_FALSE(dup_status.error().retryable);
    for (int i = 0; i < kOthers; ++i) EXPECT_TRUE(others[i].ok()) << others[i].error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k LIKE 'ok-%'"), kOthers);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k = $1",
                    {std::string("side-effect-of-duplicate")}),
              0);
    EXPECT_EQ(Count(*db_, "SELECT v FROM conformance_keys WHERE k = 'taken'"), 1);
    if (backend_->WriterThreads() == 1) {
        // The blocker's transaction, then one shared by all eight.
        WriteStats after = backend_->Stats(*db_);
        EXPECT_EQ(after.commits - before.commits, 2);
        EXPECT_EQ(after.works - before.works, kOthers + 2);
    }
}

TEST_P(DatabaseConformanceTest, ThrowingWorkFailsOnlyItself) {
    constexpr int kOthers = 5;
    WriteStats before = backend_->Stats(*db_);
    WriterBlocker blocker(*db_, kOthers + 1);
    Status thrower;
    std::vector<Status> others(kOthers);
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        blocker.Announce();
        thrower = db_->Write([](Session& s) -> Status {
            HH_RETURN_IF_ERROR(InsertKey(s, "thrown"));
            throw std::runtime_error("boom");
        });
    });
    for (int i = 0; i < kOthers; ++i) {
        threads.emplace_back([&, i] {
            blocker.Announce();
            others[i] =
                db_->Write([i](Session& s) { return InsertKey(s, "ok-" + std::to_string(i)); });
        });
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(blocker.Join().ok());

    ASSERT_FALSE(thrower.ok());
    EXPECT_EQ(thrower.error().code, ErrorCode::kInternal);
    EXPECT_NE(thrower.error().message.find("boom"), std::string::npos);
    for (int i = 0; i < kOthers; ++i) EXPECT_TRUE(others[i].ok()) << others[i].error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k = 'thrown'"), 0);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys"), kOthers);
    if (backend_->WriterThreads() == 1) {
        EXPECT_EQ(backend_->Stats(*db_).commits - before.commits, 2);
    }
}

TEST_P(DatabaseConformanceTest, SwallowedStatementErrorDoesNotBreakTheBatch) {
    constexpr int kOthers = 4;
    WriterBlocker blocker(*db_, kOthers + 1);
    Status swallower;
    std::vector<Status> others(kOthers);
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        blocker.Announce();
        swallower = db_->Write([](Session& s) -> Status {
            (void)s.Exec("INSERT INTO no_such_table VALUES (1)");
            return Ok();
        });
    });
    for (int i = 0; i < kOthers; ++i) {
        threads.emplace_back([&, i] {
            blocker.Announce();
            others[i] =
                db_->Write([i](Session& s) { return InsertKey(s, "ok-" + std::to_string(i)); });
        });
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(blocker.Join().ok());
    // Whether the swallower itself succeeds is the dialect's business (PostgreSQL aborts the
    // transaction on any error; SQLite only the statement). Its neighbours must not notice.
    for (int i = 0; i < kOthers; ++i) EXPECT_TRUE(others[i].ok()) << others[i].error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys"), kOthers);
}

TEST_P(DatabaseConformanceTest, DeferredStatementsCommitAndFailWithTheirWork) {
    WriteSql(*db_, "INSERT INTO conformance_keys (k, v) VALUES ('taken', 1)");
    constexpr int kOthers = 6;
    WriterBlocker blocker(*db_, kOthers + 2);
    Status dup_status;
    std::int64_t seen_own_row = -1;
    Status reader_status;
    std::vector<Status> others(kOthers);
    std::vector<std::thread> threads;
    threads.emplace_back([&] {
        blocker.Announce();
        // The duplicate is only found when the deferred insert reaches the database; the work
        // still gets its conflict, and its earlier deferred insert goes with it.
        dup_status = db_->Write([](Session& s) -> Status {
            HH_RETURN_IF_ERROR(s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                                              {std::string("dup-side-effect")}));
            return s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                                  {std::string("taken")});
        });
    });
    threads.emplace_back([&] {
        blocker.Announce();
        // A statement after a deferred one sees its effect (read your writes).
        reader_status = db_->Write([&](Session& s) -> Status {
            HH_RETURN_IF_ERROR(s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                                              {std::string("mine")}));
            HH_ASSIGN_OR_RETURN(Rows r, s.Query("SELECT count(*) FROM conformance_keys WHERE "
                                                "k = $1",
                                                {std::string("mine")}));
            seen_own_row = AsInt(r.rows.at(0).at(0));
            return Ok();
        });
    });
    for (int i = 0; i < kOthers; ++i) {
        threads.emplace_back([&, i] {
            blocker.Announce();
            others[i] = db_->Write([i](Session& s) {
                return s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                                      {"ok-" + std::to_string(i)});
            });
        });
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(blocker.Join().ok());

    ASSERT_FALSE(dup_status.ok());
    EXPECT_EQ(dup_status.error().code, ErrorCode::kConflict) << dup_status.error().message;
    ASSERT_TRUE(reader_status.ok()) << reader_status.error().message;
    EXPECT_EQ(seen_own_row, 1);
    for (int i = 0; i < kOthers; ++i) EXPECT_TRUE(others[i].ok()) << others[i].error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k LIKE 'ok-%'"), kOthers);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k = 'mine'"), 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k = 'dup-side-effect'"),
              0);
}

TEST_P(DatabaseConformanceTest, DeferredFailureReachesALoneWork) {
    WriteSql(*db_, "INSERT INTO conformance_keys (k, v) VALUES ('taken', 1)");
    // Alone in its batch, the failure surfaces at the next statement or at the end of the work.
    Status at_end = db_->Write([](Session& s) -> Status {
        return s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                              {std::string("taken")});
    });
    ASSERT_FALSE(at_end.ok());
    EXPECT_EQ(at_end.error().code, ErrorCode::kConflict) << at_end.error().message;
    Status at_next = db_->Write([](Session& s) -> Status {
        HH_RETURN_IF_ERROR(s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                                          {std::string("taken")}));
        HH_RETURN_IF_ERROR(s.Exec("INSERT INTO conformance_keys (k) VALUES ($1)",
                                  {std::string("after")}));
        return Ok();
    });
    ASSERT_FALSE(at_next.ok());
    EXPECT_EQ(at_next.error().code, ErrorCode::kConflict) << at_next.error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys"), 1);
    // The writer is healthy afterwards.
    Status fine = db_->Write([](Session& s) -> Status {
        return s.ExecDeferred("INSERT INTO conformance_keys (k) VALUES ($1)",
                              {std::string("fine")});
    });
    ASSERT_TRUE(fine.ok()) << fine.error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k = 'fine'"), 1);
}

TEST_P(DatabaseConformanceTest, ManyThreadsAreAllAcknowledgedWithFewCommits) {
    WriteSql(*db_,
             "CREATE TABLE conformance_load (thread_no INTEGER NOT NULL, seq INTEGER NOT NULL, "
             "PRIMARY KEY (thread_no, seq))");
    constexpr int kThreads = 64;
    constexpr int kWritesPerThread = 200;
    WriteStats before = backend_->Stats(*db_);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kWritesPerThread; ++i) {
                Status s = db_->Write([&](Session& session) -> Status {
                    HH_RETURN_IF_ERROR(session.Exec(
                        "INSERT INTO conformance_load (thread_no, seq) VALUES ($1, $2)",
                        {std::int64_t{t}, std::int64_t{i}}));
                    return Ok();
                });
                if (!s.ok()) {
                    if (failures.fetch_add(1) < 5) ADD_FAILURE() << s.error().message;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    WriteStats after = backend_->Stats(*db_);
    constexpr std::int64_t kTotal = std::int64_t{kThreads} * kWritesPerThread;
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_load"), kTotal);
    std::int64_t commits = after.commits - before.commits;
    EXPECT_EQ(after.works - before.works, kTotal);
    EXPECT_LE(commits * 4, kTotal) << "group commit should share transactions";
    std::cout << "[ metrics  ] " << GetParam().name << ": " << kTotal
              << " acknowledged writes from " << kThreads << " threads in " << seconds
              << " s = " << static_cast<std::int64_t>(static_cast<double>(kTotal) / seconds)
              << " writes/s, " << commits << " commits ("
              << (static_cast<double>(kTotal) / static_cast<double>(commits))
              << " writes per commit)\n";
}

TEST_P(DatabaseConformanceTest, ReadsSeeCommittedWrites) {
    for (int i = 0; i < 20; ++i) {
        std::string key = "k" + std::to_string(i);
        Status w = db_->Write([&](Session& s) { return InsertKey(s, key); });
        ASSERT_TRUE(w.ok());
        // From another thread, right after the acknowledgement.
        std::int64_t seen = -1;
        std::thread reader([&] {
            seen = Count(*db_, "SELECT count(*) FROM conformance_keys WHERE k = $1", {key});
        });
        reader.join();
        EXPECT_EQ(seen, 1) << key;
    }
}

TEST_P(DatabaseConformanceTest, ReadIsASnapshot) {
    std::atomic<bool> stop{false};
    std::thread writer([&] {
        for (int i = 0; !stop.load(); ++i) {
            (void)db_->Write([i](Session& s) { return InsertKey(s, "w" + std::to_string(i)); });
        }
    });
    for (int round = 0; round < 5; ++round) {
        Status s = db_->Read([](Session& session) -> Status {
            HH_ASSIGN_OR_RETURN(Rows a, session.Query("SELECT count(*) FROM conformance_keys"));
            std::this_thread::sleep_for(20ms);
            HH_ASSIGN_OR_RETURN(Rows b, session.Query("SELECT count(*) FROM conformance_keys"));
            EXPECT_EQ(AsInt(a.rows[0][0]), AsInt(b.rows[0][0]));
            return Ok();
        });
        EXPECT_TRUE(s.ok()) << s.error().message;
    }
    stop = true;
    writer.join();
}

TEST_P(DatabaseConformanceTest, ReadCannotWrite) {
    Status s = db_->Read([](Session& session) -> Status {
        HH_RETURN_IF_ERROR(InsertKey(session, "from-a-read"));
        return Ok();
    });
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_keys"), 0);
}

TEST_P(DatabaseConformanceTest, ParallelReadsAndPing) {
    WriteSql(*db_, "INSERT INTO conformance_keys (k, v) VALUES ('a', 1)");
    EXPECT_TRUE(db_->Ping().ok());
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                if (Count(*db_, "SELECT v FROM conformance_keys WHERE k = 'a'") == 1) ++ok;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 16 * 50);
}

TEST_P(DatabaseConformanceTest, ReadWorkExceptionBecomesInternal) {
    Status s = db_->Read([](Session&) -> Status { throw std::runtime_error("read boom"); });
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInternal);
    EXPECT_TRUE(db_->Ping().ok());
}

TEST_P(DatabaseConformanceTest, MigrationsAreAppliedAndIdempotent) {
    std::span<const Migration> migrations = backend_->Migrations();
    ASSERT_FALSE(migrations.empty());
    Rows applied = ReadRows(*db_,
                            "SELECT version, name, applied_at FROM schema_migrations "
                            "ORDER BY version");
    ASSERT_EQ(applied.size(), migrations.size());
    for (std::size_t i = 0; i < migrations.size(); ++i) {
        EXPECT_EQ(AsInt(applied.rows[i][0]), migrations[i].version);
        EXPECT_EQ(AsText(applied.rows[i][1]), migrations[i].name);
        EXPECT_GT(AsInt(applied.rows[i][2]), 0);
    }
    ASSERT_TRUE(Migrate(*db_, migrations).ok());
    ASSERT_TRUE(Migrate(*db_, migrations).ok());
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(migrations.size()));

    std::vector<Migration> more(migrations.begin(), migrations.end());
    more.push_back({9000, "conformance_extra",
                    "CREATE TABLE conformance_extra (id INTEGER PRIMARY KEY);\n"
                    "-- a comment; with a semicolon\n"
                    "INSERT INTO conformance_extra (id) VALUES (1);\n"
                    "INSERT INTO conformance_extra (id) VALUES (2);\n"});
    ASSERT_TRUE(Migrate(*db_, more).ok());
    ASSERT_TRUE(Migrate(*db_, more).ok());
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conformance_extra"), 2);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(migrations.size() + 1));

    // A failing migration leaves nothing behind, not even its first statements.
    std::vector<Migration> broken = more;
    broken.push_back(
        {9001, "broken", "CREATE TABLE conformance_half (id INTEGER);\nSELECT * FROM nowhere;\n"});
    Status failed = Migrate(*db_, broken);
    ASSERT_FALSE(failed.ok());
    EXPECT_NE(failed.error().message.find("9001_broken"), std::string::npos);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM schema_migrations WHERE version = 9001"), 0);
    Status half = db_->Read([](Session& s) -> Status {
        HH_RETURN_IF_ERROR(s.Query("SELECT * FROM conformance_half"));
        return Ok();
    });
    EXPECT_FALSE(half.ok());

    std::vector<Migration> renamed(migrations.begin(), migrations.end());
    renamed[0].name = "something_else";
    Status mismatch = Migrate(*db_, renamed);
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().code, ErrorCode::kInternal);

    std::vector<Migration> unordered = {{2, "b", ""}, {1, "a", ""}};
    Status order = Migrate(*db_, unordered);
    ASSERT_FALSE(order.ok());
    EXPECT_EQ(order.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(DatabaseConformanceTest, TwoInstancesMigrateOneFreshDatabaseAtOnce) {
    if (!backend_->SupportsSecondInstance()) GTEST_SKIP() << "one instance per storage only";
    std::string skip_reason;
    std::unique_ptr<TestBackend> fresh = MakeBackend(&skip_reason);
    ASSERT_NE(fresh, nullptr);
    constexpr int kInstances = 3;
    std::vector<Result<std::unique_ptr<Database>>> opened;
    for (int i = 0; i < kInstances; ++i) opened.emplace_back(Error::Internal("not opened"));
    std::vector<std::thread> threads;
    for (int i = 0; i < kInstances; ++i) {
        threads.emplace_back([&, i] { opened[i] = fresh->Open(/*migrate=*/true); });
    }
    for (auto& t : threads) t.join();
    for (auto& db : opened) ASSERT_TRUE(db.ok()) << db.error().message;
    EXPECT_EQ(Count(**opened[0], "SELECT count(*) FROM schema_migrations"),
              static_cast<std::int64_t>(fresh->Migrations().size()));
    // A write through one instance is visible through another.
    WriteSql(**opened[1],
             "INSERT INTO workspaces (name, created_at, updated_at) VALUES ('x', 1, 1)");
    EXPECT_EQ(Count(**opened[2], "SELECT count(*) FROM workspaces"), 1);
    for (auto& db : opened) (*db)->Close();
}

TEST_P(DatabaseConformanceTest, SchemaHoldsTheDomainChainAndEnforcesIt) {
    struct Ids {
        std::int64_t workspace = 0, inbox = 0, contact = 0, identity = 0, conversation = 0;
    } ids;
    auto one_id = [](Result<Rows> r) -> Result<std::int64_t> {
        if (!r.ok()) return std::move(r).error();
        if (r->empty()) return Error::Internal("no row returned");
        return AsInt(r->rows[0][0]);
    };
    Status chain = db_->Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(ids.workspace,
                            one_id(s.Query("INSERT INTO workspaces (name, locale, created_at, "
                                           "updated_at) VALUES ($1, 'ar', $2, $2) RETURNING id",
                                           {std::string("متجر"), kNow})));
        HH_ASSIGN_OR_RETURN(
            ids.inbox,
            one_id(s.Query("INSERT INTO inboxes (workspace_id, name, channel_kind, webhook_key, "
                           "created_at, updated_at) VALUES ($1, 'WhatsApp', 'whatsapp', $2, $3, "
                           "$3) RETURNING id",
                           {ids.workspace, std::string("hook-1"), kNow})));
        HH_ASSIGN_OR_RETURN(
            ids.contact,
            one_id(
                s.Query("INSERT INTO contacts (workspace_id, name, phone_e164, created_at, "
                        "updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                        {ids.workspace, std::string("سارة"), std::string("+966500000001"), kNow})));
        HH_ASSIGN_OR_RETURN(
            ids.identity,
            one_id(s.Query(
                "INSERT INTO contact_identities (workspace_id, contact_id, inbox_id, "
                "external_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                {ids.workspace, ids.contact, ids.inbox, std::string("966500000001"), kNow})));
        HH_ASSIGN_OR_RETURN(
            ids.conversation,
            one_id(s.Query("INSERT INTO conversations (workspace_id, inbox_id, contact_id, "
                           "contact_identity_id, last_activity_at, created_at, updated_at) "
                           "VALUES ($1, $2, $3, $4, $5, $5, $5) RETURNING id",
                           {ids.workspace, ids.inbox, ids.contact, ids.identity, kNow})));
        return Ok();
    });
    ASSERT_TRUE(chain.ok()) << chain.error().message;

    auto insert_message = [&](const Value& external_id, std::int64_t conversation,
                              const std::string& direction) {
        return db_->Write([&](Session& s) -> Status {
            HH_RETURN_IF_ERROR(
                s.Exec("INSERT INTO messages (workspace_id, conversation_id, inbox_id, direction, "
                       "sender_kind, content, external_id, created_at, updated_at) "
                       "VALUES ($1, $2, $3, $4, 'contact', $5, $6, $7, $7)",
                       {ids.workspace, conversation, ids.inbox, direction,
                        std::string("السلام عليكم"), external_id, kNow}));
            return Ok();
        });
    };
    ASSERT_TRUE(insert_message(std::string("wamid.1"), ids.conversation, "incoming").ok());
    Status dup = insert_message(std::string("wamid.1"), ids.conversation, "incoming");
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
    EXPECT_TRUE(insert_message(std::string("wamid.2"), ids.conversation, "incoming").ok());
    // Outgoing messages without a platform id yet: NULLs never collide.
    EXPECT_TRUE(insert_message(nullptr, ids.conversation, "outgoing").ok());
    EXPECT_TRUE(insert_message(nullptr, ids.conversation, "outgoing").ok());
    Status orphan = insert_message(std::string("wamid.3"), ids.conversation + 1000, "incoming");
    ASSERT_FALSE(orphan.ok());
    EXPECT_EQ(orphan.error().code, ErrorCode::kConflict) << "foreign keys must be enforced";
    Status bad_check = insert_message(std::string("wamid.4"), ids.conversation, "sideways");
    ASSERT_FALSE(bad_check.ok());
    EXPECT_EQ(bad_check.error().code, ErrorCode::kConflict);

    EXPECT_EQ(Count(*db_,
                    "SELECT count(*) FROM messages WHERE workspace_id = $1 AND "
                    "conversation_id = $2",
                    {ids.workspace, ids.conversation}),
              4);
    Rows msg =
        ReadRows(*db_, "SELECT content, private, status FROM messages WHERE external_id = $1",
                 {std::string("wamid.1")});
    ASSERT_EQ(msg.size(), 1u);
    EXPECT_EQ(AsText(msg.rows[0][0]), "السلام عليكم");
    EXPECT_EQ(AsInt(msg.rows[0][1]), 0);
    EXPECT_EQ(AsText(msg.rows[0][2]), "received");

    // Deleting the workspace cascades down the chain.
    WriteSql(*db_, "DELETE FROM workspaces WHERE id = $1", {ids.workspace});
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM messages"), 0);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM contact_identities"), 0);
}

TEST_P(DatabaseConformanceTest, ParameterCountMismatchIsInvalidArgument) {
    Status s = db_->Read([](Session& session) -> Status {
        HH_RETURN_IF_ERROR(session.Query("SELECT $1 + $2", {std::int64_t{1}}));
        return Ok();
    });
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(DatabaseConformanceTest, CloseFinishesQueuedWritesAndRefusesNewOnes) {
    std::atomic<int> acknowledged{0};
    std::atomic<bool> refused{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0;; ++i) {
                Status s = db_->Write([&](Session& session) {
                    return InsertKey(session, std::to_string(t) + "-" + std::to_string(i));
                });
                if (!s.ok()) {
                    EXPECT_EQ(s.error().code, ErrorCode::kUnavailable) << s.error().message;
                    refused = true;
                    return;
                }
                ++acknowledged;
            }
        });
    }
    std::this_thread::sleep_for(50ms);
    db_->Close();
    for (auto& t : threads) t.join();
    EXPECT_TRUE(refused.load());
    EXPECT_GT(acknowledged.load(), 0);
    EXPECT_EQ(db_->Write([](Session&) { return Ok(); }).error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(db_->Read([](Session&) { return Ok(); }).error().code, ErrorCode::kUnavailable);
    db_->Close();  // idempotent

    if (!backend_->SupportsSecondInstance()) return;
    Result<std::unique_ptr<Database>> again = backend_->Open(/*migrate=*/true);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(Count(**again, "SELECT count(*) FROM conformance_keys"), acknowledged.load());
    (*again)->Close();
}

}  // namespace hudhud::storage::testing
