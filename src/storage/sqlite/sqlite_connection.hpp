#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.hpp"
#include "storage/script_session.hpp"
#include "storage/sql.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace hudhud::storage::sqlite::detail {

// Maps an SQLite result code to our Error: constraint violations are kConflict, BUSY and LOCKED
// kUnavailable (retryable), everything else kInternal carrying SQLite's message.
Error ToError(int rc, std::string_view message);

// One sqlite3 handle and its prepared-statement cache (keyed by the SQL text as given, before
// placeholder translation). It is the Session handed to works. Used by one thread at a time.
class Connection final : public Session, public ScriptSession {
  public:
    // Opens `path` (":memory:", a file name or a "file:" URI) with the given sqlite3_open_v2
    // flags, extended result codes and the busy timeout.
    static Result<std::unique_ptr<Connection>> Open(const std::string& path, int flags,
                                                    std::chrono::milliseconds busy_timeout);
    ~Connection() override;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Dialect dialect() const override { return Dialect::kSqlite; }
    Result<Rows> Query(std::string_view sql, const Params& params = {}) override;
    Result<std::int64_t> Exec(std::string_view sql, const Params& params = {}) override;
    Status ExecScript(std::string_view sql) override;

    // True while a transaction is open on this handle.
    bool InTransaction() const;

    // Finalizes every cached statement once the cache holds more than its bound; call between
    // transactions. Keeps a connection that sees ad-hoc SQL from growing without limit.
    void TrimCache();

    sqlite3* handle() const { return db_; }

  private:
    explicit Connection(sqlite3* db) : db_(db) {}
    Result<sqlite3_stmt*> Prepare(std::string_view sql);
    // Binds, steps to completion collecting rows when `rows` is set, and resets.
    Status Run(sqlite3_stmt* stmt, const Params& params, Rows* rows);

    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    sqlite3* db_;
    std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

}  // namespace hudhud::storage::sqlite::detail
