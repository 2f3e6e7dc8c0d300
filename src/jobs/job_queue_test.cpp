// The job suite (testing/job_suite.cpp) on SQLite: a database file in a fresh temp directory.

#include <memory>

#include "jobs/testing/job_suite.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/testing/temp_dir.hpp"

namespace hudhud::jobs::testing {
namespace {

class SqliteJobsBackend final : public JobsTestBackend {
  public:
    Result<std::unique_ptr<storage::Database>> Open() override {
        if (dir_.path().empty()) return Error::Internal("cannot create a temp directory");
        storage::sqlite::SqliteOptions options;
        options.path = (dir_.path() / "jobs.db").string();
        HH_ASSIGN_OR_RETURN(auto db, storage::sqlite::SqliteDatabase::Open(std::move(options)));
        return std::unique_ptr<storage::Database>(std::move(db));
    }

  private:
    storage::testing::TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, JobsTest,
                         ::testing::Values(JobsBackendFactory{
                             "Sqlite",
                             [](std::string*) { return std::make_unique<SqliteJobsBackend>(); }}),
                         JobsBackendName);

}  // namespace
}  // namespace hudhud::jobs::testing
