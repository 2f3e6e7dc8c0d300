// Web Chat end to end against the real binary: visitor sessions and tokens (forged, tampered,
// cross-inbox, cross-workspace), the allowed_domains Origin check on HTTP and the WebSocket
// upgrade, HMAC identity (verified history across devices, mismatch, hmac_mandatory), pre-chat
// consent, offline capture, per-visitor rate limits, and agent replies arriving over the
// visitors' WebSocket (never private notes, never another visitor's). Attachments: the visitor
// upload route and the inbox's limits, files visible only to their own visitor, and agents'
// files delivered to the widget.
#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "http/testing/test_client.hpp"
#include "tests/integration/test_server.hpp"

namespace hudhud::testing {
namespace {

using namespace std::chrono_literals;
using http::testing::TestWsClient;

constexpr const char* kAllowedOrigin = "http://shop.example:8081";

// A 1x1 PNG (binary, with NUL bytes).
const std::string kPng(
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    "\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9c\x63\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00"
    "\x00\x00IEND\xae\x42\x60\x82",
    67);

std::string HexHmac(const std::string& key, const std::string& msg) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[mac[i] >> 4]);
        out.push_back(kHex[mac[i] & 0xf]);
    }
    return out;
}

std::string QueryText(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::string out = "<none>";
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            auto* t = sqlite3_column_text(st, 0);
            out = t ? reinterpret_cast<const char*>(t) : "<null>";
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

struct WebChatInbox {
    std::string id;
    std::string website_token;
    std::string hmac_token;
};

class WebChatTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(server_.Start());
        admin_ = std::make_unique<HttpClient>(server_.port());
        auto setup = admin_->Post("/api/v1/setup", {{"workspace_name", "Shop"},
                                                    {"name", "Owner"},
                                                    {"email", "owner@shop.example"},
                                                    {"password", "webchat-password"}});
        ASSERT_EQ(setup.status, 201) << setup.body;
        admin_->set_csrf(setup.json()["csrf_token"]);
        ws_ = std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
    }

    WebChatInbox CreateInbox(HttpClient& admin, const std::string& ws,
                             nlohmann::json settings) {
        auto r = admin.Post("/api/v1/workspaces/" + ws + "/inboxes",
                            {{"name", "Website"}, {"channel_kind", "webchat"},
                             {"settings", std::move(settings)}});
        EXPECT_EQ(r.status, 201) << r.body;
        const auto& inbox = r.json()["inbox"];
        WebChatInbox out;
        out.id = std::to_string(inbox["id"].get<std::int64_t>());
        out.website_token = inbox["webchat"]["website_token"];
        out.hmac_token = inbox["webchat"].value("hmac_token", "");
        return out;
    }

    // A visitor's HTTP client: one session, the token sent as X-Auth-Token.
    struct Visitor {
        HttpClient http;
        std::string website_token;
        std::string token;
        HttpResult Call(const std::string& method, const std::string& path,
                        const nlohmann::json& body = nullptr,
                        std::map<std::string, std::string> headers = {}) {
            headers["X-Auth-Token"] = token;
            return http.Request(method, "/widget/v1/" + website_token + path,
                                body.is_null() ? "" : body.dump(), headers);
        }
    };

    // The widget's upload: the raw file with its type, the name (and echo id) in the query.
    static HttpResult UploadFile(Visitor& v, const std::string& query, const std::string& bytes,
                                 const std::string& type,
                                 std::map<std::string, std::string> headers = {}) {
        headers["X-Auth-Token"] = v.token;
        headers["Content-Type"] = type;
        return v.http.Request("POST", "/widget/v1/" + v.website_token + "/attachments" + query,
                              bytes, headers);
    }

    std::unique_ptr<Visitor> StartVisitor(const std::string& website_token) {
        auto v = std::make_unique<Visitor>(Visitor{HttpClient(server_.port()), website_token, ""});
        auto r = v->http.Post("/widget/v1/" + website_token + "/sessions",
                              {{"host_origin", kAllowedOrigin}, {"locale", "en"}});
        EXPECT_EQ(r.status, 201) << r.body;
        v->token = r.json().value("token", "");
        return v;
    }

    std::unique_ptr<TestWsClient> ConnectVisitor(const Visitor& v,
                                                 const http::StringPairs& headers = {}) {
        auto c = TestWsClient::Connect(
            server_.port(),
            "/widget/v1/ws?website_token=" + v.website_token + "&token=" + v.token, headers);
        EXPECT_TRUE(c.ok()) << (c.ok() ? "" : c.error().message);
        return c.ok() ? std::move(c).value() : nullptr;
    }

    HttpResult AgentReply(std::int64_t conversation, const std::string& content,
                          bool is_private = false) {
        return admin_->Post("/api/v1/workspaces/" + ws_ + "/conversations/" +
                                std::to_string(conversation) + "/messages",
                            {{"content", content}, {"private", is_private}});
    }

    // Reads frames until one of `type` arrives (skipping others), or fails after `wait`.
    static nlohmann::json ReadUntil(TestWsClient& c, const std::string& type,
                                    std::chrono::milliseconds wait = 5s) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = c.ReadJson(std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now()));
            if (!r.ok()) break;
            if (r->value("type", "") == type) return *r;
        }
        return nullptr;
    }

    std::string Db() const { return server_.data_dir() + "/hudhud.db"; }

    TestServer server_;
    std::unique_ptr<HttpClient> admin_;
    std::string ws_;
};

TEST_F(WebChatTest, InboxExposesTokenSnippetAndSecretToAdmins) {
    auto r = admin_->Post("/api/v1/workspaces/" + ws_ + "/inboxes",
                          {{"name", "Website"}, {"channel_kind", "webchat"},
                           {"settings", {{"widget_color", "#112233"}, {"locale", "ar"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    const auto& w = r.json()["inbox"]["webchat"];
    EXPECT_GE(w["website_token"].get<std::string>().size(), 20u);
    EXPECT_NE(w["embed_snippet"].get<std::string>().find("data-website-token=\"" +
                                                         w["website_token"].get<std::string>()),
              std::string::npos);
    EXPECT_GE(w["hmac_token"].get<std::string>().size(), 16u);
    EXPECT_EQ(r.json()["inbox"]["has_credentials"], true);

    auto bad = admin_->Post("/api/v1/workspaces/" + ws_ + "/inboxes",
                            {{"name", "Bad"}, {"channel_kind", "webchat"},
                             {"settings", {{"widget_color", "red"}}}});
    EXPECT_EQ(bad.status, 400) << bad.body;

    HttpClient anon(server_.port());
    auto config = anon.Get("/widget/v1/" + w["website_token"].get<std::string>() + "/config");
    ASSERT_EQ(config.status, 200) << config.body;
    EXPECT_EQ(config.json()["config"]["locale"], "ar");
    EXPECT_EQ(config.json()["config"]["widget_color"], "#112233");
    EXPECT_FALSE(config.json()["config"].contains("hmac_token"));
    EXPECT_EQ(config.body.find(w["hmac_token"].get<std::string>()), std::string::npos);
    EXPECT_EQ(anon.Get("/widget/v1/no-such-token/config").status, 404);
}

TEST_F(WebChatTest, VisitorMessageReachesInboxAndAgentReplyArrivesOverWebSocket) {
    auto inbox = CreateInbox(*admin_, ws_, {{"allowed_domains", {kAllowedOrigin}}});
    auto v = StartVisitor(inbox.website_token);
    ASSERT_FALSE(v->token.empty());
    auto ws = ConnectVisitor(*v);
    ASSERT_NE(ws, nullptr);

    auto sent = v->Call("POST", "/messages", {{"content", "مرحبا، hello"}, {"echo_id", "e-1"}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()["message"]["echo_id"], "e-1");
    EXPECT_EQ(sent.json()["message"]["direction"], "incoming");
    EXPECT_FALSE(sent.json()["message"].contains("external_id"));
    EXPECT_EQ(sent.json()["agents_online"], false);  // no agent connected: offline capture
    const auto conversation = sent.json()["message"]["conversation_id"].get<std::int64_t>();

    // A retried POST (same echo id) is acknowledged without a second message.
    auto again = v->Call("POST", "/messages", {{"content", "مرحبا، hello"}, {"echo_id", "e-1"}});
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["duplicate"], true);
    EXPECT_EQ(QueryText(Db(), "SELECT count(*) FROM messages"), "1");

    // It is in the shared inbox like any channel's message.
    auto list = admin_->Get("/api/v1/workspaces/" + ws_ + "/conversations/" +
                            std::to_string(conversation) + "/messages");
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.json()["data"].size(), 1u);
    EXPECT_EQ(list.json()["data"][0]["content"], "مرحبا، hello");

    // The visitor's own message comes back on its socket (other tabs stay in sync) ...
    auto echo = ReadUntil(*ws, "message.created");
    ASSERT_FALSE(echo.is_null());
    EXPECT_EQ(echo["data"]["echo_id"], "e-1");

    // ... an agent's reply arrives, a private note does not.
    ASSERT_EQ(AgentReply(conversation, "internal only", true).status, 201);
    auto reply = AgentReply(conversation, "أهلاً! How can we help?");
    ASSERT_EQ(reply.status, 201) << reply.body;
    auto frame = ReadUntil(*ws, "message.created");
    ASSERT_FALSE(frame.is_null());
    EXPECT_EQ(frame["data"]["content"], "أهلاً! How can we help?");
    EXPECT_EQ(frame["data"]["direction"], "outgoing");
    EXPECT_EQ(ws->Read(300ms).error().code, ErrorCode::kTimeout);

    // History on reload: oldest first, no private note.
    auto history = v->Call("GET", "/messages");
    ASSERT_EQ(history.status, 200) << history.body;
    ASSERT_EQ(history.json()["data"].size(), 2u) << history.body;
    EXPECT_EQ(history.json()["data"][0]["content"], "مرحبا، hello");
    EXPECT_EQ(history.json()["data"][1]["content"], "أهلاً! How can we help?");

    // Another visitor of the same inbox sees none of it.
    auto other = StartVisitor(inbox.website_token);
    auto other_ws = ConnectVisitor(*other);
    ASSERT_EQ(AgentReply(conversation, "second reply").status, 201);
    EXPECT_FALSE(ReadUntil(*ws, "message.created").is_null());
    EXPECT_EQ(other_ws->Read(300ms).error().code, ErrorCode::kTimeout);
    EXPECT_EQ(other->Call("GET", "/messages").json()["data"].size(), 0u);
}

TEST_F(WebChatTest, ForgedExpiredAndForeignTokensAreRefused) {
    auto a = CreateInbox(*admin_, ws_, {});
    auto b = CreateInbox(*admin_, ws_, {});
    auto v = StartVisitor(a.website_token);
    ASSERT_EQ(v->Call("GET", "/messages").status, 200);

    const std::string good = v->token;
    std::string tampered = good;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    for (const std::string& bad : {tampered, std::string("hv1.forged"), std::string("x"),
                                   std::string()}) {
        v->token = bad;
        EXPECT_EQ(v->Call("GET", "/messages").status, 401) << bad;
        EXPECT_EQ(v->Call("POST", "/messages", {{"content", "hi"}}).status, 401) << bad;
        auto c = TestWsClient::Connect(server_.port(), "/widget/v1/ws?website_token=" +
                                                           a.website_token + "&token=" + bad);
        EXPECT_FALSE(c.ok()) << bad;
    }
    // A token is bound to its inbox ...
    v->token = good;
    v->website_token = b.website_token;
    EXPECT_EQ(v->Call("GET", "/messages").status, 401);
    EXPECT_FALSE(TestWsClient::Connect(server_.port(), "/widget/v1/ws?website_token=" +
                                                           b.website_token + "&token=" + good)
                     .ok());
    // ... and to its workspace.
    auto ws2 = admin_->Post("/api/v1/workspaces", {{"name", "Other shop"}});
    ASSERT_EQ(ws2.status, 201) << ws2.body;
    const auto ws2_id = std::to_string(ws2.json()["workspace"]["id"].get<std::int64_t>());
    auto c = CreateInbox(*admin_, ws2_id, {});
    v->website_token = c.website_token;
    EXPECT_EQ(v->Call("GET", "/messages").status, 401);

    // The refresh endpoint gives a working token for a valid one, and refuses forgeries.
    v->website_token = a.website_token;
    auto refreshed = v->Call("POST", "/sessions/refresh");
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    v->token = refreshed.json()["token"];
    EXPECT_EQ(v->Call("GET", "/messages").status, 200);
    v->token = tampered;
    EXPECT_EQ(v->Call("POST", "/sessions/refresh").status, 401);
}

TEST_F(WebChatTest, OriginMustBeAllowedOnHttpAndWebSocket) {
    auto inbox = CreateInbox(*admin_, ws_, {{"allowed_domains", {kAllowedOrigin, "*.brand.test"}}});
    HttpClient anon(server_.port());
    const std::string base = "/widget/v1/" + inbox.website_token;
    EXPECT_EQ(anon.Request("GET", base + "/config", "", {{"Origin", "http://evil.test"}}).status,
              403);
    EXPECT_EQ(anon.Request("GET", base + "/config", "", {{"Origin", kAllowedOrigin}}).status, 200);
    EXPECT_EQ(
        anon.Request("GET", base + "/config", "", {{"Origin", "https://a.brand.test"}}).status,
        200);
    // The frame we serve is same-origin with the API.
    const std::string self = "127.0.0.1:" + std::to_string(server_.port());
    EXPECT_EQ(anon.Request("GET", base + "/config", "",
                           {{"Origin", "http://" + self}, {"Host", self}})
                  .status,
              200);
    // The embedding page's origin (reported by the loader) is checked too.
    EXPECT_EQ(anon.Post(base + "/sessions", {{"host_origin", "http://evil.test"}}).status, 403);

    auto v = StartVisitor(inbox.website_token);
    EXPECT_EQ(v->Call("POST", "/messages", {{"content", "x"}}, {{"Origin", "http://evil.test"}})
                  .status,
              403);
    auto refused = TestWsClient::Connect(
        server_.port(),
        "/widget/v1/ws?website_token=" + inbox.website_token + "&token=" + v->token,
        {{"Origin", "http://evil.test"}});
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(ConnectVisitor(*v, {{"Origin", kAllowedOrigin}}), nullptr);

    // The frame document carries the list as frame-ancestors.
    auto frame = anon.Get("/widget/frame?website_token=" + inbox.website_token);
    if (frame.status == 200) {
        EXPECT_NE(frame.headers["content-security-policy"].find(kAllowedOrigin), std::string::npos)
            << frame.headers["content-security-policy"];
    } else {
        EXPECT_EQ(frame.status, 404);  // web/dist not built in this checkout
    }
}

TEST_F(WebChatTest, HmacIdentityFollowsThePersonAcrossDevices) {
    auto inbox = CreateInbox(*admin_, ws_, {});
    ASSERT_FALSE(inbox.hmac_token.empty());
    const std::string id = "customer-42";
    const std::string hash = HexHmac(inbox.hmac_token, id);

    auto laptop = StartVisitor(inbox.website_token);
    auto wrong = laptop->Call("POST", "/identify",
                              {{"identifier", id}, {"identifier_hash", HexHmac("nope", id)}});
    EXPECT_EQ(wrong.status, 401) << wrong.body;
    auto ok = laptop->Call("POST", "/identify", {{"identifier", id},
                                                 {"identifier_hash", hash},
                                                 {"email", "c42@example.com"},
                                                 {"name", "Customer"}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.json()["visitor"]["verified"], true);
    ASSERT_EQ(laptop->Call("POST", "/messages", {{"content", "from my laptop"}}).status, 201);

    // A second device, verified as the same person, sees that history and gets replies live.
    auto phone = StartVisitor(inbox.website_token);
    EXPECT_EQ(phone->Call("GET", "/messages").json()["data"].size(), 0u);
    ASSERT_EQ(phone->Call("POST", "/identify", {{"identifier", id}, {"identifier_hash", hash}})
                  .status,
              200);
    auto history = phone->Call("GET", "/messages");
    ASSERT_EQ(history.json()["data"].size(), 1u) << history.body;
    EXPECT_EQ(history.json()["data"][0]["content"], "from my laptop");
    auto phone_ws = ConnectVisitor(*phone);
    const auto conversation = history.json()["data"][0]["conversation_id"].get<std::int64_t>();
    ASSERT_EQ(AgentReply(conversation, "hi on every device").status, 201);
    auto frame = ReadUntil(*phone_ws, "message.created");
    ASSERT_FALSE(frame.is_null());
    EXPECT_EQ(frame["data"]["content"], "hi on every device");

    // The contact got the identified email.
    EXPECT_EQ(QueryText(Db(), "SELECT email FROM contacts"), "c42@example.com");

    // An unverified setUser is kept as data but does not unlock anyone's history.
    auto guess = StartVisitor(inbox.website_token);
    auto unverified = guess->Call("POST", "/identify", {{"identifier", id}});
    ASSERT_EQ(unverified.status, 200) << unverified.body;
    EXPECT_EQ(unverified.json()["visitor"]["verified"], false);
    EXPECT_EQ(guess->Call("GET", "/messages").json()["data"].size(), 0u);

    // With hmac_mandatory, setUser needs the hash.
    auto strict = CreateInbox(*admin_, ws_, {{"hmac_mandatory", true}});
    auto s = StartVisitor(strict.website_token);
    EXPECT_EQ(s->Call("POST", "/identify", {{"identifier", id}}).status, 403);
    EXPECT_EQ(s->Call("POST", "/identify",
                      {{"identifier", id}, {"identifier_hash", HexHmac(strict.hmac_token, id)}})
                  .status,
              200);
}

TEST_F(WebChatTest, PreChatConsentIsRecordedWithTextAndTime) {
    auto inbox = CreateInbox(*admin_, ws_, {{"pre_chat_form_enabled", true},
                                            {"consent_text", "I agree to the privacy policy."}});
    auto v = StartVisitor(inbox.website_token);
    EXPECT_EQ(v->Call("PATCH", "/visitor", {{"email", "a@b.example"}}).status, 400);
    EXPECT_EQ(v->Call("PATCH", "/visitor", {{"email", "not-an-email"}, {"consent", true}}).status,
              400);
    auto ok = v->Call("PATCH", "/visitor", {{"name", "Sara"},
                                            {"email", "sara@example.com"},
                                            {"phone", "+971 50 123 4567"},
                                            {"consent", true}});
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(ok.json()["visitor"]["consent_at"].is_number());
    EXPECT_EQ(QueryText(Db(), "SELECT consent_text FROM webchat_visitors WHERE email = "
                              "'sara@example.com'"),
              "I agree to the privacy policy.");
    // The first message creates the contact with the pre-chat details.
    ASSERT_EQ(v->Call("POST", "/messages", {{"content", "hello"}}).status, 201);
    EXPECT_EQ(QueryText(Db(), "SELECT name || '|' || email FROM contacts"),
              "Sara|sara@example.com");
}

TEST_F(WebChatTest, AgentsOnlineAndPerVisitorRateLimit) {
    auto inbox = CreateInbox(*admin_, ws_, {});
    auto v = StartVisitor(inbox.website_token);
    EXPECT_EQ(v->Call("POST", "/messages", {{"content", "anyone?"}}).json()["agents_online"],
              false);

    // An agent following the workspace on the agents' socket: now someone is online.
    http::StringPairs cookie = {
        {"Cookie", "hudhud_session=" + admin_->cookies()["hudhud_session"]}};
    auto agent = TestWsClient::Connect(server_.port(), "/api/v1/ws", cookie);
    ASSERT_TRUE(agent.ok()) << agent.error().message;
    ASSERT_TRUE((*agent)->SendJson({{"type", "subscribe"}, {"workspace_id", std::stoll(ws_)}}).ok());
    ASSERT_EQ((*(*agent)->ReadJson())["type"], "subscribed");
    auto r = v->Call("POST", "/messages", {{"content", "hello?"}});
    EXPECT_EQ(r.json()["agents_online"], true) << r.body;

    // Agent typing reaches the visitor; the visitor's typing reaches the agent.
    auto vws = ConnectVisitor(*v);
    const auto conversation = r.json()["message"]["conversation_id"].get<std::int64_t>();
    ASSERT_TRUE((*agent)->SendJson({{"type", "typing"}, {"workspace_id", std::stoll(ws_)},
                                    {"conversation_id", conversation}, {"on", true}})
                    .ok());
    auto typing = ReadUntil(*vws, "typing");
    ASSERT_FALSE(typing.is_null());
    EXPECT_EQ(typing["on"], true);
    ASSERT_TRUE(vws->SendJson({{"type", "typing"}, {"on", true}}).ok());
    bool agent_saw_typing = false;
    for (int i = 0; i < 10 && !agent_saw_typing; ++i) {
        auto f = (*agent)->ReadJson(2s);
        if (!f.ok()) break;
        agent_saw_typing = f->value("event", "") == "conversation.typing_on" &&
                           (*f)["data"].value("sender_kind", "") == "contact";
    }
    EXPECT_TRUE(agent_saw_typing);

    // 30 messages a minute per visitor; the next is 429.
    int created = 2;
    int limited = 0;
    for (int i = 0; i < 35; ++i) {
        int st = v->Call("POST", "/messages", {{"content", "spam " + std::to_string(i)}}).status;
        if (st == 201) ++created;
        if (st == 429) ++limited;
    }
    EXPECT_EQ(created, 30);
    EXPECT_EQ(limited, 7);
}

TEST_F(WebChatTest, VisitorFilesFollowTheInboxPolicyAndReachTheAgent) {
    auto inbox = CreateInbox(*admin_, ws_,
                             {{"allowed_domains", {kAllowedOrigin}},
                              {"max_attachment_bytes", 1000},
                              {"allowed_mime_types", {"image/*", "application/pdf"}}});
    auto v = StartVisitor(inbox.website_token);
    auto ws = ConnectVisitor(*v);
    ASSERT_NE(ws, nullptr);

    auto sent = UploadFile(*v, "?filename=%D8%B5%D9%88%D8%B1%D8%A9.png&echo_id=f-1", kPng,
                           "image/png", {{"Origin", kAllowedOrigin}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    const auto& m = sent.json()["message"];
    EXPECT_EQ(m["direction"], "incoming");
    EXPECT_EQ(m["content_type"], "image");
    EXPECT_EQ(m["echo_id"], "f-1");
    ASSERT_EQ(m["attachments"].size(), 1u) << m;
    const auto& a = m["attachments"][0];
    EXPECT_EQ(a["kind"], "image");
    EXPECT_EQ(a["mime_type"], "image/png");
    EXPECT_EQ(a["file_name"], "صورة.png");
    EXPECT_EQ(a["size_bytes"], kPng.size());
    const auto attachment = a["id"].get<std::int64_t>();
    const auto conversation = m["conversation_id"].get<std::int64_t>();
    auto echo = ReadUntil(*ws, "message.created");
    ASSERT_FALSE(echo.is_null());
    EXPECT_EQ(echo["data"]["attachments"][0]["id"], attachment);

    // A retried upload (same echo id) stores no second message or attachment.
    auto again = UploadFile(*v, "?filename=x.png&echo_id=f-1", kPng, "image/png");
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.json()["duplicate"], true);
    EXPECT_EQ(again.json()["message"]["attachments"][0]["id"], attachment);

    // The visitor reads it back through the widget API ...
    auto file = v->Call("GET", "/attachments/" + std::to_string(attachment) + "/file");
    ASSERT_EQ(file.status, 200) << file.body;
    EXPECT_EQ(file.body, kPng);
    EXPECT_EQ(file.headers["content-type"], "image/png");
    EXPECT_EQ(file.headers["x-content-type-options"], "nosniff");
    // ... and an agent through the normal attachment routes.
    auto list = admin_->Get("/api/v1/workspaces/" + ws_ + "/conversations/" +
                            std::to_string(conversation) + "/messages");
    ASSERT_EQ(list.json()["data"].size(), 1u) << list.body;
    EXPECT_EQ(list.json()["data"][0]["content_attributes"]["attachments"][0]["id"], attachment);
    auto agent_file = admin_->Get("/api/v1/workspaces/" + ws_ + "/attachments/" +
                                  std::to_string(attachment) + "/file");
    ASSERT_EQ(agent_file.status, 200) << agent_file.body;
    EXPECT_EQ(agent_file.body, kPng);
    auto row =
        admin_->Get("/api/v1/workspaces/" + ws_ + "/attachments/" + std::to_string(attachment));
    EXPECT_EQ(row.json()["attachment"]["message_id"], list.json()["data"][0]["id"]);

    // The inbox's limits, before anything is stored.
    auto big = UploadFile(*v, "?filename=big.png", std::string(1001, 'x'), "image/png");
    EXPECT_EQ(big.status, 413) << big.body;
    EXPECT_EQ(big.json()["error"]["code"], "payload_too_large");
    EXPECT_EQ(big.json()["error"]["message"],
              "the file is 1001 bytes; this chat accepts files up to 1000 bytes");
    auto zip = UploadFile(*v, "?filename=a.zip", "PK\x03\x04", "application/zip");
    EXPECT_EQ(zip.status, 415) << zip.body;
    EXPECT_EQ(zip.json()["error"]["code"], "unsupported_media_type");
    // "image/*" never admits a type that runs script.
    EXPECT_EQ(UploadFile(*v, "?filename=a.svg", "<svg/>", "image/svg+xml").status, 415);
    EXPECT_EQ(UploadFile(*v, "?filename=a.html", "<p>", "text/html").status, 415);
    EXPECT_EQ(UploadFile(*v, "", kPng, "image/png").status, 400);  // no filename
    EXPECT_EQ(UploadFile(*v, "?filename=empty.png", "", "image/png").status, 400);
    EXPECT_EQ(UploadFile(*v, "?filename=a.png", kPng, "image/png", {{"Origin", "http://evil.test"}})
                  .status,
              403);
    v->token = "hv1.forged";
    EXPECT_EQ(UploadFile(*v, "?filename=a.png", kPng, "image/png").status, 401);
    EXPECT_EQ(QueryText(Db(), "SELECT count(*) FROM attachments"), "1");
    EXPECT_EQ(QueryText(Db(), "SELECT count(*) FROM messages"), "1");

    // An inbox with attachments turned off refuses files.
    auto closed = CreateInbox(*admin_, ws_, {{"attachments_enabled", false}});
    auto c = StartVisitor(closed.website_token);
    auto off = UploadFile(*c, "?filename=a.png", kPng, "image/png");
    EXPECT_EQ(off.status, 403) << off.body;
}

TEST_F(WebChatTest, AVisitorReachesOnlyTheFilesOfItsOwnConversations) {
    auto inbox = CreateInbox(*admin_, ws_, {});
    auto owner = StartVisitor(inbox.website_token);
    auto sent =
        UploadFile(*owner, "?filename=mine.png&content=%D8%A7%D9%84%D8%B5%D9%88%D8%B1%D8%A9", kPng,
                   "image/png");
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()["message"]["content"], "الصورة");  // an optional caption
    const auto mine = sent.json()["message"]["attachments"][0]["id"].get<std::int64_t>();
    const auto conversation = sent.json()["message"]["conversation_id"].get<std::int64_t>();
    const std::string path = "/attachments/" + std::to_string(mine) + "/file";
    ASSERT_EQ(owner->Call("GET", path).status, 200);

    // Another visitor of the same inbox: not found (not forbidden: ids reveal nothing).
    auto stranger = StartVisitor(inbox.website_token);
    EXPECT_EQ(stranger->Call("GET", path).status, 404);
    EXPECT_EQ(stranger->Call("GET", "/attachments/999999/file").status, 404);
    // A visitor of another inbox, or the owner's token on another inbox.
    auto other_inbox = CreateInbox(*admin_, ws_, {});
    auto elsewhere = StartVisitor(other_inbox.website_token);
    EXPECT_EQ(elsewhere->Call("GET", path).status, 404);
    Visitor moved{HttpClient(server_.port()), other_inbox.website_token, owner->token};
    EXPECT_EQ(moved.Call("GET", path).status, 401);
    // No token at all.
    HttpClient anon(server_.port());
    EXPECT_EQ(anon.Get("/widget/v1/" + inbox.website_token + path).status, 401);

    // An agent's upload that was never sent, and a file on a private note in the visitor's own
    // conversation, stay with the agents.
    auto up = admin_->Request("POST", "/api/v1/workspaces/" + ws_ + "/attachments?filename=n.pdf",
                              "%PDF-1.4 note", {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    const auto unsent = up.json()["attachment"]["id"].get<std::int64_t>();
    EXPECT_EQ(owner->Call("GET", "/attachments/" + std::to_string(unsent) + "/file").status, 404);
    auto note = admin_->Post("/api/v1/workspaces/" + ws_ + "/conversations/" +
                                 std::to_string(conversation) + "/messages",
                             {{"attachment_id", unsent}, {"private", true}});
    ASSERT_EQ(note.status, 201) << note.body;
    EXPECT_EQ(note.json()["message"]["content_attributes"]["attachments"][0]["id"], unsent);
    EXPECT_EQ(owner->Call("GET", "/attachments/" + std::to_string(unsent) + "/file").status, 404);
    auto history = owner->Call("GET", "/messages");
    EXPECT_EQ(history.json()["data"].size(), 1u) << history.body;
}

TEST_F(WebChatTest, AgentFilesAreDeliveredToTheWidget) {
    auto inbox = CreateInbox(*admin_, ws_, {});
    auto v = StartVisitor(inbox.website_token);
    auto first = v->Call("POST", "/messages", {{"content", "Can I have the invoice?"}});
    ASSERT_EQ(first.status, 201) << first.body;
    const auto conversation = first.json()["message"]["conversation_id"].get<std::int64_t>();
    auto ws = ConnectVisitor(*v);
    ASSERT_NE(ws, nullptr);

    const std::string pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\ninvoice\n";
    auto up =
        admin_->Request("POST", "/api/v1/workspaces/" + ws_ + "/attachments?filename=invoice.pdf",
                        pdf, {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    const auto attachment = up.json()["attachment"]["id"].get<std::int64_t>();
    auto reply = admin_->Post("/api/v1/workspaces/" + ws_ + "/conversations/" +
                                  std::to_string(conversation) + "/messages",
                              {{"attachment_id", attachment}, {"content", "Here it is"}});
    ASSERT_EQ(reply.status, 201) << reply.body;
    EXPECT_EQ(reply.json()["message"]["status"], "sent");
    EXPECT_EQ(reply.json()["message"]["content_type"], "document");

    auto frame = ReadUntil(*ws, "message.created");
    ASSERT_FALSE(frame.is_null());
    EXPECT_EQ(frame["data"]["direction"], "outgoing");
    EXPECT_EQ(frame["data"]["content"], "Here it is");
    ASSERT_EQ(frame["data"]["attachments"].size(), 1u) << frame;
    const auto& a = frame["data"]["attachments"][0];
    EXPECT_EQ(a["id"], attachment);
    EXPECT_EQ(a["kind"], "document");
    EXPECT_EQ(a["file_name"], "invoice.pdf");
    EXPECT_EQ(a["mime_type"], "application/pdf");
    EXPECT_EQ(a["size_bytes"], pdf.size());
    // The widget never learns the agents' URLs.
    EXPECT_EQ(frame.dump().find("/api/v1/"), std::string::npos) << frame;

    auto file = v->Call("GET", "/attachments/" + std::to_string(attachment) + "/file");
    ASSERT_EQ(file.status, 200) << file.body;
    EXPECT_EQ(file.body, pdf);
    EXPECT_EQ(file.headers["content-disposition"].rfind("attachment;", 0), 0u)
        << file.headers["content-disposition"];
    auto history = v->Call("GET", "/messages");
    ASSERT_EQ(history.json()["data"].size(), 2u) << history.body;
    EXPECT_EQ(history.json()["data"][1]["attachments"][0]["id"], attachment);

    // Another visitor cannot read it.
    auto other = StartVisitor(inbox.website_token);
    EXPECT_EQ(other->Call("GET", "/attachments/" + std::to_string(attachment) + "/file").status,
              404);
}

}  // namespace
}  // namespace hudhud::testing
