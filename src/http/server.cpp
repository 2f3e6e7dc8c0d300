#include "http/server.hpp"

#include <openssl/ssl.h>

#include <array>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <unordered_set>

#include "http/detail/ws_session_base.hpp"
#include "http/error_mapping.hpp"
#include "http/request_id.hpp"
#include "http/ws_hub.hpp"
#include "log/log.hpp"

namespace hudhud::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Set on the server's I/O threads and on pool threads while they run one of its callbacks, so
// Stop() can tell it must not wait for itself.
thread_local const void* tl_owner = nullptr;

auto Redirect(beast::error_code& ec) { return asio::redirect_error(asio::use_awaitable, ec); }

Method FromVerb(bhttp::verb v) {
    switch (v) {
        case bhttp::verb::get:
            return Method::kGet;
        case bhttp::verb::head:
            return Method::kHead;
        case bhttp::verb::post:
            return Method::kPost;
        case bhttp::verb::put:
            return Method::kPut;
        case bhttp::verb::patch:
            return Method::kPatch;
        case bhttp::verb::delete_:
            return Method::kDelete;
        case bhttp::verb::options:
            return Method::kOptions;
        default:
            return Method::kOther;
    }
}

// Runs fn() on the handler pool while the calling coroutine waits on its own strand. fn must
// not throw. The coroutine's completion handler never leaves the strand: the pool only computes
// the result and then wakes the coroutine by cancelling a timer through the strand. (Moving the
// awaitable's handler through a pool thread was where Boost 1.74's any_executor double release,
// docs/decisions/0003, showed up first; this shape keeps every executor copy on the strand.)
template <typename F>
asio::awaitable<std::invoke_result_t<F&>> RunOnPool(asio::thread_pool& pool, const void* owner,
                                                    F fn) {
    using R = std::invoke_result_t<F&>;
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer done(ex, asio::steady_timer::time_point::max());
    std::optional<R> result;
    // The frame (and so `fn`, `result`, `done`) stays alive until `done` fires: only the strand
    // can complete the wait, and Server::Impl joins the pool before the io_context goes away.
    asio::post(pool, [&fn, &result, &done, ex, owner] {
        tl_owner = owner;
        result.emplace(fn());
        tl_owner = nullptr;
        asio::post(ex, [&done] { done.cancel(); });
    });
    beast::error_code ec;
    co_await done.async_wait(Redirect(ec));
    co_return std::move(*result);
}

void LogCoroutineFailure(std::exception_ptr e, std::string_view what) {
    if (!e) return;
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& ex) {
        log::Error("http.coroutine_failed", {{"where", what}, {"error", ex.what()}});
    } catch (...) {
        log::Error("http.coroutine_failed", {{"where", what}, {"error", "unknown"}});
    }
}

bool IsQuietDisconnect(const beast::error_code& ec) {
    return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
           ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
           ec == asio::error::bad_descriptor || ec == asio::error::broken_pipe ||
           ec == beast::error::timeout || ec == asio::ssl::error::stream_truncated ||
           ec == asio::error::not_connected;
}

bool IsHttpParseError(const beast::error_code& ec) {
    return &ec.category() == &bhttp::make_error_code(bhttp::error::bad_target).category();
}

// Per (route, method, status) counters, found without the registry mutex after first use.
struct RouteStats {
    struct Slot {
        std::atomic<std::uint32_t> key{0};
        std::atomic<Counter*> counter{nullptr};
    };
    std::string name;
    Histogram* duration = nullptr;
    std::array<Slot, 32> slots;
};

// Server-side bookkeeping of one TCP connection, touched only on the connection's strand except
// for the registry membership.
struct WsUpgrade {
    bhttp::request<bhttp::string_body> request;
    WsPrincipal principal;
    WsHub* hub = nullptr;
};

struct ConnState {
    asio::any_io_executor executor;
    beast::tcp_stream* stream = nullptr;  // nullptr once the connection is finished
    bool idle = false;                    // waiting for the first byte of a request
    bool websocket = false;
};

}  // namespace

struct Server::Impl {
    Impl(ServerOptions o, Router r, MetricsRegistry& m, std::vector<WsHub*> h);

    ServerOptions options;
    Router router;
    MetricsRegistry& metrics;
    std::vector<WsHub*> hubs;  // distinct paths; checked in the constructor
    int io_thread_count;
    std::size_t max_body_any;

    asio::io_context ioc;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::unique_ptr<asio::ssl::context> ssl;
    std::unique_ptr<asio::thread_pool> pool;
    tcp::acceptor acceptor;
    std::vector<std::thread> threads;

    std::atomic<std::uint16_t> bound_port{0};
    std::atomic<bool> stopping{false};

    std::mutex conns_mu;
    std::condition_variable conns_cv;
    std::unordered_set<std::shared_ptr<ConnState>> conns;

    Gauge& connections_gauge;
    Counter& rejected_connections;
    std::vector<std::unique_ptr<RouteStats>> route_stats;  // by Route::index
    std::unique_ptr<RouteStats> unmatched_stats;
    std::unique_ptr<RouteStats> ws_stats;
    std::atomic<std::int64_t> last_reject_log_ms{0};

    std::mutex stop_mu;
    std::condition_variable stop_cv;
    bool started = false;
    bool stop_requested = false;
    bool stop_done = false;
    std::thread stopper;

    Status Start();
    void RequestStop();
    void WaitStopped();
    void DoStop();

    std::unique_ptr<RouteStats> MakeStats(std::string name);
    Counter& RequestCounter(RouteStats& stats, Method method, int status);
    void Record(RouteStats& stats, const Request& req, int status, std::size_t bytes_out,
                Clock::time_point start, bool access_log, std::string_view detail);
    Response Invoke(const Route& route, Request& req);
    asio::awaitable<Response> InvokeAsync(const Route& route, Request& req);

    asio::awaitable<void> AcceptLoop();
    asio::awaitable<void> HandleConnection(tcp::socket socket);
    asio::awaitable<void> RejectConnection(tcp::socket socket);
    // Returns the accepted upgrade when the connection turns into a WebSocket; the session's
    // frame (parser, buffers, request) is gone by the time the WebSocket runs.
    template <class Stream>
    asio::awaitable<std::optional<WsUpgrade>> HttpSession(Stream& stream,
                                                          std::shared_ptr<ConnState> state,
                                                          const std::string& remote, bool secure);
    template <class Stream>
    asio::awaitable<std::size_t> WriteResponse(Stream& stream, Response& resp,
                                               const std::string& request_id, bool keep_alive,
                                               bool head, beast::error_code& ec);
    template <class Stream>
    asio::awaitable<void> CloseStream(Stream& stream, bool linger);
    template <class Stream>
    asio::awaitable<void> RunWebSocket(Stream& stream, std::shared_ptr<ConnState> state,
                                       WsUpgrade upgrade);
    WsHub* HubFor(std::string_view path) const {
        for (WsHub* h : hubs) {
            if (h->options().path == path) return h;
        }
        return nullptr;
    }
};

namespace {

std::atomic<std::uint64_t> g_next_ws_id{0};

// One WebSocket connection: a reader coroutine that handles client messages in order, and a
// writer coroutine that exists only while the outbound queue is non-empty. All state is on the
// connection's strand.
template <class Stream>
class WsSession final : public detail::WsSessionBase,
                        public std::enable_shared_from_this<WsSession<Stream>> {
  public:
    WsSession(Stream&& stream, WsHub& hub, Server::Impl& server, WsPrincipal principal)
        : ws_(std::move(stream)),
          hub_(hub),
          server_(server),
          principal_(std::move(principal)),
          id_(g_next_ws_id.fetch_add(1) + 1) {}

    websocket::stream<Stream>& ws() { return ws_; }
    std::uint64_t id() const override { return id_; }
    const WsPrincipal& principal() const override { return principal_; }

    void Send(std::string json_text) override {
        SendShared(std::make_shared<const std::string>(std::move(json_text)));
    }

    void SendShared(std::shared_ptr<const std::string> text) override {
        asio::post(ws_.get_executor(),
                   [self = this->shared_from_this(), text = std::move(text)]() mutable {
                       self->Enqueue(std::move(text));
                   });
    }

    void Close() override {
        asio::post(ws_.get_executor(), [self = this->shared_from_this()] { self->StartClose(); });
    }

    asio::awaitable<void> Run(bhttp::request<bhttp::string_body> upgrade);

  private:
    void Reply(const nlohmann::json& j) {
        Enqueue(std::make_shared<const std::string>(
            j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
    void ReplyError(std::string_view code, std::string_view message) {
        Reply({{"type", "error"}, {"code", code}, {"message", message}});
    }

    void Enqueue(std::shared_ptr<const std::string> text) {
        if (closing_) return;
        const WsOptions& o = hub_.options();
        if (pending_ + 1 > o.max_queued_messages ||
            pending_bytes_ + text->size() > o.max_queued_bytes) {
            log::Warn("ws.slow_client_dropped", {{"connection_id", id_},
                                                 {"user_id", principal_.user_id},
                                                 {"queued_messages", pending_},
                                                 {"queued_bytes", pending_bytes_}});
            if (Counter* c = detail::WsHubAccess::dropped_slow(hub_)) c->Increment();
            Abort();
            return;
        }
        ++pending_;
        pending_bytes_ += text->size();
        queue_.push_back(std::move(text));
        if (!writing_) {
            writing_ = true;
            asio::co_spawn(ws_.get_executor(), WriteLoop(this->shared_from_this()),
                           [](std::exception_ptr e) { LogCoroutineFailure(e, "ws.write"); });
        }
    }

    static asio::awaitable<void> WriteLoop(std::shared_ptr<WsSession> self) {
        beast::error_code ec;
        while (!self->queue_.empty() && !self->closing_) {
            std::vector<std::shared_ptr<const std::string>> batch;
            batch.swap(self->queue_);
            for (auto& text : batch) {
                if (self->closing_) break;
                co_await self->ws_.async_write(asio::buffer(*text), Redirect(ec));
                --self->pending_;
                self->pending_bytes_ -= text->size();
                if (ec) {
                    self->Abort();
                    break;
                }
                if (Counter* c = detail::WsHubAccess::messages_sent(self->hub_)) c->Increment();
            }
        }
        self->queue_.clear();
        self->writing_ = false;
    }

    void StartClose() {
        if (closing_) return;
        closing_ = true;
        // A client that does not answer the close frame promptly is cut off after a second
        // rather than holding up a server shutdown.
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = std::chrono::seconds(1);
        timeouts.idle_timeout = hub_.options().idle_timeout;
        timeouts.keep_alive_pings = true;
        ws_.set_option(timeouts);
        asio::co_spawn(
            ws_.get_executor(),
            [self = this->shared_from_this()]() -> asio::awaitable<void> {
                beast::error_code ec;
                co_await self->ws_.async_close(websocket::close_code::going_away, Redirect(ec));
            },
            asio::detached);
    }

    void Abort() {
        closing_ = true;
        beast::get_lowest_layer(ws_).close();
    }

    asio::awaitable<void> HandleMessage(const std::string& text);

    websocket::stream<Stream> ws_;
    WsHub& hub_;
    Server::Impl& server_;
    WsPrincipal principal_;
    std::uint64_t id_;
    std::vector<std::shared_ptr<const std::string>> queue_;
    std::size_t pending_ = 0;  // queued or being written
    std::size_t pending_bytes_ = 0;
    bool writing_ = false;
    bool closing_ = false;
};

template <class Stream>
asio::awaitable<void> WsSession<Stream>::Run(bhttp::request<bhttp::string_body> upgrade) {
    const WsOptions& o = hub_.options();
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = o.handshake_timeout;
    timeouts.idle_timeout = o.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(o.max_inbound_message_bytes);
    ws_.auto_fragment(false);
    ws_.text(true);

    beast::error_code ec;
    co_await ws_.async_accept(upgrade, Redirect(ec));
    if (ec) co_return;
    upgrade = {};
    detail::WsHubAccess::Register(hub_, this);
    log::Debug("ws.connected", {{"connection_id", id_}, {"user_id", principal_.user_id}});

    beast::flat_buffer buffer;
    while (true) {
        co_await ws_.async_read(buffer, Redirect(ec));
        if (ec) break;
        if (!ws_.got_text()) {
            buffer.consume(buffer.size());
            ReplyError("invalid_message", "binary frames are not supported");
            continue;
        }
        std::string text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        // Idle connections should hold no read buffer: 10k of them must stay cheap.
        if (buffer.capacity() > 4096) buffer.shrink_to_fit();
        co_await HandleMessage(text);
    }
    closing_ = true;
    detail::WsHubAccess::Unregister(hub_, this);
    queue_.clear();
    beast::get_lowest_layer(ws_).close();
    log::Debug("ws.disconnected", {{"connection_id", id_}, {"reason", ec.message()}});
    if (const WsOnClose& on_close = detail::WsHubAccess::on_close(hub_)) {
        co_await RunOnPool(*server_.pool, &server_, [this, &on_close] {
            try {
                on_close(*this);
            } catch (const std::exception& e) {
                log::Error("ws.on_close_failed", {{"error", e.what()}});
            } catch (...) {
                log::Error("ws.on_close_failed", {{"error", "unknown"}});
            }
            return true;
        });
    }
}

template <class Stream>
asio::awaitable<void> WsSession<Stream>::HandleMessage(const std::string& text) {
    nlohmann::json msg = nlohmann::json::parse(text, nullptr, false);
    if (msg.is_discarded() || !msg.is_object()) {
        ReplyError("invalid_message", "expected a JSON object");
        co_return;
    }
    auto type_it = msg.find("type");
    if (type_it == msg.end() || !type_it->is_string()) {
        ReplyError("invalid_message", "field 'type' must be a string");
        co_return;
    }
    const std::string& type = type_it->get_ref<const std::string&>();
    if (type == "ping") {
        nlohmann::json pong = {{"type", "pong"}};
        if (auto id = msg.find("id"); id != msg.end()) pong["id"] = *id;
        Reply(pong);
        co_return;
    }
    if (type == "subscribe" || type == "unsubscribe") {
        auto ws_it = msg.find("workspace_id");
        if (ws_it == msg.end() || !ws_it->is_number_integer() || ws_it->get<std::int64_t>() <= 0) {
            ReplyError("invalid_message", "field 'workspace_id' must be a positive integer");
            co_return;
        }
        std::int64_t workspace = ws_it->get<std::int64_t>();
        std::optional<std::int64_t> since;
        if (auto since_it = msg.find("since"); type == "subscribe" && since_it != msg.end()) {
            if (!since_it->is_number_integer() || since_it->get<std::int64_t>() < 0) {
                ReplyError("invalid_message", "field 'since' must be a non-negative integer");
                co_return;
            }
            since = since_it->get<std::int64_t>();
        }
        if (type == "unsubscribe") {
            detail::WsHubAccess::Unsubscribe(hub_, this, workspace);
            Reply({{"type", "unsubscribed"}, {"workspace_id", workspace}});
            co_return;
        }
        bool allowed = false;
        if (const WsCanSubscribe& can = detail::WsHubAccess::can_subscribe(hub_)) {
            allowed = co_await RunOnPool(*server_.pool, &server_, [this, &can, workspace] {
                try {
                    return can(principal_, workspace);
                } catch (const std::exception& e) {
                    log::Error("ws.can_subscribe_failed", {{"error", e.what()}});
                } catch (...) {
                    log::Error("ws.can_subscribe_failed", {{"error", "unknown"}});
                }
                return false;
            });
        }
        if (closing_) co_return;
        if (!allowed) {
            Reply({{"type", "error"},
                   {"code", "not_found"},
                   {"message", "workspace not found"},
                   {"workspace_id", workspace}});
            co_return;
        }
        auto r = detail::WsHubAccess::Subscribe(hub_, this, workspace, since.has_value());
        if (r == detail::WsHubAccess::SubscribeResult::kTooMany) {
            Reply({{"type", "error"},
                   {"code", "too_many_subscriptions"},
                   {"message", "subscription limit reached"},
                   {"workspace_id", workspace}});
            co_return;
        }
        Reply({{"type", "subscribed"}, {"workspace_id", workspace}});
        // Already live (kAlready): a replay would repeat what the client has.
        if (since && r == detail::WsHubAccess::SubscribeResult::kOk) {
            co_await RunOnPool(*server_.pool, &server_, [this, workspace, s = *since] {
                detail::WsHubAccess::FinishReplay(hub_, this, workspace, s);
                return true;
            });
        }
        co_return;
    }
    const WsOnMessage& on_message = detail::WsHubAccess::on_message(hub_);
    if (!on_message) {
        ReplyError("unknown_type", "unknown message type");
        co_return;
    }
    co_await RunOnPool(*server_.pool, &server_, [this, &on_message, &msg] {
        try {
            on_message(*this, msg);
        } catch (const std::exception& e) {
            log::Error("ws.on_message_failed", {{"error", e.what()}});
        } catch (...) {
            log::Error("ws.on_message_failed", {{"error", "unknown"}});
        }
        return true;
    });
}

std::string_view TrimView(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

Server::Impl::Impl(ServerOptions o, Router r, MetricsRegistry& m, std::vector<WsHub*> h)
    : options(std::move(o)),
      router(std::move(r)),
      metrics(m),
      hubs(std::move(h)),
      io_thread_count(options.io_threads > 0
                          ? options.io_threads
                          : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))),
      max_body_any(options.max_body_bytes),
      ioc(io_thread_count),
      acceptor(asio::make_strand(ioc)),
      connections_gauge(m.GetGauge("hudhud_http_connections", "Open HTTP/WebSocket connections")),
      rejected_connections(m.GetCounter("hudhud_http_rejected_connections_total",
                                        "Connections refused at the connection limit")) {
    for (const auto& route : router.routes()) {
        max_body_any = std::max(max_body_any, route->options.max_body);
        route_stats.push_back(MakeStats(route->options.name));
    }
    unmatched_stats = MakeStats("unmatched");
    std::erase(hubs, nullptr);
    for (std::size_t i = 0; i < hubs.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            // Two hubs on one path is a wiring bug: the second could never be reached.
            assert(hubs[i]->options().path != hubs[j]->options().path);
        }
    }
    if (!hubs.empty()) ws_stats = MakeStats("websocket");
}

std::unique_ptr<RouteStats> Server::Impl::MakeStats(std::string name) {
    auto stats = std::make_unique<RouteStats>();
    stats->duration = &metrics.GetHistogram("hudhud_http_request_duration_seconds",
                                            "Time from request headers to response written",
                                            DefaultLatencyBuckets(), {{"route", name}});
    stats->name = std::move(name);
    return stats;
}

Counter& Server::Impl::RequestCounter(RouteStats& stats, Method method, int status) {
    auto lookup = [&]() -> Counter& {
        return metrics.GetCounter("hudhud_http_requests_total", "HTTP requests by outcome",
                                  {{"route", stats.name},
                                   {"method", std::string(MethodName(method))},
                                   {"status", std::to_string(status)}});
    };
    std::uint32_t key = ((static_cast<std::uint32_t>(method) + 1) << 16) |
                        static_cast<std::uint32_t>(status & 0xFFFF);
    std::size_t h = (key * 2654435761u) >> 27;
    for (std::size_t i = 0; i < stats.slots.size(); ++i) {
        RouteStats::Slot& slot = stats.slots[(h + i) & (stats.slots.size() - 1)];
        std::uint32_t k = slot.key.load(std::memory_order_acquire);
        if (k == 0) {
            if (slot.key.compare_exchange_strong(k, key, std::memory_order_acq_rel)) {
                Counter* c = &lookup();
                slot.counter.store(c, std::memory_order_release);
                return *c;
            }
        }
        if (k == key) {
            if (Counter* c = slot.counter.load(std::memory_order_acquire)) return *c;
            return lookup();
        }
    }
    return lookup();
}

void Server::Impl::Record(RouteStats& stats, const Request& req, int status, std::size_t bytes_out,
                          Clock::time_point start, bool access_log, std::string_view detail) {
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    stats.duration->Observe(seconds);
    RequestCounter(stats, req.method, status).Increment();
    if (!access_log || !options.access_log || !log::Enabled(log::Level::kInfo)) return;
    nlohmann::json fields = {
        {"method", req.method_name},
        {"path", req.path.size() > 512 ? req.path.substr(0, 512) : req.path},
        {"route", stats.name},
        {"status", status},
        {"duration_ms", std::round(seconds * 1e6) / 1e3},
        {"bytes_out", bytes_out},
        {"request_id", req.request_id},
        {"remote", req.remote_address},
    };
    if (auto ua = req.Header("User-Agent")) fields["user_agent"] = ua->substr(0, 256);
    if (!detail.empty()) fields["error"] = detail;
    log::Write(log::Level::kInfo, "http.request", fields);
}

Response Server::Impl::Invoke(const Route& route, Request& req) {
    try {
        return route.handler(req);
    } catch (const std::exception& e) {
        log::Error(
            "http.handler_exception",
            {{"route", route.options.name}, {"request_id", req.request_id}, {"error", e.what()}});
        Response r = Response::Error(500, "internal", "internal error");
        r.log_detail = e.what();
        return r;
    } catch (...) {
        log::Error("http.handler_exception", {{"route", route.options.name},
                                              {"request_id", req.request_id},
                                              {"error", "unknown exception"}});
        Response r = Response::Error(500, "internal", "internal error");
        r.log_detail = "unknown exception";
        return r;
    }
}

namespace {

// The rendezvous between an asynchronous handler's reply (any thread) and the waiting
// connection coroutine: the reply is handed over on the coroutine's strand, which also wakes it.
struct AsyncWait {
    explicit AsyncWait(const asio::any_io_executor& ex)
        : timer(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer timer;
    std::optional<Response> response;
    std::atomic<bool> replied{false};
};

Response HandlerFailure(const Route& route, const Request& req, const char* what) {
    log::Error("http.handler_exception",
               {{"route", route.options.name}, {"request_id", req.request_id}, {"error", what}});
    Response r = Response::Error(500, "internal", "internal error");
    r.log_detail = what;
    return r;
}

}  // namespace

asio::awaitable<Response> Server::Impl::InvokeAsync(const Route& route, Request& req) {
    auto ex = co_await asio::this_coro::executor;
    auto wait = std::make_shared<AsyncWait>(ex);
    AsyncReply reply;
    reply.reply = [wait, ex](Response r) {
        if (wait->replied.exchange(true)) return;
        asio::post(ex, [wait, r = std::move(r)]() mutable {
            wait->response = std::move(r);
            wait->timer.cancel();
        });
    };
    reply.offload = [this](std::function<void()> fn) {
        asio::post(*pool, [this, fn = std::move(fn)] {
            tl_owner = this;
            try {
                fn();
            } catch (...) {
                // The function owns its reply; nothing to answer here.
            }
            tl_owner = nullptr;
        });
    };
    std::optional<Response> failed;
    try {
        route.async_handler(req, std::move(reply));
    } catch (const std::exception& e) {
        failed = HandlerFailure(route, req, e.what());
    } catch (...) {
        failed = HandlerFailure(route, req, "unknown exception");
    }
    if (failed && !wait->replied.exchange(true)) co_return std::move(*failed);
    // Replies arrive through the strand this coroutine runs on, so checking before waiting
    // cannot miss one.
    while (!wait->response) {
        beast::error_code ec;
        co_await wait->timer.async_wait(Redirect(ec));
    }
    co_return std::move(*wait->response);
}

Status Server::Impl::Start() {
    {
        std::lock_guard lock(stop_mu);
        if (started) return Error::InvalidArgument("server already started");
        if (stop_requested) return Error::InvalidArgument("server already stopped");
    }
    if (options.handler_threads <= 0) {
        return Error::InvalidArgument("handler_threads must be positive");
    }
    if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
        return Error::InvalidArgument("TLS needs both tls_cert_file and tls_key_file");
    }
    if (!options.tls_cert_file.empty()) {
        auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
        ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use);
        beast::error_code ec;
        ctx->use_certificate_chain_file(options.tls_cert_file, ec);
        if (ec) {
            return Error::InvalidArgument("cannot load TLS certificate '" + options.tls_cert_file +
                                          "': " + ec.message());
        }
        ctx->use_private_key_file(options.tls_key_file, asio::ssl::context::pem, ec);
        if (ec) {
            return Error::InvalidArgument("cannot load TLS key '" + options.tls_key_file +
                                          "': " + ec.message());
        }
        // Idle TLS connections then hold no 16 KiB record buffers.
        SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
        ssl = std::move(ctx);
    }

    beast::error_code ec;
    std::string host = options.host == "localhost" ? "127.0.0.1" : options.host;
    auto address = asio::ip::make_address(host, ec);
    if (ec) return Error::InvalidArgument("invalid listen address '" + options.host + "'");
    tcp::endpoint endpoint(address, options.port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        beast::error_code ignored;
        acceptor.close(ignored);
        return Error::Unavailable("cannot listen on " + options.host + ":" +
                                  std::to_string(options.port) + ": " + ec.message());
    }
    bound_port = acceptor.local_endpoint(ec).port();

    pool = std::make_unique<asio::thread_pool>(static_cast<std::size_t>(options.handler_threads));
    work.emplace(asio::make_work_guard(ioc));
    asio::co_spawn(acceptor.get_executor(), AcceptLoop(),
                   [](std::exception_ptr e) { LogCoroutineFailure(e, "accept"); });
    for (int i = 0; i < io_thread_count; ++i) {
        threads.emplace_back([this] {
            tl_owner = this;
            while (true) {
                try {
                    ioc.run();
                    return;
                } catch (const std::exception& e) {
                    log::Error("http.io_thread_exception", {{"error", e.what()}});
                }
            }
        });
    }
    {
        std::lock_guard lock(stop_mu);
        started = true;
    }
    log::Info("http.listening", {{"host", options.host},
                                 {"port", bound_port.load()},
                                 {"tls", ssl != nullptr},
                                 {"io_threads", io_thread_count},
                                 {"handler_threads", options.handler_threads}});
    return Ok();
}

void Server::Impl::RequestStop() {
    std::lock_guard lock(stop_mu);
    if (stop_requested) return;
    stop_requested = true;
    if (!started) {
        stop_done = true;
        stop_cv.notify_all();
        return;
    }
    stopper = std::thread([this] { DoStop(); });
}

void Server::Impl::WaitStopped() {
    std::unique_lock lock(stop_mu);
    stop_cv.wait(lock, [this] { return stop_done; });
}

void Server::Impl::DoStop() {
    auto deadline = Clock::now() + options.shutdown_timeout;
    stopping = true;
    log::Info("http.stopping", {{"port", bound_port.load()}});
    asio::post(acceptor.get_executor(), [this] {
        beast::error_code ec;
        acceptor.close(ec);
    });
    auto close_connections = [this](bool only_idle) {
        std::lock_guard lock(conns_mu);
        for (const auto& c : conns) {
            asio::post(c->executor, [c, only_idle] {
                if (c->stream == nullptr) return;
                if (only_idle && (!c->idle || c->websocket)) return;
                c->stream->close();
            });
        }
    };
    close_connections(true);
    for (WsHub* hub : hubs) detail::WsHubAccess::CloseAll(*hub);

    bool drained = false;
    {
        std::unique_lock lock(conns_mu);
        drained = conns_cv.wait_until(lock, deadline, [this] { return conns.empty(); });
    }
    if (!drained) {
        std::size_t left = 0;
        {
            std::lock_guard lock(conns_mu);
            left = conns.size();
        }
        log::Warn("http.shutdown_forced", {{"connections", left}});
        close_connections(false);
        std::unique_lock lock(conns_mu);
        conns_cv.wait_for(lock, std::chrono::seconds(1), [this] { return conns.empty(); });
    }
    work.reset();
    ioc.stop();
    for (auto& t : threads) t.join();
    threads.clear();
    // Queued handlers are dropped; running ones finish and are joined by the destructor.
    pool->stop();
    log::Info("http.stopped", {{"port", bound_port.load()}});
    std::lock_guard lock(stop_mu);
    stop_done = true;
    stop_cv.notify_all();
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
    while (true) {
        tcp::socket socket(asio::make_strand(ioc));
        beast::error_code ec;
        co_await acceptor.async_accept(socket, Redirect(ec));
        if (stopping || ec == asio::error::operation_aborted) co_return;
        if (ec) {
            // Typically EMFILE: back off instead of spinning.
            log::Warn("http.accept_failed", {{"error", ec.message()}});
            asio::steady_timer timer(co_await asio::this_coro::executor,
                                     std::chrono::milliseconds(50));
            co_await timer.async_wait(Redirect(ec));
            continue;
        }
        auto ex = socket.get_executor();
        asio::co_spawn(ex, HandleConnection(std::move(socket)),
                       [](std::exception_ptr e) { LogCoroutineFailure(e, "connection"); });
    }
}

asio::awaitable<void> Server::Impl::RejectConnection(tcp::socket socket) {
    rejected_connections.Increment();
    auto now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
            .count();
    auto last = last_reject_log_ms.load();
    if (now_ms - last > 1000 && last_reject_log_ms.compare_exchange_strong(last, now_ms)) {
        log::Warn("http.connection_limit", {{"max_connections", options.max_connections}});
    }
    beast::tcp_stream stream(std::move(socket));
    if (!ssl) {
        static const std::string kBody =
            R"({"error":{"code":"unavailable","message":"too many connections"}})";
        static const std::string kResponse =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            "Content-Length: " +
            std::to_string(kBody.size()) + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n" +
            kBody;
        stream.expires_after(std::chrono::seconds(2));
        beast::error_code ec;
        co_await asio::async_write(stream, asio::buffer(kResponse), Redirect(ec));
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    stream.close();
}

asio::awaitable<void> Server::Impl::HandleConnection(tcp::socket socket) {
    auto state = std::make_shared<ConnState>();
    state->executor = socket.get_executor();
    std::size_t count = 0;
    {
        std::lock_guard lock(conns_mu);
        conns.insert(state);
        count = conns.size();
    }
    connections_gauge.Add(1);
    try {
        if (stopping) {
            beast::error_code ec;
            socket.close(ec);
        } else if (count > options.max_connections) {
            co_await RejectConnection(std::move(socket));
        } else {
            beast::error_code ec;
            auto endpoint = socket.remote_endpoint(ec);
            std::string remote = ec ? std::string() : endpoint.address().to_string();
            socket.set_option(tcp::no_delay(true), ec);
            beast::tcp_stream stream(std::move(socket));
            if (ssl) {
                TlsStream tls(std::move(stream), *ssl);
                state->stream = &beast::get_lowest_layer(tls);
                state->stream->expires_after(options.idle_timeout);
                co_await tls.async_handshake(asio::ssl::stream_base::server, Redirect(ec));
                if (!ec) {
                    auto upgrade = co_await HttpSession(tls, state, remote, true);
                    if (upgrade) {
                        co_await RunWebSocket(tls, state, std::move(*upgrade));
                    }
                }
            } else {
                state->stream = &stream;
                auto upgrade = co_await HttpSession(stream, state, remote, false);
                if (upgrade) {
                    co_await RunWebSocket(stream, state, std::move(*upgrade));
                }
            }
        }
    } catch (const std::exception& e) {
        log::Error("http.connection_failed", {{"error", e.what()}});
    }
    state->stream = nullptr;
    connections_gauge.Add(-1);
    {
        std::lock_guard lock(conns_mu);
        conns.erase(state);
    }
    conns_cv.notify_all();
}

template <class Stream>
asio::awaitable<void> Server::Impl::CloseStream(Stream& stream, bool linger) {
    auto& lowest = beast::get_lowest_layer(stream);
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        lowest.expires_after(std::chrono::seconds(2));
        co_await stream.async_shutdown(Redirect(ec));
    } else {
        lowest.socket().shutdown(tcp::socket::shutdown_send, ec);
        if (linger && !ec) {
            // Read what the client is still sending so the close does not become a reset that
            // destroys the error response before the client reads it.
            std::array<char, 4096> sink;
            std::size_t drained = 0;
            lowest.expires_after(std::chrono::seconds(2));
            while (drained < (1u << 20)) {
                std::size_t n = co_await lowest.async_read_some(asio::buffer(sink), Redirect(ec));
                if (ec) break;
                drained += n;
            }
        }
    }
    lowest.close();
}

template <class Stream>
asio::awaitable<std::size_t> Server::Impl::WriteResponse(Stream& stream, Response& resp,
                                                         const std::string& request_id,
                                                         bool keep_alive, bool head,
                                                         beast::error_code& ec) {
    int status = resp.status;
    if (status < 100 || status > 999) status = 500;
    bhttp::response<bhttp::string_body> res;
    res.version(11);
    res.result(static_cast<unsigned>(status));
    if (StatusReason(status) != "Unknown" && res.result() == bhttp::status::unknown) {
        res.reason(StatusReason(status));
    }
    bool nosniff = false;
    for (const auto& [name, value] : resp.headers.fields()) {
        if (IEquals(name, "Content-Length") || IEquals(name, "Transfer-Encoding") ||
            IEquals(name, "Connection")) {
            continue;
        }
        if (IEquals(name, "X-Content-Type-Options")) nosniff = true;
        res.insert(name, value);
    }
    if (!nosniff) res.set("X-Content-Type-Options", "nosniff");
    res.set("X-Request-Id", request_id);
    res.keep_alive(keep_alive);
    bool bodiless = status < 200 || status == 204 || status == 304;
    if (bodiless) resp.body.clear();
    std::size_t n = resp.body.size();
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(options.idle_timeout);
    if (head) {
        bhttp::response<bhttp::empty_body> hres(std::move(res.base()));
        if (!bodiless) hres.content_length(n);
        co_await bhttp::async_write(stream, hres, Redirect(ec));
        n = 0;
    } else {
        if (!bodiless) res.content_length(n);
        res.body() = std::move(resp.body);
        co_await bhttp::async_write(stream, res, Redirect(ec));
    }
    co_return n;
}

template <class Stream>
asio::awaitable<std::optional<WsUpgrade>> Server::Impl::HttpSession(
    Stream& stream, std::shared_ptr<ConnState> state, const std::string& remote, bool secure) {
    auto& lowest = beast::get_lowest_layer(stream);
    beast::flat_buffer buffer;
    beast::error_code ec;
    // Every path below that is not "keep going" ends the loop; `linger` asks for a lingering
    // close because the client may still be sending a body we refused.
    bool linger = false;
    while (true) {
        state->idle = buffer.size() == 0;
        if (stopping && state->idle) break;
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(
            std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
        parser.body_limit(max_body_any);
        lowest.expires_after(options.idle_timeout);
        co_await bhttp::async_read_header(stream, buffer, parser, Redirect(ec));
        state->idle = false;
        Clock::time_point start = Clock::now();

        Request req;
        req.remote_address = remote;
        req.secure = secure;
        if (ec) {
            if (IsQuietDisconnect(ec)) break;
            Response resp;
            if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
                resp = Response::Error(431, "header_too_large", "request headers too large");
            } else if (ec == bhttp::error::body_limit) {
                resp = Response::Error(413, "payload_too_large", "request body too large");
                linger = true;
            } else if (IsHttpParseError(ec)) {
                resp = Response::Error(400, "bad_request", "malformed request: " + ec.message());
            } else {
                break;
            }
            req.request_id = GenerateRequestId();
            req.method = Method::kOther;
            req.method_name = "OTHER";
            std::size_t bytes =
                co_await WriteResponse(stream, resp, req.request_id, false, false, ec);
            Record(*unmatched_stats, req, resp.status, bytes, start, true, {});
            break;
        }

        auto& hreq = parser.get();
        req.method = FromVerb(hreq.method());
        req.method_name = std::string(hreq.method_string());
        req.target = std::string(hreq.target());
        {
            auto id = hreq["X-Request-Id"];
            req.request_id = IsAcceptableRequestId(id) ? std::string(id) : GenerateRequestId();
        }
        req.headers.Reserve(static_cast<std::size_t>(std::distance(hreq.begin(), hreq.end())));
        for (const auto& field : hreq) {
            req.headers.Add(field.name_string(), field.value());
            if (field.name() == bhttp::field::cookie) ParseCookieHeader(field.value(), req.cookies);
        }
        bool keep_alive = hreq.keep_alive();
        bool head = req.method == Method::kHead;

        std::size_t q = req.target.find('?');
        req.path = req.target.substr(0, q);
        Router::Match match;
        Response resp;
        bool have_response = false;
        RouteStats* stats = unmatched_stats.get();
        if (req.path.empty() || req.path.front() != '/') {
            resp = Response::Error(400, "bad_request", "request target must be an absolute path");
            have_response = true;
            keep_alive = false;
        } else if (q != std::string::npos) {
            auto query = ParseQuery(std::string_view(req.target).substr(q + 1));
            if (!query.ok()) {
                resp = Response::Error(400, "bad_request", "malformed query string");
                have_response = true;
            } else {
                req.query = std::move(query).value();
            }
        }

        WsHub* hub = HubFor(req.path);
        bool websocket_path = hub != nullptr;
        if (!have_response && !websocket_path) {
            match = router.Find(req.method, req.path);
            if (match.kind == Router::Match::Kind::kFound) {
                stats = route_stats[match.route->index].get();
                req.route = match.route->options.name;
                req.path_params = std::move(match.params);
            }
        }

        std::size_t limit = options.max_body_bytes;
        if (match.route != nullptr && match.route->options.max_body != 0) {
            limit = match.route->options.max_body;
        }
        if (!have_response) {
            auto length = parser.content_length();
            if (length && *length > limit) {
                resp = Response::Error(413, "payload_too_large",
                                       "request body exceeds " + std::to_string(limit) + " bytes");
                have_response = true;
                keep_alive = false;
                linger = true;
            }
        }
        if (!parser.is_done() && !(have_response && linger)) {
            parser.body_limit(limit);
            if (auto expect = hreq[bhttp::field::expect];
                !expect.empty() && beast::iequals(TrimView(expect), "100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
                co_await bhttp::async_write(stream, cont, Redirect(ec));
                if (ec) break;
            }
            lowest.expires_after(options.idle_timeout);
            co_await bhttp::async_read(stream, buffer, parser, Redirect(ec));
            if (ec == bhttp::error::body_limit) {
                resp = Response::Error(413, "payload_too_large",
                                       "request body exceeds " + std::to_string(limit) + " bytes");
                have_response = true;
                keep_alive = false;
                linger = true;
            } else if (ec && IsHttpParseError(ec)) {
                resp = Response::Error(400, "bad_request", "malformed body: " + ec.message());
                have_response = true;
                keep_alive = false;
            } else if (ec) {
                break;
            }
        }
        if (!have_response) req.body = std::move(hreq.body());

        if (!have_response && websocket_path) {
            stats = ws_stats.get();
            req.route = "websocket";
            if (!websocket::is_upgrade(hreq)) {
                resp = Response::Error(426, "upgrade_required", "WebSocket upgrade required");
                resp.SetHeader("Upgrade", "websocket");
                have_response = true;
            } else {
                const auto& origins = hub->options().allowed_origins;
                auto origin = req.Header("Origin");
                bool origin_ok =
                    origins.empty() ||
                    (origin && std::find(origins.begin(), origins.end(), *origin) != origins.end());
                const WsAuthenticate& auth = detail::WsHubAccess::authenticate(*hub);
                if (!origin_ok) {
                    resp = Response::Error(403, "permission_denied", "origin not allowed");
                    have_response = true;
                } else if (!auth) {
                    resp = Response::Error(401, "unauthenticated", "authentication required");
                    have_response = true;
                } else {
                    lowest.expires_never();
                    Result<WsPrincipal> principal =
                        co_await RunOnPool(*pool, this, [&auth, &req]() -> Result<WsPrincipal> {
                            try {
                                return auth(req);
                            } catch (const std::exception& e) {
                                return Error::Internal(std::string("authenticate threw: ") +
                                                       e.what());
                            } catch (...) {
                                return Error::Internal("authenticate threw");
                            }
                        });
                    if (!principal.ok()) {
                        resp = ErrorResponse(principal.error(), &req);
                        have_response = true;
                    } else if (stopping) {
                        resp = Response::Error(503, "unavailable", "server is shutting down");
                        have_response = true;
                    } else {
                        Record(*stats, req, 101, 0, start, true, {});
                        co_return WsUpgrade{parser.release(), std::move(principal).value(), hub};
                    }
                }
            }
        }

        if (!have_response) {
            switch (match.kind) {
                case Router::Match::Kind::kFound:
                    if (match.route->async_handler) {
                        lowest.expires_never();
                        resp = co_await InvokeAsync(*match.route, req);
                    } else if (match.route->options.inline_handler) {
                        resp = Invoke(*match.route, req);
                    } else {
                        lowest.expires_never();
                        const Route* route = match.route;
                        resp = co_await RunOnPool(
                            *pool, this, [this, route, &req] { return Invoke(*route, req); });
                    }
                    break;
                case Router::Match::Kind::kMethodNotAllowed:
                    resp = Response::Error(405, "method_not_allowed", "method not allowed");
                    resp.SetHeader("Allow", match.allow);
                    break;
                case Router::Match::Kind::kNotFound:
                    resp = Response::Error(404, "not_found", "no route for " + req.path);
                    break;
                case Router::Match::Kind::kBadPath:
                    resp = Response::Error(400, "bad_request", "malformed path");
                    break;
            }
        }

        if (stopping) keep_alive = false;
        if (auto conn = resp.headers.Get("Connection"); conn && IEquals(*conn, "close")) {
            keep_alive = false;
        }
        bool access_log = match.route == nullptr || match.route->options.access_log;
        std::string detail = std::move(resp.log_detail);
        int status = resp.status;
        std::size_t bytes =
            co_await WriteResponse(stream, resp, req.request_id, keep_alive, head, ec);
        Record(*stats, req, status, bytes, start, access_log, detail);
        if (ec || !keep_alive) break;
        if (buffer.size() == 0 && buffer.capacity() > 8192) buffer.shrink_to_fit();
    }
    if (!ec || !IsQuietDisconnect(ec) || ec == beast::error::timeout) {
        co_await CloseStream(stream, linger);
    } else {
        lowest.close();
    }
    co_return std::nullopt;
}

template <class Stream>
asio::awaitable<void> Server::Impl::RunWebSocket(Stream& stream, std::shared_ptr<ConnState> state,
                                                 WsUpgrade upgrade) {
    auto session = std::make_shared<WsSession<Stream>>(std::move(stream), *upgrade.hub, *this,
                                                       std::move(upgrade.principal));
    state->stream = &beast::get_lowest_layer(session->ws());
    state->websocket = true;
    co_await session->Run(std::move(upgrade.request));
}

Server::Server(ServerOptions options, Router router, MetricsRegistry& metrics, WsHub* ws_hub)
    : Server(std::move(options), std::move(router), metrics, std::vector<WsHub*>{ws_hub}) {}

Server::Server(ServerOptions options, Router router, MetricsRegistry& metrics,
               std::vector<WsHub*> ws_hubs)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), metrics,
                                   std::move(ws_hubs))) {}

Server::~Server() {
    impl_->RequestStop();
    impl_->WaitStopped();
    if (impl_->stopper.joinable()) impl_->stopper.join();
    if (impl_->pool) impl_->pool->join();
}

Status Server::Start() { return impl_->Start(); }

Status Server::Run() {
    HH_RETURN_IF_ERROR(impl_->Start());
    impl_->WaitStopped();
    return Ok();
}

void Server::Stop() {
    impl_->RequestStop();
    if (tl_owner == impl_.get()) return;
    impl_->WaitStopped();
}

std::uint16_t Server::port() const { return impl_->bound_port.load(); }

bool Server::secure() const { return !impl_->options.tls_cert_file.empty(); }

}  // namespace hudhud::http
