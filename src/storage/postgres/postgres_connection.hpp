#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.hpp"
#include "storage/script_session.hpp"
#include "storage/sql.hpp"

struct pg_conn;
struct pg_result;

namespace hudhud::storage::postgres::detail {

// One libpq connection and its prepared statements (named per connection, keyed by the SQL
// text and the parameter types). It is the Session handed to works. Used by one thread at a time.
class Connection final : public Session, public ScriptSession {
  public:
    // Runs after every (re)connection, e.g. to adjust session settings.
    using Setup = std::function<Status(Connection&)>;

    // Connects with `conninfo` (keyword=value or a postgresql:// URL) in UTF-8.
    // Errors: kUnavailable when the server cannot be reached or refuses the connection.
    static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo, Setup setup = {});
    ~Connection() override;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Dialect dialect() const override { return Dialect::kPostgres; }
    Result<Rows> Query(std::string_view sql, const Params& params = {}) override;
    Result<std::int64_t> Exec(std::string_view sql, const Params& params = {}) override;
    // Pipelined inside a transaction on a connection with EnablePipelining(); Exec otherwise.
    Status ExecDeferred(std::string_view sql, const Params& params = {}) override;
    Status ExecScript(std::string_view sql) override;

    // Runs a parameterless statement and returns its command tag ("COMMIT", "ROLLBACK", ...).
    // Used for transaction control. With deferred statements pending, a single statement goes
    // down the same pipeline (one round trip for all); the first error among them is returned.
    Result<std::string> Command(std::string_view sql);

    // Lets ExecDeferred pipeline statements while a transaction is open (writer connections).
    void EnablePipelining() { pipelining_ = true; }
    // Sends what ExecDeferred queued and reads the outcomes; the first failure is returned (and
    // recorded as last_error()). Every other statement flushes first, so callers rarely need it.
    Status FlushDeferred();
    // Whether the last flush failed because of a deferred statement (rather than the statement
    // that triggered the flush, or the connection).
    bool deferred_failed() const { return deferred_failed_; }

    bool IsBroken() const;
    bool InTransaction() const;
    // Re-establishes the connection; prepared statements are forgotten. kUnavailable on failure.
    Status Reconnect();

    // Forgets every prepared statement once there are more than the bound; call between
    // transactions. Keeps a connection that sees ad-hoc SQL from growing without limit.
    void TrimCache();

    // The last error a statement of this session returned since ClearLastError().
    const std::optional<Error>& last_error() const { return last_error_; }
    void ClearLastError() { last_error_.reset(); }

    pg_conn* handle() const { return conn_; }

  private:
    struct Prepared {
        std::string name;
        int param_count = 0;
    };
    struct ResultDeleter {
        void operator()(pg_result* r) const;
    };
    using PgResult = std::unique_ptr<pg_result, ResultDeleter>;
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    Connection(pg_conn* conn, std::string conninfo, Setup setup);
    Result<PgResult> Run(std::string_view sql, const Params& params);
    Result<const Prepared*> Prepare(std::string_view sql, const Params& params);
    // Checks `params` against `stmt` (prepared from `sql`) and formats them for libpq;
    // kInvalidArgument for a count mismatch or text holding NUL.
    Status FormatParams(const Prepared& stmt, std::string_view sql, const Params& params,
                        std::vector<std::optional<std::string>>& texts,
                        std::vector<const char*>& values);
    // Ends pipeline mode: a Sync, then every pending result. `final_sql`, when given, is sent
    // last in the pipeline and its command tag returned.
    Result<std::string> EndPipeline(const char* final_sql);
    Error ErrorOf(const pg_result* result);
    Error Fail(Error e);

    pg_conn* conn_;
    std::string conninfo_;
    Setup setup_;
    std::unordered_map<std::string, Prepared, TextHash, std::equal_to<>> cache_;
    std::uint64_t next_statement_ = 0;
    std::string key_;  // reused buffer for cache lookups
    std::optional<Error> last_error_;
    bool pipelining_ = false;
    int pending_ = 0;  // deferred statements sent and not yet read
    bool deferred_failed_ = false;
};

}  // namespace hudhud::storage::postgres::detail
