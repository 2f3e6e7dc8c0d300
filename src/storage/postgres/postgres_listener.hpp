#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.hpp"

struct pg_conn;

namespace hudhud::storage::postgres {

struct PostgresListenerOptions {
    // libpq connection string or URL, as PostgresOptions::conninfo.
    std::string conninfo;
    // The channel to LISTEN on; matched exactly (case-sensitive), as pg_notify() names it.
    std::string channel;
    // Pause between reconnection attempts after the connection is lost.
    std::chrono::milliseconds reconnect_delay{1000};
};

// Receives PostgreSQL NOTIFY payloads on one channel, for real-time fan-out across nodes: a
// Database::Write work runs `SELECT pg_notify($1, $2)` with (channel, payload), and every node's
// listener gets the payload once that transaction commits (never if it rolls back). Payloads
// must stay under 8000 bytes (a server limit): send ids and let subscribers read the rest.
//
// Holds its own connection and a background thread that invokes `on_notify` for each payload,
// in the order the server delivers them. If the connection is lost it reconnects and LISTENs
// again, then calls `on_reconnect`: notifications sent while disconnected are lost, so a
// subscriber that must not miss anything resynchronises from the database there. Callbacks run
// on the listener's thread, must not block for long, and must not call Stop(); an exception
// from one is caught and logged. Thread-safe.
class PostgresListener {
  public:
    using NotifyCallback = std::function<void(std::string_view payload)>;
    using ReconnectCallback = std::function<void()>;

    // Connects and LISTENs before returning, so a notification committed after Start returns is
    // delivered. Errors: kInvalidArgument for an empty channel, kUnavailable if the first
    // connection or LISTEN fails.
    static Result<std::unique_ptr<PostgresListener>> Start(PostgresListenerOptions options,
                                                           NotifyCallback on_notify,
                                                           ReconnectCallback on_reconnect = {});

    ~PostgresListener();  // Stop()
    PostgresListener(const PostgresListener&) = delete;
    PostgresListener& operator=(const PostgresListener&) = delete;

    // Stops the thread and closes the connection; no callback runs after it returns.
    // Idempotent.
    void Stop();

    // Whether the listener currently holds a live, listening connection.
    bool connected() const { return connected_.load(); }

  private:
    PostgresListener(PostgresListenerOptions options, NotifyCallback on_notify,
                     ReconnectCallback on_reconnect, int wake_fd);
    void Run();
    // Connects and LISTENs, waking early on Stop(); null on failure.
    pg_conn* ConnectAndListen(std::string* error);
    // Sleeps up to `d`, returning early when Stop() is called.
    void Pause(std::chrono::milliseconds d);

    const PostgresListenerOptions options_;
    const NotifyCallback on_notify_;
    const ReconnectCallback on_reconnect_;
    const int wake_fd_;
    pg_conn* conn_ = nullptr;  // owned by the thread once it runs
    std::atomic<bool> stop_{false};
    std::atomic<bool> connected_{false};
    std::thread thread_;
};

}  // namespace hudhud::storage::postgres
