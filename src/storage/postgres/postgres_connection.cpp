#include "storage/postgres/postgres_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <vector>

#include "storage/postgres/postgres_values.hpp"

namespace hudhud::storage::postgres::detail {
namespace {

constexpr std::size_t kMaxPreparedStatements = 1024;
constexpr int kMaxPendingStatements = 256;

void IgnoreNotice(void*, const char*) {}

std::string Trimmed(const char* message) {
    std::string m = message != nullptr ? message : "";
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    return m;
}

PGconn* Connect(const std::string& conninfo) {
    const char* keys[] = {"dbname", "fallback_application_name", "client_encoding", nullptr};
    const char* values[] = {conninfo.c_str(), "hudhud", "UTF8", nullptr};
    return PQconnectdbParams(keys, values, /*expand_dbname=*/1);
}

}  // namespace

void Connection::ResultDeleter::operator()(pg_result* r) const { PQclear(r); }

Connection::Connection(pg_conn* conn, std::string conninfo, Setup setup)
    : conn_(conn), conninfo_(std::move(conninfo)), setup_(std::move(setup)) {}

Connection::~Connection() { PQfinish(conn_); }

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo, Setup setup) {
    PGconn* conn = Connect(conninfo);
    if (conn == nullptr) return Error::Unavailable("out of memory connecting to PostgreSQL");
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string msg = Trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        return Error::Unavailable("cannot connect to PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
    auto c = std::unique_ptr<Connection>(new Connection(conn, conninfo, std::move(setup)));
    if (c->setup_) HH_RETURN_IF_ERROR(c->setup_(*c));
    return c;
}

bool Connection::IsBroken() const { return PQstatus(conn_) != CONNECTION_OK; }

bool Connection::InTransaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

Status Connection::Reconnect() {
    cache_.clear();
    pending_ = 0;  // PQreset leaves pipeline mode
    PQreset(conn_);
    if (PQstatus(conn_) != CONNECTION_OK) {
        return Error::Unavailable("cannot reconnect to PostgreSQL: " +
                                  Trimmed(PQerrorMessage(conn_)));
    }
    if (setup_) return setup_(*this);
    return Ok();
}

void Connection::TrimCache() {
    if (cache_.size() <= kMaxPreparedStatements || InTransaction() || IsBroken()) return;
    if (Command("DEALLOCATE ALL").ok()) cache_.clear();
}

Error Connection::Fail(Error e) {
    last_error_ = e;
    return e;
}

Error Connection::ErrorOf(const pg_result* result) {
    const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    std::string message =
        Trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
    if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
    if (state != nullptr && !IsBroken()) return ErrorFromSqlState(state, std::move(message));
    // No SQLSTATE, or a lost connection: the server is gone or unreachable.
    if (IsBroken()) return Error::Unavailable("PostgreSQL connection lost: " + message);
    return state != nullptr ? ErrorFromSqlState(state, std::move(message))
                            : Error::Internal(std::move(message));
}

Result<const Connection::Prepared*> Connection::Prepare(std::string_view sql,
                                                        const Params& params) {
    key_.clear();
    std::vector<Oid> types;
    types.reserve(params.size());
    for (const Value& v : params) {
        types.push_back(ParamType(v));
        key_.push_back(types.back() == 20 ? 'i' : types.back() == 701 ? 'd' : 'u');
    }
    key_.push_back('|');
    key_.append(sql);
    if (auto it = cache_.find(key_); it != cache_.end()) return &it->second;

    // Preparing is synchronous: finish a pipeline first (rare: once per statement).
    HH_RETURN_IF_ERROR(FlushDeferred());
    std::string name = "hh_" + std::to_string(next_statement_++);
    std::string text(sql);
    PgResult prepared(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(types.size()),
                                types.empty() ? nullptr : types.data()));
    if (prepared == nullptr || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
        return Fail(ErrorOf(prepared.get()));
    }
    PgResult described(PQdescribePrepared(conn_, name.c_str()));
    if (described == nullptr || PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
        return Fail(ErrorOf(described.get()));
    }
    Prepared p{std::move(name), PQnparams(described.get())};
    auto [it, inserted] = cache_.emplace(key_, std::move(p));
    return &it->second;
}

Status Connection::FormatParams(const Prepared& stmt, std::string_view sql, const Params& params,
                                std::vector<std::optional<std::string>>& texts,
                                std::vector<const char*>& values) {
    if (static_cast<std::size_t>(stmt.param_count) != params.size()) {
        return Fail(Error::InvalidArgument("statement takes " + std::to_string(stmt.param_count) +
                                           " parameters, " + std::to_string(params.size()) +
                                           " given: " + std::string(sql)));
    }
    texts.reserve(params.size());
    values.reserve(params.size());
    for (const Value& v : params) {
        texts.push_back(FormatParam(v));
        if (texts.back() && texts.back()->find('\0') != std::string::npos) {
            return Fail(Error::InvalidArgument("PostgreSQL text cannot hold a NUL character"));
        }
        values.push_back(texts.back() ? texts.back()->c_str() : nullptr);
    }
    return Ok();
}

Result<Connection::PgResult> Connection::Run(std::string_view sql, const Params& params) {
    HH_RETURN_IF_ERROR(FlushDeferred());
    HH_ASSIGN_OR_RETURN(const Prepared* stmt, Prepare(sql, params));
    std::vector<std::optional<std::string>> texts;
    std::vector<const char*> values;
    HH_RETURN_IF_ERROR(FormatParams(*stmt, sql, params, texts, values));
    PgResult result(PQexecPrepared(conn_, stmt->name.c_str(), static_cast<int>(values.size()),
                                   values.empty() ? nullptr : values.data(), nullptr, nullptr,
                                   /*resultFormat=*/0));
    ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
        return Fail(ErrorOf(result.get()));
    }
    return result;
}

Status Connection::ExecDeferred(std::string_view sql, const Params& params) {
    if (!pipelining_ || PQtransactionStatus(conn_) == PQTRANS_IDLE || IsBroken()) {
        return Session::ExecDeferred(sql, params);
    }
    HH_ASSIGN_OR_RETURN(const Prepared* stmt, Prepare(sql, params));
    std::vector<std::optional<std::string>> texts;
    std::vector<const char*> values;
    HH_RETURN_IF_ERROR(FormatParams(*stmt, sql, params, texts, values));
    if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF && PQenterPipelineMode(conn_) != 1) {
        return Fail(Error::Unavailable("cannot enter pipeline mode: " +
                                       Trimmed(PQerrorMessage(conn_))));
    }
    if (PQsendQueryPrepared(conn_, stmt->name.c_str(), static_cast<int>(values.size()),
                            values.empty() ? nullptr : values.data(), nullptr, nullptr,
                            /*resultFormat=*/0) != 1) {
        Error e = Error::Unavailable("cannot send a pipelined statement: " +
                                     Trimmed(PQerrorMessage(conn_)));
        (void)FlushDeferred();
        return Fail(std::move(e));
    }
    ++pending_;
    // Bound what is in flight: the server's answers must fit its socket buffer while we send.
    if (pending_ >= kMaxPendingStatements) return FlushDeferred();
    return Ok();
}

Status Connection::FlushDeferred() {
    if (PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) return Ok();
    HH_RETURN_IF_ERROR(EndPipeline(nullptr));
    return Ok();
}

Result<std::string> Connection::EndPipeline(const char* final_sql) {
    deferred_failed_ = false;
    std::optional<Error> first;
    bool first_deferred = false;
    bool final_sent = false;
    if (final_sql != nullptr) {
        final_sent = PQsendQueryParams(conn_, final_sql, 0, nullptr, nullptr, nullptr, nullptr,
                                       /*resultFormat=*/0) == 1;
        if (!final_sent) {
            first = Error::Unavailable("cannot send a pipelined statement: " +
                                       Trimmed(PQerrorMessage(conn_)));
        }
    }
    std::string tag;
    if (PQpipelineSync(conn_) != 1) {
        if (!first) first = Error::Unavailable("PostgreSQL connection lost: " +
                                               Trimmed(PQerrorMessage(conn_)));
    } else {
        const int expected = pending_ + (final_sent ? 1 : 0);
        for (int i = 0; i < expected; ++i) {
            const bool is_final = final_sent && i == expected - 1;
            // Each statement's results end with a null result.
            while (PgResult r{PQgetResult(conn_)}) {
                ExecStatusType st = PQresultStatus(r.get());
                if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR) {
                    if (!first) {
                        first = ErrorOf(r.get());
                        first_deferred = !is_final;
                    }
                } else if (st == PGRES_PIPELINE_ABORTED) {
                    // Skipped after an earlier error of this pipeline.
                } else if (is_final) {
                    tag = PQcmdStatus(r.get());
                }
            }
            if (IsBroken()) break;
        }
        if (!IsBroken()) {
            PgResult sync(PQgetResult(conn_));
            if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
                if (!first) first = Error::Internal("PostgreSQL pipeline out of step");
            }
        }
    }
    pending_ = 0;
    if (!IsBroken() && PQexitPipelineMode(conn_) != 1 && !first) {
        first = Error::Internal("cannot leave pipeline mode: " + Trimmed(PQerrorMessage(conn_)));
    }
    if (IsBroken() && (!first || first->code != ErrorCode::kUnavailable)) {
        first = Error::Unavailable("PostgreSQL connection lost: " +
                                   Trimmed(PQerrorMessage(conn_)));
        first_deferred = false;
    }
    if (first) {
        deferred_failed_ = first_deferred;
        return Fail(std::move(*first));
    }
    return tag;
}

Result<Rows> Connection::Query(std::string_view sql, const Params& params) {
    HH_ASSIGN_OR_RETURN(PgResult result, Run(sql, params));
    pg_result* r = result.get();
    Rows rows;
    int cols = PQnfields(r);
    int n = PQntuples(r);
    std::vector<Oid> types(static_cast<std::size_t>(cols));
    rows.columns.reserve(types.size());
    for (int c = 0; c < cols; ++c) {
        rows.columns.emplace_back(PQfname(r, c));
        types[static_cast<std::size_t>(c)] = PQftype(r, c);
    }
    rows.rows.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        std::vector<Value>& row = rows.rows.emplace_back();
        row.reserve(types.size());
        for (int c = 0; c < cols; ++c) {
            if (PQgetisnull(r, i, c)) {
                row.emplace_back(nullptr);
            } else {
                row.push_back(
                    ParseCell(types[static_cast<std::size_t>(c)],
                              std::string_view(PQgetvalue(r, i, c),
                                               static_cast<std::size_t>(PQgetlength(r, i, c)))));
            }
        }
    }
    return rows;
}

Result<std::int64_t> Connection::Exec(std::string_view sql, const Params& params) {
    HH_ASSIGN_OR_RETURN(PgResult result, Run(sql, params));
    // A SELECT (or CREATE TABLE AS) reports rows read, not changed; SQLite counts neither.
    std::string_view tag = PQcmdStatus(result.get());
    if (tag.substr(0, 7) == "SELECT ") return std::int64_t{0};
    std::string_view count = PQcmdTuples(result.get());
    std::int64_t n = 0;
    std::from_chars(count.data(), count.data() + count.size(), n);
    return n;
}

Result<std::string> Connection::Command(std::string_view sql) {
    std::string text(sql);
    if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) {
        // One statement rides the pipeline; a script needs the simple protocol after it.
        if (text.find(';') == std::string::npos) return EndPipeline(text.c_str());
        HH_RETURN_IF_ERROR(FlushDeferred());
    }
    PgResult result(PQexec(conn_, text.c_str()));
    ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        return Fail(ErrorOf(result.get()));
    }
    return std::string(PQcmdStatus(result.get()));
}

Status Connection::ExecScript(std::string_view sql) {
    HH_RETURN_IF_ERROR(Command(sql));
    return Ok();
}

}  // namespace hudhud::storage::postgres::detail
