#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "jobs/job.hpp"
#include "jobs/job_queue.hpp"
#include "net/http_client.hpp"
#include "secrets/keyring.hpp"
#include "storage/database.hpp"
#include "storage/repositories/template_repository.hpp"

namespace hudhud::services {

struct TemplateList {
    std::vector<storage::MessageTemplate> templates;
    std::optional<Timestamp> synced_at;
    std::optional<std::string> sync_error;
};

// WhatsApp message templates: synced from the WhatsApp Business Account (settings.waba_id) with
// the inbox's token, on connect and on demand, into message_templates; listed for agents and
// checked by OutboundMessageService before a template is sent. Thread-safe.
class TemplateService {
  public:
    static constexpr std::string_view kSyncJob = "templates.sync";

    struct Options {
        std::string graph_api_url = "https://graph.facebook.com";
        std::string graph_api_version = "v23.0";
        int max_pages = 20;  // 100 per page; a WABA holds at most 250
    };

    TemplateService(storage::Database& db, const Clock& clock, const secrets::Keyring& keyring,
                    jobs::JobQueue& jobs, const net::HttpClient& http, Options options);

    // Queues a sync (deduplicated while one is queued). kFailedPrecondition for an inbox that
    // is not WhatsApp or has no waba_id.
    Status RequestSync(WorkspaceId ws, InboxId inbox);
    // Fetches every page and replaces the stored set. The job calls it; so can tests.
    Status Sync(WorkspaceId ws, InboxId inbox);
    Result<TemplateList> List(WorkspaceId ws, InboxId inbox);

    Status ProcessSync(const jobs::JobContext& job);

  private:
    storage::Database& db_;
    const Clock& clock_;
    const secrets::Keyring& keyring_;
    jobs::JobQueue& jobs_;
    const net::HttpClient& http_;
    Options options_;
};

}  // namespace hudhud::services
