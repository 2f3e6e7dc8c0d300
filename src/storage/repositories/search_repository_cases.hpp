#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "storage/database.hpp"

namespace hudhud::storage::testing {

// Fresh, migrated storage for one test; destroying it removes the storage.
class SearchTestStorage {
  public:
    virtual ~SearchTestStorage() = default;
    virtual Database& db() = 0;
};

struct SearchBackend {
    std::string name;  // test-name suffix
    // Null with `skip_reason` set when the backend is not available (no PostgreSQL server).
    std::function<std::unique_ptr<SearchTestStorage>(std::string* skip_reason)> make;
};

// The SearchRepository cases (search_repository_cases.cpp), run on each backend:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, SearchRepositoryTest, ::testing::Values(SearchBackend{..}),
//                            SearchBackendName);
class SearchRepositoryTest : public ::testing::TestWithParam<SearchBackend> {
  protected:
    void SetUp() override;
    void TearDown() override;

    std::unique_ptr<SearchTestStorage> storage_;
    Database* db_ = nullptr;
};

inline void PrintTo(const SearchBackend& b, std::ostream* os) { *os << b.name; }

std::string SearchBackendName(const ::testing::TestParamInfo<SearchBackend>& info);

}  // namespace hudhud::storage::testing
