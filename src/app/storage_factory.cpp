#include "app/storage_factory.hpp"

#include "storage/postgres/postgres_database.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::app {

Result<std::unique_ptr<storage::Database>> OpenDatabase(const DatabaseOptions& options) {
    const std::string& url = options.url;
    if (url.rfind("sqlite:", 0) == 0) {
        storage::sqlite::SqliteOptions o;
        o.path = url.substr(7);
        if (o.path.empty()) return Error::InvalidArgument("sqlite: needs a path");
        o.read_connections = options.pool_size;
        o.apply_migrations = options.apply_migrations;
        HH_ASSIGN_OR_RETURN(auto db, storage::sqlite::SqliteDatabase::Open(o));
        return std::unique_ptr<storage::Database>(std::move(db));
    }
    if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
        storage::postgres::PostgresOptions o;
        o.conninfo = url;
        o.pool_size = options.pool_size;
        o.apply_migrations = options.apply_migrations;
        HH_ASSIGN_OR_RETURN(auto db, storage::postgres::PostgresDatabase::Open(o));
        return std::unique_ptr<storage::Database>(std::move(db));
    }
    return Error::InvalidArgument("database must be sqlite:PATH or postgres://...");
}

}  // namespace hudhud::app
