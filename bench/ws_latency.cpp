// Latency of signed WhatsApp webhooks at a fixed rate: the POST's own latency (accept: verify +
// durable commit + 200) and the end-to-end time from the POST to the message.created event on an
// agent's WebSocket. An agent session subscribes to its workspace; webhooks (one message with a
// unique wamid each) are posted at --rate per second over --connections connections. Prints
// percentiles and how many events arrived.
//
//   hudhud_ws_latency --port P --cookie "hudhud_session=..." --workspace W --path /webhooks/...
//                     --secret APP_SECRET [--count 2000] [--rate 200] [--connections 1]
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/meta_signature.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

std::string Sign(const std::string& secret, const std::string& body) {
    return hudhud::testing::MetaSignature(secret, body);
}

std::string Payload(const std::string& wamid, const std::string& wa_id) {
    // About 1.5 KB, Arabic text, like the ingest benchmark's fixture.
    std::string text = "مرحبا، أريد أن أسأل عن حالة طلبي رقم ";
    text += wamid;
    while (text.size() < 1100) text += " شكرا جزيلا";
    nlohmann::json j = {
        {"object", "whatsapp_business_account"},
        {"entry",
         {{{"id", "100000000000001"},
           {"changes",
            {{{"field", "messages"},
              {"value",
               {{"messaging_product", "whatsapp"},
                {"metadata",
                 {{"display_phone_number", "14155550100"}, {"phone_number_id", "100000000000002"}}},
                {"contacts", {{{"profile", {{"name", "Bench Customer"}}}, {"wa_id", wa_id}}}},
                {"messages",
                 {{{"from", wa_id},
                   {"id", wamid},
                   {"timestamp", std::to_string(std::time(nullptr))},
                   {"type", "text"},
                   {"text", {{"body", text}}}}}}}}}}}}}}};
    return j.dump();
}

double Percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(idx, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
    const std::string port = args["--port"];
    const std::string cookie = args["--cookie"];
    const std::string workspace = args["--workspace"];
    const std::string path = args["--path"];
    const std::string secret = args["--secret"];
    const int count = args.count("--count") ? std::stoi(args["--count"]) : 2000;
    const double rate = args.count("--rate") ? std::stod(args["--rate"]) : 200;
    const int connections = args.count("--connections") ? std::stoi(args["--connections"]) : 1;
    if (port.empty() || cookie.empty() || workspace.empty() || path.empty() || secret.empty()) {
        std::fprintf(stderr, "usage: %s --port P --cookie C --workspace W --path P --secret S "
                             "[--count N] [--rate R]\n", argv[0]);
        return 2;
    }

    boost::asio::io_context ioc;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve("127.0.0.1", port);

    // The agent's WebSocket.
    websocket::stream<tcp::socket> ws(ioc);
    boost::asio::connect(ws.next_layer(), endpoints);
    ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
        req.set(http::field::cookie, cookie);
    }));
    ws.handshake("127.0.0.1:" + port, "/api/v1/ws");
    ws.write(boost::asio::buffer(
        nlohmann::json{{"type", "subscribe"}, {"workspace_id", std::stoll(workspace)}}.dump()));
    {
        beast::flat_buffer buf;
        ws.read(buf);  // "subscribed"
    }

    std::mutex mu;
    std::map<std::string, Clock::time_point> sent_at;
    std::vector<double> latencies_ms;
    std::atomic<int> received{0};
    std::thread reader([&] {
        beast::flat_buffer buf;
        boost::system::error_code ec;
        while (received.load() < count) {
            ws.read(buf, ec);
            if (ec) break;
            const auto now = Clock::now();
            auto j = nlohmann::json::parse(beast::buffers_to_string(buf.data()), nullptr, false);
            buf.consume(buf.size());
            if (!j.is_object() || j.value("event", "") != "message.created") continue;
            const std::string wamid = j["data"].value("external_id", "");
            std::lock_guard lock(mu);
            auto it = sent_at.find(wamid);
            if (it == sent_at.end()) continue;
            latencies_ms.push_back(
                std::chrono::duration<double, std::milli>(now - it->second).count());
            sent_at.erase(it);
            ++received;
        }
    });

    // The platform's side: `connections` keep-alive connections, each POSTing at rate/connections
    // on a fixed schedule. A POST's latency is measured from its scheduled time (so a slow answer
    // delays the next send without hiding it: no coordinated omission) to the end of the answer.
    const auto interval = std::chrono::duration<double>(connections / rate);
    const auto start = Clock::now() + std::chrono::milliseconds(50);
    std::atomic<int> failures{0};
    std::vector<double> post_ms;
    std::vector<std::thread> senders;
    for (int c = 0; c < connections; ++c) {
        senders.emplace_back([&, c] {
            boost::asio::io_context io;
            beast::tcp_stream stream(io);
            stream.connect(endpoints);
            std::vector<double> mine;
            int k = 0;
            for (int i = c; i < count; i += connections, ++k) {
                const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                             interval * k +
                                             interval * (static_cast<double>(c) / connections));
                std::this_thread::sleep_until(due);
                const std::string wamid = "wamid.BENCH" +
                                          std::to_string(start.time_since_epoch().count()) + "." +
                                          std::to_string(i);
                const std::string body = Payload(wamid, "9715" + std::to_string(10000000 + i % 500));
                http::request<http::string_body> req{http::verb::post, path, 11};
                req.set(http::field::host, "127.0.0.1");
                req.set(http::field::content_type, "application/json");
                req.set("X-Hub-Signature-256", Sign(secret, body));
                req.body() = body;
                req.prepare_payload();
                {
                    std::lock_guard lock(mu);
                    sent_at[wamid] = due;
                }
                boost::system::error_code ec;
                http::write(stream, req, ec);
                beast::flat_buffer buf;
                http::response<http::string_body> res;
                if (!ec) http::read(stream, buf, res, ec);
                if (ec || res.result_int() != 200) {
                    ++failures;
                    continue;
                }
                mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - due).count());
            }
            std::lock_guard lock(mu);
            post_ms.insert(post_ms.end(), mine.begin(), mine.end());
        });
    }
    for (auto& t : senders) t.join();
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    while (received.load() < count - failures.load() && Clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    boost::system::error_code ec;
    ws.next_layer().shutdown(tcp::socket::shutdown_both, ec);
    ws.next_layer().close(ec);
    reader.join();

    std::lock_guard lock(mu);
    std::printf("rate=%.0f/s (achieved %.0f/s over %d connections) failures=%d "
                "post_p50_ms=%.2f post_p99_ms=%.2f | webhook_to_ws_events=%zu/%d "
                "ws_p50_ms=%.2f ws_p90_ms=%.2f ws_p99_ms=%.2f ws_max_ms=%.2f\n",
                rate, static_cast<double>(count) / elapsed_s, connections, failures.load(),
                Percentile(post_ms, 0.50), Percentile(post_ms, 0.99), latencies_ms.size(), count,
                Percentile(latencies_ms, 0.50), Percentile(latencies_ms, 0.90),
                Percentile(latencies_ms, 0.99),
                latencies_ms.empty() ? 0.0
                                     : *std::max_element(latencies_ms.begin(), latencies_ms.end()));
    return latencies_ms.size() == static_cast<std::size_t>(count) ? 0 : 1;
}
