#include "storage/repositories/search_repository_cases.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::storage::testing {
namespace {

class SqliteSearchStorage final : public SearchTestStorage {
  public:
    explicit SqliteSearchStorage(std::unique_ptr<sqlite::SqliteDatabase> db) : db_(std::move(db)) {}
    Database& db() override { return *db_; }

  private:
    std::unique_ptr<sqlite::SqliteDatabase> db_;
};

std::unique_ptr<SearchTestStorage> MakeSqlite(std::string*) {
    auto db = sqlite::SqliteDatabase::Open({});
    if (!db.ok()) {
        ADD_FAILURE() << db.error().message;
        return nullptr;
    }
    return std::make_unique<SqliteSearchStorage>(std::move(db).value());
}

INSTANTIATE_TEST_SUITE_P(Sqlite, SearchRepositoryTest,
                         ::testing::Values(SearchBackend{"Sqlite", MakeSqlite}), SearchBackendName);

}  // namespace
}  // namespace hudhud::storage::testing
