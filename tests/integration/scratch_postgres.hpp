#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>

namespace hudhud::testing {

// A fresh PostgreSQL database for one test, named in a URL of the form
// postgresql:///postgres?host=... (what scripts/pg-test-server.sh prints); dropped on destruction.
class ScratchPostgres {
  public:
    explicit ScratchPostgres(const std::string& server_url) : server_url_(server_url) {
        name_ = "it_" + std::to_string(::getpid()) + "_" + std::to_string(++counter_);
        const auto slash = server_url.find("///");
        if (slash == std::string::npos || !Psql("CREATE DATABASE " + name_)) return;
        const auto q = server_url.find('?', slash + 3);
        url_ = server_url.substr(0, slash + 3) + name_ +
               (q == std::string::npos ? "" : server_url.substr(q));
    }
    ~ScratchPostgres() {
        if (!url_.empty()) Psql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
    const std::string& url() const { return url_; }

  private:
    bool Psql(const std::string& sql) const {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::execlp("psql", "psql", "-q", "-v", "ON_ERROR_STOP=1", server_url_.c_str(), "-c",
                     sql.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }

    static inline std::atomic<int> counter_{0};
    std::string server_url_;
    std::string name_;
    std::string url_;
};

// For a test run on "sqlite" and "postgres": on "postgres", a scratch database on the server
// named by HUDHUD_TEST_PG_URL, kept in `pg`, whose URL goes to `database`. False when that
// variable is unset (the caller skips); a database that cannot be created also fails the test.
//   if (!UseBackend(GetParam(), pg_, options.database)) GTEST_SKIP() << "...";
inline bool UseBackend(const std::string& backend, std::unique_ptr<ScratchPostgres>& pg,
                       std::string& database) {
    if (backend != "postgres") return true;
    const char* url = std::getenv("HUDHUD_TEST_PG_URL");
    if (url == nullptr || *url == '\0') return false;
    pg = std::make_unique<ScratchPostgres>(url);
    if (pg->url().empty()) {
        ADD_FAILURE() << "could not create a test database";
        return false;
    }
    database = pg->url();
    return true;
}

}  // namespace hudhud::testing
