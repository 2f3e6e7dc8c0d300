#include "http/api/webhook_routes.hpp"

#include "log/log.hpp"

namespace hudhud::http::api {

void RegisterWebhookRoutes(Router& router, services::WebhookService& webhooks) {
    auto handle = [&webhooks](Request& req) -> Response {
        services::IncomingWebhook in;
        auto kind = ParseChannelKind(std::string(req.PathParam("channel").value_or("")));
        if (!kind) return Response::Error(404, "not_found", "unknown channel");
        in.channel = *kind;
        in.webhook_key = std::string(req.PathParam("key").value_or(""));
        in.method = req.method == Method::kGet ? "GET" : "POST";
        in.body = req.body;
        for (const auto& [k, v] : req.headers.fields()) in.headers.emplace_back(k, v);
        in.query = req.query;
        const services::WebhookReply reply = webhooks.Accept(in);
        nlohmann::json fields = {{"channel", ChannelKindName(in.channel)},
                                 {"status", reply.status},
                                 {"note", reply.note},
                                 {"bytes", in.body.size()},
                                 {"request_id", req.request_id}};
        if (reply.status >= 500) {
            log::Error("webhook.rejected", fields);
        } else if (reply.status >= 400 || reply.note != "accepted") {
            log::Warn("webhook.refused_or_dropped", fields);
        }
        if (reply.status == 200 && !reply.body.empty()) return Response::Text(200, reply.body);
        if (reply.status == 200) return Response::Json(200, {{"status", "ok"}});
        const char* code = reply.status == 401   ? "unauthenticated"
                           : reply.status == 403 ? "permission_denied"
                           : reply.status == 404 ? "not_found"
                           : reply.status == 400 ? "invalid_argument"
                           : reply.status == 503 ? "unavailable"
                                                 : "internal";
        // The platform sees a short reason; details stay in our log.
        return Response::Error(reply.status, code, reply.status == 401 ? "signature refused"
                                                   : reply.status == 404 ? "unknown webhook"
                                                                         : "webhook not accepted");
    };
    RouteOptions opts;
    opts.name = "webhook";
    opts.max_body = 4u << 20;
    router.Get("/webhooks/{channel}/{key}", handle, opts);
    router.Post("/webhooks/{channel}/{key}", handle, opts);
}

}  // namespace hudhud::http::api
