#pragma once

#include <memory>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace hudhud::app {

struct DatabaseOptions {
    std::string url;  // sqlite:PATH or postgres://...
    int pool_size = 8;
    bool apply_migrations = true;
};

// Opens the backend the URL names and applies its migrations.
Result<std::unique_ptr<storage::Database>> OpenDatabase(const DatabaseOptions& options);

}  // namespace hudhud::app
