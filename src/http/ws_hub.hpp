#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"

namespace hudhud::http {

class MetricsRegistry;

namespace detail {
class WsSessionBase;
class WsHubAccess;
}  // namespace detail

// Who is on the other end of a WebSocket, as decided by the authenticate callback.
struct WsPrincipal {
    std::int64_t user_id = 0;
    std::shared_ptr<void> context{};  // opaque to the hub; for the application's callbacks
};

// One live WebSocket connection, as the application's callbacks see it.
class WsConnection {
  public:
    virtual ~WsConnection() = default;
    virtual std::uint64_t id() const = 0;  // unique within the process
    virtual const WsPrincipal& principal() const = 0;
    // Queues a text frame. Thread-safe and non-blocking; a connection whose outbound queue is
    // over its limit is dropped instead of waiting.
    virtual void Send(std::string json_text) = 0;
    // Closes the connection (close frame "going away"). Thread-safe.
    virtual void Close() = 0;
};

struct WsOptions {
    std::string path = "/api/v1/ws";  // upgrade requests on this exact path are WebSockets
    // Outbound queue bounds per connection; exceeding either drops the connection.
    std::size_t max_queued_messages = 1024;
    std::size_t max_queued_bytes = 4u << 20;
    std::size_t max_inbound_message_bytes = 64u << 10;
    std::size_t max_subscriptions = 256;  // per connection
    // The server pings a connection idle for half of this and closes it when nothing (not even a
    // pong) arrives within the whole of it.
    std::chrono::seconds idle_timeout{60};
    std::chrono::seconds handshake_timeout{15};
    // When non-empty, the Origin header must equal one of these (e.g. "https://app.example.com")
    // or the upgrade is refused with 403. Cross-site WebSocket hijacking defence for cookie auth;
    // the authenticate callback can do the same check itself instead.
    std::vector<std::string> allowed_origins{};
};

// Decides whether an upgrade request may connect. An error is answered as JSON through the error
// mapping (normally 401) and no upgrade happens. Runs on the handler pool, so it may block.
using WsAuthenticate = std::function<Result<WsPrincipal>(const Request&)>;
// Whether `principal` may follow `workspace_id`. Runs on the handler pool.
using WsCanSubscribe = std::function<bool(const WsPrincipal&, std::int64_t workspace_id)>;
// Any client message whose "type" is not subscribe/unsubscribe/ping (e.g. "typing"). Runs on the
// handler pool; messages of one connection are handled one at a time, in order.
using WsOnMessage = std::function<void(WsConnection&, const nlohmann::json& message)>;
// After a connection ended (any reason). Runs on the handler pool.
using WsOnClose = std::function<void(WsConnection&)>;

// What a client that subscribes with "since" missed (see WsHub::SetReplay).
struct WsReplay {
    std::vector<std::string> frames;  // the missed messages, oldest first
    // Too much was missed: the client gets {"type":"resync","workspace_id":N} instead of
    // frames, and reloads its state.
    bool resync = false;
    // Every message published with 0 < seq <= through before the replay ends is one the
    // replay covers; the hub drops it for this client. Messages above it are passed on.
    std::int64_t through = 0;
};
// Reads what a client missed in `workspace` after sequence number `since`. Runs on the handler
// pool (it may read the database). An error is answered with a resync.
using WsReplayFn = std::function<Result<WsReplay>(const WsPrincipal&, std::int64_t workspace,
                                                  std::int64_t since)>;

// Who may receive a published message: sorted user ids; null means every subscriber of the
// workspace.
using WsAudience = std::shared_ptr<const std::vector<std::int64_t>>;

// Fan-out of real-time events to WebSocket clients, and the client protocol:
//
//   client -> server                          server -> client
//   {"type":"subscribe","workspace_id":7}     {"type":"subscribed","workspace_id":7}
//                                             or
//                                             {"type":"error","code":"not_found","workspace_id":7}
//   {"type":"subscribe","workspace_id":7,     {"type":"subscribed","workspace_id":7}, then the
//    "since":41}                              replay (WsReplayFn) or {"type":"resync",...},
//                                             then live messages: none lost, none twice
//   {"type":"unsubscribe","workspace_id":7}   {"type":"unsubscribed","workspace_id":7}
//   {"type":"ping"}                           {"type":"pong"}   ("id" is echoed when present)
//   anything else with a "type"               -> WsOnMessage, or
//   {"type":"error","code":"unknown_type"} not a JSON object
//   {"type":"error","code":"invalid_message",...}
//
// The Server does the network side (pass the hub to its constructor); the hub keeps who is
// subscribed to what. Set callbacks before Server::Start(); without authenticate every upgrade
// is refused (401), without can_subscribe every subscribe is refused.
//
// Thread safety: Publish*, counts and WsConnection methods are safe from any thread and never
// wait for a client: a message is shared (one copy for all receivers) and appended to each
// connection's bounded queue.
class WsHub {
  public:
    explicit WsHub(WsOptions options = {}, MetricsRegistry* metrics = nullptr);
    ~WsHub();
    WsHub(const WsHub&) = delete;
    WsHub& operator=(const WsHub&) = delete;

    void SetAuthenticate(WsAuthenticate fn);
    void SetCanSubscribe(WsCanSubscribe fn);
    void SetOnMessage(WsOnMessage fn);
    void SetOnClose(WsOnClose fn);
    // Without it, "since" replays nothing.
    void SetReplay(WsReplayFn fn);

    // Sends `json_text` to every connection subscribed to `workspace_id`; returns how many.
    // `seq` is the message's sequence number (0: none), which must increase from call to call
    // among sequenced messages: while a subscriber's replay runs, its messages are held back
    // and those the replay already covers are dropped (see WsReplay::through).
    // With an `audience`, only the subscribers whose user is in it get the message (an agent
    // never receives events of an inbox it may not see).
    std::size_t Publish(std::int64_t workspace_id, std::string json_text, std::int64_t seq = 0,
                        WsAudience audience = nullptr);
    // Sends to every connection of `user_id` (subscribed or not); returns how many.
    std::size_t PublishToUser(std::int64_t user_id, std::string json_text);

    std::size_t connection_count() const;
    // Subscribers of `workspace_id`, including those whose replay is still running.
    std::size_t subscriber_count(std::int64_t workspace_id) const;
    const WsOptions& options() const;

  private:
    friend class detail::WsHubAccess;
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace hudhud::http
