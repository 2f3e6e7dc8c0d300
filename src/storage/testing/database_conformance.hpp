#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <span>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/group_commit.hpp"
#include "storage/migrator.hpp"

namespace hudhud::storage::testing {

// A backend under test: fresh, empty storage (a new file, a new PostgreSQL database) and the
// means to open Database instances on it. Destroying it removes the storage.
class TestBackend {
  public:
    virtual ~TestBackend() = default;
    // Opens a Database on this storage, applying Migrations() when `migrate`. Each call opens an
    // independent instance, as a second process would, when SupportsSecondInstance(); calls
    // may come from several threads at once.
    virtual Result<std::unique_ptr<Database>> Open(bool migrate) = 0;
    virtual bool SupportsSecondInstance() const = 0;
    virtual std::span<const Migration> Migrations() const = 0;
    // The group-commit counters of `db`, which this backend opened.
    virtual WriteStats Stats(Database& db) const = 0;
    // Writer threads per instance. With one, works queued behind a busy writer share its next
    // transaction, which lets the suite check that sharing exactly.
    virtual int WriterThreads() const = 0;
};

struct BackendFactory {
    std::string name;  // the test-name suffix: letters and digits only
    // Creates fresh storage. Returns null with `skip_reason` set when the backend is not
    // available here (no PostgreSQL configured); the suite then skips rather than fails.
    std::function<std::unique_ptr<TestBackend>(std::string* skip_reason)> make;
};

// The one conformance suite every storage backend passes. Instantiate it per backend:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, DatabaseConformanceTest,
//                            ::testing::Values(BackendFactory{...}), BackendFactoryName);
class DatabaseConformanceTest : public ::testing::TestWithParam<BackendFactory> {
  protected:
    void SetUp() override;
    void TearDown() override;

    // Fresh storage from the factory; null with `skip_reason` set when the backend is not
    // available, null with a test failure recorded when it could not be created.
    std::unique_ptr<TestBackend> MakeBackend(std::string* skip_reason);

    std::unique_ptr<TestBackend> backend_;
    std::unique_ptr<Database> db_;  // opened on backend_ with migrations
};

std::string BackendFactoryName(const ::testing::TestParamInfo<BackendFactory>& info);

// Prints the backend's name where gtest shows a parameter (test lists, ctest names).
inline void PrintTo(const BackendFactory& factory, std::ostream* os) { *os << factory.name; }

}  // namespace hudhud::storage::testing
