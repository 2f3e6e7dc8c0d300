// The job suite (testing/job_suite.cpp) on PostgreSQL: a scratch database per test on the
// server named by HUDHUD_TEST_PG_URL; every test skips when it is not set. Here the two-pool
// test exercises FOR UPDATE SKIP LOCKED across independent connections.

#include <memory>

#include "jobs/testing/job_suite.hpp"
#include "storage/postgres/postgres_database.hpp"
#include "storage/postgres/testing/scratch_database.hpp"

namespace hudhud::jobs::testing {
namespace {

namespace pgtest = storage::postgres::testing;

class PostgresJobsBackend final : public JobsTestBackend {
  public:
    explicit PostgresJobsBackend(std::unique_ptr<pgtest::ScratchDatabase> scratch)
        : scratch_(std::move(scratch)) {}

    Result<std::unique_ptr<storage::Database>> Open() override {
        storage::postgres::PostgresOptions options;
        options.conninfo = scratch_->conninfo();
        HH_ASSIGN_OR_RETURN(auto db, storage::postgres::PostgresDatabase::Open(std::move(options)));
        return std::unique_ptr<storage::Database>(std::move(db));
    }

  private:
    std::unique_ptr<pgtest::ScratchDatabase> scratch_;
};

std::unique_ptr<JobsTestBackend> MakePostgresBackend(std::string* skip_reason) {
    const std::string url = pgtest::TestServerUrl();
    if (url.empty()) {
        *skip_reason = pgtest::kNoServerMessage;
        return nullptr;
    }
    auto scratch = pgtest::ScratchDatabase::Create(url);
    if (!scratch.ok()) {
        ADD_FAILURE() << scratch.error().message;
        return nullptr;
    }
    return std::make_unique<PostgresJobsBackend>(std::move(scratch).value());
}

INSTANTIATE_TEST_SUITE_P(Postgres, JobsTest,
                         ::testing::Values(JobsBackendFactory{"Postgres", MakePostgresBackend}),
                         JobsBackendName);

}  // namespace
}  // namespace hudhud::jobs::testing
