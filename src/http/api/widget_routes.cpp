#include "http/api/widget_routes.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "channels/webchat/origin_policy.hpp"
#include "http/api/api_common.hpp"
#include "http/api/attachment_file.hpp"
#include "log/log.hpp"
#include "services/message_events.hpp"

namespace hudhud::http::api {
namespace {

using namespace std::chrono_literals;
using services::VisitorContext;
using services::WebChatService;

constexpr std::string_view kTokenHeader = "X-Auth-Token";
constexpr std::size_t kMaxRouteCache = 50'000;

nlohmann::json VisitorJson(const VisitorContext& v) {
    const auto& d = v.visitor;
    auto opt = [](const std::optional<std::string>& s) {
        return s ? nlohmann::json(*s) : nlohmann::json(nullptr);
    };
    return {{"name", opt(d.name)},
            {"email", opt(d.email)},
            {"phone", opt(d.phone)},
            {"identifier", opt(d.identifier)},
            {"verified", d.hmac_verified},
            {"consent_at", d.consent_at ? nlohmann::json(ToMicros(*d.consent_at)) : nullptr}};
}

nlohmann::json SessionJson(const services::VisitorSession& s) {
    return {{"token", s.token},
            {"expires_at", ToMicros(s.expires_at)},
            {"visitor", VisitorJson(s.context)}};
}

// The body as a JsonBody; an empty body counts as {} (the widget POSTs without one at times).
Result<JsonBody> BodyOf(const Request& req) {
    return JsonBody::Parse(req.body.empty() ? std::string_view("{}") : std::string_view(req.body));
}

std::string_view TokenOf(const Request& req) {
    if (auto h = req.Header(kTokenHeader)) return *h;
    if (auto q = req.Query("token")) return *q;
    return {};
}

}  // namespace

WidgetGateway::WidgetGateway(WebChatService& service, WsHub& hub, const Clock& clock,
                             WidgetOptions options)
    : service_(service),
      hub_(hub),
      clock_(clock),
      options_(std::move(options)),
      ip_requests_(options_.ip_requests_per_minute, 60s),
      ip_sessions_(options_.ip_sessions_per_minute, 60s),
      visitor_messages_(options_.visitor_messages_per_minute, 60s),
      visitor_typing_(options_.visitor_typing_per_minute, 60s) {}

WsOptions WidgetGateway::HubOptions() {
    WsOptions o;
    o.path = "/widget/v1/ws";
    o.max_inbound_message_bytes = 4u << 10;
    o.max_subscriptions = 1;
    return o;
}

Status WidgetGateway::CheckOrigin(const Request& req, const services::WidgetInbox& w) const {
    auto origin = req.Header("Origin");
    // No Origin: not a browser's cross-site request (same-origin GETs and non-browser clients,
    // which could send any Origin anyway).
    if (!origin) return Ok();
    if (auto host = req.Header("Host"); host && channels::webchat::SameOrigin(*origin, *host)) {
        return Ok();  // the widget frame we serve
    }
    if (channels::webchat::OriginAllowed(*origin, w.settings.allowed_domains)) return Ok();
    return Error::PermissionDenied("origin not allowed for this widget");
}

Status WidgetGateway::LimitIp(const Request& req) {
    if (!ip_requests_.Allow(req.remote_address, clock_.Now())) {
        return Error::RateLimited("too many requests; slow down");
    }
    return Ok();
}

Result<VisitorContext> WidgetGateway::AuthenticateRequest(const Request& req) {
    HH_RETURN_IF_ERROR(LimitIp(req));
    auto website_token = req.PathParam("website_token");
    if (!website_token) return Error::NotFound("unknown website token");
    auto token = TokenOf(req);
    if (token.empty()) return Error::Unauthenticated("missing visitor token (X-Auth-Token)");
    HH_ASSIGN_OR_RETURN(auto ctx, service_.Authenticate(*website_token, token));
    HH_RETURN_IF_ERROR(CheckOrigin(req, ctx.widget));
    return ctx;
}

void WidgetGateway::Register(Router& router) {
    const std::string base = "/widget/v1/{website_token}";

    router.Get(base + "/config", Wrap([this](Request& req) -> Result<Response> {
                   HH_RETURN_IF_ERROR(LimitIp(req));
                   HH_ASSIGN_OR_RETURN(auto w,
                                       service_.FindInbox(req.PathParam("website_token")
                                                              .value_or("")));
                   HH_RETURN_IF_ERROR(CheckOrigin(req, w));
                   nlohmann::json config = channels::webchat::PublicConfigJson(w.settings);
                   config["inbox_name"] = w.inbox.name;
                   config["agents_online"] = service_.AgentsAreOnline(w.inbox.workspace_id);
                   return Json(200, {{"config", config}});
               }),
               {.name = "widget.config"});

    router.Post(base + "/sessions", Wrap([this](Request& req) -> Result<Response> {
                    HH_RETURN_IF_ERROR(LimitIp(req));
                    if (!ip_sessions_.Allow(req.remote_address, clock_.Now())) {
                        return Error::RateLimited("too many new visitors from this address");
                    }
                    HH_ASSIGN_OR_RETURN(auto body, BodyOf(req));
                    HH_RETURN_IF_ERROR(
                        body.RejectUnknownFields({"locale", "referer", "host_origin"}));
                    HH_ASSIGN_OR_RETURN(auto locale, body.OptionalString("locale"));
                    HH_ASSIGN_OR_RETURN(auto referer, body.OptionalString("referer"));
                    HH_ASSIGN_OR_RETURN(auto host_origin, body.OptionalString("host_origin"));
                    const std::string website_token(req.PathParam("website_token").value_or(""));
                    HH_ASSIGN_OR_RETURN(auto w, service_.FindInbox(website_token));
                    HH_RETURN_IF_ERROR(CheckOrigin(req, w));
                    // The page embedding the frame, as the loader saw it; the browser enforces
                    // the same list through the frame's CSP frame-ancestors.
                    if (host_origin && !channels::webchat::OriginAllowed(
                                           *host_origin, w.settings.allowed_domains)) {
                        return Error::PermissionDenied("this site may not embed the widget");
                    }
                    services::VisitorClientInfo info;
                    info.user_agent = std::string(req.Header("User-Agent").value_or(""));
                    info.referer = referer.value_or("");
                    info.locale = locale;
                    HH_ASSIGN_OR_RETURN(auto session, service_.StartSession(website_token, info));
                    return Json(201, SessionJson(session));
                }),
                {.name = "widget.sessions"});

    router.Post(base + "/sessions/refresh", Wrap([this](Request& req) -> Result<Response> {
                    HH_RETURN_IF_ERROR(LimitIp(req));
                    const std::string website_token(req.PathParam("website_token").value_or(""));
                    auto token = TokenOf(req);
                    if (token.empty()) return Error::Unauthenticated("missing visitor token");
                    HH_ASSIGN_OR_RETURN(auto session, service_.Refresh(website_token, token));
                    HH_RETURN_IF_ERROR(CheckOrigin(req, session.context.widget));
                    return Json(200, SessionJson(session));
                }),
                {.name = "widget.sessions.refresh"});

    router.Get(base + "/messages", Wrap([this](Request& req) -> Result<Response> {
                   HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
                   HH_ASSIGN_OR_RETURN(auto messages, service_.History(v));
                   nlohmann::json data = nlohmann::json::array();
                   for (const auto& m : messages) {
                       data.push_back(WebChatService::WidgetMessageJson(services::MessageJson(m)));
                   }
                   return Json(200, {{"data", data},
                                     {"visitor", VisitorJson(v)},
                                     {"agents_online",
                                      service_.AgentsAreOnline(v.widget.inbox.workspace_id)}});
               }),
               {.name = "widget.messages.list"});

    router.Post(base + "/messages", Wrap([this](Request& req) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
                    if (!visitor_messages_.Allow(
                            std::to_string(v.visitor.id), clock_.Now())) {
                        return Error::RateLimited("too many messages; wait a moment");
                    }
                    HH_ASSIGN_OR_RETURN(auto body, BodyOf(req));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields({"content", "echo_id", "referer"}));
                    services::PostMessageInput in;
                    HH_ASSIGN_OR_RETURN(in.content, body.RequiredString("content"));
                    HH_ASSIGN_OR_RETURN(in.echo_id, body.OptionalString("echo_id"));
                    HH_ASSIGN_OR_RETURN(auto referer, body.OptionalString("referer"));
                    in.referer = referer.value_or("");
                    HH_ASSIGN_OR_RETURN(auto posted, service_.PostMessage(v, in));
                    return Json(posted.duplicate ? 200 : 201,
                                {{"message", WebChatService::WidgetMessageJson(
                                                 services::MessageJson(posted.message))},
                                 {"duplicate", posted.duplicate},
                                 {"agents_online", posted.agents_online}});
                }),
                {.max_body = 64u << 10, .name = "widget.messages.create"});

    // A visitor's file, as the raw body with its Content-Type: stored and sent as a message of
    // its own (the answer is the same as POST /messages). The inbox's policy answers 403
    // (attachments off), 413 (over max_attachment_bytes) or 415 (type not allowed) before
    // anything is stored.
    router.Post(
        base + "/attachments", Wrap([this](Request& req) -> Result<Response> {
            HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
            if (!visitor_messages_.Allow(std::to_string(v.visitor.id), clock_.Now())) {
                return Error::RateLimited("too many messages; wait a moment");
            }
            services::VisitorFile file;
            file.mime_type = std::string(req.Header("Content-Type").value_or(""));
            file.file_name = std::string(req.Query("filename").value_or(""));
            file.bytes = req.body;
            // 415 is about the request's own Content-Type, so it is answered here
            // rather than through error_mapping; the service checks the rest.
            if (channels::webchat::CheckUpload(v.widget.settings, file.mime_type,
                                               req.body.size()) ==
                channels::webchat::UploadVerdict::kUnsupportedType) {
                return Response::Error(415, "unsupported_media_type",
                                       "files of type '" +
                                           services::BaseMimeType(file.mime_type).substr(0, 100) +
                                           "' cannot be sent in this chat");
            }
            if (file.file_name.empty()) {
                return Error::InvalidArgument("?filename= is required");
            }
            services::PostMessageInput in;
            in.file = std::move(file);
            if (auto echo = req.Query("echo_id")) in.echo_id = std::string(*echo);
            if (auto caption = req.Query("content")) in.content = std::string(*caption);
            HH_ASSIGN_OR_RETURN(auto posted, service_.PostMessage(v, in));
            return Json(posted.duplicate ? 200 : 201,
                        {{"message",
                          WebChatService::WidgetMessageJson(services::MessageJson(posted.message))},
                         {"duplicate", posted.duplicate},
                         {"agents_online", posted.agents_online}});
        }),
        {.max_body = static_cast<std::size_t>(channels::webchat::kMaxAttachmentBytesCeiling),
         .name = "widget.attachments.create"});

    // The bytes of a file in the visitor's own conversations (its uploads and agents' files).
    router.Get(base + "/attachments/{id}/file", Wrap([this](Request& req) -> Result<Response> {
                   HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
                   HH_ASSIGN_OR_RETURN(auto id, PathId<AttachmentId>(req, "id"));
                   HH_ASSIGN_OR_RETURN(auto file, service_.ReadAttachment(v, id));
                   return AttachmentFileResponse(req, std::move(file));
               }),
               {.name = "widget.attachments.file"});

    router.Post(base + "/identify", Wrap([this](Request& req) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
                    HH_ASSIGN_OR_RETURN(auto body, BodyOf(req));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields(
                        {"identifier", "identifier_hash", "name", "email", "phone"}));
                    services::IdentifyInput in;
                    HH_ASSIGN_OR_RETURN(in.identifier, body.RequiredString("identifier"));
                    HH_ASSIGN_OR_RETURN(in.identifier_hash, body.OptionalString("identifier_hash"));
                    HH_ASSIGN_OR_RETURN(in.name, body.OptionalString("name"));
                    HH_ASSIGN_OR_RETURN(in.email, body.OptionalString("email"));
                    HH_ASSIGN_OR_RETURN(in.phone, body.OptionalString("phone"));
                    HH_ASSIGN_OR_RETURN(auto updated, service_.Identify(v, in));
                    return Json(200, {{"visitor", VisitorJson(updated)}});
                }),
                {.name = "widget.identify"});

    router.Patch(base + "/visitor", Wrap([this](Request& req) -> Result<Response> {
                     HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
                     HH_ASSIGN_OR_RETURN(auto body, BodyOf(req));
                     HH_RETURN_IF_ERROR(
                         body.RejectUnknownFields({"name", "email", "phone", "consent"}));
                     services::VisitorDetailsInput in;
                     HH_ASSIGN_OR_RETURN(in.name, body.OptionalString("name"));
                     HH_ASSIGN_OR_RETURN(in.email, body.OptionalString("email"));
                     HH_ASSIGN_OR_RETURN(in.phone, body.OptionalString("phone"));
                     HH_ASSIGN_OR_RETURN(auto consent, body.OptionalBool("consent"));
                     in.consent = consent.value_or(false);
                     HH_ASSIGN_OR_RETURN(auto updated, service_.UpdateDetails(v, in));
                     return Json(200, {{"visitor", VisitorJson(updated)}});
                 }),
                 {.name = "widget.visitor.update"});

    router.Post(base + "/typing", Wrap([this](Request& req) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto v, AuthenticateRequest(req));
                    HH_ASSIGN_OR_RETURN(auto body, BodyOf(req));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields({"on"}));
                    HH_ASSIGN_OR_RETURN(auto on, body.OptionalBool("on"));
                    if (visitor_typing_.Allow(std::to_string(v.visitor.id), clock_.Now())) {
                        HH_RETURN_IF_ERROR(service_.Typing(v, on.value_or(true)));
                    }
                    return Response::NoContent();
                }),
                {.name = "widget.typing"});

    // The widget's iframe document, with the inbox's allowed_domains as frame-ancestors so the
    // browser refuses to render it inside any other site.
    router.Get("/widget/frame", Wrap([this](Request& req) -> Result<Response> {
                   HH_RETURN_IF_ERROR(LimitIp(req));
                   HH_ASSIGN_OR_RETURN(auto w,
                                       service_.FindInbox(req.Query("website_token").value_or("")));
                   std::string html;
                   {
                       std::lock_guard lock(frame_mu_);
                       if (frame_html_.empty() && !options_.web_root.empty()) {
                           std::ifstream in(options_.web_root + "/widget/frame.html",
                                            std::ios::binary);
                           std::stringstream ss;
                           ss << in.rdbuf();
                           frame_html_ = ss.str();
                       }
                       html = frame_html_;
                   }
                   if (html.empty()) {
                       return Error::NotFound("the widget is not built (run npm run build in web/)");
                   }
                   Response r = Response::Text(200, std::move(html), "text/html; charset=utf-8");
                   r.SetHeader("Content-Security-Policy",
                               channels::webchat::FrameAncestors(w.settings.allowed_domains));
                   r.SetHeader("Cache-Control", "no-store");
                   r.SetHeader("Referrer-Policy", "strict-origin-when-cross-origin");
                   return r;
               }),
               {.name = "widget.frame"});
}

void WidgetGateway::AddConnection(const RouteKey& key, std::int64_t visitor_id) {
    std::lock_guard lock(mu_);
    connected_[key].insert(visitor_id);
    ++inbox_connections_[key.inbox];
}

void WidgetGateway::RemoveConnection(const RouteKey& key, std::int64_t visitor_id) {
    std::lock_guard lock(mu_);
    auto it = connected_.find(key);
    if (it == connected_.end()) return;
    auto one = it->second.find(visitor_id);
    if (one == it->second.end()) return;
    it->second.erase(one);
    if (it->second.empty()) connected_.erase(it);
    if (--inbox_connections_[key.inbox] <= 0) inbox_connections_.erase(key.inbox);
}

// Registered for routing from the moment the upgrade is authenticated (so no event is missed
// before the first frame) until the hub lets go of the principal, whatever ended the connection,
// including an upgrade that never completed.
struct WidgetGateway::Connection {
    Connection(WidgetGateway& g, VisitorContext c)
        : gateway(g), ctx(std::move(c)), key{ctx.widget.inbox.id.value(), ctx.identity_key} {
        gateway.AddConnection(key, ctx.visitor.id);
    }
    ~Connection() { gateway.RemoveConnection(key, ctx.visitor.id); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    WidgetGateway& gateway;
    VisitorContext ctx;
    RouteKey key;
};

void WidgetGateway::AttachHub() {
    hub_.SetAuthenticate([this](const Request& req) -> Result<WsPrincipal> {
        HH_RETURN_IF_ERROR(LimitIp(req));
        const std::string website_token(req.Query("website_token").value_or(""));
        auto token = req.Query("token").value_or("");
        if (token.empty()) return Error::Unauthenticated("missing visitor token");
        HH_ASSIGN_OR_RETURN(auto ctx, service_.Authenticate(website_token, token));
        HH_RETURN_IF_ERROR(CheckOrigin(req, ctx.widget));
        WsPrincipal p;
        p.user_id = ctx.visitor.id;
        p.context = std::make_shared<Connection>(*this, std::move(ctx));
        return p;
    });
    // Visitors follow only their own conversations, never a workspace.
    hub_.SetCanSubscribe([](const WsPrincipal&, std::int64_t) { return false; });
    hub_.SetOnMessage([this](WsConnection& c, const nlohmann::json& msg) {
        auto conn = std::static_pointer_cast<Connection>(c.principal().context);
        if (!conn || msg.value("type", "") != "typing") {
            c.Send(R"({"type":"error","code":"unknown_type"})");
            return;
        }
        const bool on = msg.contains("on") && msg["on"].is_boolean() ? msg["on"].get<bool>()
                                                                     : true;
        if (!visitor_typing_.Allow(std::to_string(conn->ctx.visitor.id), clock_.Now())) return;
        auto st = service_.Typing(conn->ctx, on);
        if (!st.ok()) log::Warn("widget.typing_failed", {{"error", st.error().message}});
    });
}

std::optional<WebChatService::ConversationRoute> WidgetGateway::Route(WorkspaceId ws,
                                                                      ConversationId id) {
    {
        std::lock_guard lock(mu_);
        auto it = routes_.find(id.value());
        if (it != routes_.end()) {
            if (it->second.inbox_id.value() == 0) return std::nullopt;
            return it->second;
        }
    }
    auto route = service_.RouteOf(ws, id);
    if (!route.ok()) {
        log::Warn("widget.route_failed", {{"conversation_id", id.value()},
                                          {"error", route.error().message}});
        return std::nullopt;
    }
    // A conversation's identity never changes, so the answer (also "none") can be kept.
    std::lock_guard lock(mu_);
    if (routes_.size() >= kMaxRouteCache) routes_.clear();
    routes_[id.value()] = route->value_or(WebChatService::ConversationRoute{InboxId(0), ""});
    return *route;
}

void WidgetGateway::OnEvent(const events::Event& e) {
    const bool is_message = e.type == "message.created" || e.type == "message.updated";
    const bool is_typing =
        e.type == "conversation.typing_on" || e.type == "conversation.typing_off";
    const bool is_conversation = e.type == "conversation.updated";
    if (!(is_message || is_typing || is_conversation) || !e.conversation_id) return;
    {
        // Most events concern no connected visitor: skip them without touching storage.
        std::lock_guard lock(mu_);
        if (inbox_connections_.empty()) return;
        if (e.inbox_id && !inbox_connections_.contains(e.inbox_id->value())) return;
    }
    auto data = nlohmann::json::parse(e.data_json, nullptr, false);
    if (!data.is_object()) return;
    nlohmann::json frame;
    if (is_message) {
        if (data.value("private", false)) return;  // notes are for agents only
        frame = {{"type", e.type}, {"data", WebChatService::WidgetMessageJson(data)}};
    } else if (is_typing) {
        if (data.value("sender_kind", "") == "contact") return;  // the visitor's own typing
        frame = {{"type", "typing"},
                 {"on", e.type == "conversation.typing_on"},
                 {"conversation_id", e.conversation_id->value()}};
    } else {
        frame = {{"type", "conversation.updated"},
                 {"data", {{"id", e.conversation_id->value()},
                           {"status", data.value("status", "")}}}};
    }
    auto route = Route(e.workspace_id, *e.conversation_id);
    if (!route) return;
    std::set<std::int64_t> visitors;
    {
        std::lock_guard lock(mu_);
        auto it = connected_.find(RouteKey{route->inbox_id.value(), route->identity_key});
        if (it == connected_.end()) return;
        visitors.insert(it->second.begin(), it->second.end());
    }
    const std::string text = frame.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    for (auto id : visitors) hub_.PublishToUser(id, text);
}

}  // namespace hudhud::http::api
