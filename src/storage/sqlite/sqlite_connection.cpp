#include "storage/sqlite/sqlite_connection.hpp"

#include <sqlite3.h>

#include <string>

#include "storage/sqlite/placeholders.hpp"

namespace hudhud::storage::sqlite::detail {
namespace {

constexpr std::size_t kMaxCachedStatements = 512;

bool IsBlank(const char* begin, const char* end) {
    for (const char* p = begin; p < end; ++p) {
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r' && *p != ';') return false;
    }
    return true;
}

Value ReadColumn(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
            return static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
        case SQLITE_FLOAT:
            return sqlite3_column_double(stmt, i);
        case SQLITE_TEXT: {
            const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
            return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
        }
        case SQLITE_BLOB: {
            const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
            int n = sqlite3_column_bytes(stmt, i);
            return n > 0 ? std::string(p, static_cast<std::size_t>(n)) : std::string();
        }
        default:
            return nullptr;
    }
}

}  // namespace

Error ToError(int rc, std::string_view message) {
    std::string m(message);
    switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
            return Error::Conflict(std::move(m));
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return Error::Unavailable(std::move(m));
        default:
            return Error::Internal(std::move(m));
    }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path, int flags,
                                                     std::chrono::milliseconds busy_timeout) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, nullptr);
    if (rc != SQLITE_OK) {
        std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
        sqlite3_close_v2(db);
        return Error::Unavailable("cannot open SQLite database '" + path + "': " + msg);
    }
    auto conn = std::unique_ptr<Connection>(new Connection(db));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(busy_timeout.count()));
    return conn;
}

Connection::~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

void Connection::TrimCache() {
    if (cache_.size() <= kMaxCachedStatements) return;
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
}

Result<sqlite3_stmt*> Connection::Prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
    std::string translated = TranslatePlaceholders(sql);
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, translated.data(), static_cast<int>(translated.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) return ToError(rc, sqlite3_errmsg(db_));
    if (stmt == nullptr) return Error::InvalidArgument("empty SQL statement");
    if (!IsBlank(tail, translated.data() + translated.size())) {
        sqlite3_finalize(stmt);
        return Error::InvalidArgument("more than one SQL statement in: " + std::string(sql));
    }
    cache_.emplace(std::string(sql), stmt);
    return stmt;
}

Status Connection::Run(sqlite3_stmt* stmt, const Params& params, Rows* rows) {
    int expected = sqlite3_bind_parameter_count(stmt);
    if (static_cast<std::size_t>(expected) != params.size()) {
        return Error::InvalidArgument("statement takes " + std::to_string(expected) +
                                      " parameters, " + std::to_string(params.size()) +
                                      " given: " + sqlite3_sql(stmt));
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        int idx = static_cast<int>(i) + 1;
        const Value& v = params[i];
        int rc = SQLITE_OK;
        if (const auto* n = std::get_if<std::int64_t>(&v)) {
            rc = sqlite3_bind_int64(stmt, idx, *n);
        } else if (const auto* d = std::get_if<double>(&v)) {
            rc = sqlite3_bind_double(stmt, idx, *d);
        } else if (const auto* s = std::get_if<std::string>(&v)) {
            // Static: the params outlive the statement's run, and bindings are cleared after it.
            rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
        } else {
            rc = sqlite3_bind_null(stmt, idx);
        }
        if (rc != SQLITE_OK) {
            sqlite3_clear_bindings(stmt);
            return ToError(rc, sqlite3_errmsg(db_));
        }
    }
    if (rows != nullptr) {
        int n = sqlite3_column_count(stmt);
        rows->columns.clear();
        rows->columns.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) rows->columns.emplace_back(sqlite3_column_name(stmt, i));
    }
    Status status;
    for (;;) {
        int rc = sqlite3_step(stmt);
        if (rc == SQLITE_DONE) break;
        if (rc == SQLITE_ROW) {
            if (rows != nullptr) {
                int n = sqlite3_column_count(stmt);
                std::vector<Value>& row = rows->rows.emplace_back();
                row.reserve(static_cast<std::size_t>(n));
                for (int i = 0; i < n; ++i) row.push_back(ReadColumn(stmt, i));
            }
            continue;
        }
        status = ToError(rc, sqlite3_errmsg(db_));
        break;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return status;
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
    HH_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    Rows rows;
    HH_RETURN_IF_ERROR(Run(stmt, params, &rows));
    return rows;
}

Result<std::int64_t> Connection::Exec(std::string_view sql, const Params& params) {
    HH_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    HH_RETURN_IF_ERROR(Run(stmt, params, nullptr));
    if (sqlite3_stmt_readonly(stmt)) return std::int64_t{0};
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

Status Connection::ExecScript(std::string_view sql) {
    const char* p = sql.data();
    const char* end = sql.data() + sql.size();
    while (p < end) {
        sqlite3_stmt* stmt = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &stmt, &tail);
        if (rc != SQLITE_OK) return ToError(rc, sqlite3_errmsg(db_));
        p = tail;
        if (stmt == nullptr) continue;  // only whitespace or a comment was left
        do {
            rc = sqlite3_step(stmt);
        } while (rc == SQLITE_ROW);
        if (rc != SQLITE_DONE) {
            Error e = ToError(rc, sqlite3_errmsg(db_));
            sqlite3_finalize(stmt);
            return e;
        }
        sqlite3_finalize(stmt);
    }
    return Ok();
}

}  // namespace hudhud::storage::sqlite::detail
