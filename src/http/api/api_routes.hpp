#pragma once

#include <string>

#include "http/api/api_common.hpp"
#include "http/router.hpp"
#include "jobs/job_queue.hpp"
#include "services/account_service.hpp"
#include "services/canned_response_service.hpp"
#include "services/contact_service.hpp"
#include "services/conversation_service.hpp"
#include "services/inbox_routing.hpp"
#include "services/inbox_service.hpp"
#include "services/media_service.hpp"
#include "services/outbound_message_service.hpp"
#include "services/search_service.hpp"
#include "services/template_service.hpp"
#include "services/workspace_service.hpp"

namespace hudhud::http::api {

// What the REST handlers use. References must outlive the router.
struct ApiServices {
    services::AccountService& accounts;
    services::WorkspaceService& workspaces;
    services::ContactService& contacts;
    services::InboxService& inboxes;
    jobs::JobQueue& jobs;
    services::ConversationService& conversations;
    services::OutboundMessageService& outbound;
    services::TemplateService& templates;
    std::string public_url;
    services::MediaService* media = nullptr;  // attachment routes; null: not registered
    services::SearchService* search = nullptr;  // search route; null: not registered
    services::CannedResponseService* canned = nullptr;  // canned responses; null: not registered
    services::InboxRoutingService* routing = nullptr;   // inbox members; null: not registered
};

// Registers every /api/v1 route (docs/api.md lists them).
void RegisterApiRoutes(Router& router, ApiAuth& auth, ApiServices& s);

void RegisterAccountRoutes(Router& router, ApiAuth& auth, ApiServices& s);
void RegisterWorkspaceRoutes(Router& router, ApiAuth& auth, ApiServices& s);
void RegisterContactRoutes(Router& router, ApiAuth& auth, ApiServices& s);
void RegisterInboxRoutes(Router& router, ApiAuth& auth, ApiServices& s);
void RegisterJobRoutes(Router& router, ApiAuth& auth, ApiServices& s);
void RegisterAttachmentRoutes(Router& router, ApiAuth& auth, services::MediaService& media);
void RegisterSearchRoutes(Router& router, ApiAuth& auth, services::SearchService& search);
// Conversations, their actions and counts; also canned responses and inbox members when set.
void RegisterConversationRoutes(Router& router, ApiAuth& auth, ApiServices& s);

}  // namespace hudhud::http::api
