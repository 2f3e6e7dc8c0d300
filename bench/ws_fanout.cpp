// WebSocket fan-out (issue 4): opens --connections agent WebSockets (bearer token), each
// subscribed to the workspace, then triggers --events events one after the other — a PUT
// /availability, which publishes presence.updated to every subscriber — and measures, per event,
// the time from just before the PUT is written until each connection has the event (p50, p99
// and max = the last connection). Also reports the server's resident memory (VmRSS of --pid)
// before connecting and after, divided by the number of connections.
//
//   hudhud_ws_fanout --port P --token hh_... --workspace W --pid SERVER_PID
//                    [--connections 10000] [--events 5] [--parallel 200] [--threads 1]
//                    [--settle 2]
//
// The client raises its own open-file limit (RLIMIT_NOFILE) to the hard limit; the server needs
// one above --connections too (bench/inbox_bench.sh raises the shell's before starting it). The
// receive times are taken by this process, on the same machine: they include its own reading of
// N frames on --threads threads, so they are an upper bound of the server's fan-out time.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

struct Connection {
    std::vector<Clock::time_point> arrivals;  // the k-th presence.updated received
};

struct Shared {
    std::string port;
    std::string token;
    std::string subscribe;
    tcp::resolver::results_type endpoints;
    std::atomic<int> subscribed{0};
    std::atomic<int> failed{0};
    std::atomic<long> received{0};
    std::atomic<bool> stopping{false};
    std::string first_error;
    std::mutex mu;
};

asio::awaitable<void> Run(std::shared_ptr<Connection> c, Shared& sh) {
    bool counted = false;
    try {
        auto ex = co_await asio::this_coro::executor;
        websocket::stream<beast::tcp_stream> ws(ex);
        beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(60));
        co_await beast::get_lowest_layer(ws).async_connect(sh.endpoints, asio::use_awaitable);
        beast::get_lowest_layer(ws).expires_never();
        ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        ws.set_option(websocket::stream_base::decorator([&sh](websocket::request_type& req) {
            req.set(http::field::authorization, "Bearer " + sh.token);
        }));
        co_await ws.async_handshake("127.0.0.1:" + sh.port, "/api/v1/ws", asio::use_awaitable);
        co_await ws.async_write(asio::buffer(sh.subscribe), asio::use_awaitable);
        beast::flat_buffer buf;
        for (;;) {
            co_await ws.async_read(buf, asio::use_awaitable);
            const auto now = Clock::now();
            const std::string_view text(static_cast<const char*>(buf.data().data()),
                                        buf.data().size());
            if (!counted && text.find("\"subscribed\"") != std::string_view::npos) {
                counted = true;
                ++sh.subscribed;
            } else if (text.find("presence.updated") != std::string_view::npos) {
                c->arrivals.push_back(now);
                sh.received.fetch_add(1, std::memory_order_acq_rel);
            }
            buf.consume(buf.size());
        }
    } catch (const std::exception& e) {
        if (!sh.stopping) {
            ++sh.failed;
            if (counted) --sh.subscribed;
            std::lock_guard lock(sh.mu);
            if (sh.first_error.empty()) sh.first_error = e.what();
        }
    }
}

long RssKb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

double Percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(idx, v.size() - 1)];
}

// PUT /availability on a keep-alive connection; returns the status (0: transport error).
int PutAvailability(beast::tcp_stream& s, const std::string& path, const std::string& token,
                    const char* availability) {
    http::request<http::string_body> req{http::verb::put, path, 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::authorization, "Bearer " + token);
    req.set(http::field::content_type, "application/json");
    req.body() = std::string("{\"availability\":\"") + availability + "\"}";
    req.prepare_payload();
    beast::error_code ec;
    http::write(s, req, ec);
    if (ec) return 0;
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    http::read(s, buf, res, ec);
    return ec ? 0 : res.result_int();
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
    Shared sh;
    sh.port = args["--port"];
    sh.token = args["--token"];
    const std::string workspace = args["--workspace"];
    const int pid = args.count("--pid") ? std::stoi(args["--pid"]) : 0;
    if (sh.port.empty() || sh.token.empty() || workspace.empty()) {
        std::fprintf(stderr,
                     "usage: %s --port P --token T --workspace W [--pid SERVER_PID] "
                     "[--connections N] [--events N] [--parallel N] [--threads N] [--settle S]\n",
                     argv[0]);
        return 2;
    }
    const int n = args.count("--connections") ? std::stoi(args["--connections"]) : 10000;
    const int events = args.count("--events") ? std::stoi(args["--events"]) : 5;
    const int parallel = args.count("--parallel") ? std::stoi(args["--parallel"]) : 200;
    const int threads = args.count("--threads") ? std::stoi(args["--threads"]) : 1;
    const int settle = args.count("--settle") ? std::stoi(args["--settle"]) : 2;
    sh.subscribe = "{\"type\":\"subscribe\",\"workspace_id\":" + workspace + "}";

    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    if (lim.rlim_cur < static_cast<rlim_t>(n) + 64) {
        std::fprintf(stderr, "open-file limit %lu is too low for %d connections\n",
                     static_cast<unsigned long>(lim.rlim_cur), n);
        return 1;
    }

    asio::io_context io;
    sh.endpoints = tcp::resolver(io).resolve("127.0.0.1", sh.port);
    auto guard = asio::make_work_guard(io);
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i) pool.emplace_back([&] { io.run(); });

    if (pid > 0) std::this_thread::sleep_for(std::chrono::seconds(settle));
    const long rss_before = pid > 0 ? RssKb(pid) : -1;

    // Connect with at most --parallel handshakes in flight.
    std::vector<std::shared_ptr<Connection>> conns;
    conns.reserve(static_cast<std::size_t>(n));
    const auto t_connect = Clock::now();
    for (int i = 0; i < n; ++i) {
        while (i - sh.subscribed.load() - sh.failed.load() >= parallel) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        conns.push_back(std::make_shared<Connection>());
        conns.back()->arrivals.reserve(static_cast<std::size_t>(events));
        asio::co_spawn(io, Run(conns.back(), sh), asio::detached);
    }
    while (sh.subscribed.load() + sh.failed.load() < n &&
           Clock::now() - t_connect < std::chrono::seconds(120)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double connect_s = std::chrono::duration<double>(Clock::now() - t_connect).count();
    const int subscribed = sh.subscribed.load();
    std::this_thread::sleep_for(std::chrono::seconds(settle));
    const long rss_after = pid > 0 ? RssKb(pid) : -1;
    std::printf("ws_connect: %d/%d subscribed in %.1f s (failed %d)%s%s\n", subscribed, n,
                connect_s, sh.failed.load(),
                sh.first_error.empty() ? "" : ", first error: ", sh.first_error.c_str());
    if (pid > 0) {
        std::printf(
            "ws_memory: server rss %.1f MB before, %.1f MB with %d connections: %.1f KB "
            "per connection\n",
            static_cast<double>(rss_before) / 1024, static_cast<double>(rss_after) / 1024,
            subscribed,
            subscribed ? static_cast<double>(rss_after - rss_before) / subscribed : 0.0);
    }

    // The events, one at a time.
    asio::io_context put_io;
    beast::tcp_stream put(put_io);
    put.connect(sh.endpoints);
    const std::string path = "/api/v1/workspaces/" + workspace + "/availability";
    std::vector<double> lasts, p50s, p99s;
    int exit_code = subscribed == n ? 0 : 1;
    for (int e = 0; e < events; ++e) {
        const long expected = static_cast<long>(subscribed) * (e + 1);
        const auto t0 = Clock::now();
        const int status = PutAvailability(put, path, sh.token, e % 2 ? "busy" : "online");
        const double put_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        while (sh.received.load(std::memory_order_acquire) < expected &&
               Clock::now() - t0 < std::chrono::seconds(10)) {
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
        std::vector<double> ms;
        for (const auto& c : conns) {
            if (c->arrivals.size() > static_cast<std::size_t>(e)) {
                ms.push_back(std::chrono::duration<double, std::milli>(
                                 c->arrivals[static_cast<std::size_t>(e)] - t0)
                                 .count());
            }
        }
        const double last = ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end());
        std::printf(
            "ws_event %d: put status %d in %.2f ms, received by %zu/%d: p50_ms=%.1f "
            "p99_ms=%.1f last_ms=%.1f\n",
            e + 1, status, put_ms, ms.size(), subscribed, Percentile(ms, 0.5), Percentile(ms, 0.99),
            last);
        if (status != 200 || ms.size() != static_cast<std::size_t>(subscribed)) exit_code = 1;
        lasts.push_back(last);
        p50s.push_back(Percentile(ms, 0.5));
        p99s.push_back(Percentile(ms, 0.99));
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    std::printf(
        "ws_fanout: %d connections, %d events: time to the last connection median %.1f "
        "ms, max %.1f ms (median p50 %.1f ms, p99 %.1f ms)\n",
        subscribed, events, Percentile(lasts, 0.5),
        lasts.empty() ? 0.0 : *std::max_element(lasts.begin(), lasts.end()), Percentile(p50s, 0.5),
        Percentile(p99s, 0.5));

    sh.stopping = true;
    guard.reset();
    io.stop();
    for (auto& t : pool) t.join();
    std::fflush(stdout);
    // Closing N sockets one by one is slow and measures nothing: let the kernel do it.
    std::_Exit(exit_code);
}
