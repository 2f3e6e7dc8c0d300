#include "app/app.hpp"

#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <charconv>
#include <filesystem>
#include <fstream>

#include "app/storage_factory.hpp"
#include "channels/adapter_registry.hpp"
#include "channels/webchat/webchat_adapter.hpp"
#include "channels/whatsapp/whatsapp_adapter.hpp"
#include "http/api/api_common.hpp"
#include "http/api/api_routes.hpp"
#include "http/api/webhook_routes.hpp"
#include "http/api/widget_routes.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "http/ws_hub.hpp"
#include "jobs/job_queue.hpp"
#include "jobs/worker_pool.hpp"
#include "log/log.hpp"
#include "media/media_store.hpp"
#include "realtime/event_fanout.hpp"
#include "realtime/inbox_audience.hpp"
#include "realtime/journal_writer.hpp"
#include "secrets/master_key.hpp"
#include "services/account_service.hpp"
#include "services/audit_log.hpp"
#include "services/canned_response_service.hpp"
#include "services/inbox_routing.hpp"
#include "events/event_bus.hpp"
#include "net/http_client.hpp"
#include "services/contact_service.hpp"
#include "services/conversation_service.hpp"
#include "services/outbound_message_service.hpp"
#include "services/template_service.hpp"
#include "services/inbound_message_service.hpp"
#include "services/inbox_service.hpp"
#include "services/login_throttle.hpp"
#include "services/media_service.hpp"
#include "services/search_service.hpp"
#include "services/webchat_service.hpp"
#include "services/webhook_service.hpp"
#include "services/workspace_service.hpp"
#include "storage/postgres/postgres_listener.hpp"
#include "storage/repositories/auth_repository.hpp"

namespace hudhud::app {

namespace {

secrets::PasswordHashOptions HashCost(const std::string& name) {
    if (name == "min") return secrets::kPasswordHashMinimum;
    if (name == "moderate") return {3, 256ull * 1024 * 1024};
    return {};
}

// The dashboard's built files: --web-root, else web/dist beside the build folder or the cwd.
std::string FindWebRoot(const Config& c) {
    if (!c.web_root.empty()) return c.web_root;
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    std::vector<std::filesystem::path> candidates;
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "web" / "dist");
    candidates.emplace_back("web/dist");
    for (const auto& p : candidates) {
        if (std::filesystem::is_regular_file(p / "index.html", ec)) return p.string();
    }
    return "";
}

}  // namespace

struct App::Parts {
    Config config;
    SystemClock clock;
    std::unique_ptr<storage::Database> db;
    std::optional<secrets::Keyring> keyring;
    std::unique_ptr<services::AuditLog> audit;
    std::unique_ptr<services::LoginThrottle> throttle;
    std::unique_ptr<services::AccountService> accounts;
    std::unique_ptr<services::WorkspaceService> workspaces;
    std::unique_ptr<services::ContactService> contacts;
    std::unique_ptr<services::InboxService> inboxes;
    std::unique_ptr<jobs::JobQueue> jobs;
    std::unique_ptr<jobs::WorkerPool> workers;
    channels::AdapterRegistry adapters;
    events::EventBus events;
    std::unique_ptr<net::HttpClient> http_client;
    std::unique_ptr<services::ConversationService> conversations;
    std::unique_ptr<services::SearchService> search;
    std::unique_ptr<services::CannedResponseService> canned;
    std::unique_ptr<services::InboxRoutingService> routing;
    std::unique_ptr<services::OutboundMessageService> outbound;
    std::unique_ptr<services::TemplateService> templates;
    std::unique_ptr<services::InboundMessageService> inbound;
    std::unique_ptr<services::WebhookService> webhooks;
    std::unique_ptr<media::MediaStore> media_store;
    std::unique_ptr<services::MediaService> media;
    std::unique_ptr<http::api::ApiAuth> api_auth;
    std::unique_ptr<http::api::ApiServices> api;
    http::MetricsRegistry metrics;
    std::unique_ptr<http::WsHub> ws_hub;
    // Real time: the event journal, its fan-out to ws_hub, and other nodes' commits.
    std::unique_ptr<realtime::InboxAudience> audience;  // who receives each inbox's events
    std::unique_ptr<realtime::EventFanout> fanout;
    std::unique_ptr<realtime::JournalWriter> journal;
    std::unique_ptr<storage::postgres::PostgresListener> journal_listener;
    // Web Chat (declared before the server, which must stop first).
    std::unique_ptr<services::WebChatService> webchat;
    std::unique_ptr<http::WsHub> widget_hub;
    std::unique_ptr<http::api::WidgetGateway> widget;
    std::unique_ptr<http::Server> server;
};

namespace {

constexpr std::string_view kJournalPruneJob = "realtime.journal_prune";

// Real time (docs/decisions/0005-realtime-journal.md): committed events get their sequence
// number in the event journal and reach this node's agents from there, whichever node made
// them; typing goes out live only. Other nodes' commits arrive by LISTEN/NOTIFY on PostgreSQL.
// A client subscribing with "since" is replayed what it missed.
// Who receives an event about `inbox` (0: everyone subscribed). Fails closed: nobody, if
// the audience cannot be read.
realtime::Audience AudienceOf(realtime::InboxAudience& audience, WorkspaceId ws,
                              std::int64_t inbox) {
    auto who = audience.For(ws, inbox);
    if (who.ok()) return *who;
    log::Error("realtime.audience_failed", {{"error", who.error().message}});
    return std::make_shared<const std::vector<std::int64_t>>();
}

Status WireRealtime(App::Parts& p) {
    p.audience = std::make_unique<realtime::InboxAudience>(*p.db, p.clock);
    p.fanout = std::make_unique<realtime::EventFanout>(
        *p.db,
        [hub = p.ws_hub.get(), audience = p.audience.get()](const realtime::JournalEntry& e) {
            // Every node sees membership changes here, whoever made them.
            if (realtime::InboxAudience::Invalidates(e.type)) audience->Invalidate(e.workspace_id);
            if (hub->subscriber_count(e.workspace_id.value()) == 0) return;
            hub->Publish(e.workspace_id.value(),
                         realtime::EventFrame(e.type, e.workspace_id, e.seq, e.data_json), e.seq,
                         AudienceOf(*audience, e.workspace_id, e.inbox_id));
        },
        realtime::EventFanout::Options{});
    if (p.db->dialect() == storage::Dialect::kPostgres) {
        // Listening starts before the cursor is read, so no commit falls in between.
        auto* fanout = p.fanout.get();
        HH_ASSIGN_OR_RETURN(
            p.journal_listener,
            storage::postgres::PostgresListener::Start(
                {.conninfo = p.config.DatabaseUrl(), .channel = realtime::kNotifyChannel},
                [fanout](std::string_view payload) {
                    std::int64_t seq = 0;
                    std::from_chars(payload.data(), payload.data() + payload.size(), seq);
                    Status st = fanout->CatchUp(seq);
                    if (!st.ok()) {
                        log::Error("realtime.catch_up_failed", {{"error", st.error().message}});
                    }
                },
                [fanout] {
                    Status st = fanout->CatchUp();
                    if (!st.ok()) {
                        log::Error("realtime.catch_up_failed", {{"error", st.error().message}});
                    }
                }));
    }
    HH_RETURN_IF_ERROR(p.fanout->Start());
    p.journal = std::make_unique<realtime::JournalWriter>(
        *p.db, p.clock,
        [fanout = p.fanout.get()](const realtime::AppendResult& r) { fanout->OnAppended(r); },
        realtime::JournalWriter::Options{});
    p.journal->Start();
    p.events.Subscribe([hub = p.ws_hub.get(), journal = p.journal.get(),
                        audience = p.audience.get()](const events::Event& e) {
        if (!realtime::IsEphemeral(e.type)) {
            journal->Append(e);
            return;
        }
        if (hub->subscriber_count(e.workspace_id.value()) == 0) return;
        hub->Publish(e.workspace_id.value(),
                     realtime::EventFrame(e.type, e.workspace_id, 0, e.data_json), 0,
                     AudienceOf(*audience, e.workspace_id, e.inbox_id ? e.inbox_id->value() : 0));
    });
    p.ws_hub->SetReplay([fanout = p.fanout.get(), audience = p.audience.get()](
                            const http::WsPrincipal& who, std::int64_t ws,
                            std::int64_t since) -> Result<http::WsReplay> {
        HH_ASSIGN_OR_RETURN(auto replay, fanout->ReplayAfter(WorkspaceId(ws), since));
        http::WsReplay out;
        out.resync = replay.resync;
        out.through = replay.through;
        out.frames.reserve(replay.entries.size());
        for (const auto& e : replay.entries) {
            // What the client would not have received live, it is not replayed either.
            HH_ASSIGN_OR_RETURN(bool admitted,
                                audience->Admits(e.workspace_id, e.inbox_id, who.user_id));
            if (!admitted) continue;
            out.frames.push_back(realtime::EventFrame(e.type, e.workspace_id, e.seq, e.data_json));
        }
        return out;
    });

    // The journal keeps a day: enough for any reconnect; older clients resync.
    p.workers->Register(std::string(kJournalPruneJob), [db = p.db.get(), &clock = p.clock](
                                                           const jobs::JobContext&) -> Status {
        auto n = db->WriteValue([&](storage::Session& s) {
            return realtime::EventJournal::Prune(s, clock.Now() - std::chrono::hours(24));
        });
        if (!n.ok()) return n.error();
        return Ok();
    });
    HH_RETURN_IF_ERROR(p.jobs->SchedulePeriodic(WorkspaceId(0), std::string(kJournalPruneJob),
                                                "{}", std::chrono::minutes(10),
                                                std::string(kJournalPruneJob)));
    return Ok();
}

}  // namespace

App::App(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

App::~App() {
    if (!parts_) return;
    if (parts_->server) parts_->server->Stop();
    if (parts_->webhooks) parts_->webhooks->Stop();
    if (parts_->workers) parts_->workers->Stop();
    if (parts_->journal_listener) parts_->journal_listener->Stop();
    if (parts_->journal) parts_->journal->Stop();
    if (parts_->search) parts_->search->StopIndexer();
    if (parts_->db) parts_->db->Close();
}

Result<std::unique_ptr<App>> App::Create(const Config& config) {
    auto p = std::make_unique<Parts>();
    p->config = config;
    const auto started = std::chrono::steady_clock::now();

    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) {
        return Error::Unavailable("cannot create data folder " + config.data_dir + ": " +
                                  ec.message());
    }
    ::chmod(config.data_dir.c_str(), 0700);

    DatabaseOptions dbo;
    dbo.url = config.DatabaseUrl();
    dbo.pool_size = config.db_pool_size;
    HH_ASSIGN_OR_RETURN(p->db, OpenDatabase(dbo));

    HH_ASSIGN_OR_RETURN(auto keyring, secrets::LoadOrCreateMasterKey(
                                          {config.MasterKeyFile(),
                                           secrets::MasterKeyFromEnvironment()}));
    p->keyring.emplace(std::move(keyring));

    p->audit = std::make_unique<services::AuditLog>(*p->db, p->clock);
    p->throttle = std::make_unique<services::LoginThrottle>(p->clock,
                                                            services::LoginThrottle::Options{});
    services::AccountService::Options ao;
    ao.password_hash = HashCost(config.password_hash_cost);
    p->accounts = std::make_unique<services::AccountService>(*p->db, p->clock, *p->audit,
                                                             *p->throttle, ao);
    p->workspaces = std::make_unique<services::WorkspaceService>(
        *p->db, p->clock, *p->audit, *p->accounts, services::WorkspaceService::Options{},
        &p->events);
    p->contacts = std::make_unique<services::ContactService>(*p->db, p->clock, *p->audit);
    p->inboxes =
        std::make_unique<services::InboxService>(*p->db, p->clock, *p->audit, *p->keyring,
                                                 &p->events);

    p->jobs = std::make_unique<jobs::JobQueue>(*p->db, p->clock);
    jobs::WorkerPool::Options wo;
    wo.threads = config.job_workers;
    p->workers = std::make_unique<jobs::WorkerPool>(*p->db, *p->jobs, p->clock, wo);
    // A committed enqueue wakes the workers at once instead of waiting for the next poll.
    p->jobs->SetEnqueueListener([w = p->workers.get()] { w->Notify(); });
    p->workers->Register("sessions.cleanup", [db = p->db.get(), &clock = p->clock](
                                                 const jobs::JobContext&) -> Status {
        auto n = db->WriteValue([&](storage::Session& s) {
            return storage::SessionRepository::DeleteExpired(s, clock.Now());
        });
        if (!n.ok()) return n.error();
        return Ok();
    });
    HH_RETURN_IF_ERROR(p->adapters.Register(std::make_unique<channels::whatsapp::WhatsAppAdapter>()));
    p->inbound = std::make_unique<services::InboundMessageService>(*p->db, p->clock, &p->events);
    // Search: rows older than the index get indexed before the server answers.
    p->search = std::make_unique<services::SearchService>(*p->db);
    HH_RETURN_IF_ERROR(p->search->Backfill());
    p->search->StartIndexer();

    // Outbound: agent replies, read receipts and template sync, through the platforms' APIs.
    p->http_client = std::make_unique<net::HttpClient>();
    // The shared inbox: conversation actions (snoozes reopen through a job), canned responses
    // and who works each inbox.
    p->conversations = std::make_unique<services::ConversationService>(
        *p->db, p->clock, *p->audit, p->jobs.get(), &p->events);
    p->workers->Register(std::string(services::ConversationService::kUnsnoozeJob),
                         [c = p->conversations.get()](const jobs::JobContext& job) {
                             return c->ProcessUnsnooze(job);
                         });
    p->canned = std::make_unique<services::CannedResponseService>(*p->db, p->clock, *p->audit);
    p->routing = std::make_unique<services::InboxRoutingService>(*p->db, *p->audit, &p->events);
    services::OutboundMessageService::Options oo;
    oo.graph_api_url = config.graph_api_url;
    oo.graph_api_version = config.graph_api_version;
    oo.default_messages_per_second = config.whatsapp_mps;
    p->outbound = std::make_unique<services::OutboundMessageService>(
        *p->db, p->clock, *p->keyring, p->adapters, *p->jobs, *p->http_client, &p->events, oo);
    p->workers->Register(std::string(services::OutboundMessageService::kSendJob),
                         [o = p->outbound.get()](const jobs::JobContext& job) {
                             return o->ProcessSend(job);
                         });
    p->workers->Register(std::string(services::OutboundMessageService::kMarkReadJob),
                         [o = p->outbound.get()](const jobs::JobContext& job) {
                             return o->ProcessMarkRead(job);
                         });
    services::TemplateService::Options to;
    to.graph_api_url = config.graph_api_url;
    to.graph_api_version = config.graph_api_version;
    p->templates = std::make_unique<services::TemplateService>(*p->db, p->clock, *p->keyring,
                                                               *p->jobs, *p->http_client, to);
    p->workers->Register(std::string(services::TemplateService::kSyncJob),
                         [t = p->templates.get()](const jobs::JobContext& job) {
                             return t->ProcessSync(job);
                         });
    p->webhooks = std::make_unique<services::WebhookService>(*p->db, p->clock, *p->keyring,
                                                             p->adapters, *p->inbound);
    p->events.Subscribe([w = p->webhooks.get()](const events::Event& e) {
        if (e.type == "inbox.updated") w->ForgetCachedInboxes();
    });
    p->workers->Register(std::string(services::WebhookService::kJobType),
                         [w = p->webhooks.get()](const jobs::JobContext& job) {
                             return w->Process(job);
                         });

    // Media: content-addressed files under <data_dir>/media; inbound media is fetched by a job.
    p->media_store = std::make_unique<media::MediaStore>(
        std::filesystem::path(config.data_dir) / "media");
    services::MediaServiceOptions mo;
    mo.graph_api_url = config.graph_api_url;
    mo.graph_api_version = config.graph_api_version;
    mo.max_download_bytes = config.media_max_bytes;
    mo.max_upload_bytes = config.upload_max_bytes;
    p->media = std::make_unique<services::MediaService>(*p->db, p->clock, *p->keyring,
                                                        *p->media_store, *p->http_client, mo);
    p->inbound->EnableMediaDownloads(*p->jobs);
    p->outbound->EnableAttachments(*p->media_store);
    p->workers->Register(std::string(services::MediaService::kJobType),
                         [m = p->media.get()](const jobs::JobContext& job) {
                             return m->Download(job);
                         });

    HH_RETURN_IF_ERROR(p->jobs->SchedulePeriodic(WorkspaceId(0), "sessions.cleanup", "{}",
                                                 std::chrono::hours(1), "sessions.cleanup"));
    p->metrics.AddGauge("hudhud_jobs_queue_depth", "Jobs waiting to run",
                        [q = p->jobs.get()] { return static_cast<double>(q->QueuedCount()); });

    // HTTP.
    p->api_auth = std::make_unique<http::api::ApiAuth>(*p->accounts);
    p->api.reset(new http::api::ApiServices{*p->accounts, *p->workspaces, *p->contacts,
                                            *p->inboxes, *p->jobs, *p->conversations,
                                            *p->outbound, *p->templates, config.PublicUrl()});
    p->api->media = p->media.get();
    p->api->search = p->search.get();
    p->api->canned = p->canned.get();
    p->api->routing = p->routing.get();
    http::Router router;
    router.Get("/healthz",
               [](http::Request&) { return http::Response::Json(200, {{"status", "ok"}}); },
               {.inline_handler = true, .access_log = false});
    router.Get("/readyz", [db = p->db.get()](http::Request&) {
        Status st = db->Ping();
        if (!st.ok()) {
            return http::Response::Json(503, {{"status", "unavailable"},
                                              {"storage", st.error().message}});
        }
        return http::Response::Json(200, {{"status", "ready"}, {"storage", "ok"}});
    }, {.access_log = false});
    router.Get("/metrics",
               [m = &p->metrics](http::Request&) {
                   return http::Response::Text(200, m->Render(),
                                               http::MetricsRegistry::kContentType);
               },
               {.inline_handler = true, .access_log = false});
    http::api::RegisterApiRoutes(router, *p->api_auth, *p->api);
    http::api::RegisterWebhookRoutes(router, *p->webhooks);

    const std::string web_root = FindWebRoot(config);
    if (!web_root.empty()) {
        http::StaticFilesOptions so;
        so.root = web_root;
        HH_ASSIGN_OR_RETURN(auto files, http::StaticFiles::Create(so));
        router.SetFallback(files.AsHandler(), {.name = "static"});
    } else {
        log::Warn("web.dashboard_missing",
                  {{"hint", "run `make build` to build web/dist, or pass --web-root"}});
    }

    p->ws_hub = std::make_unique<http::WsHub>(http::WsOptions{}, &p->metrics);
    p->ws_hub->SetAuthenticate(
        [auth = p->api_auth.get()](const http::Request& req) -> Result<http::WsPrincipal> {
            HH_ASSIGN_OR_RETURN(auto principal, auth->Authenticate(req));
            http::WsPrincipal wp;
            wp.user_id = principal.user.id.value();
            wp.context = std::make_shared<services::Principal>(std::move(principal));
            return wp;
        });
    p->ws_hub->SetCanSubscribe([accounts = p->accounts.get()](const http::WsPrincipal& wp,
                                                              std::int64_t ws) {
        auto principal = std::static_pointer_cast<services::Principal>(wp.context);
        return principal && ws > 0 &&
               accounts->Authorize(*principal, WorkspaceId(ws), Role::kAgent).ok();
    });

    HH_RETURN_IF_ERROR(WireRealtime(*p));

    // Web Chat: the public widget API and frame, the visitors' WebSocket hub fed from the event
    // bus, offline detection from the agents' hub, and agents' typing published for visitors:
    // {"type":"typing","workspace_id":7,"conversation_id":42,"on":true} on the agents' socket.
    HH_RETURN_IF_ERROR(
        p->adapters.Register(std::make_unique<channels::webchat::WebChatAdapter>()));
    p->webchat = std::make_unique<services::WebChatService>(
        *p->db, p->clock, *p->keyring, *p->inbound, *p->media, &p->events,
        [hub = p->ws_hub.get()](WorkspaceId ws) { return hub->subscriber_count(ws.value()) > 0; },
        services::WebChatService::Options{});
    p->widget_hub =
        std::make_unique<http::WsHub>(http::api::WidgetGateway::HubOptions(), &p->metrics);
    p->widget = std::make_unique<http::api::WidgetGateway>(
        *p->webchat, *p->widget_hub, p->clock,
        http::api::WidgetOptions{.web_root = web_root, .public_url = config.PublicUrl()});
    p->widget->AttachHub();
    p->widget->Register(router);
    p->events.Subscribe([w = p->widget.get()](const events::Event& e) { w->OnEvent(e); });
    p->ws_hub->SetOnMessage([accounts = p->accounts.get(), conversations = p->conversations.get(),
                             bus = &p->events](http::WsConnection& c, const nlohmann::json& msg) {
        if (msg.value("type", "") != "typing") {
            c.Send(R"({"type":"error","code":"unknown_type"})");
            return;
        }
        auto principal = std::static_pointer_cast<services::Principal>(c.principal().context);
        const auto ws = msg.value("workspace_id", std::int64_t{0});
        const auto conversation = msg.value("conversation_id", std::int64_t{0});
        std::optional<storage::ConversationRow> row;
        if (principal && ws > 0 && conversation > 0) {
            // Only about a conversation the agent may see; its inbox decides who hears it.
            auto access = accounts->Authorize(*principal, WorkspaceId(ws), Role::kAgent);
            if (access.ok()) {
                auto found = conversations->Get(*access, ConversationId(conversation));
                if (found.ok()) row = std::move(found).value();
            }
        }
        if (!row) {
            c.Send(R"({"type":"error","code":"invalid_message"})");
            return;
        }
        events::Event e;
        e.inbox_id = row->inbox_id;
        e.workspace_id = WorkspaceId(ws);
        e.type = msg.value("on", true) ? "conversation.typing_on" : "conversation.typing_off";
        e.conversation_id = ConversationId(conversation);
        e.data_json = nlohmann::json{{"conversation_id", conversation},
                                     {"sender_kind", "agent"},
                                     {"sender_id", c.principal().user_id}}
                          .dump();
        bus->Publish(e);
    });

    http::ServerOptions so;
    HH_ASSIGN_OR_RETURN(auto listen, ParseListen(config.listen));
    so.host = listen.first;
    so.port = listen.second;
    so.io_threads = config.io_threads;
    so.handler_threads = config.handler_threads;
    so.max_body_bytes = config.max_body_bytes;
    so.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
    so.shutdown_timeout = std::chrono::seconds(config.shutdown_grace_seconds);
    so.tls_cert_file = config.tls_cert_file;
    so.tls_key_file = config.tls_key_file;
    p->server = std::make_unique<http::Server>(
        so, std::move(router), p->metrics,
        std::vector<http::WsHub*>{p->ws_hub.get(), p->widget_hub.get()});

    log::Info("app.created",
              {{"database", config.DatabaseUrl().rfind("sqlite:", 0) == 0 ? config.DatabaseUrl()
                                                                          : "postgres"},
               {"web_root", web_root},
               {"build_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count()}});
    return std::unique_ptr<App>(new App(std::move(p)));
}

Status App::Run() {
    auto& p = *parts_;
    const auto started = std::chrono::steady_clock::now();
    HH_RETURN_IF_ERROR(p.server->Start());
    p.workers->Start();
    p.webhooks->Start();
    const auto port = p.server->port();
    if (!p.config.port_file.empty()) {
        const std::string tmp = p.config.port_file + ".tmp";
        std::ofstream(tmp) << port << "\n";
        std::filesystem::rename(tmp, p.config.port_file);
    }
    log::Info("server.listening",
              {{"listen", p.config.listen},
               {"port", port},
               {"tls", p.config.tls()},
               {"ready_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count()}});

    boost::asio::io_context signals_ctx;
    boost::asio::signal_set signals(signals_ctx, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int signo) {
        log::Info("server.stopping", {{"signal", signo}});
    });
    signals_ctx.run();

    p.server->Stop();
    p.webhooks->Stop();
    p.workers->Stop();
    if (p.journal_listener) p.journal_listener->Stop();
    p.journal->Stop();
    p.search->StopIndexer();
    p.db->Close();
    log::Info("server.stopped");
    log::Flush();
    return Ok();
}

}  // namespace hudhud::app
