#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace hudhud::http {

class WsHub;

struct ServerOptions {
    std::string host = "0.0.0.0";
    std::uint16_t port = 8080;                 // 0 = any free port, see Server::port()
    int io_threads = 0;                        // 0 = std::thread::hardware_concurrency()
    int handler_threads = 64;                  // the blocking handler pool
    std::size_t max_header_bytes = 16u << 10;  // request line + headers; over it: 431
    std::size_t max_body_bytes = 1u << 20;     // default; RouteOptions::max_body overrides
    // Waiting for a request (keep-alive idle), reading one, or writing a response; on expiry the
    // connection is closed. Handlers themselves have no deadline here.
    std::chrono::milliseconds idle_timeout{30'000};
    std::size_t max_connections = 20'000;  // beyond it new connections get 503 and are closed
    std::chrono::milliseconds shutdown_timeout{10'000};  // Stop(): grace for in-flight requests
    // Both set: the listener speaks TLS only (HTTPS and wss://). PEM files.
    std::string tls_cert_file{};
    std::string tls_key_file{};
    bool access_log = true;  // one "http.request" info line per request (RouteOptions can opt out)
};

// The HTTP/1.1 (+ WebSocket) server.
//
// I/O runs on `io_threads` threads with C++20 coroutines, one strand per connection; handlers run
// on a separate pool of `handler_threads` threads (RouteOptions::inline_handler routes run on the
// I/O thread). Requests on one connection are handled strictly in order (pipelining-safe).
//
// Protocol errors answer with {"error":{"code","message"}} JSON: 400 bad_request (malformed
// request line/headers/target), 404 not_found, 405 method_not_allowed (+ Allow), 413
// payload_too_large, 426 upgrade_required (plain GET on the WebSocket path), 431
// header_too_large, 500 internal (a handler threw), 503 unavailable (connection limit).
//
// Every response carries X-Request-Id (the client's when acceptable, else generated) and
// X-Content-Type-Options: nosniff.
//
// Metrics recorded in the registry passed in: hudhud_http_requests_total{route,method,status},
// hudhud_http_request_duration_seconds{route} (histogram), hudhud_http_connections (gauge).
//
// Lifecycle: construct, Start() or Run(), Stop(). A server starts at most once.
// Thread safety: Stop() and port() may be called from any thread.
class Server {
  public:
    // `metrics` and `ws_hub` (nullptr: no WebSocket endpoint) must outlive the server.
    Server(ServerOptions options, Router router, MetricsRegistry& metrics, WsHub* ws_hub = nullptr);
    // Several WebSocket endpoints (e.g. the agents' and the Web Chat visitors'), each on its own
    // WsOptions::path, which must differ; an upgrade goes to the hub whose path it names.
    Server(ServerOptions options, Router router, MetricsRegistry& metrics,
           std::vector<WsHub*> ws_hubs);
    // Stops (as Stop()) and joins every thread. Must not run on one of the server's threads.
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds, listens and starts the I/O threads and the handler pool; returns once accepting.
    // kInvalidArgument: bad options or unreadable TLS files. kUnavailable: cannot bind.
    Status Start();
    // Start(), then blocks until Stop() has finished.
    Status Run();
    // Stops accepting, closes idle keep-alive connections, sends WebSocket clients a close
    // frame, lets in-flight requests finish for up to shutdown_timeout, then closes whatever
    // is left and stops the I/O threads. Idempotent. Blocks until done, except when called from
    // one of the server's own threads (a handler), where it only starts the shutdown.
    // A handler still running after the deadline keeps running; the destructor waits for it.
    void Stop();

    // The bound port (useful with port 0); 0 before Start().
    std::uint16_t port() const;
    bool secure() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace hudhud::http
