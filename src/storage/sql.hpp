#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace hudhud::storage {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a column value. Booleans are 0/1 integers and instants are microseconds
// since the epoch (BIGINT) in both backends, so one SQL text serves both.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;
using Params = std::vector<Value>;

// Rows returned by a query, in column order.
struct Rows {
    std::vector<std::string> columns;
    std::vector<std::vector<Value>> rows;

    bool empty() const { return rows.empty(); }
    std::size_t size() const { return rows.size(); }
};

// Typed accessors for a cell; they tolerate the backend returning an integer column as text.
bool IsNull(const Value& v);
std::int64_t AsInt(const Value& v);
double AsDouble(const Value& v);
std::string AsText(const Value& v);
std::optional<std::string> AsOptText(const Value& v);
std::optional<std::int64_t> AsOptInt(const Value& v);

// A connection, inside a transaction when handed to Database::Write / Database::Read work.
// SQL uses PostgreSQL-style positional placeholders $1..$N in both dialects.
// Not thread-safe: a Session belongs to the one thread running the work it was handed to.
class Session {
public:
    virtual ~Session() = default;
    virtual Dialect dialect() const = 0;

    // Runs a statement that returns rows (SELECT, or INSERT/UPDATE ... RETURNING).
    // Errors: kConflict for unique/foreign-key violations, kUnavailable (retryable) for lost
    // connections, busy or serialization failures, kInternal for anything else.
    virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;

    // Runs a statement and returns the number of rows it changed. Errors as Query.
    virtual Result<std::int64_t> Exec(std::string_view sql, const Params& params = {}) = 0;

    // Runs a statement whose outcome the work does not read (INSERT/UPDATE/DELETE without
    // RETURNING). A backend may send it later, together with the statements after it: the
    // PostgreSQL writers pipeline such statements up to the work's next Query or Exec or the end
    // of the batch, one round trip for many. A failure is then reported there, never lost: as
    // the error of that later statement, or as the work's own error once it returned (the batch
    // runs the work again in a savepoint and its caller gets the error). Returns an error here
    // only for a statement that ran at once, as it does on SQLite and outside write batches.
    virtual Status ExecDeferred(std::string_view sql, const Params& params = {}) {
        Result<std::int64_t> r = Exec(sql, params);
        if (!r.ok()) return std::move(r).error();
        return Ok();
    }
};

}  // namespace hudhud::storage
