#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "tests/integration/meta_signature.hpp"
#include "tests/integration/scratch_postgres.hpp"
#include "tests/integration/test_server.hpp"

namespace hudhud::testing {
namespace {

constexpr const char* kAppSecret = "media-app-secret";
constexpr const char* kAccessToken = "EAAG-media-token";
constexpr const char* kPhoneNumberId = "100000000000077";

std::string Digest(const std::string& bytes, bool base64) {
    unsigned char md[32];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
    if (base64) {
        unsigned char out[64];
        const int n = EVP_EncodeBlock(out, md, static_cast<int>(len));
        return std::string(reinterpret_cast<char*>(out), static_cast<std::size_t>(n));
    }
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        hex.push_back(kHex[md[i] >> 4]);
        hex.push_back(kHex[md[i] & 0xf]);
    }
    return hex;
}

// Graph's media endpoints on 127.0.0.1: GET /v23.0/{media_id} (info) and GET /files/{id} (the
// bytes, as lookaside.fbsbx.com serves them), both only with the inbox's Bearer token.
class MediaGraph {
  public:
    MediaGraph() {
        http::Router r;
        r.Get("/v23.0/{media_id}", [this](http::Request& req) {
            if (!Authorized(req)) return Unauthorized();
            const std::string id(*req.PathParam("media_id"));
            std::lock_guard lock(mu_);
            auto it = files_.find(id);
            if (id == "media-slow") return http::Response::Text(503, "try later");
            if (it == files_.end()) {
                return http::Response::Json(
                    400, {{"error", {{"message", "Unsupported get"}, {"code", 100}}}});
            }
            return http::Response::Json(200, {{"messaging_product", "whatsapp"},
                                              {"url", url() + "/files/" + id + "?ext=1&hash=z"},
                                              {"mime_type", "image/jpeg"},
                                              {"sha256", Digest(it->second, false)},
                                              {"file_size", std::to_string(it->second.size())},
                                              {"id", id}});
        });
        r.Get("/files/{id}", [this](http::Request& req) {
            ++downloads_;
            if (!Authorized(req)) return Unauthorized();
            std::lock_guard lock(mu_);
            auto it = files_.find(std::string(*req.PathParam("id")));
            if (it == files_.end()) return http::Response::Text(404, "");
            return http::Response::Text(200, it->second, "image/jpeg");
        });
        http::ServerOptions o;
        o.host = "127.0.0.1";
        o.port = 0;
        o.io_threads = 1;
        o.handler_threads = 4;
        o.access_log = false;
        server_ = std::make_unique<http::Server>(o, std::move(r), metrics_);
        Status st = server_->Start();
        if (!st.ok()) throw std::runtime_error("media graph: " + st.error().message);
    }
    ~MediaGraph() { server_->Stop(); }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
    void Serve(const std::string& id, std::string bytes) {
        std::lock_guard lock(mu_);
        files_[id] = std::move(bytes);
    }
    int unauthorized() const { return unauthorized_; }

  private:
    bool Authorized(const http::Request& req) {
        const bool ok =
            req.Header("Authorization").value_or("") == std::string("Bearer ") + kAccessToken;
        if (!ok) ++unauthorized_;
        return ok;
    }
    static http::Response Unauthorized() {
        return http::Response::Json(
            401, {{"error", {{"message", "Invalid OAuth access token."}, {"code", 190}}}});
    }

    http::MetricsRegistry metrics_;
    std::unique_ptr<http::Server> server_;
    std::mutex mu_;
    std::map<std::string, std::string> files_;
    std::atomic<int> downloads_{0};
    std::atomic<int> unauthorized_{0};
};

std::string ImageWebhook(const std::string& wamid, const std::string& media_id,
                         const std::string& sha256_b64) {
    nlohmann::json message = {{"from", "971501234567"},
                              {"id", wamid},
                              {"timestamp", "1780000010"},
                              {"type", "image"},
                              {"image",
                               {{"caption", "the damaged box"},
                                {"mime_type", "image/jpeg"},
                                {"sha256", sha256_b64},
                                {"id", media_id}}}};
    nlohmann::json value = {
        {"messaging_product", "whatsapp"},
        {"metadata",
         {{"display_phone_number", "15550001111"}, {"phone_number_id", kPhoneNumberId}}},
        {"contacts", {{{"profile", {{"name", "Customer"}}}, {"wa_id", "971501234567"}}}},
        {"messages", {message}}};
    nlohmann::json body = {
        {"object", "whatsapp_business_account"},
        {"entry",
         {{{"id", "100000000000001"}, {"changes", {{{"field", "messages"}, {"value", value}}}}}}}};
    return body.dump();
}

// Runs on SQLite, and on PostgreSQL too when HUDHUD_TEST_PG_URL is set.
class MediaTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        TestServer::Options options;
        options.extra_args = {"--graph-api-url", graph_.url()};
        if (!UseBackend(GetParam(), pg_, options.database)) {
            GTEST_SKIP() << "HUDHUD_TEST_PG_URL is not set";
        }
        server_ = std::make_unique<TestServer>(options);
        ASSERT_TRUE(server_->Start());
        agent_ = std::make_unique<HttpClient>(server_->port());
        auto setup = agent_->Post("/api/v1/setup", {{"workspace_name", "Media"},
                                                    {"name", "Owner"},
                                                    {"email", "media@example.com"},
                                                    {"password", "media-password"}});
        ASSERT_EQ(setup.status, 201) << setup.body;
        agent_->set_csrf(setup.json()["csrf_token"]);
        ws_ = std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
        auto inbox = agent_->Post("/api/v1/workspaces/" + ws_ + "/inboxes",
                                  {{"name", "Support WA"},
                                   {"channel_kind", "whatsapp"},
                                   {"settings", {{"phone_number_id", kPhoneNumberId}}},
                                   {"credentials",
                                    {{"app_secret", kAppSecret},
                                     {"verify_token", "verify-me"},
                                     {"access_token", kAccessToken}}}});
        ASSERT_EQ(inbox.status, 201) << inbox.body;
        const std::string url = inbox.json()["inbox"]["webhook_url"];
        webhook_path_ = url.substr(url.find("/webhooks/"));
    }

    void Deliver(const std::string& body) {
        HttpClient meta(server_->port());
        auto r = meta.Request("POST", webhook_path_, body,
                              {{"X-Hub-Signature-256", MetaSignature(kAppSecret, body)}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    std::string Attachments() const { return "/api/v1/workspaces/" + ws_ + "/attachments"; }

    // The id of the attachment of this platform media id, found the way an agent finds it:
    // in content_attributes.attachments of the conversation's messages, once the webhook has
    // been ingested.
    std::int64_t AttachmentIdFor(const std::string& media_id) {
        const std::string base = "/api/v1/workspaces/" + ws_ + "/conversations";
        for (int i = 0; i < 250; ++i) {
            auto convs = agent_->Get(base);
            for (const auto& c : convs.json()["data"]) {
                auto msgs = agent_->Get(base + "/" +
                                        std::to_string(c["id"].get<std::int64_t>()) + "/messages");
                for (const auto& m : msgs.json()["data"]) {
                    const auto& attrs = m["content_attributes"];
                    if (!attrs.contains("attachments")) continue;
                    for (const auto& a : attrs["attachments"]) {
                        const auto id = a["id"].get<std::int64_t>();
                        auto r = agent_->Get(Attachments() + "/" + std::to_string(id));
                        if (r.status == 200 &&
                            r.json()["attachment"]["external_media_id"] == media_id) {
                            return id;
                        }
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

    // Polls the attachment's JSON until its status leaves 'pending' (or ~10 s pass).
    std::string WaitForStatus(std::int64_t id) {
        std::string status;
        for (int i = 0; i < 500; ++i) {
            auto r = agent_->Get(Attachments() + "/" + std::to_string(id));
            if (r.status == 200) status = r.json()["attachment"]["status"];
            if (status != "pending" && !status.empty()) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return status;
    }

    MediaGraph graph_;
    std::unique_ptr<ScratchPostgres> pg_;
    std::unique_ptr<TestServer> server_;
    std::unique_ptr<HttpClient> agent_;
    std::string ws_;
    std::string webhook_path_;
};

TEST_P(MediaTest, InboundImageIsDownloadedVerifiedAndServedToAgentsOnly) {
    std::string jpeg = "\xff\xd8\xff\xe0";
    for (int i = 0; i < 20000; ++i) jpeg.push_back(static_cast<char>(i * 31));
    graph_.Serve("media-ok", jpeg);
    Deliver(ImageWebhook("wamid.MEDIA-OK", "media-ok", Digest(jpeg, true)));
    const auto id = AttachmentIdFor("media-ok");
    ASSERT_GT(id, 0);
    ASSERT_EQ(WaitForStatus(id), "stored");

    auto file = agent_->Get(Attachments() + "/" + std::to_string(id) + "/file");
    ASSERT_EQ(file.status, 200) << file.body;
    EXPECT_EQ(file.body, jpeg);
    EXPECT_EQ(file.headers["content-type"], "image/jpeg");
    EXPECT_EQ(file.headers["x-content-type-options"], "nosniff");
    EXPECT_EQ(file.headers["etag"], "\"" + Digest(jpeg, false) + "\"");
    EXPECT_EQ(file.headers["cache-control"].rfind("private, max-age=", 0), 0u);
    EXPECT_EQ(file.headers["content-disposition"].rfind("inline; ", 0), 0u)
        << file.headers["content-disposition"];
    EXPECT_NE(file.headers["content-disposition"].find("filename*=UTF-8''"), std::string::npos);
    auto again = agent_->Request("GET", Attachments() + "/" + std::to_string(id) + "/file", "",
                                 {{"If-None-Match", file.headers["etag"]}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(graph_.unauthorized(), 0) << "hudhud always sent the inbox's token";

    // Another workspace of the same agent cannot reach it by id.
    auto second = agent_->Post("/api/v1/workspaces", {{"name", "Elsewhere"}});
    ASSERT_EQ(second.status, 201) << second.body;
    const auto ws2 = std::to_string(second.json()["workspace"]["id"].get<std::int64_t>());
    auto cross =
        agent_->Get("/api/v1/workspaces/" + ws2 + "/attachments/" + std::to_string(id) + "/file");
    EXPECT_EQ(cross.status, 404) << cross.body;
    EXPECT_EQ(cross.body.find(jpeg.substr(0, 4)), std::string::npos);

    // Nobody signed in: 401.
    HttpClient stranger(server_->port());
    EXPECT_EQ(stranger.Get(Attachments() + "/" + std::to_string(id) + "/file").status, 401);
    stranger.set_bearer("not-a-token");
    EXPECT_EQ(stranger.Get(Attachments() + "/" + std::to_string(id) + "/file").status, 401);
}

TEST_P(MediaTest, WrongChecksumFailsAndPendingSaysSo) {
    graph_.Serve("media-bad", "the bytes Meta serves");
    Deliver(ImageWebhook("wamid.MEDIA-BAD", "media-bad", Digest("other bytes", true)));
    const auto bad = AttachmentIdFor("media-bad");
    ASSERT_GT(bad, 0);
    ASSERT_EQ(WaitForStatus(bad), "failed");
    auto row = agent_->Get(Attachments() + "/" + std::to_string(bad));
    EXPECT_NE(row.json()["attachment"]["error"].get<std::string>().find("checksum mismatch"),
              std::string::npos)
        << row.body;
    auto file = agent_->Get(Attachments() + "/" + std::to_string(bad) + "/file");
    EXPECT_EQ(file.status, 404);
    EXPECT_NE(file.json()["error"]["message"].get<std::string>().find("failed"), std::string::npos);

    // Graph keeps answering 503: the job retries with backoff and the file stays pending.
    Deliver(ImageWebhook("wamid.MEDIA-SLOW", "media-slow", Digest("x", true)));
    const auto slow = AttachmentIdFor("media-slow");
    ASSERT_GT(slow, 0);
    auto pending = agent_->Get(Attachments() + "/" + std::to_string(slow) + "/file");
    EXPECT_EQ(pending.status, 404);
    EXPECT_EQ(pending.json()["error"]["code"], "not_found");
    EXPECT_NE(pending.json()["error"]["message"].get<std::string>().find("pending"),
              std::string::npos)
        << pending.body;
}

TEST_P(MediaTest, AgentUploadsAreLimitedByTypeAndServedAsDownloads) {
    const std::string pdf = "%PDF-1.7\n% not really a pdf\n";
    auto up = agent_->Request("POST", Attachments() + "?filename=r%C3%A9sum%C3%A9%20%22v2%22.pdf",
                              pdf, {{"Content-Type", "application/pdf"}});
    ASSERT_EQ(up.status, 201) << up.body;
    const auto& a = up.json()["attachment"];
    EXPECT_EQ(a["status"], "stored");
    EXPECT_TRUE(a["message_id"].is_null());
    EXPECT_EQ(a["size_bytes"], pdf.size());
    const std::string file_url = a["file_url"];
    auto file = agent_->Get(file_url);
    ASSERT_EQ(file.status, 200) << file.body;
    EXPECT_EQ(file.body, pdf);
    EXPECT_EQ(file.headers["content-type"], "application/pdf");
    EXPECT_EQ(file.headers["content-disposition"],
              "attachment; filename=\"r__sum__ _v2_.pdf\"; "
              "filename*=UTF-8''r%C3%A9sum%C3%A9%20%22v2%22.pdf");

    auto html = agent_->Request("POST", Attachments() + "?filename=x.html", "<script>1</script>",
                                {{"Content-Type", "text/html"}});
    EXPECT_EQ(html.status, 415) << html.body;
    EXPECT_EQ(html.json()["error"]["code"], "unsupported_media_type");
    auto nameless =
        agent_->Request("POST", Attachments(), pdf, {{"Content-Type", "application/pdf"}});
    EXPECT_EQ(nameless.status, 400);
    // A cookie session without the CSRF header cannot upload.
    HttpClient no_csrf(server_->port());
    no_csrf.cookies() = agent_->cookies();
    EXPECT_EQ(no_csrf
                  .Request("POST", Attachments() + "?filename=a.pdf", pdf,
                           {{"Content-Type", "application/pdf"}})
                  .status,
              403);
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hudhud::testing
