#include "storage/postgres/postgres_database.hpp"
#include "storage/postgres/testing/scratch_database.hpp"
#include "storage/repositories/search_repository_cases.hpp"

namespace hudhud::storage::testing {
namespace {

using postgres::testing::ScratchDatabase;

class PostgresSearchStorage final : public SearchTestStorage {
  public:
    PostgresSearchStorage(std::unique_ptr<ScratchDatabase> scratch,
                          std::unique_ptr<postgres::PostgresDatabase> db)
        : scratch_(std::move(scratch)), db_(std::move(db)) {}
    ~PostgresSearchStorage() override {
        db_->Close();
        db_.reset();
    }
    Database& db() override { return *db_; }

  private:
    std::unique_ptr<ScratchDatabase> scratch_;  // dropped after the database closed
    std::unique_ptr<postgres::PostgresDatabase> db_;
};

// Needs a server: HUDHUD_TEST_PG_URL from scripts/pg-test-server.sh; skips without it.
std::unique_ptr<SearchTestStorage> MakePostgres(std::string* skip_reason) {
    const std::string url = postgres::testing::TestServerUrl();
    if (url.empty()) {
        *skip_reason = postgres::testing::kNoServerMessage;
        return nullptr;
    }
    auto scratch = ScratchDatabase::Create(url);
    if (!scratch.ok()) {
        ADD_FAILURE() << scratch.error().message;
        return nullptr;
    }
    postgres::PostgresOptions options;
    options.conninfo = (*scratch)->conninfo();
    auto db = postgres::PostgresDatabase::Open(std::move(options));
    if (!db.ok()) {
        ADD_FAILURE() << db.error().message;
        return nullptr;
    }
    return std::make_unique<PostgresSearchStorage>(std::move(scratch).value(),
                                                   std::move(db).value());
}

INSTANTIATE_TEST_SUITE_P(Postgres, SearchRepositoryTest,
                         ::testing::Values(SearchBackend{"Postgres", MakePostgres}),
                         SearchBackendName);

}  // namespace
}  // namespace hudhud::storage::testing
