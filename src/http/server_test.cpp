#include "http/server.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "http/static_files.hpp"
#include "http/testing/self_signed.hpp"
#include "http/testing/test_client.hpp"
#include "log/log.hpp"

namespace hudhud::http {
namespace {

using namespace std::chrono_literals;
using testing::ClientResponse;
using testing::TestClient;

Response Ok(std::string body = "ok") { return Response::Text(200, std::move(body)); }

Router BasicRouter() {
    Router r;
    r.Get("/healthz", [](Request&) { return Ok(); },
          {.inline_handler = true, .name = "healthz", .access_log = false});
    r.Get("/echo/{id}", [](Request& req) {
        return Response::Json(200, {{"id", *req.PathParam("id")},
                                    {"q", req.Query("q").value_or("")},
                                    {"cookie", req.Cookie("sid").value_or("")},
                                    {"secure", req.secure},
                                    {"route", req.route},
                                    {"remote", req.remote_address},
                                    {"request_id", req.request_id}});
    });
    r.Post("/echo", [](Request& req) { return Ok(req.body); });
    r.Put("/echo", [](Request& req) { return Ok(req.body); });
    r.Post("/big", [](Request& req) { return Ok(std::to_string(req.body.size())); },
           {.max_body = 8192});
    r.Get("/throw", [](Request&) -> Response { throw std::runtime_error("db exploded at row 7"); });
    r.Get("/sleep", [](Request& req) {
        auto ms = std::stoi(std::string(req.Query("ms").value_or("200")));
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return Ok("slept");
    });
    return r;
}

class ServerTest : public ::testing::Test {
  protected:
    void SetUp() override { log::SetLevel(log::Level::kWarn); }
    void TearDown() override {
        server_.reset();
        log::SetLevel(log::Level::kInfo);
    }

    void Start(Router router, ServerOptions options = {}) {
        options.host = "127.0.0.1";
        options.port = 0;
        if (options.io_threads == 0) options.io_threads = 2;
        server_ = std::make_unique<Server>(std::move(options), std::move(router), metrics_);
        auto s = server_->Start();
        ASSERT_TRUE(s.ok()) << s.error().message;
        ASSERT_NE(server_->port(), 0);
    }

    std::unique_ptr<TestClient> Connect(bool tls = false) {
        auto c = TestClient::Connect(server_->port(), tls);
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
        return c.ok() ? std::move(c).value() : nullptr;
    }

    static void ExpectJsonError(const ClientResponse& r, int status, std::string_view code) {
        EXPECT_EQ(r.status, status) << r.body;
        EXPECT_EQ(r.Header("Content-Type"), "application/json");
        auto j = r.Json();
        ASSERT_TRUE(j.is_object()) << r.body;
        EXPECT_EQ(j["error"]["code"], code) << r.body;
        EXPECT_TRUE(j["error"]["message"].is_string()) << r.body;
    }

    MetricsRegistry metrics_;
    std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
    Start(BasicRouter());
    auto c = Connect();
    ASSERT_TRUE(c);
    std::set<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        auto r = c->Get("/echo/" + std::to_string(i) + "?q=%D8%A8+x", {{"Cookie", "sid=s1; a=b"}});
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->status, 200);
        auto j = r->Json();
        EXPECT_EQ(j["id"], std::to_string(i));
        EXPECT_EQ(j["q"], "ب x");
        EXPECT_EQ(j["cookie"], "s1");
        EXPECT_EQ(j["secure"], false);
        EXPECT_EQ(j["route"], "/echo/{id}");
        EXPECT_EQ(j["remote"], "127.0.0.1");
        EXPECT_EQ(r->Header("X-Request-Id"), j["request_id"].get<std::string>());
        EXPECT_EQ(r->Header("X-Content-Type-Options"), "nosniff");
        ids.insert(j["request_id"].get<std::string>());
    }
    EXPECT_EQ(ids.size(), 5u);
    auto post = c->Post("/echo", "hello body");
    ASSERT_TRUE(post.ok());
    EXPECT_EQ(post->body, "hello body");
}

TEST_F(ServerTest, PipelinedRequestsAnswerInOrder) {
    Start(BasicRouter());
    auto c = Connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->WriteRaw("GET /sleep?ms=100 HTTP/1.1\r\nHost: x\r\n\r\n"
                            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                            "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                    .ok());
    auto a = c->ReadResponse();
    auto b = c->ReadResponse();
    auto d = c->ReadResponse();
    ASSERT_TRUE(a.ok() && b.ok() && d.ok());
    EXPECT_EQ(a->body, "slept");
    EXPECT_EQ(b->body, "abc");
    EXPECT_EQ(d->body, "ok");
}

TEST_F(ServerTest, RoutingErrorsAreJson) {
    Start(BasicRouter());
    auto c = Connect();
    ASSERT_TRUE(c);
    auto nf = c->Get("/nope");
    ASSERT_TRUE(nf.ok());
    ExpectJsonError(*nf, 404, "not_found");
    auto na = c->Send("DELETE", "/echo");
    ASSERT_TRUE(na.ok());
    ExpectJsonError(*na, 405, "method_not_allowed");
    EXPECT_EQ(na->Header("Allow"), "POST, PUT");
    // The connection survives both.
    auto ok = c->Get("/healthz");
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->status, 200);
}

TEST_F(ServerTest, MalformedRequestIs400AndClosed) {
    Start(BasicRouter());
    auto c = Connect();
    ASSERT_TRUE(c);
    ASSERT_TRUE(c->WriteRaw("GET /x HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n").ok());
    auto r = c->ReadResponse();
    ASSERT_TRUE(r.ok()) << r.error().message;
    ExpectJsonError(*r, 400, "bad_request");
    EXPECT_TRUE(c->WaitForClose(2s));

    auto c2 = Connect();
    ASSERT_TRUE(c2->WriteRaw("GET http://evil/ HTTP/1.1\r\nHost: x\r\n\r\n").ok());
    auto r2 = c2->ReadResponse();
    ASSERT_TRUE(r2.ok());
    ExpectJsonError(*r2, 400, "bad_request");

    auto c3 = Connect();
    auto r3 = c3->Get("/echo/1?q=%zz");
    ASSERT_TRUE(r3.ok());
    ExpectJsonError(*r3, 400, "bad_request");
}

TEST_F(ServerTest, OversizeBodyIs413WithPerRouteOverride) {
    Start(BasicRouter(), {.max_body_bytes = 1024});
    auto c = Connect();
    ASSERT_TRUE(c);
    auto r = c->Post("/echo", std::string(4096, 'x'));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ExpectJsonError(*r, 413, "payload_too_large");
    EXPECT_EQ(r->Header("Connection"), "close");

    auto c2 = Connect();
    auto big = c2->Post("/big", std::string(4096, 'x'));
    ASSERT_TRUE(big.ok());
    EXPECT_EQ(big->body, "4096");
    auto too_big = c2->Post("/big", std::string(9000, 'x'));
    ASSERT_TRUE(too_big.ok());
    ExpectJsonError(*too_big, 413, "payload_too_large");

    // Chunked bodies are limited while they stream.
    auto c3 = Connect();
    std::string chunk(800, 'y');
    std::string raw = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) raw += "320\r\n" + chunk + "\r\n";
    raw += "0\r\n\r\n";
    ASSERT_TRUE(c3->WriteRaw(raw).ok());
    auto chunked = c3->ReadResponse();
    ASSERT_TRUE(chunked.ok()) << chunked.error().message;
    ExpectJsonError(*chunked, 413, "payload_too_large");
}

TEST_F(ServerTest, ExpectContinueIsHonoured) {
    Start(BasicRouter());
    auto c = Connect();
    ASSERT_TRUE(c->WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                            "Expect: 100-continue\r\n\r\n")
                    .ok());
    auto cont = c->ReadResponse();
    ASSERT_TRUE(cont.ok());
    EXPECT_EQ(cont->status, 100);
    ASSERT_TRUE(c->WriteRaw("hello").ok());
    auto r = c->ReadResponse();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->body, "hello");
}

TEST_F(ServerTest, HeaderSizeLimitIs431) {
    Start(BasicRouter(), {.max_header_bytes = 1024});
    auto c = Connect();
    auto small = c->Get("/healthz", {{"X-Pad", std::string(500, 'a')}});
    ASSERT_TRUE(small.ok());
    EXPECT_EQ(small->status, 200);
    auto r = c->Get("/healthz", {{"X-Pad", std::string(2000, 'a')}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ExpectJsonError(*r, 431, "header_too_large");
}

TEST_F(ServerTest, IdleConnectionsAreClosed) {
    Start(BasicRouter(), {.idle_timeout = 300ms});
    auto idle = Connect();
    ASSERT_TRUE(idle);
    auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(idle->WaitForClose(3s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);

    auto used = Connect();
    ASSERT_TRUE(used->Get("/healthz").ok());
    EXPECT_TRUE(used->WaitForClose(3s));

    // A client that stalls halfway through its headers is cut off too.
    auto partial = Connect();
    ASSERT_TRUE(partial->WriteRaw("GET /healthz HTTP/1.1\r\nHost:").ok());
    EXPECT_TRUE(partial->WaitForClose(3s));
}

TEST_F(ServerTest, SlowHandlersDoNotBlockInlineRoutes) {
    Start(BasicRouter(), {.handler_threads = 64});
    std::vector<std::future<int>> slow;
    for (int i = 0; i < 64; ++i) {
        slow.push_back(std::async(std::launch::async, [port = server_->port()] {
            auto c = TestClient::Connect(port);
            if (!c.ok()) return -1;
            auto r = (*c)->Get("/sleep?ms=1500");
            return r.ok() ? r->status : -2;
        }));
    }
    std::this_thread::sleep_for(300ms);  // let the pool fill up
    auto c = Connect();
    for (int i = 0; i < 20; ++i) {
        auto start = std::chrono::steady_clock::now();
        auto r = c->Get("/healthz");
        ASSERT_TRUE(r.ok());
        EXPECT_EQ(r->status, 200);
        EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);
    }
    for (auto& f : slow) EXPECT_EQ(f.get(), 200);
}

TEST_F(ServerTest, RequestIdIsEchoedOrGenerated) {
    Start(BasicRouter());
    auto c = Connect();
    auto mine = c->Get("/healthz", {{"X-Request-Id", "trace-abc.123_X"}});
    ASSERT_TRUE(mine.ok());
    EXPECT_EQ(mine->Header("X-Request-Id"), "trace-abc.123_X");
    auto bad = c->Get("/healthz", {{"X-Request-Id", "not ok/" + std::string(80, 'x')}});
    ASSERT_TRUE(bad.ok());
    auto id = bad->Header("X-Request-Id");
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(id->size(), 24u);
    auto err = c->Get("/nope", {{"X-Request-Id", "rid-404"}});
    EXPECT_EQ(err->Header("X-Request-Id"), "rid-404");
}

TEST_F(ServerTest, HandlerExceptionsBecome500WithoutDetails) {
    Start(BasicRouter());
    auto c = Connect();
    auto r = c->Get("/throw");
    ASSERT_TRUE(r.ok());
    ExpectJsonError(*r, 500, "internal");
    EXPECT_EQ(r->body.find("exploded"), std::string::npos);
    EXPECT_EQ(c->Get("/healthz")->status, 200);
}

TEST_F(ServerTest, HeadUsesGetWithoutBody) {
    Start(BasicRouter());
    auto c = Connect();
    auto r = c->Send("HEAD", "/echo/9");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 200);
    EXPECT_TRUE(r->body.empty());
    EXPECT_NE(r->Header("Content-Length").value_or("0"), "0");
    EXPECT_EQ(c->Get("/healthz")->body, "ok");
}

TEST_F(ServerTest, MetricsHaveRouteSeries) {
    Start(BasicRouter());
    auto c = Connect();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(c->Get("/healthz").ok());
    ASSERT_TRUE(c->Get("/echo/1").ok());
    ASSERT_TRUE(c->Get("/nope").ok());
    ASSERT_TRUE(c->Get("/throw").ok());
    // The server records a request after writing its response, so the client can be faster
    // than the last counter; wait for it instead of racing.
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    do {
        text = metrics_.Render();
        if (text.find(R"(route="/throw",method="GET",status="500"} 1)") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    } while (std::chrono::steady_clock::now() < deadline);
    EXPECT_NE(
        text.find(R"(hudhud_http_requests_total{route="healthz",method="GET",status="200"} 3)"),
        std::string::npos)
        << text;
    EXPECT_NE(
        text.find(R"(hudhud_http_requests_total{route="/echo/{id}",method="GET",status="200"} 1)"),
        std::string::npos);
    EXPECT_NE(
        text.find(R"(hudhud_http_requests_total{route="unmatched",method="GET",status="404"} 1)"),
        std::string::npos);
    EXPECT_NE(
        text.find(R"(hudhud_http_requests_total{route="/throw",method="GET",status="500"} 1)"),
        std::string::npos);
    EXPECT_NE(text.find(R"(hudhud_http_request_duration_seconds_count{route="healthz"} 3)"),
              std::string::npos);
    EXPECT_NE(
        text.find(R"(hudhud_http_request_duration_seconds_bucket{route="healthz",le="0.001"})"),
        std::string::npos);
    EXPECT_NE(text.find("hudhud_http_connections 1\n"), std::string::npos) << text;
}

TEST_F(ServerTest, GracefulStopFinishesInFlightRequests) {
    Start(BasicRouter());
    auto idle = Connect();
    ASSERT_TRUE(idle->Get("/healthz").ok());
    auto in_flight = std::async(std::launch::async, [port = server_->port()] {
        auto c = TestClient::Connect(port);
        if (!c.ok()) return std::string("connect failed");
        auto r = (*c)->Get("/sleep?ms=700");
        if (!r.ok()) return r.error().message;
        return r->body + " " + std::string(r->Header("Connection").value_or(""));
    });
    std::this_thread::sleep_for(200ms);
    auto start = std::chrono::steady_clock::now();
    server_->Stop();
    auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(in_flight.get(), "slept close");
    EXPECT_LT(took, 5s);
    EXPECT_TRUE(idle->WaitForClose(1s));
    EXPECT_FALSE(TestClient::Connect(server_->port()).ok());
    server_->Stop();  // idempotent
}

TEST_F(ServerTest, StopDeadlineCutsOffStuckRequests) {
    Start(BasicRouter(), {.shutdown_timeout = 300ms});
    auto in_flight = std::async(std::launch::async, [port = server_->port()] {
        auto c = TestClient::Connect(port);
        return (*c)->Get("/sleep?ms=2000").ok();
    });
    std::this_thread::sleep_for(100ms);
    auto start = std::chrono::steady_clock::now();
    server_->Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    EXPECT_FALSE(in_flight.get());
}

TEST_F(ServerTest, StopFromInsideAHandlerDoesNotDeadlock) {
    Server* self = nullptr;
    Router r = BasicRouter();
    r.Post("/admin/stop", [&self](Request&) {
        self->Stop();
        return Ok("stopping");
    });
    Start(std::move(r));
    self = server_.get();
    auto c = Connect();
    auto resp = c->Post("/admin/stop", "");
    ASSERT_TRUE(resp.ok());
    EXPECT_EQ(resp->body, "stopping");
    server_->Stop();
}

TEST_F(ServerTest, ConnectionLimitAnswers503) {
    Start(BasicRouter(), {.max_connections = 2});
    auto a = Connect();
    auto b = Connect();
    ASSERT_TRUE(a->Get("/healthz").ok());
    ASSERT_TRUE(b->Get("/healthz").ok());
    auto c = Connect();
    auto r = c->ReadResponse();
    ASSERT_TRUE(r.ok()) << r.error().message;
    ExpectJsonError(*r, 503, "unavailable");
    a.reset();
    std::this_thread::sleep_for(100ms);
    auto d = Connect();
    EXPECT_EQ(d->Get("/healthz")->status, 200);
}

TEST_F(ServerTest, ServesTls) {
    auto dir =
        std::filesystem::temp_directory_path() / ("hudhud_tls_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string cert = (dir / "cert.pem").string();
    std::string key = (dir / "key.pem").string();
    ASSERT_TRUE(testing::WriteSelfSignedCertificate(cert, key).ok());
    Start(BasicRouter(), {.tls_cert_file = cert, .tls_key_file = key});
    EXPECT_TRUE(server_->secure());
    auto c = Connect(/*tls=*/true);
    ASSERT_TRUE(c);
    for (int i = 0; i < 3; ++i) {
        auto r = c->Get("/echo/5");
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->Json()["secure"], true);
    }
    // Plain HTTP to a TLS port gets nothing useful.
    auto plain = TestClient::Connect(server_->port(), false, 2s);
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE((*plain)->Get("/healthz").ok());
    std::filesystem::remove_all(dir);
}

TEST_F(ServerTest, BadTlsFilesFailStart) {
    Router r = BasicRouter();
    Server s({.host = "127.0.0.1",
              .port = 0,
              .tls_cert_file = "/nonexistent/c.pem",
              .tls_key_file = "/nonexistent/k.pem"},
             std::move(r), metrics_);
    auto status = s.Start();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(ServerTest, BindFailureIsUnavailable) {
    Start(BasicRouter());
    Server second({.host = "127.0.0.1", .port = server_->port()}, BasicRouter(), metrics_);
    auto status = second.Start();
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
}

TEST_F(ServerTest, StaticFallbackRefusesTraversal) {
    auto dir = std::filesystem::temp_directory_path() /
               ("hudhud_static_srv_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir / "dist");
    std::ofstream(dir / "dist" / "index.html") << "<html>spa</html>";
    std::ofstream(dir / "secret.txt") << "top secret";
    auto files = StaticFiles::Create({.root = (dir / "dist").string()});
    ASSERT_TRUE(files.ok());
    Router r = BasicRouter();
    r.SetFallback(files->AsHandler());
    Start(std::move(r));
    auto c = Connect();
    auto spa = c->Get("/inbox/1", {{"Accept", "text/html"}});
    ASSERT_TRUE(spa.ok());
    EXPECT_EQ(spa->body, "<html>spa</html>");
    for (const char* target :
         {"/../secret.txt", "/%2e%2e/secret.txt", "/a/../../secret.txt", "/..%2fsecret.txt"}) {
        auto conn = Connect();
        auto res = conn->Get(target, {{"Accept", "text/html"}});
        ASSERT_TRUE(res.ok()) << target;
        EXPECT_EQ(res->body.find("top secret"), std::string::npos) << target;
        EXPECT_GE(res->status, 400) << target;
    }
    std::filesystem::remove_all(dir);
}

TEST_F(ServerTest, AccessLogCarriesNoSecrets) {
    auto path = std::filesystem::temp_directory_path() /
                ("hudhud_access_" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(path);
    ASSERT_TRUE(log::Init({.level = log::Level::kInfo, .file = path.string()}).ok());
    Start(BasicRouter());
    auto c = Connect();
    ASSERT_TRUE(c->Post("/echo", "password=hunter2",
                        {{"Authorization", "Bearer tok_secret"}, {"Cookie", "sid=cookie_secret"}})
                    .ok());
    server_.reset();
    log::Flush();
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(log::Init({}).ok());
    std::filesystem::remove(path);
    EXPECT_NE(all.find("\"event\":\"http.request\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"route\":\"/echo\""), std::string::npos) << all;
    EXPECT_EQ(all.find("hunter2"), std::string::npos);
    EXPECT_EQ(all.find("tok_secret"), std::string::npos);
    EXPECT_EQ(all.find("cookie_secret"), std::string::npos);
}

TEST_F(ServerTest, AsyncRoutesAnswerFromAnyThreadWithoutHoldingThePool) {
    Router router = BasicRouter();
    // Replies a second later from a thread of its own, as a storage writer would after a commit.
    router.AddAsync(Method::kPost, "/later", [](Request& req, AsyncReply reply) {
        std::thread([body = req.body, reply = std::move(reply)] {
            std::this_thread::sleep_for(1000ms);
            reply.reply(Response::Text(202, "later:" + body));
        }).detach();
    });
    router.AddAsync(Method::kGet, "/now", [](Request&, AsyncReply reply) {
        reply.reply(Response::Text(200, "now"));
    });
    router.AddAsync(Method::kGet, "/offloaded", [](Request&, AsyncReply reply) {
        reply.offload([r = reply.reply] { r(Response::Text(200, "from the pool")); });
    });
    router.AddAsync(Method::kGet, "/async-throw",
                    [](Request&, AsyncReply) { throw std::runtime_error("async exploded"); });
    // One pool thread: 16 waiting async requests must not need it.
    Start(std::move(router), {.handler_threads = 1});

    std::vector<std::future<std::string>> waiting;
    for (int i = 0; i < 16; ++i) {
        waiting.push_back(std::async(std::launch::async, [port = server_->port(), i] {
            auto c = TestClient::Connect(port);
            if (!c.ok()) return std::string("connect failed");
            auto r = (*c)->Post("/later", "b" + std::to_string(i));
            return r.ok() ? std::to_string(r->status) + " " + r->body : r.error().message;
        }));
    }
    auto c = Connect();
    ASSERT_TRUE(c);
    std::this_thread::sleep_for(100ms);  // the 16 are waiting now
    auto start = std::chrono::steady_clock::now();
    auto pooled = c->Get("/sleep?ms=1");  // needs the single pool thread
    ASSERT_TRUE(pooled.ok());
    EXPECT_EQ(pooled->status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);
    for (int i = 0; i < 16; ++i) EXPECT_EQ(waiting[i].get(), "202 later:b" + std::to_string(i));

    auto now = c->Get("/now");
    ASSERT_TRUE(now.ok());
    EXPECT_EQ(now->body, "now");
    auto offloaded = c->Get("/offloaded");
    ASSERT_TRUE(offloaded.ok());
    EXPECT_EQ(offloaded->body, "from the pool");
    auto thrown = c->Get("/async-throw");
    ASSERT_TRUE(thrown.ok());
    ExpectJsonError(*thrown, 500, "internal");
    EXPECT_EQ(thrown->body.find("exploded"), std::string::npos);
    EXPECT_EQ(c->Get("/healthz")->status, 200);
}

}  // namespace
}  // namespace hudhud::http
