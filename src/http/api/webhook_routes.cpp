#include "http/api/webhook_routes.hpp"

#include <memory>

#include "log/log.hpp"

namespace hudhud::http::api {
namespace {

// The platform sees a short reason; details stay in our log.
Response ToResponse(const services::WebhookReply& reply, ChannelKind channel, std::size_t bytes,
                    const std::string& request_id) {
    if (reply.status != 200 || reply.note != "accepted") {
        nlohmann::json fields = {{"channel", ChannelKindName(channel)},
                                 {"status", reply.status},
                                 {"note", reply.note},
                                 {"bytes", bytes},
                                 {"request_id", request_id}};
        if (reply.status >= 500) {
            log::Error("webhook.rejected", fields);
        } else {
            log::Warn("webhook.refused_or_dropped", fields);
        }
    }
    if (reply.status == 200 && !reply.body.empty()) return Response::Text(200, reply.body);
    // The hot path: a constant body, no JSON document built per delivery.
    if (reply.status == 200) return Response::Text(200, R"({"status":"ok"})", "application/json");
    const char* code = reply.status == 401   ? "unauthenticated"
                       : reply.status == 403 ? "permission_denied"
                       : reply.status == 404 ? "not_found"
                       : reply.status == 400 ? "invalid_argument"
                       : reply.status == 503 ? "unavailable"
                                             : "internal";
    return Response::Error(reply.status, code, reply.status == 401   ? "signature refused"
                                               : reply.status == 404 ? "unknown webhook"
                                                                     : "webhook not accepted");
}

// Fills `in` from the request; false (with `error` set) for an unknown channel.
bool ReadIncoming(Request& req, services::IncomingWebhook& in, Response& error) {
    auto kind = ParseChannelKind(std::string(req.PathParam("channel").value_or("")));
    if (!kind) {
        error = Response::Error(404, "not_found", "unknown channel");
        return false;
    }
    in.channel = *kind;
    in.webhook_key = std::string(req.PathParam("key").value_or(""));
    in.method = req.method == Method::kGet ? "GET" : "POST";
    in.body = std::move(req.body);
    for (const auto& [k, v] : req.headers.fields()) in.headers.emplace_back(k, v);
    in.query = req.query;
    return true;
}

}  // namespace

void RegisterWebhookRoutes(Router& router, services::WebhookService& webhooks) {
    RouteOptions opts;
    opts.name = "webhook";
    opts.max_body = 4u << 20;
    // The handshake (GET) is rare: a plain handler.
    router.Get(
        "/webhooks/{channel}/{key}",
        [&webhooks](Request& req) -> Response {
            services::IncomingWebhook in;
            Response error;
            if (!ReadIncoming(req, in, error)) return error;
            return ToResponse(webhooks.Accept(in), in.channel, in.body.size(), req.request_id);
        },
        opts);
    // Deliveries are the hot path: checked on the I/O thread, answered after the group commit
    // without holding a pool thread meanwhile.
    router.AddAsync(
        Method::kPost, "/webhooks/{channel}/{key}",
        [&webhooks](Request& req, AsyncReply reply) {
            auto in = std::make_shared<services::IncomingWebhook>();
            Response error;
            if (!ReadIncoming(req, *in, error)) {
                reply.reply(std::move(error));
                return;
            }
            const ChannelKind channel = in->channel;
            const std::size_t bytes = in->body.size();
            webhooks.AcceptAsync(
                in,
                [reply = reply.reply, channel, bytes,
                 request_id = req.request_id](services::WebhookReply r) {
                    reply(ToResponse(r, channel, bytes, request_id));
                },
                reply.offload);
        },
        opts);
}

}  // namespace hudhud::http::api
