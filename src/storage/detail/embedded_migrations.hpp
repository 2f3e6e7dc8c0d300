#pragma once

#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/migrator.hpp"

namespace hudhud::storage::detail {

// Turns embedded {file name, contents} pairs named NNNN_name.sql into Migrations, in the order
// given. A malformed name is a build mistake and aborts with a message naming the file.
std::vector<Migration> MigrationsFromFiles(
    std::span<const std::pair<std::string_view, std::string_view>> files);

}  // namespace hudhud::storage::detail
