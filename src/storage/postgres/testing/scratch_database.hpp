#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "core/result.hpp"

namespace hudhud::storage::postgres::testing {

// Where pg tests find their server: scripts/pg-test-server.sh prints the URL to export.
inline constexpr const char* kServerUrlVariable = "HUDHUD_TEST_PG_URL";
inline constexpr const char* kNoServerMessage =
    "HUDHUD_TEST_PG_URL is not set; run `scripts/pg-test-server.sh start DIR` and export the "
    "URL it prints to run PostgreSQL tests";

inline std::string TestServerUrl() {
    const char* url = std::getenv(kServerUrlVariable);
    return url != nullptr ? url : "";
}

// `conninfo` (keyword=value or URL) with its database name replaced, as keyword=value.
inline Result<std::string> WithDatabase(const std::string& conninfo, const std::string& dbname) {
    char* err = nullptr;
    PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
    if (opts == nullptr) {
        std::string msg = err != nullptr ? err : "cannot parse connection string";
        PQfreemem(err);
        return Error::InvalidArgument(msg);
    }
    auto quote = [](const std::string& v) {
        std::string q = "'";
        for (char c : v) {
            if (c == '\'' || c == '\\') q.push_back('\\');
            q.push_back(c);
        }
        return q + "'";
    };
    std::string out = "dbname=" + quote(dbname);
    for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
        if (o->val == nullptr || std::string(o->keyword) == "dbname") continue;
        out += " " + std::string(o->keyword) + "=" + quote(o->val);
    }
    PQconninfoFree(opts);
    return out;
}

// A fresh database on the test server, dropped (with any connections left) on destruction, so
// that every test starts from nothing and tests can run in parallel.
class ScratchDatabase {
  public:
    static Result<std::unique_ptr<ScratchDatabase>> Create(const std::string& server_url) {
        PGconn* admin = PQconnectdb(server_url.c_str());
        if (PQstatus(admin) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(admin);
            PQfinish(admin);
            return Error::Unavailable("cannot reach the test server: " + msg);
        }
        std::random_device rd;
        std::string name =
            "hudhud_test_" + std::to_string(::getpid()) + "_" +
            std::to_string(std::uniform_int_distribution<unsigned>(0, 0xffffffu)(rd));
        auto db = std::unique_ptr<ScratchDatabase>(new ScratchDatabase(admin, name));
        HH_RETURN_IF_ERROR(db->Admin("CREATE DATABASE " + name));
        db->created_ = true;
        HH_ASSIGN_OR_RETURN(db->conninfo_, WithDatabase(server_url, name));
        return db;
    }

    ~ScratchDatabase() {
        if (created_) (void)Admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
        PQfinish(admin_);
    }

    const std::string& name() const { return name_; }
    const std::string& conninfo() const { return conninfo_; }

    // Runs `sql` on the maintenance connection (to the server's own database).
    Status Admin(const std::string& sql) {
        PGresult* r = PQexec(admin_, sql.c_str());
        ExecStatusType s = r != nullptr ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        std::string msg = PQerrorMessage(admin_);
        PQclear(r);
        if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) return Error::Internal(sql + ": " + msg);
        return Ok();
    }

    // Runs `sql` on the maintenance connection and returns the first cell of its result.
    Result<std::string> AdminValue(const std::string& sql) {
        PGresult* r = PQexec(admin_, sql.c_str());
        bool ok = r != nullptr && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0;
        std::string v = ok ? PQgetvalue(r, 0, 0) : PQerrorMessage(admin_);
        PQclear(r);
        if (!ok) return Error::Internal(sql + ": " + v);
        return v;
    }

  private:
    ScratchDatabase(PGconn* admin, std::string name) : admin_(admin), name_(std::move(name)) {}

    PGconn* admin_;
    std::string name_;
    std::string conninfo_;
    bool created_ = false;
};

}  // namespace hudhud::storage::postgres::testing
