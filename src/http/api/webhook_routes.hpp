#pragma once

#include "http/router.hpp"
#include "services/webhook_service.hpp"

namespace hudhud::http::api {

// GET (handshake) and POST (events) on /webhooks/{channel}/{webhook_key}: no user
// authentication; the platform's signature over the raw body is checked by the service.
void RegisterWebhookRoutes(Router& router, services::WebhookService& webhooks);

}  // namespace hudhud::http::api
