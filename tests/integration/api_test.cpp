#include <gtest/gtest.h>

#include <set>

#include "tests/integration/test_server.hpp"

namespace hudhud::testing {
namespace {

using nlohmann::json;

class ApiTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new TestServer();
        ASSERT_TRUE(server_->Start()) << "hudhud did not start; see " << server_->data_dir();
        HttpClient c(server_->port());
        auto r = c.Post("/api/v1/setup", {{"workspace_name", "Qahwa"},
                                          {"name", "Mona"},
                                          {"email", "mona@example.com"},
                                          {"password", "correct horse"}});
        ASSERT_EQ(r.status, 201) << r.body;
        workspace_id_ = r.json()["workspace"]["id"].get<std::int64_t>();
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    HttpClient SignedIn() {
        HttpClient c(server_->port());
        auto r = c.Post("/api/v1/auth/login",
                        {{"email", "mona@example.com"}, {"password", "correct horse"}});
        EXPECT_EQ(r.status, 200) << r.body;
        c.set_csrf(r.json().value("csrf_token", ""));
        return c;
    }
    std::string Ws(const std::string& rest = "") {
        return "/api/v1/workspaces/" + std::to_string(workspace_id_) + rest;
    }

    static void ExpectJsonError(const HttpResult& r, int status, const std::string& code) {
        EXPECT_EQ(r.status, status) << r.body;
        auto j = r.json();
        ASSERT_TRUE(j.is_object()) << r.body;
        ASSERT_TRUE(j.contains("error")) << r.body;
        EXPECT_EQ(j["error"]["code"], code) << r.body;
        EXPECT_TRUE(j["error"]["message"].is_string());
    }

    static TestServer* server_;
    static std::int64_t workspace_id_;
};

TestServer* ApiTest::server_ = nullptr;
std::int64_t ApiTest::workspace_id_ = 0;

TEST_F(ApiTest, HealthReadinessAndMetrics) {
    HttpClient c(server_->port());
    EXPECT_EQ(c.Get("/healthz").status, 200);
    EXPECT_EQ(c.Get("/readyz").status, 200);
    auto m = c.Get("/metrics");
    EXPECT_EQ(m.status, 200);
    EXPECT_NE(m.body.find("hudhud_http_requests_total"), std::string::npos);
    EXPECT_NE(m.body.find("hudhud_jobs_queue_depth"), std::string::npos);
    EXPECT_FALSE(c.Get("/healthz").headers["x-request-id"].empty());
}

TEST_F(ApiTest, SetupIsOneTimeAndLoginSetsSafeCookies) {
    HttpClient c(server_->port());
    EXPECT_EQ(c.Get("/api/v1/setup").json()["needs_setup"], false);
    ExpectJsonError(c.Post("/api/v1/setup", {{"workspace_name", "X"},
                                             {"name", "Y"},
                                             {"email", "y@example.com"},
                                             {"password", "another-pass"}}),
                    409, "conflict");
    auto r = c.Post("/api/v1/auth/login",
                    {{"email", "mona@example.com"}, {"password", "correct horse"}});
    ASSERT_EQ(r.status, 200);
    bool session_cookie = false;
    for (const auto& sc : r.set_cookies) {
        if (sc.rfind("hudhud_session=", 0) == 0) {
            session_cookie = true;
            EXPECT_NE(sc.find("HttpOnly"), std::string::npos);
            EXPECT_NE(sc.find("SameSite=Lax"), std::string::npos);
        }
    }
    EXPECT_TRUE(session_cookie);
    EXPECT_EQ(c.Get("/api/v1/me").json()["user"]["email"], "mona@example.com");
}

TEST_F(ApiTest, WrongPasswordIsUnauthenticatedAndAudited) {
    HttpClient c(server_->port());
    ExpectJsonError(c.Post("/api/v1/auth/login",
                           {{"email", "mona@example.com"}, {"password", "nope-nope"}}),
                    401, "unauthenticated");
    auto admin = SignedIn();
    auto audit = admin.Get(Ws("/audit-log"));
    ASSERT_EQ(audit.status, 200) << audit.body;
    bool found = false;
    for (const auto& e : audit.json()["data"]) {
        if (e["action"] == "auth.sign_in_failed") {
            found = true;
            EXPECT_EQ(e["ip"], "127.0.0.1");
            EXPECT_EQ(e["user_agent"], "hudhud-integration-test");
        }
    }
    EXPECT_TRUE(found) << audit.body;
}

TEST_F(ApiTest, CookieWritesNeedTheCsrfToken) {
    auto c = SignedIn();
    c.set_csrf("");
    ExpectJsonError(c.Post(Ws("/contacts"), {{"name", "x"}}), 403, "permission_denied");
    c.set_csrf("wrong");
    ExpectJsonError(c.Post(Ws("/contacts"), {{"name", "x"}}), 403, "permission_denied");
    auto good = SignedIn();
    EXPECT_EQ(good.Post(Ws("/contacts"), {{"name", "x"}}).status, 201);
}

TEST_F(ApiTest, BadInputGetsAClearJsonError) {
    auto c = SignedIn();
    ExpectJsonError(c.Request("POST", Ws("/contacts"), "{not json"), 400, "invalid_argument");
    ExpectJsonError(c.Request("POST", Ws("/contacts"), ""), 400, "invalid_argument");
    ExpectJsonError(c.Request("POST", Ws("/contacts"), "[1,2]"), 400, "invalid_argument");
    ExpectJsonError(c.Post(Ws("/contacts"), {{"name", 42}}), 400, "invalid_argument");
    ExpectJsonError(c.Post(Ws("/contacts"), {{"nmae", "typo"}}), 400, "invalid_argument");
    ExpectJsonError(c.Post(Ws("/contacts"), {{"phone", "0501234567"}}), 400, "invalid_argument");
    ExpectJsonError(c.Request("POST", Ws("/contacts"), std::string(2 << 20, 'x')), 413,
                    "payload_too_large");
    ExpectJsonError(c.Get("/api/v1/no-such-route"), 404, "not_found");
    ExpectJsonError(c.Request("PUT", "/api/v1/setup", "{}"), 405, "method_not_allowed");
    ExpectJsonError(c.Get(Ws("/contacts?limit=abc")), 400, "invalid_argument");
    // Nothing half-written: the rejected requests created no contact.
    auto list = c.Get(Ws("/contacts?limit=200"));
    for (const auto& ct : list.json()["data"]) EXPECT_NE(ct["name"], "typo");
}

TEST_F(ApiTest, UnauthenticatedRequestsAreRefused) {
    HttpClient c(server_->port());
    ExpectJsonError(c.Get(Ws("/contacts")), 401, "unauthenticated");
    c.set_bearer("hh_not-a-real-token");
    ExpectJsonError(c.Get(Ws("/contacts")), 401, "unauthenticated");
}

TEST_F(ApiTest, ApiTokenIsShownOnceAndWorksAsBearer) {
    auto c = SignedIn();
    auto created = c.Post(Ws("/api-tokens"), {{"name", "zapier"}});
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string token = created.json()["token"];
    auto list = c.Get(Ws("/api-tokens"));
    EXPECT_EQ(list.body.find(token), std::string::npos) << "the token is never listed again";
    HttpClient bot(server_->port());
    bot.set_bearer(token);
    EXPECT_EQ(bot.Post(Ws("/contacts"), {{"name", "via token"}}).status, 201)
        << "bearer auth needs no CSRF token";
    const auto id = created.json()["api_token"]["id"].get<std::int64_t>();
    EXPECT_EQ(c.Delete(Ws("/api-tokens/" + std::to_string(id))).status, 204);
    EXPECT_EQ(bot.Get(Ws("/contacts")).status, 401);
}

TEST_F(ApiTest, InvitedAgentCannotDoAdminWork) {
    auto admin = SignedIn();
    auto inv = admin.Post(Ws("/invitations"), {{"email", "agent@example.com"}, {"role", "agent"}});
    ASSERT_EQ(inv.status, 201) << inv.body;
    HttpClient agent(server_->port());
    auto acc = agent.Post("/api/v1/invitations/accept", {{"token", inv.json()["token"]},
                                                         {"name", "Aisha"},
                                                         {"password", "agent-password"}});
    ASSERT_EQ(acc.status, 200) << acc.body;
    agent.set_csrf(acc.json()["csrf_token"]);
    EXPECT_EQ(agent.Get(Ws("/contacts")).status, 200);
    ExpectJsonError(agent.Get(Ws("/audit-log")), 403, "permission_denied");
    ExpectJsonError(agent.Post(Ws("/inboxes"), {{"name", "x"}, {"channel_kind", "api"}}), 403,
                    "permission_denied");
    ExpectJsonError(agent.Patch(Ws(), {{"name", "Hijacked"}}), 403, "permission_denied");
}

TEST_F(ApiTest, InboxCredentialsAreWriteOnly) {
    auto c = SignedIn();
    auto r = c.Post(Ws("/inboxes"), {{"name", "Support line"},
                                     {"channel_kind", "whatsapp"},
                                     {"credentials", {{"access_token", "EAAG-secret-token"}}}});
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body.find("EAAG-secret-token"), std::string::npos);
    EXPECT_EQ(r.json()["inbox"]["has_credentials"], true);
    const auto id = r.json()["inbox"]["id"].get<std::int64_t>();
    auto got = c.Get(Ws("/inboxes/" + std::to_string(id)));
    EXPECT_EQ(got.body.find("EAAG-secret-token"), std::string::npos);
    EXPECT_EQ(c.Delete(Ws("/inboxes/" + std::to_string(id))).status, 204);
    auto after = c.Get(Ws("/inboxes/" + std::to_string(id)));
    EXPECT_EQ(after.json()["inbox"]["status"], "disconnected");
    EXPECT_EQ(after.json()["inbox"]["has_credentials"], false);
}

TEST_F(ApiTest, ContactsPaginateWithCursors) {
    auto c = SignedIn();
    for (int i = 0; i < 7; ++i) {
        auto r = c.Post(Ws("/contacts"), {{"name", "page-" + std::to_string(i)}});
        ASSERT_EQ(r.status, 201) << r.body;
    }
    std::set<std::int64_t> seen;
    std::string cursor;
    for (int pages = 0; pages < 100; ++pages) {
        auto r = c.Get(Ws("/contacts?limit=3") + (cursor.empty() ? "" : "&cursor=" + cursor));
        ASSERT_EQ(r.status, 200) << r.body;
        for (const auto& ct : r.json()["data"]) {
            EXPECT_TRUE(seen.insert(ct["id"].get<std::int64_t>()).second) << "no repeats";
        }
        if (r.json()["next_cursor"].is_null()) break;
        cursor = r.json()["next_cursor"];
    }
    EXPECT_GE(seen.size(), 7u);
}

}  // namespace
}  // namespace hudhud::testing
