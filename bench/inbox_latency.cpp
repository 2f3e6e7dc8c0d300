// Latency of the shared inbox's read paths through the HTTP API (issue 4): p50/p90/p99/max of
//   list      GET /conversations?inbox_id=I&status=S&limit=50 (each item carries its last
//             message), over every inbox x {open, pending, resolved}
//   messages  GET /conversations/{id}/messages?limit=50 for random conversations
//   search    GET /search?q=... over a fixed set of Arabic and English queries (type=all)
// Requests are sequential on each of --connections keep-alive connections (latency, not
// throughput), after --warmup unmeasured ones. Prints one line per figure; per-query figures of
// the search go to stderr with --verbose.
//
//   hudhud_inbox_latency --port P --token hh_... --workspace W
//                        [--requests 2000] [--connections 2] [--warmup 200]
//                        [--conversations FIRST..LAST] [--figures list,messages,search]
//                        [--queries FILE (one query a line)] [--verbose 1]
// Without --conversations the ids come from the list endpoint (the newest 200 per inbox and
// status); gen_inbox_data prints the generated range.
#include <algorithm>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// What agents type into the search box: common and rare words, two-word queries (every word
// must match), a type-ahead prefix, names, a phone number, Arabic spelling variants.
const std::vector<std::string> kQueries = {"refund",
                                           "delivery late",
                                           "broken",
                                           "invoice",
                                           "cancel order",
                                           "promo code",
                                           "warranty",
                                           "headphones",
                                           "smart watch",
                                           "cash on delivery",
                                           "charged twice",
                                           "tracking link",
                                           "exchange bigger size",
                                           "Sarah",
                                           "deliv",
                                           "log in account",
                                           "broken Dubai",
                                           "xylophone",
                                           "طلب",
                                           "استرجاع المبلغ",
                                           "الشحنة متأخرة",
                                           "مكسور",
                                           "فاتورة",
                                           "الغاء الطلب",
                                           "الضمان",
                                           "السماعات",
                                           "الساعة الذكية",
                                           "دبي",
                                           "الدفع عند الاستلام",
                                           "خصم المبلغ مرتين",
                                           "رابط تتبع",
                                           "محمد",
                                           "شكرا",
                                           "الرياض",
                                           "تسجيل الدخول",
                                           "المدرسه",
                                           "مرحبا اريد",
                                           "+966 5 1000 0042",
                                           "الشحنه",
                                           "عباية"};

std::string UrlEncode(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

double Percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(idx, v.size() - 1)];
}

class Client {
  public:
    Client(const std::string& port, std::string token) : token_(std::move(token)), stream_(io_) {
        tcp::resolver resolver(io_);
        stream_.connect(resolver.resolve("127.0.0.1", port));
        stream_.socket().set_option(tcp::no_delay(true));
    }
    // The answer's status, or 0 on a transport error (the connection is then unusable).
    int Get(const std::string& target, std::string& body) {
        http::request<http::empty_body> req{http::verb::get, target, 11};
        req.set(http::field::host, "127.0.0.1");
        req.set(http::field::authorization, "Bearer " + token_);
        beast::error_code ec;
        http::write(stream_, req, ec);
        if (ec) return 0;
        beast::flat_buffer buf;
        http::response<http::string_body> res;
        http::read(stream_, buf, res, ec);
        if (ec) return 0;
        body = std::move(res.body());
        return res.result_int();
    }

  private:
    std::string token_;
    boost::asio::io_context io_;
    beast::tcp_stream stream_;
};

struct Sample {
    double ms;
    std::size_t bytes;
    std::size_t items;
    std::size_t key;  // which query / filter
};

struct Figure {
    std::string name;
    std::function<std::pair<std::string, std::size_t>(std::mt19937_64&, int)> target;
    std::function<std::size_t(const nlohmann::json&)> items;
};

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args;
    for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
    const std::string port = args["--port"];
    const std::string token = args["--token"];
    const std::string workspace = args["--workspace"];
    if (port.empty() || token.empty() || workspace.empty()) {
        std::fprintf(stderr,
                     "usage: %s --port P --token T --workspace W [--requests N] "
                     "[--connections C] [--warmup N] [--conversations A..B] "
                     "[--figures list,messages,search] [--queries FILE] [--verbose 1]\n",
                     argv[0]);
        return 2;
    }
    const int requests = args.count("--requests") ? std::stoi(args["--requests"]) : 2000;
    const int connections = args.count("--connections") ? std::stoi(args["--connections"]) : 2;
    const int warmup = args.count("--warmup") ? std::stoi(args["--warmup"]) : 200;
    const std::string figures =
        args.count("--figures") ? args["--figures"] : "list,messages,search";
    const bool verbose = args.count("--verbose") > 0;
    const std::string base = "/api/v1/workspaces/" + workspace;

    std::vector<std::string> queries = kQueries;
    if (args.count("--queries")) {
        queries.clear();
        std::ifstream in(args["--queries"]);
        for (std::string line; std::getline(in, line);) {
            if (!line.empty()) queries.push_back(line);
        }
    }

    Client setup(port, token);
    std::string body;
    if (setup.Get(base + "/inboxes", body) != 200) {
        std::fprintf(stderr, "GET /inboxes failed: %s\n", body.c_str());
        return 1;
    }
    std::vector<std::int64_t> inboxes;
    const auto inbox_list = nlohmann::json::parse(body);
    for (const auto& i : inbox_list["data"]) inboxes.push_back(i["id"]);
    if (inboxes.empty()) {
        std::fprintf(stderr, "the workspace has no inboxes\n");
        return 1;
    }
    const std::vector<std::string> statuses = {"open", "pending", "resolved"};

    std::int64_t conv_first = 0, conv_last = 0;
    std::vector<std::int64_t> conv_ids;
    if (args.count("--conversations")) {
        const std::string r = args["--conversations"];
        const auto dots = r.find("..");
        conv_first = std::stoll(r.substr(0, dots));
        conv_last = std::stoll(r.substr(dots + 2));
    } else {
        for (auto inbox : inboxes) {
            for (const auto& st : statuses) {
                if (setup.Get(base + "/conversations?limit=200&inbox_id=" + std::to_string(inbox) +
                                  "&status=" + st,
                              body) != 200) {
                    continue;
                }
                const auto page = nlohmann::json::parse(body);
                for (const auto& c : page["data"]) conv_ids.push_back(c["id"]);
            }
        }
        if (conv_ids.empty()) {
            std::fprintf(stderr, "no conversations found\n");
            return 1;
        }
    }

    auto data_size = [](const nlohmann::json& j) -> std::size_t {
        return j.contains("data") ? j["data"].size() : 0;
    };
    std::vector<Figure> all = {
        {"list",
         [&](std::mt19937_64&, int i) {
             const std::size_t key =
                 static_cast<std::size_t>(i) % (inboxes.size() * statuses.size());
             return std::make_pair(base + "/conversations?limit=50&inbox_id=" +
                                       std::to_string(inboxes[key / statuses.size()]) +
                                       "&status=" + statuses[key % statuses.size()],
                                   key);
         },
         data_size},
        {"messages",
         [&](std::mt19937_64& rng, int) {
             std::int64_t id;
             if (conv_ids.empty()) {
                 id = std::uniform_int_distribution<std::int64_t>(conv_first, conv_last)(rng);
             } else {
                 id = conv_ids[rng() % conv_ids.size()];
             }
             return std::make_pair(
                 base + "/conversations/" + std::to_string(id) + "/messages?limit=50",
                 std::size_t{0});
         },
         data_size},
        {"search",
         [&](std::mt19937_64&, int i) {
             const std::size_t key = static_cast<std::size_t>(i) % queries.size();
             return std::make_pair(base + "/search?q=" + UrlEncode(queries[key]), key);
         },
         [](const nlohmann::json& j) -> std::size_t {
             return (j.contains("messages") ? j["messages"].size() : 0) +
                    (j.contains("contacts") ? j["contacts"].size() : 0);
         }},
    };

    for (const auto& fig : all) {
        if (figures.find(fig.name) == std::string::npos) continue;
        std::mutex mu;
        std::vector<Sample> samples;
        std::atomic<int> errors{0};
        std::string first_error;
        std::vector<std::thread> threads;
        const auto t0 = Clock::now();
        for (int c = 0; c < connections; ++c) {
            threads.emplace_back([&, c] {
                std::mt19937_64 rng(1234 + static_cast<std::uint64_t>(c));
                Client client(port, token);
                std::vector<Sample> mine;
                std::string res;
                const int total = (warmup + requests) / connections;
                const int skip = warmup / connections;
                for (int i = 0; i < total; ++i) {
                    auto [target, key] = fig.target(rng, i * connections + c);
                    const auto start = Clock::now();
                    const int status = client.Get(target, res);
                    const double ms =
                        std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                    if (status != 200) {
                        ++errors;
                        std::lock_guard lock(mu);
                        if (first_error.empty()) {
                            first_error =
                                std::to_string(status) + " " + target + " " + res.substr(0, 200);
                        }
                        if (status == 0) return;
                        continue;
                    }
                    if (i < skip) continue;
                    auto j = nlohmann::json::parse(res, nullptr, false);
                    mine.push_back({ms, res.size(), j.is_discarded() ? 0 : fig.items(j), key});
                }
                std::lock_guard lock(mu);
                samples.insert(samples.end(), mine.begin(), mine.end());
            });
        }
        for (auto& t : threads) t.join();
        const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
        std::vector<double> ms;
        double bytes = 0, items = 0;
        for (const auto& s : samples) {
            ms.push_back(s.ms);
            bytes += static_cast<double>(s.bytes);
            items += static_cast<double>(s.items);
        }
        const double n = samples.empty() ? 1 : static_cast<double>(samples.size());
        std::printf(
            "%s: n=%zu errors=%d p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
            "avg_items=%.1f avg_kb=%.1f (%d connections, %.0f req/s)\n",
            fig.name.c_str(), samples.size(), errors.load(), Percentile(ms, 0.5),
            Percentile(ms, 0.9), Percentile(ms, 0.99),
            ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()), items / n, bytes / n / 1024,
            connections, static_cast<double>(samples.size()) / secs);
        if (!first_error.empty()) std::fprintf(stderr, "  first error: %s\n", first_error.c_str());
        if (verbose && fig.name != "messages") {
            std::map<std::size_t, std::vector<double>> by_key;
            std::map<std::size_t, double> items_by_key;
            for (const auto& s : samples) {
                by_key[s.key].push_back(s.ms);
                items_by_key[s.key] = static_cast<double>(s.items);
            }
            for (const auto& [key, v] : by_key) {
                const std::string what = fig.name == "search"
                                             ? queries[key]
                                             : "inbox " +
                                                   std::to_string(inboxes[key / statuses.size()]) +
                                                   " " + statuses[key % statuses.size()];
                std::fprintf(stderr, "  %-28s p50_ms=%.2f p99_ms=%.2f items=%.0f\n", what.c_str(),
                             Percentile(v, 0.5), Percentile(v, 0.99), items_by_key[key]);
            }
        }
    }
    return 0;
}
