#pragma once

#include <span>
#include <string>

#include "core/result.hpp"
#include "storage/database.hpp"

namespace hudhud::storage {

// One schema change. `sql` may hold several statements; it runs in one transaction.
struct Migration {
    int version = 0;
    std::string name;
    std::string sql;
};

// Brings the schema up to date: creates schema_migrations(version, name, applied_at) if absent,
// then applies every migration whose version is not recorded there, in order, each in its own
// transaction (through Database::Write) together with its schema_migrations row. Idempotent.
// Safe when several processes migrate the same database at once: on PostgreSQL each transaction
// first takes a transaction-scoped advisory lock, on SQLite the write transaction is already
// exclusive (BEGIN IMMEDIATE); the loser then finds the version recorded and skips it.
// Errors: kInvalidArgument if versions are not strictly increasing and positive; kInternal if a
// recorded version carries another name than the one given (the binary and the database
// disagree); otherwise the error of the failing statement.
Status Migrate(Database& db, std::span<const Migration> migrations);

}  // namespace hudhud::storage
