#include "http/ws_hub.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/server.hpp"
#include "http/testing/self_signed.hpp"
#include "http/testing/test_client.hpp"
#include "log/log.hpp"

namespace hudhud::http {
namespace {

using namespace std::chrono_literals;
using testing::TestWsClient;

// Token "user-N" authenticates user N; workspace W may be followed by user W % 10 (so user 1
// follows workspaces 1, 11, 21, ...).
Result<WsPrincipal> AuthByHeader(const Request& req) {
    auto token = req.Header("X-Test-User");
    if (!token || token->substr(0, 5) != "user-") return Error::Unauthenticated("bad token");
    return WsPrincipal{.user_id = std::stoll(std::string(token->substr(5))), .context = nullptr};
}

class WsTest : public ::testing::Test {
  protected:
    void SetUp() override { log::SetLevel(log::Level::kWarn); }
    void TearDown() override {
        server_.reset();
        log::SetLevel(log::Level::kInfo);
    }

    void Start(WsOptions ws_options = {}, ServerOptions options = {}) {
        hub_ = std::make_unique<WsHub>(std::move(ws_options), &metrics_);
        hub_->SetAuthenticate(AuthByHeader);
        hub_->SetCanSubscribe([](const WsPrincipal& p, std::int64_t workspace) {
            return workspace % 10 == p.user_id;
        });
        hub_->SetOnMessage([this](WsConnection& conn, const nlohmann::json& msg) {
            {
                std::lock_guard lock(mu_);
                seen_.push_back(msg.value("type", ""));
            }
            if (msg.value("type", "") == "typing") {
                conn.Send(nlohmann::json{{"type", "typing_ack"}, {"user", conn.principal().user_id}}
                              .dump());
            }
        });
        hub_->SetOnClose([this](WsConnection&) { ++closed_; });
        if (replay_) hub_->SetReplay(replay_);
        Router router;
        router.Get("/healthz", [](Request&) { return Response::Text(200, "ok"); },
                   {.inline_handler = true});
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 2;
        server_ =
            std::make_unique<Server>(std::move(options), std::move(router), metrics_, hub_.get());
        ASSERT_TRUE(server_->Start().ok());
    }

    std::unique_ptr<TestWsClient> Connect(std::int64_t user, bool tls = false) {
        auto c = TestWsClient::Connect(server_->port(), "/api/v1/ws",
                                       {{"X-Test-User", "user-" + std::to_string(user)}}, tls);
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
        return c.ok() ? std::move(c).value() : nullptr;
    }

    static void Subscribe(TestWsClient& c, std::int64_t workspace) {
        ASSERT_TRUE(c.SendJson({{"type", "subscribe"}, {"workspace_id", workspace}}).ok());
        auto r = c.ReadJson();
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ((*r)["type"], "subscribed") << r->dump();
        EXPECT_EQ((*r)["workspace_id"], workspace);
    }

    bool WaitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
        auto end = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < end) {
            if (cond()) return true;
            std::this_thread::sleep_for(10ms);
        }
        return cond();
    }

    MetricsRegistry metrics_;
    std::unique_ptr<WsHub> hub_;
    std::unique_ptr<Server> server_;
    std::mutex mu_;
    std::vector<std::string> seen_;
    std::atomic<int> closed_{0};
    WsReplayFn replay_;
};

TEST_F(WsTest, RefusedAuthenticationIs401WithoutUpgrade) {
    Start();
    auto c = TestWsClient::Connect(server_->port(), "/api/v1/ws", {{"X-Test-User", "nobody"}});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("401"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("unauthenticated"), std::string::npos) << c.error().message;
    EXPECT_EQ(hub_->connection_count(), 0u);

    // A plain GET on the WebSocket path asks for an upgrade.
    auto http = testing::TestClient::Connect(server_->port());
    auto r = (*http)->Get("/api/v1/ws");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, 426);
}

TEST_F(WsTest, NoAuthenticateCallbackRefusesEveryone) {
    hub_ = nullptr;
    WsHub hub;
    Router router;
    Server server({.host = "127.0.0.1", .port = 0, .io_threads = 1}, std::move(router), metrics_,
                  &hub);
    ASSERT_TRUE(server.Start().ok());
    auto c = TestWsClient::Connect(server.port(), "/api/v1/ws");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("401"), std::string::npos);
}

TEST_F(WsTest, PublishReachesOnlySubscribersOfThatWorkspace) {
    Start();
    auto a = Connect(1);
    auto b = Connect(2);
    ASSERT_TRUE(a && b);
    Subscribe(*a, 11);
    Subscribe(*b, 12);
    EXPECT_EQ(hub_->subscriber_count(11), 1u);
    EXPECT_EQ(hub_->Publish(11, R"({"type":"message.created","id":1})"), 1u);
    EXPECT_EQ(hub_->Publish(12, R"({"type":"message.created","id":2})"), 1u);
    EXPECT_EQ(hub_->Publish(99, R"({"type":"nobody"})"), 0u);
    auto got_a = a->ReadJson();
    ASSERT_TRUE(got_a.ok());
    EXPECT_EQ((*got_a)["id"], 1);
    auto got_b = b->ReadJson();
    ASSERT_TRUE(got_b.ok());
    EXPECT_EQ((*got_b)["id"], 2);
    // Nothing else is waiting for either.
    EXPECT_EQ(a->Read(200ms).error().code, ErrorCode::kTimeout);

    ASSERT_TRUE(a->SendJson({{"type", "unsubscribe"}, {"workspace_id", 11}}).ok());
    EXPECT_EQ((*a->ReadJson())["type"], "unsubscribed");
    EXPECT_EQ(hub_->Publish(11, R"({"x":1})"), 0u);
}

TEST_F(WsTest, SubscribeIsCheckedAndValidated) {
    Start();
    auto a = Connect(1);
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 12}}).ok());
    auto refused = a->ReadJson();
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ((*refused)["type"], "error");
    EXPECT_EQ((*refused)["code"], "not_found");
    EXPECT_EQ(hub_->subscriber_count(12), 0u);

    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", "11"}}).ok());
    EXPECT_EQ((*a->ReadJson())["code"], "invalid_message");
    ASSERT_TRUE(a->Send("not json").ok());
    EXPECT_EQ((*a->ReadJson())["code"], "invalid_message");
    ASSERT_TRUE(a->SendJson({{"no_type", 1}}).ok());
    EXPECT_EQ((*a->ReadJson())["code"], "invalid_message");
}

// Reads text frames until none arrives for a moment.
std::vector<nlohmann::json> Drain(testing::TestWsClient& c) {
    std::vector<nlohmann::json> out;
    while (true) {
        auto r = c.ReadJson(300ms);
        if (!r.ok()) return out;
        out.push_back(std::move(*r));
    }
}

std::string Seq(std::int64_t n) { return nlohmann::json{{"seq", n}}.dump(); }

TEST_F(WsTest, SubscribeWithSinceReplaysThenHeldLiveMessagesWithoutGapOrDuplicate) {
    std::atomic<std::int64_t> since_seen{-1};
    replay_ = [this, &since_seen](const WsPrincipal& p, std::int64_t ws,
                                  std::int64_t since) -> Result<WsReplay> {
        EXPECT_EQ(p.user_id, 1);
        since_seen = since;
        // Published while the replay reads: 3 is also in the replay, 5 is not, typing has no
        // number. They wait for the replay to be sent.
        hub_->Publish(ws, Seq(3), 3);
        hub_->Publish(ws, Seq(5), 5);
        hub_->Publish(ws, R"({"typing":true})");
        EXPECT_EQ(hub_->subscriber_count(ws), 1u);
        return WsReplay{.frames = {Seq(3), Seq(4)}, .resync = false, .through = 4};
    };
    Start();
    auto a = Connect(1);
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 11}, {"since", 2}}).ok());
    auto sub = a->ReadJson();
    ASSERT_TRUE(sub.ok());
    EXPECT_EQ((*sub)["type"], "subscribed");
    std::vector<nlohmann::json> want = {{{"seq", 3}}, {{"seq", 4}}, {{"seq", 5}},
                                        {{"typing", true}}};
    EXPECT_EQ(Drain(*a), want);
    EXPECT_EQ(since_seen.load(), 2);
    // Live now.
    EXPECT_EQ(hub_->Publish(11, Seq(6), 6), 1u);
    EXPECT_EQ(Drain(*a), (std::vector<nlohmann::json>{{{"seq", 6}}}));

    // Subscribing again with "since" while live replays nothing.
    since_seen = -1;
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 11}, {"since", 0}}).ok());
    EXPECT_EQ(Drain(*a), (std::vector<nlohmann::json>{{{"type", "subscribed"},
                                                       {"workspace_id", 11}}}));
    EXPECT_EQ(since_seen.load(), -1);

    // "since" must be a non-negative integer; nothing is subscribed then.
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 21}, {"since", -1}}).ok());
    EXPECT_EQ((*a->ReadJson())["code"], "invalid_message");
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 21}, {"since", "7"}}).ok());
    EXPECT_EQ((*a->ReadJson())["code"], "invalid_message");
    EXPECT_EQ(hub_->subscriber_count(21), 0u);
}

TEST_F(WsTest, AnAudienceLimitsWhoGetsAMessage) {
    Start();
    // Anyone may follow workspace 7 here (set before anyone connects).
    hub_->SetCanSubscribe([](const WsPrincipal&, std::int64_t) { return true; });
    auto a = Connect(1);
    auto b = Connect(2);
    ASSERT_TRUE(a && b);
    Subscribe(*a, 7);
    Subscribe(*b, 7);
    auto only_b = std::make_shared<const std::vector<std::int64_t>>(std::vector<std::int64_t>{2, 5});
    EXPECT_EQ(hub_->Publish(7, R"({"id":1})", 1, only_b), 1u);
    EXPECT_EQ(hub_->Publish(7, R"({"id":2})", 2), 2u);
    EXPECT_EQ(hub_->Publish(7, R"({"id":3})", 3,
                            std::make_shared<const std::vector<std::int64_t>>()),
              0u);
    EXPECT_EQ(Drain(*a), (std::vector<nlohmann::json>{{{"id", 2}}}));
    EXPECT_EQ(Drain(*b), (std::vector<nlohmann::json>{{{"id", 1}}, {{"id", 2}}}));
}

TEST_F(WsTest, ReplayThatCannotBeServedIsAResync) {
    std::atomic<int> calls{0};
    replay_ = [this, &calls](const WsPrincipal&, std::int64_t ws,
                             std::int64_t) -> Result<WsReplay> {
        if (++calls == 1) {
            hub_->Publish(ws, Seq(7), 7);
            return WsReplay{.frames = {}, .resync = true, .through = 6};
        }
        return Error::Unavailable("database down");
    };
    Start();
    auto a = Connect(1);
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 11}, {"since", 2}}).ok());
    std::vector<nlohmann::json> want = {{{"type", "subscribed"}, {"workspace_id", 11}},
                                        {{"type", "resync"}, {"workspace_id", 11}},
                                        {{"seq", 7}}};
    EXPECT_EQ(Drain(*a), want);
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 21}, {"since", 2}}).ok());
    want = {{{"type", "subscribed"}, {"workspace_id", 21}},
            {{"type", "resync"}, {"workspace_id", 21}}};
    EXPECT_EQ(Drain(*a), want);
    EXPECT_EQ(hub_->Publish(21, Seq(8), 8), 1u);
    EXPECT_EQ(Drain(*a), (std::vector<nlohmann::json>{{{"seq", 8}}}));
}

TEST_F(WsTest, TooManyMessagesHeldDuringAReplayIsAResync) {
    replay_ = [this](const WsPrincipal&, std::int64_t ws, std::int64_t) -> Result<WsReplay> {
        for (int i = 1; i <= 20; ++i) hub_->Publish(ws, Seq(i), i);
        return WsReplay{.frames = {}, .resync = false, .through = 0};
    };
    WsOptions o;
    o.max_queued_messages = 8;
    Start(o);
    auto a = Connect(1);
    ASSERT_TRUE(a->SendJson({{"type", "subscribe"}, {"workspace_id", 11}, {"since", 0}}).ok());
    std::vector<nlohmann::json> want = {{{"type", "subscribed"}, {"workspace_id", 11}},
                                        {{"type", "resync"}, {"workspace_id", 11}}};
    EXPECT_EQ(Drain(*a), want);
    EXPECT_EQ(hub_->Publish(11, Seq(21), 21), 1u);
    EXPECT_EQ(Drain(*a), (std::vector<nlohmann::json>{{{"seq", 21}}}));
}

TEST_F(WsTest, PingAndCustomMessages) {
    Start();
    auto a = Connect(3);
    ASSERT_TRUE(a->SendJson({{"type", "ping"}, {"id", 42}}).ok());
    auto pong = a->ReadJson();
    ASSERT_TRUE(pong.ok());
    EXPECT_EQ((*pong)["type"], "pong");
    EXPECT_EQ((*pong)["id"], 42);

    ASSERT_TRUE(a->SendJson({{"type", "typing"}, {"conversation_id", 5}}).ok());
    auto ack = a->ReadJson();
    ASSERT_TRUE(ack.ok());
    EXPECT_EQ((*ack)["type"], "typing_ack");
    EXPECT_EQ((*ack)["user"], 3);
    std::lock_guard lock(mu_);
    EXPECT_EQ(seen_, (std::vector<std::string>{"typing"}));
}

TEST_F(WsTest, PublishToUserReachesAllTheirConnections) {
    Start();
    auto a1 = Connect(4);
    auto a2 = Connect(4);
    auto other = Connect(5);
    ASSERT_TRUE(WaitFor([&] { return hub_->connection_count() == 3; }));
    EXPECT_EQ(hub_->PublishToUser(4, R"({"type":"notification"})"), 2u);
    EXPECT_EQ((*a1->ReadJson())["type"], "notification");
    EXPECT_EQ((*a2->ReadJson())["type"], "notification");
    EXPECT_EQ(other->Read(200ms).error().code, ErrorCode::kTimeout);
}

TEST_F(WsTest, TwoHubsOnTwoPathsKeepTheirConnectionsApart) {
    WsHub agents({}, &metrics_);
    WsHub visitors({.path = "/widget/v1/ws"}, &metrics_);
    agents.SetAuthenticate(AuthByHeader);
    // The visitors' hub authenticates differently: only "visitor-N" tokens, never user tokens.
    visitors.SetAuthenticate([](const Request& req) -> Result<WsPrincipal> {
        auto token = req.Query("token");
        if (!token || token->substr(0, 8) != "visitor-") return Error::Unauthenticated("no");
        return WsPrincipal{.user_id = std::stoll(std::string(token->substr(8))), .context = {}};
    });
    Router router;
    Server server({.host = "127.0.0.1", .port = 0, .io_threads = 1}, std::move(router), metrics_,
                  std::vector<WsHub*>{&agents, &visitors});
    ASSERT_TRUE(server.Start().ok());

    auto agent = TestWsClient::Connect(server.port(), "/api/v1/ws", {{"X-Test-User", "user-7"}});
    ASSERT_TRUE(agent.ok());
    auto visitor = TestWsClient::Connect(server.port(), "/widget/v1/ws?token=visitor-7");
    ASSERT_TRUE(visitor.ok()) << visitor.error().message;
    auto wrong = TestWsClient::Connect(server.port(), "/widget/v1/ws",
                                       {{"X-Test-User", "user-7"}});
    EXPECT_FALSE(wrong.ok());
    ASSERT_TRUE(WaitFor([&] {
        return agents.connection_count() == 1 && visitors.connection_count() == 1;
    }));
    // Same numeric principal on both hubs: a publish on one never reaches the other.
    EXPECT_EQ(visitors.PublishToUser(7, R"({"type":"for-visitor"})"), 1u);
    EXPECT_EQ((*(*visitor)->ReadJson())["type"], "for-visitor");
    EXPECT_EQ((*agent)->Read(200ms).error().code, ErrorCode::kTimeout);
    server.Stop();
    EXPECT_TRUE(WaitFor([&] {
        return agents.connection_count() == 0 && visitors.connection_count() == 0;
    }));
}

TEST_F(WsTest, SlowClientIsDroppedWithoutBlockingPublish) {
    Start({.max_queued_messages = 64, .max_queued_bytes = 256u << 10});
    auto slow = Connect(1);
    auto fast = Connect(1);
    Subscribe(*slow, 1);
    Subscribe(*fast, 11);
    std::string big = R"({"type":"blob","data":")" + std::string(60000, 'x') + "\"}";
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 2000 && hub_->subscriber_count(1) > 0; ++i) hub_->Publish(1, big);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
    EXPECT_TRUE(WaitFor([&] { return hub_->subscriber_count(1) == 0; }));
    EXPECT_NE(metrics_.Render().find("hudhud_ws_dropped_slow_total 1"), std::string::npos);
    // Others are unaffected.
    hub_->Publish(11, R"({"type":"still-here"})");
    EXPECT_EQ((*fast->ReadJson())["type"], "still-here");
    EXPECT_TRUE(WaitFor([&] { return closed_.load() == 1; }));
}

TEST_F(WsTest, StopClosesWebSockets) {
    Start();
    auto a = Connect(1);
    Subscribe(*a, 1);
    auto start = std::chrono::steady_clock::now();
    server_->Stop();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    auto r = a->Read(2s);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().code, ErrorCode::kTimeout);
    EXPECT_EQ(hub_->connection_count(), 0u);
}

TEST_F(WsTest, OriginAllowList) {
    Start({.allowed_origins = {"https://app.example"}});
    auto bad = TestWsClient::Connect(server_->port(), "/api/v1/ws",
                                     {{"X-Test-User", "user-1"}, {"Origin", "https://evil"}});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("403"), std::string::npos);
    auto good =
        TestWsClient::Connect(server_->port(), "/api/v1/ws",
                              {{"X-Test-User", "user-1"}, {"Origin", "https://app.example"}});
    EXPECT_TRUE(good.ok());
}

TEST_F(WsTest, WorksOverTls) {
    auto dir =
        std::filesystem::temp_directory_path() / ("hudhud_wss_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string cert = (dir / "cert.pem").string();
    std::string key = (dir / "key.pem").string();
    ASSERT_TRUE(testing::WriteSelfSignedCertificate(cert, key).ok());
    Start({}, {.tls_cert_file = cert, .tls_key_file = key});
    auto a = Connect(2, /*tls=*/true);
    ASSERT_TRUE(a);
    Subscribe(*a, 2);
    hub_->Publish(2, R"({"type":"secure-hello"})");
    EXPECT_EQ((*a->ReadJson())["type"], "secure-hello");
    server_.reset();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hudhud::http
