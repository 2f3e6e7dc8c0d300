#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/ws_hub.hpp"

namespace hudhud::http {
class Counter;
class Gauge;
}  // namespace hudhud::http

namespace hudhud::http::detail {

// The transport-independent face of a WebSocket session that the hub indexes.
class WsSessionBase : public WsConnection {
  public:
    // Queues an already shared message. Thread-safe, non-blocking.
    virtual void SendShared(std::shared_ptr<const std::string> text) = 0;

    // Guarded by the hub's mutex.
    std::vector<std::int64_t> subscriptions_;
};

// The server's side door into the hub (registration and callbacks).
class WsHubAccess {
  public:
    static void Register(WsHub& hub, WsSessionBase* session);
    static void Unregister(WsHub& hub, WsSessionBase* session);
    enum class SubscribeResult { kOk, kAlready, kTooMany };
    // With `replay`, messages for `workspace` are held for the session until FinishReplay.
    static SubscribeResult Subscribe(WsHub& hub, WsSessionBase* session, std::int64_t workspace,
                                     bool replay = false);
    // Sends what the session missed after `since` (WsReplayFn), then the messages held since
    // Subscribe that the replay does not cover, and makes the subscription live. Blocks (runs
    // the replay callback): call it on the handler pool.
    static void FinishReplay(WsHub& hub, WsSessionBase* session, std::int64_t workspace,
                             std::int64_t since);
    static bool Unsubscribe(WsHub& hub, WsSessionBase* session, std::int64_t workspace);
    // Calls Close() on every registered session.
    static void CloseAll(WsHub& hub);

    static const WsAuthenticate& authenticate(const WsHub& hub);
    static const WsCanSubscribe& can_subscribe(const WsHub& hub);
    static const WsOnMessage& on_message(const WsHub& hub);
    static const WsOnClose& on_close(const WsHub& hub);

    // Metrics owned by the hub (nullptr without a registry).
    static Counter* dropped_slow(WsHub& hub);
    static Counter* messages_sent(WsHub& hub);
};

}  // namespace hudhud::http::detail
