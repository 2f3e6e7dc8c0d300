#include "storage/sqlite/migrations.hpp"

#include <string_view>
#include <utility>
#include <vector>

#include "storage/detail/embedded_migrations.hpp"

namespace hudhud::storage::sqlite {
namespace detail {
// Generated from migrations/*.sql by hudhud_embed_files (src/storage/sqlite/CMakeLists.txt).
std::span<const std::pair<std::string_view, std::string_view>> EmbeddedMigrationFiles();
}  // namespace detail

std::span<const Migration> Migrations() {
    static const std::vector<Migration> kMigrations =
        storage::detail::MigrationsFromFiles(detail::EmbeddedMigrationFiles());
    return kMigrations;
}

}  // namespace hudhud::storage::sqlite
