#include <gtest/gtest.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/integration/meta_signature.hpp"
#include "tests/integration/test_server.hpp"

namespace hudhud::testing {
namespace {

std::string Fixture(const std::string& name) {
    std::ifstream in(std::string(HUDHUD_SOURCE_DIR) + "/src/channels/whatsapp/testdata/" + name,
                     std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string Sign(const std::string& secret, const std::string& body) {
    return MetaSignature(secret, body);
}

std::int64_t CountRows(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    std::int64_t n = -1;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            n = sqlite3_column_int64(st, 0);
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

std::int64_t WaitForRows(const std::string& db, const std::string& sql, std::int64_t want) {
    std::int64_t n = -1;
    for (int i = 0; i < 250; ++i) {
        n = CountRows(db, sql);
        if (n >= want) return n;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return n;
}

TEST(WebhookTest, WhatsAppDeliveryIsVerifiedStoredAndIngestedOnce) {
    TestServer server;
    ASSERT_TRUE(server.Start());
    HttpClient admin(server.port());
    auto setup = admin.Post("/api/v1/setup", {{"workspace_name", "Hooks"},
                                              {"name", "Owner"},
                                              {"email", "hooks@example.com"},
                                              {"password", "hooks-password"}});
    ASSERT_EQ(setup.status, 201) << setup.body;
    admin.set_csrf(setup.json()["csrf_token"]);
    const auto ws = std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
    auto inbox = admin.Post("/api/v1/workspaces/" + ws + "/inboxes",
                            {{"name", "Support WA"},
                             {"channel_kind", "whatsapp"},
                             {"credentials", {{"app_secret", "app-secret-123"},
                                              {"verify_token", "verify-me"},
                                              {"access_token", "EAAG-token"}}}});
    ASSERT_EQ(inbox.status, 201) << inbox.body;
    const std::string url = inbox.json()["inbox"]["webhook_url"];
    const std::string path = url.substr(url.find("/webhooks/"));
    const std::string db = server.data_dir() + "/hudhud.db";

    HttpClient meta(server.port());
    // The subscription handshake.
    auto hs = meta.Get(path + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444");
    EXPECT_EQ(hs.status, 200);
    EXPECT_EQ(hs.body, "1158201444");
    EXPECT_EQ(meta.Get(path + "?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1").status,
              403);

    const std::string body = Fixture("text_arabic.json");
    // Forged and unsigned deliveries are refused and store nothing.
    EXPECT_EQ(meta.Request("POST", path, body, {{"X-Hub-Signature-256", Sign("wrong", body)}}).status,
              401);
    EXPECT_EQ(meta.Request("POST", path, body).status, 401);
    // Authentic but malformed: refused with 400, nothing stored.
    for (const std::string& junk : {std::string("not json"), std::string("[1,2]"),
                                   body.substr(0, body.size() / 2)}) {
        auto r = meta.Request("POST", path, junk,
                              {{"X-Hub-Signature-256", Sign("app-secret-123", junk)}});
        EXPECT_EQ(r.status, 400) << junk;
        EXPECT_EQ(r.json()["error"]["code"], "invalid_argument");
    }
    EXPECT_EQ(CountRows(db, "SELECT count(*) FROM webhook_events"), 0);

    // An authentic delivery: 200 once durable, then processed by a job.
    auto ok = meta.Request("POST", path, body, {{"X-Hub-Signature-256", Sign("app-secret-123", body)},
                                                {"Content-Type", "application/json"}});
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(WaitForRows(db, "SELECT count(*) FROM webhook_events WHERE status = 'processed'", 1), 1);
    EXPECT_EQ(CountRows(db, "SELECT count(*) FROM messages"), 1);

    // Meta retries the same delivery: acknowledged, stored raw again, no second message.
    auto again = meta.Request("POST", path, body,
                              {{"X-Hub-Signature-256", Sign("app-secret-123", body)}});
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(WaitForRows(db, "SELECT count(*) FROM webhook_events WHERE status = 'processed'", 2), 2);
    EXPECT_EQ(CountRows(db, "SELECT count(*) FROM messages"), 1);
    EXPECT_EQ(CountRows(db, "SELECT count(*) FROM contacts"), 1);

    // Unknown URLs are 404; a disconnected inbox acknowledges and drops.
    EXPECT_EQ(meta.Request("POST", "/webhooks/whatsapp/no-such-key", body,
                           {{"X-Hub-Signature-256", Sign("app-secret-123", body)}})
                  .status,
              404);
    const auto inbox_id = std::to_string(inbox.json()["inbox"]["id"].get<std::int64_t>());
    ASSERT_EQ(admin.Delete("/api/v1/workspaces/" + ws + "/inboxes/" + inbox_id).status, 204);
    EXPECT_EQ(meta.Request("POST", path, body,
                           {{"X-Hub-Signature-256", Sign("app-secret-123", body)}})
                  .status,
              200);
    EXPECT_EQ(CountRows(db, "SELECT count(*) FROM webhook_events"), 2) << "dropped, not stored";
}

}  // namespace
}  // namespace hudhud::testing
