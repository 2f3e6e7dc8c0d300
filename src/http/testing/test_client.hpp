#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/request.hpp"

// Small blocking HTTP/1.1 and WebSocket clients for tests against a real Server on 127.0.0.1.
// Not for production use: no proxy, no redirects, certificates are not verified.
namespace hudhud::http::testing {

struct ClientResponse {
    int status = 0;
    Headers headers{};
    std::string body{};

    std::optional<std::string_view> Header(std::string_view name) const {
        return headers.Get(name);
    }
    // Parsed body; a discarded value when it is not JSON.
    nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

// One keep-alive connection. Every operation gives up after `timeout`.
class TestClient {
  public:
    // kUnavailable when the connection (or TLS handshake) fails.
    static Result<std::unique_ptr<TestClient>> Connect(
        std::uint16_t port, bool tls = false,
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~TestClient();

    Result<ClientResponse> Send(std::string_view method, std::string_view target,
                                std::string body = {}, const StringPairs& headers = {});
    Result<ClientResponse> Get(std::string_view target, const StringPairs& headers = {}) {
        return Send("GET", target, {}, headers);
    }
    Result<ClientResponse> Post(std::string_view target, std::string body,
                                const StringPairs& headers = {}) {
        return Send("POST", target, std::move(body), headers);
    }

    // Raw bytes out, one parsed response in (for pipelining and malformed-request tests).
    Status WriteRaw(std::string_view bytes);
    // `head`: the response answers a HEAD request (no body follows its headers).
    Result<ClientResponse> ReadResponse(bool head = false);
    // True when the server closes the connection within `wait` (EOF or reset).
    bool WaitForClose(std::chrono::milliseconds wait);

    struct Impl;

  private:
    explicit TestClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// A WebSocket client connection.
class TestWsClient {
  public:
    // On a refused upgrade the error message holds the HTTP status, e.g. "upgrade refused: 401".
    static Result<std::unique_ptr<TestWsClient>> Connect(
        std::uint16_t port, std::string_view target, const StringPairs& headers = {},
        bool tls = false, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    ~TestWsClient();

    Status Send(std::string_view text);
    Status SendJson(const nlohmann::json& j) { return Send(j.dump()); }
    // The next text message; kTimeout when none arrives within `wait`.
    Result<std::string> Read(std::chrono::milliseconds wait = std::chrono::seconds(5));
    Result<nlohmann::json> ReadJson(std::chrono::milliseconds wait = std::chrono::seconds(5));
    // Stops answering pings and reading, to play a slow client.
    void Close();

    struct Impl;

  private:
    explicit TestWsClient(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace hudhud::http::testing
