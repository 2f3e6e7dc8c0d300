#include "net/http_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/metrics.hpp"
#include "http/server.hpp"
#include "log/log.hpp"

namespace hudhud::net {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

http::Response Echo(http::Request& req) {
    json headers = json::object();
    for (const auto& [name, value] : req.headers.fields()) {
        std::string lower = name;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        headers[lower] = value;
    }
    json query = json::object();
    for (const auto& [k, v] : req.query) query[k] = v;
    auto response = http::Response::Json(200, {{"method", req.method_name},
                                               {"path", req.path},
                                               {"query", query},
                                               {"headers", headers},
                                               {"body", req.body}});
    response.SetHeader("X-Echo-Thing", "  padded value ");
    return response;
}

http::Router TestRouter() {
    http::Router r;
    for (auto method : {http::Method::kGet, http::Method::kPost, http::Method::kPut,
                        http::Method::kDelete, http::Method::kPatch}) {
        r.Add(method, "/echo", Echo, {.max_body = 4u << 20});
    }
    r.Get("/status/{code}", [](http::Request& req) {
        const int code = std::stoi(std::string(*req.PathParam("code")));
        return http::Response::Text(code, "status " + std::to_string(code));
    });
    r.Get("/sleep", [](http::Request& req) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::stoi(std::string(req.Query("ms").value_or("0")))));
        return http::Response::Text(200, "slept");
    });
    r.Get("/big", [](http::Request& req) {
        const auto n = std::stoul(std::string(req.Query("n").value_or("0")));
        return http::Response::Text(200, std::string(n, 'x'));
    });
    r.Post("/multipart", [](http::Request& req) {
        return http::Response::Text(
            200, std::string(req.Header("Content-Type").value_or("")) + "\n\n" + req.body,
            "application/octet-stream");
    });
    return r;
}

class HttpClientTest : public ::testing::Test {
  protected:
    void SetUp() override {
        log::SetLevel(log::Level::kWarn);
        http::ServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 2;
        options.handler_threads = 16;
        server_ = std::make_unique<http::Server>(std::move(options), TestRouter(), metrics_);
        auto started = server_->Start();
        ASSERT_TRUE(started.ok()) << started.error().message;
    }
    void TearDown() override {
        server_.reset();
        log::SetLevel(log::Level::kInfo);
    }

    std::string Url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(server_->port()) + std::string(path);
    }

    HttpResponse MustSend(const HttpRequest& request) {
        auto r = client_.Send(request);
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? std::move(r).value() : HttpResponse{};
    }

    http::MetricsRegistry metrics_;
    std::unique_ptr<http::Server> server_;
    HttpClient client_{HttpClient::Options{.user_agent = "hudhud-test/1.2.3"}};
};

TEST_F(HttpClientTest, GetSendsHeadersAndUserAgentAndReadsResponseHeaders) {
    HttpRequest req;
    req.url = Url("/echo?a=1&b=x%20y");
    req.headers = {{"Authorization", "Bearer TOKEN"}, {"X-Empty", ""}, {"X-Mixed-Case", "v"}};
    const HttpResponse r = MustSend(req);
    ASSERT_EQ(r.status, 200) << r.body;
    const json j = json::parse(r.body);
    EXPECT_EQ(j["method"], "GET");
    EXPECT_EQ(j["query"]["a"], "1");
    EXPECT_EQ(j["query"]["b"], "x y");
    EXPECT_EQ(j["headers"]["authorization"], "Bearer TOKEN");
    EXPECT_EQ(j["headers"]["x-empty"], "");
    EXPECT_EQ(j["headers"]["x-mixed-case"], "v");
    EXPECT_EQ(j["headers"]["user-agent"], "hudhud-test/1.2.3");
    EXPECT_FALSE(j["headers"].contains("expect"));

    EXPECT_EQ(r.Header("x-echo-thing"), "padded value");
    EXPECT_EQ(r.Header("X-ECHO-THING"), "padded value");
    EXPECT_EQ(r.Header("content-type"), "application/json");
    EXPECT_FALSE(r.Header("x-missing").has_value());
    for (const auto& [name, value] : r.headers) {
        for (char c : name) EXPECT_FALSE(std::isupper(static_cast<unsigned char>(c))) << name;
    }
}

TEST_F(HttpClientTest, DefaultUserAgentMatchesMetaPattern) {
    HttpClient client;
    HttpRequest req;
    req.url = Url("/echo");
    auto r = client.Send(req);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(json::parse(r->body)["headers"]["user-agent"], "hudhud/0.1.0");
}

TEST_F(HttpClientTest, PostPutPatchDeleteSendBody) {
    for (std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
        HttpRequest req;
        req.method = method;
        req.url = Url("/echo");
        req.headers = {{"Content-Type", "application/json"}};
        req.body = R"({"hello":"مرحبا"})";
        const HttpResponse r = MustSend(req);
        ASSERT_EQ(r.status, 200) << method << " " << r.body;
        const json j = json::parse(r.body);
        EXPECT_EQ(j["method"], method);
        EXPECT_EQ(j["body"], req.body) << method;
        EXPECT_EQ(j["headers"]["content-type"], "application/json");
    }
}

TEST_F(HttpClientTest, EmptyPostAndLargeBody) {
    HttpRequest req;
    req.method = "POST";
    req.url = Url("/echo");
    HttpResponse r = MustSend(req);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["body"], "");
    EXPECT_EQ(json::parse(r.body)["headers"]["content-length"], "0");

    req.body.assign(2u << 20, 'b');  // well past libcurl's 100-continue threshold
    const auto start = std::chrono::steady_clock::now();
    r = MustSend(req);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(json::parse(r.body)["body"].get<std::string>().size(), req.body.size());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 900ms);
}

TEST_F(HttpClientTest, ErrorStatusesAreResponses) {
    for (int code : {400, 401, 404, 422, 429, 500, 503}) {
        HttpRequest req;
        req.url = Url("/status/" + std::to_string(code));
        const HttpResponse r = MustSend(req);
        EXPECT_EQ(r.status, code);
        EXPECT_EQ(r.body, "status " + std::to_string(code));
    }
    HttpRequest req;
    req.url = Url("/no/such/route");
    EXPECT_EQ(MustSend(req).status, 404);
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailable) {
    // A socket bound but not listening: connecting to its port is refused, and nobody else can
    // take the port while we hold it.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);

    HttpRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x?access_token=SECRET";
    req.headers = {{"Authorization", "Bearer SECRET"}};
    auto r = client_.Send(req);
    ::close(fd);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().message;
    EXPECT_TRUE(r.error().retryable);
    EXPECT_EQ(r.error().message.find("SECRET"), std::string::npos) << r.error().message;
}

TEST_F(HttpClientTest, SlowHandlerIsTimeout) {
    HttpRequest req;
    req.url = Url("/sleep?ms=1500");
    req.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    auto r = client_.Send(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kTimeout) << r.error().message;
    EXPECT_TRUE(r.error().retryable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1200ms);
}

TEST_F(HttpClientTest, OversizeBodyIsPayloadTooLarge) {
    HttpRequest req;
    req.url = Url("/big?n=100000");
    req.max_response_bytes = 1000;
    auto r = client_.Send(req);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kPayloadTooLarge) << r.error().message;
    EXPECT_FALSE(r.error().retryable);

    req.max_response_bytes = 100000;  // exactly at the limit is fine
    const HttpResponse ok = MustSend(req);
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body.size(), 100000u);
}

TEST_F(HttpClientTest, MultipartPartsArrive) {
    HttpRequest req;
    req.url = Url("/multipart");
    req.body = "ignored";
    std::string bytes("\x89PNG\r\n\x1a\n\0\x01\x02", 11);
    auto r = client_.SendMultipart(
        req,
        {{.name = "messaging_product", .value = "whatsapp"},
         {.name = "type", .value = "image/png"},
         {.name = "file", .value = bytes, .filename = "photo.png", .content_type = "image/png"}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->status, 200);
    const std::string& body = r->body;
    EXPECT_TRUE(body.starts_with("multipart/form-data; boundary=")) << body;
    EXPECT_NE(body.find("Content-Disposition: form-data; name=\"messaging_product\"\r\n\r\n"
                        "whatsapp\r\n"),
              std::string::npos)
        << body;
    EXPECT_NE(body.find("Content-Disposition: form-data; name=\"type\"\r\n\r\nimage/png\r\n"),
              std::string::npos);
    EXPECT_NE(body.find("Content-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n"
                        "Content-Type: image/png\r\n\r\n" +
                        bytes + "\r\n"),
              std::string::npos);
    EXPECT_EQ(body.find("ignored"), std::string::npos);
}

TEST_F(HttpClientTest, RejectsBadRequests) {
    HttpRequest req;
    req.url = "";
    EXPECT_EQ(client_.Send(req).error().code, ErrorCode::kInvalidArgument);
    req.url = Url("/echo");
    req.headers = {{"X-Injected", "a\r\nEvil: 1"}};
    EXPECT_EQ(client_.Send(req).error().code, ErrorCode::kInvalidArgument);
    req.headers = {};
    req.url = "ftp://127.0.0.1/file";
    EXPECT_EQ(client_.Send(req).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(HttpClientTest, ConcurrentUseFromEightThreads) {
    constexpr int kThreads = 8;
    constexpr int kPerThread = 25;
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                HttpRequest req;
                req.method = (i % 2 == 0) ? "POST" : "PUT";
                req.url = Url("/echo?t=" + std::to_string(t));
                req.body = "thread " + std::to_string(t) + " request " + std::to_string(i);
                auto r = client_.Send(req);
                if (!r.ok() || r->status != 200) continue;
                const json j = json::parse(r->body);
                if (j["body"] == req.body && j["method"] == req.method &&
                    j["query"]["t"] == std::to_string(t))
                    ++ok;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok.load(), kThreads * kPerThread);
}

}  // namespace
}  // namespace hudhud::net
