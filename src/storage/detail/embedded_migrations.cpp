#include "storage/detail/embedded_migrations.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace hudhud::storage::detail {

std::vector<Migration> MigrationsFromFiles(
    std::span<const std::pair<std::string_view, std::string_view>> files) {
    std::vector<Migration> out;
    out.reserve(files.size());
    for (const auto& [file, contents] : files) {
        std::size_t underscore = file.find('_');
        int version = 0;
        auto [end, ec] = std::from_chars(file.data(), file.data() + file.size(), version);
        bool ok = ec == std::errc() && underscore != std::string_view::npos &&
                  end == file.data() + underscore && file.size() > 4 &&
                  file.substr(file.size() - 4) == ".sql" && underscore + 1 < file.size() - 4;
        if (!ok) {
            std::fprintf(stderr, "embedded migration '%.*s' is not named NNNN_name.sql\n",
                         static_cast<int>(file.size()), file.data());
            std::abort();
        }
        std::string name(file.substr(underscore + 1, file.size() - 4 - underscore - 1));
        out.push_back(Migration{version, std::move(name), std::string(contents)});
    }
    return out;
}

}  // namespace hudhud::storage::detail
