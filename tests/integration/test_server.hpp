#pragma once

#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace hudhud::testing {

// A real `hudhud serve` process on 127.0.0.1 with a fresh data folder, for integration tests.
// The binary comes from $HUDHUD_BINARY or <build>/hudhud.
class TestServer {
public:
    struct Options {
        std::string database;  // empty: SQLite in the data folder
        std::vector<std::string> extra_args;
        std::string data_dir;  // empty: a fresh temporary folder (removed by the destructor)
    };

    explicit TestServer(Options options);
    TestServer() : TestServer(Options{}) {}
    ~TestServer();

    // Starts the process and waits until /readyz answers 200. Returns false on timeout.
    bool Start();
    // SIGTERM and wait (graceful); returns the exit status.
    int Stop();
    // SIGKILL and reap.
    void Kill();

    unsigned short port() const { return port_; }
    const std::string& data_dir() const { return data_dir_; }
    pid_t pid() const { return pid_; }

private:
    Options options_;
    std::string data_dir_;
    bool owns_data_dir_ = false;
    pid_t pid_ = -1;
    unsigned short port_ = 0;
};

struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers;  // lower-case names; last value wins
    std::vector<std::string> set_cookies;
    std::string body;
    // The body parsed as JSON (null when it is not JSON), parsed once and kept, so that
    // `for (auto& x : r.json()["data"])` does not iterate a destroyed temporary.
    nlohmann::json& json() const;

private:
    mutable std::optional<nlohmann::json> json_;
};

// A small blocking HTTP/1.1 client with a cookie jar and optional CSRF/bearer headers; one
// keep-alive connection, reopened when the server closes it. Not thread-safe: one per thread.
class HttpClient {
public:
    explicit HttpClient(unsigned short port);
    ~HttpClient();
    HttpClient(HttpClient&&) noexcept;
    HttpClient& operator=(HttpClient&&) noexcept;

    HttpResult Request(const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
    HttpResult Get(const std::string& target) { return Request("GET", target); }
    HttpResult Post(const std::string& target, const nlohmann::json& j) {
        return Request("POST", target, j.dump());
    }
    HttpResult Patch(const std::string& target, const nlohmann::json& j) {
        return Request("PATCH", target, j.dump());
    }
    HttpResult Put(const std::string& target, const nlohmann::json& j) {
        return Request("PUT", target, j.dump());
    }
    HttpResult Delete(const std::string& target) { return Request("DELETE", target); }

    void set_bearer(std::string token) { bearer_ = std::move(token); }
    void set_csrf(std::string token) { csrf_ = std::move(token); }
    std::map<std::string, std::string>& cookies() { return cookies_; }

private:
    struct Conn;
    unsigned short port_;
    std::unique_ptr<Conn> conn_;
    std::map<std::string, std::string> cookies_;
    std::string bearer_;
    std::string csrf_;
};

std::string HudhudBinary();
std::string MakeTempDir(const std::string& prefix);

}  // namespace hudhud::testing
