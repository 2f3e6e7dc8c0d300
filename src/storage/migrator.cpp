#include "storage/migrator.hpp"

#include <chrono>
#include <string>

#include "storage/script_session.hpp"

namespace hudhud::storage {
namespace {

// Arbitrary but fixed: every Hudhud process migrating one PostgreSQL database contends on it.
constexpr std::int64_t kMigrationLockKey = 0x4875646875644d47;  // "HudhudMG"

constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

std::int64_t NowMicros() {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Status ApplyOne(Session& s, const Migration& m) {
    if (s.dialect() == Dialect::kPostgres) {
        // Before CREATE TABLE IF NOT EXISTS, which itself races between two fresh processes.
        HH_RETURN_IF_ERROR(s.Query("SELECT pg_advisory_xact_lock($1)", {kMigrationLockKey}));
    }
    HH_RETURN_IF_ERROR(s.Exec(kCreateTable));
    HH_ASSIGN_OR_RETURN(Rows applied,
                        s.Query("SELECT name FROM schema_migrations WHERE version = $1",
                                {std::int64_t{m.version}}));
    if (!applied.empty()) {
        std::string recorded = AsText(applied.rows[0][0]);
        if (recorded != m.name) {
            return Error::Internal("migration " + std::to_string(m.version) + " was applied as '" +
                                   recorded + "' but this build calls it '" + m.name + "'");
        }
        return Ok();
    }
    auto* script = dynamic_cast<ScriptSession*>(&s);
    if (script == nullptr) return Error::Internal("this backend cannot run migration scripts");
    Status ran = script->ExecScript(m.sql);
    if (!ran.ok()) {
        Error e = std::move(ran).error();
        e.message = "migration " + std::to_string(m.version) + "_" + m.name + ": " + e.message;
        return e;
    }
    Result<std::int64_t> inserted =
        s.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
               {std::int64_t{m.version}, m.name, NowMicros()});
    if (!inserted.ok()) return std::move(inserted).error();
    return Ok();
}

}  // namespace

Status Migrate(Database& db, std::span<const Migration> migrations) {
    int last = 0;
    for (const Migration& m : migrations) {
        if (m.version <= last) {
            return Error::InvalidArgument("migration versions must be positive and increasing (" +
                                          std::to_string(m.version) + " after " +
                                          std::to_string(last) + ")");
        }
        last = m.version;
    }
    for (const Migration& m : migrations) {
        HH_RETURN_IF_ERROR(db.Write([&m](Session& s) { return ApplyOne(s, m); }));
    }
    return Ok();
}

}  // namespace hudhud::storage
