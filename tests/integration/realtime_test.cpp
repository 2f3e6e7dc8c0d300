// Real time end to end against the real binary: agents' WebSocket events carry sequence
// numbers; a client that reconnects with "since" gets exactly what it missed, in order, then
// live events; an unknown number is a resync; presence changes are events. On PostgreSQL two
// nodes share one database: an agent on node B gets what node A produced, and replays there.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "http/testing/test_client.hpp"
#include "tests/integration/meta_signature.hpp"
#include "tests/integration/scratch_postgres.hpp"
#include "tests/integration/test_server.hpp"
#include "tests/integration/whatsapp_deliveries.hpp"

namespace hudhud::testing {
namespace {

using namespace std::chrono_literals;
using http::testing::TestWsClient;

constexpr const char* kAppSecret = "realtime-app-secret";

struct Workspace {
    std::int64_t id = 0;
    std::string cookie;
    std::string webhook_path;
};

Workspace SetUpWorkspace(HttpClient& admin) {
    Workspace w;
    auto setup = admin.Post("/api/v1/setup", {{"workspace_name", "Realtime"},
                                              {"name", "Owner"},
                                              {"email", "owner@realtime.example"},
                                              {"password", "realtime-password"}});
    EXPECT_EQ(setup.status, 201) << setup.body;
    admin.set_csrf(setup.json().value("csrf_token", ""));
    w.id = setup.json()["workspace"]["id"].get<std::int64_t>();
    w.cookie = "hudhud_session=" + admin.cookies()["hudhud_session"];
    auto inbox = admin.Post("/api/v1/workspaces/" + std::to_string(w.id) + "/inboxes",
                            {{"name", "Support WA"},
                             {"channel_kind", "whatsapp"},
                             {"credentials",
                              {{"app_secret", kAppSecret},
                               {"verify_token", "verify-me"},
                               {"access_token", "EAAG-token"}}}});
    EXPECT_EQ(inbox.status, 201) << inbox.body;
    const std::string url = inbox.json()["inbox"].value("webhook_url", "");
    w.webhook_path = url.substr(url.find("/webhooks/"));
    return w;
}

void PostCustomerText(unsigned short port, const Workspace& w, const std::string& wamid,
                      const std::string& text) {
    HttpClient meta(port);
    const std::string body =
        CustomerTextDelivery(WhatsAppAccount{}, "971500000001", wamid, text, NowSeconds()).dump();
    auto r = meta.Request("POST", w.webhook_path, body,
                          {{"X-Hub-Signature-256", MetaSignature(kAppSecret, body)},
                           {"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
}

std::unique_ptr<TestWsClient> Connect(unsigned short port, const Workspace& w) {
    auto c = TestWsClient::Connect(port, "/api/v1/ws", {{"Cookie", w.cookie}});
    EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
    return c.ok() ? std::move(c).value() : nullptr;
}

void Subscribe(TestWsClient& c, const Workspace& w, std::optional<std::int64_t> since = {}) {
    nlohmann::json msg = {{"type", "subscribe"}, {"workspace_id", w.id}};
    if (since) msg["since"] = *since;
    ASSERT_TRUE(c.SendJson(msg).ok());
    auto r = c.ReadJson();
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ((*r)["type"], "subscribed") << r->dump();
}

// Reads event frames until `want` of type `event` arrived (or a timeout); returns every event
// frame read, in order.
std::vector<nlohmann::json> ReadUntil(TestWsClient& c, const std::string& event, int want,
                                      std::chrono::milliseconds wait = 10s) {
    std::vector<nlohmann::json> frames;
    int seen = 0;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (seen < want && std::chrono::steady_clock::now() < deadline) {
        auto r = c.ReadJson(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (!r.ok()) break;
        if ((*r)["type"] != "event") continue;
        if ((*r)["event"] == event) ++seen;
        frames.push_back(std::move(*r));
    }
    return frames;
}

// Reads event frames until, for each type in `want`, that many arrived (or a timeout).
std::vector<nlohmann::json> ReadUntilAll(TestWsClient& c, std::map<std::string, int> want,
                                         std::chrono::milliseconds wait = 10s) {
    std::vector<nlohmann::json> frames;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    auto done = [&] {
        for (const auto& [type, n] : want) {
            if (n > 0) return false;
        }
        return true;
    };
    while (!done() && std::chrono::steady_clock::now() < deadline) {
        auto r = c.ReadJson(std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now()));
        if (!r.ok()) break;
        if ((*r)["type"] != "event") continue;
        if (auto it = want.find((*r)["event"].get<std::string>()); it != want.end()) --it->second;
        frames.push_back(std::move(*r));
    }
    return frames;
}

std::vector<std::string> MessageContents(const std::vector<nlohmann::json>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames) {
        if (f["event"] == "message.created") out.push_back(f["data"].value("content", ""));
    }
    return out;
}

// Every frame has a seq, increasing by one (one workspace: the journal holds nothing else),
// starting right after `after` (a negative `after`: only increasing); returns the last.
std::int64_t ExpectContiguous(const std::vector<nlohmann::json>& frames, std::int64_t after) {
    std::int64_t last = after;
    for (const auto& f : frames) {
        EXPECT_TRUE(f.contains("seq")) << f.dump();
        const auto seq = f.value("seq", std::int64_t{0});
        if (after >= 0) {
            EXPECT_EQ(seq, last + 1) << f.dump();
        } else {
            EXPECT_GT(seq, last) << f.dump();
        }
        last = seq;
    }
    return last;
}

// Nothing more arrives (no duplicate of what was replayed).
void ExpectQuiet(TestWsClient& c) {
    auto r = c.ReadJson(300ms);
    EXPECT_FALSE(r.ok()) << "unexpected: " << r->dump();
}

TEST(RealtimeTest, ReconnectWithSinceReplaysExactlyWhatWasMissedOnSqlite) {
    TestServer server;
    ASSERT_TRUE(server.Start());
    HttpClient admin(server.port());
    const Workspace w = SetUpWorkspace(admin);

    auto agent = Connect(server.port(), w);
    ASSERT_TRUE(agent);
    Subscribe(*agent, w);
    PostCustomerText(server.port(), w, "wamid.rt.1", "one");
    PostCustomerText(server.port(), w, "wamid.rt.2", "two");
    auto live = ReadUntil(*agent, "message.created", 2);
    EXPECT_EQ(MessageContents(live), (std::vector<std::string>{"one", "two"}));
    ASSERT_FALSE(live.empty());
    const std::int64_t last_seen = ExpectContiguous(live, live.front().value("seq", 0) - 1);
    agent.reset();  // the connection drops

    PostCustomerText(server.port(), w, "wamid.rt.3", "three");
    PostCustomerText(server.port(), w, "wamid.rt.4", "four");
    PostCustomerText(server.port(), w, "wamid.rt.5", "five");
    // Let them commit while nobody listens, so they can only come from the journal.
    for (int i = 0; i < 250; ++i) {
        auto msgs = admin.Get("/api/v1/workspaces/" + std::to_string(w.id) + "/conversations");
        if (msgs.status == 200 && msgs.body.find("five") != std::string::npos) break;
        std::this_thread::sleep_for(20ms);
    }

    auto again = Connect(server.port(), w);
    ASSERT_TRUE(again);
    Subscribe(*again, w, last_seen);
    auto missed = ReadUntil(*again, "message.created", 3);
    EXPECT_EQ(MessageContents(missed), (std::vector<std::string>{"three", "four", "five"}));
    const std::int64_t after_replay = ExpectContiguous(missed, last_seen);
    ExpectQuiet(*again);

    // Live events follow the replay with the next numbers; presence is one of them.
    auto put = admin.Put("/api/v1/workspaces/" + std::to_string(w.id) + "/availability",
                         {{"availability", "busy"}});
    ASSERT_EQ(put.status, 200) << put.body;
    auto presence = ReadUntil(*again, "presence.updated", 1);
    ASSERT_EQ(presence.size(), 1u);
    EXPECT_EQ(presence[0]["data"]["availability"], "busy");
    EXPECT_GT(presence[0]["data"].value("user_id", 0), 0);
    ExpectContiguous(presence, after_replay);

    // A number the server never gave means the client must reload.
    auto stale = Connect(server.port(), w);
    ASSERT_TRUE(stale);
    Subscribe(*stale, w, after_replay + 1000);
    auto r = stale->ReadJson();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)["type"], "resync") << r->dump();
    EXPECT_EQ((*r)["workspace_id"], w.id);
    // "since" must be a non-negative integer.
    ASSERT_TRUE(
        stale->SendJson({{"type", "subscribe"}, {"workspace_id", w.id}, {"since", "x"}}).ok());
    r = stale->ReadJson();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)["type"], "error");
    EXPECT_EQ((*r)["code"], "invalid_message");
}

TEST(RealtimeTest, AnAgentOnNodeBGetsNodeAsEventsAndReplaysThereOnPostgres) {
    const char* url = std::getenv("HUDHUD_TEST_PG_URL");
    if (url == nullptr || *url == '\0') GTEST_SKIP() << "HUDHUD_TEST_PG_URL is not set";
    ScratchPostgres pg(url);
    ASSERT_FALSE(pg.url().empty()) << "could not create a test database";
    const std::string key_dir = MakeTempDir("hudhud-rt-key");
    const std::vector<std::string> shared_key = {"--master-key-file", key_dir + "/master.key"};
    TestServer a({.database = pg.url(), .extra_args = shared_key, .data_dir = ""});
    ASSERT_TRUE(a.Start());
    TestServer b({.database = pg.url(), .extra_args = shared_key, .data_dir = ""});
    ASSERT_TRUE(b.Start());

    HttpClient admin_a(a.port());
    const Workspace w = SetUpWorkspace(admin_a);

    // The agent is on node B; the webhook and the presence change go to node A.
    auto agent = Connect(b.port(), w);
    ASSERT_TRUE(agent);
    Subscribe(*agent, w);
    PostCustomerText(a.port(), w, "wamid.pg.1", "from A");
    auto first = ReadUntil(*agent, "message.created", 1);
    EXPECT_EQ(MessageContents(first), (std::vector<std::string>{"from A"}));
    auto put = admin_a.Put("/api/v1/workspaces/" + std::to_string(w.id) + "/availability",
                           {{"availability", "online"}});
    ASSERT_EQ(put.status, 200) << put.body;
    auto presence = ReadUntil(*agent, "presence.updated", 1);  // published on node A
    ASSERT_EQ(presence.size(), 1u);
    ASSERT_FALSE(first.empty());
    first.insert(first.end(), presence.begin(), presence.end());
    // PostgreSQL may leave holes in the numbers (a rolled-back append); order is what counts.
    const std::int64_t last_seen = ExpectContiguous(first, -1);
    agent.reset();

    PostCustomerText(a.port(), w, "wamid.pg.2", "missed one");
    PostCustomerText(a.port(), w, "wamid.pg.3", "missed two");
    for (int i = 0; i < 250; ++i) {
        auto c = admin_a.Get("/api/v1/workspaces/" + std::to_string(w.id) + "/conversations");
        if (c.status == 200 && c.body.find("missed two") != std::string::npos) break;
        std::this_thread::sleep_for(20ms);
    }
    ASSERT_EQ(admin_a
                  .Put("/api/v1/workspaces/" + std::to_string(w.id) + "/availability",
                       {{"availability", "busy"}})
                  .status,
              200);

    auto again = Connect(b.port(), w);
    ASSERT_TRUE(again);
    Subscribe(*again, w, last_seen);
    // The messages were ingested by either node; the presence change came from node A.
    auto missed = ReadUntilAll(*again, {{"message.created", 2}, {"presence.updated", 1}});
    EXPECT_EQ(MessageContents(missed), (std::vector<std::string>{"missed one", "missed two"}));
    int presences = 0;
    for (const auto& f : missed) {
        if (f["event"] != "presence.updated") continue;
        ++presences;
        EXPECT_EQ(f["data"]["availability"], "busy");
    }
    EXPECT_EQ(presences, 1);
    const std::int64_t after_replay = ExpectContiguous(missed, -1);
    EXPECT_GT(missed.front().value("seq", 0), last_seen);
    ExpectQuiet(*again);

    // And live again, from node A.
    PostCustomerText(a.port(), w, "wamid.pg.4", "live again");
    auto live = ReadUntil(*again, "message.created", 1);
    EXPECT_EQ(MessageContents(live), (std::vector<std::string>{"live again"}));
    ASSERT_FALSE(live.empty());
    EXPECT_GT(live.front().value("seq", 0), after_replay);
}

}  // namespace
}  // namespace hudhud::testing
