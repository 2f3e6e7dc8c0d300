#pragma once

#include <span>

#include "storage/migrator.hpp"

namespace hudhud::storage::sqlite {

// The SQLite schema migrations (migrations/NNNN_name.sql, embedded at build time), in order.
std::span<const Migration> Migrations();

}  // namespace hudhud::storage::sqlite
