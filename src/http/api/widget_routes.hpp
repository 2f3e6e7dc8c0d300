#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "channels/webchat/rate_limiter.hpp"
#include "events/event_bus.hpp"
#include "http/router.hpp"
#include "http/ws_hub.hpp"
#include "services/webchat_service.hpp"

namespace hudhud::http::api {

struct WidgetOptions {
    std::string web_root;    // built web assets; the frame is <web_root>/widget/frame.html
    std::string public_url;  // for the embed snippet
    int ip_requests_per_minute = 300;   // every widget HTTP call and WebSocket upgrade, per IP
    int ip_sessions_per_minute = 30;    // new visitors per IP
    int visitor_messages_per_minute = 30;
    int visitor_typing_per_minute = 120;
};

// The public Web Chat surface: the widget HTTP API under /widget/v1/{website_token}/..., the
// widget frame (/widget/frame), and the visitors' WebSocket hub (/widget/v1/ws). Every request
// passes the inbox's allowed_domains Origin check and per-IP / per-visitor rate limits.
//
// Real-time: OnEvent (subscribed to the EventBus by the app) forwards committed events of a Web
// Chat conversation to the connections of the visitor(s) whose identity the conversation belongs
// to, and to nobody else; private notes are never forwarded, nor the visitor's own typing.
//
// Construct, AttachHub before the server starts, Register the routes; thread-safe afterwards.
// The service, hub and clock must outlive it.
class WidgetGateway {
  public:
    WidgetGateway(services::WebChatService& service, WsHub& hub, const Clock& clock,
                  WidgetOptions options);

    void Register(Router& router);
    // Sets the hub's authenticate / on_message / on_close callbacks (visitor tokens).
    void AttachHub();
    void OnEvent(const events::Event& e);

    // The hub options the visitors' endpoint needs (its path).
    static WsOptions HubOptions();

  private:
    struct RouteKey {
        std::int64_t inbox = 0;
        std::string identity;
        friend auto operator<=>(const RouteKey&, const RouteKey&) = default;
    };

    struct Connection;  // a visitor's WebSocket, as the hub's principal context

    Result<services::VisitorContext> AuthenticateRequest(const Request& req);
    Status CheckOrigin(const Request& req, const services::WidgetInbox& w) const;
    Status LimitIp(const Request& req);
    void AddConnection(const RouteKey& key, std::int64_t visitor_id);
    void RemoveConnection(const RouteKey& key, std::int64_t visitor_id);
    std::optional<services::WebChatService::ConversationRoute> Route(WorkspaceId ws,
                                                                     ConversationId id);

    services::WebChatService& service_;
    WsHub& hub_;
    const Clock& clock_;
    WidgetOptions options_;
    channels::webchat::RateLimiter ip_requests_;
    channels::webchat::RateLimiter ip_sessions_;
    channels::webchat::RateLimiter visitor_messages_;
    channels::webchat::RateLimiter visitor_typing_;

    std::mutex mu_;
    std::map<RouteKey, std::multiset<std::int64_t>> connected_;  // -> visitor ids (one per conn)
    std::map<std::int64_t, int> inbox_connections_;
    std::unordered_map<std::int64_t, services::WebChatService::ConversationRoute> routes_;

    std::mutex frame_mu_;
    std::string frame_html_;
};

}  // namespace hudhud::http::api
