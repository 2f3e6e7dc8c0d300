// Agents sending their uploaded files on WhatsApp, end to end: the real hudhud binary, a fake
// Graph API recording the multipart /media upload and the message sent by media id, signed
// webhooks for the customer's side. Also: another workspace's attachment, a type WhatsApp does
// not take, and upload failures classified like send failures.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <thread>

#include "tests/integration/fake_graph.hpp"
#include "tests/integration/meta_signature.hpp"
#include "tests/integration/scratch_postgres.hpp"
#include "tests/integration/test_server.hpp"
#include "tests/integration/whatsapp_deliveries.hpp"

namespace hudhud::testing {
namespace {

using nlohmann::json;

constexpr const char* kAppSecret = "media-app-secret";
constexpr const char* kPhoneNumberId = "105500077";
constexpr const char* kWaba = "200200077";

// A 1x1 PNG: binary, with NUL bytes, so any text handling on the way would show.
const std::string kPng(
    "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    "\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9c\x63\x00\x01\x00\x00\x05\x00\x01\r\n-\xb4\x00\x00"
    "\x00\x00IEND\xae\x42\x60\x82",
    67);

json CustomerText(const std::string& wa_id, const std::string& wamid) {
    return CustomerTextDelivery({kPhoneNumberId, kWaba}, wa_id, wamid,
                                "can you send me the invoice?", NowSeconds() - 30);
}

// Runs on SQLite, and on PostgreSQL too when HUDHUD_TEST_PG_URL is set.
class OutboundMediaTest : public ::testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        TestServer::Options o;
        o.extra_args = {"--graph-api-url", graph_.url()};
        if (!UseBackend(GetParam(), pg_, o.database)) {
            GTEST_SKIP() << "HUDHUD_TEST_PG_URL is not set";
        }
        server_ = std::make_unique<TestServer>(o);
        ASSERT_TRUE(server_->Start());
        admin_ = std::make_unique<HttpClient>(server_->port());
        auto setup = admin_->Post("/api/v1/setup", {{"workspace_name", "Media"},
                                                    {"name", "Owner"},
                                                    {"email", "media@example.com"},
                                                    {"password", "outbound-media-password"}});
        ASSERT_EQ(setup.status, 201) << setup.body;
        admin_->set_csrf(setup.json()["csrf_token"]);
        ws_ = "/api/v1/workspaces/" +
              std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
        auto inbox =
            admin_->Post(ws_ + "/inboxes",
                         {{"name", "Support WA"},
                          {"channel_kind", "whatsapp"},
                          {"settings", {{"phone_number_id", kPhoneNumberId}, {"waba_id", kWaba}}},
                          {"credentials",
                           {{"app_secret", kAppSecret},
                            {"verify_token", "v"},
                            {"access_token", "EAAG-media-token"}}}});
        ASSERT_EQ(inbox.status, 201) << inbox.body;
        const std::string url = inbox.json()["inbox"]["webhook_url"];
        hook_ = url.substr(url.find("/webhooks/"));
    }

    // A customer writes, so the 24-hour window is open; the conversation's messages URL.
    std::string OpenConversation(const std::string& wa_id) {
        HttpClient meta(server_->port());
        const std::string body = CustomerText(wa_id, "wamid.IN-" + wa_id).dump();
        auto r = meta.Request("POST", hook_, body,
                              {{"X-Hub-Signature-256", MetaSignature(kAppSecret, body)}});
        EXPECT_EQ(r.status, 200) << r.body;
        for (int i = 0; i < 250; ++i) {
            auto list = admin_->Get(ws_ + "/conversations");
            for (auto& c : list.json()["data"]) {
                auto contact = admin_->Get(ws_ + "/contacts/" +
                                           std::to_string(c["contact_id"].get<std::int64_t>()));
                for (auto& ident : contact.json()["contact"]["identities"]) {
                    if (ident["external_id"] == wa_id) {
                        return ws_ + "/conversations/" +
                               std::to_string(c["id"].get<std::int64_t>()) + "/messages";
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return "";
    }

    std::int64_t Upload(HttpClient& client, const std::string& ws, const std::string& filename,
                        const std::string& bytes, const std::string& type) {
        auto up = client.Request("POST", ws + "/attachments?filename=" + filename, bytes,
                                 {{"Content-Type", type}});
        EXPECT_EQ(up.status, 201) << up.body;
        return up.json()["attachment"].value("id", std::int64_t{0});
    }

    json WaitForMessage(const std::string& messages_url, std::int64_t id,
                        const std::function<bool(const json&)>& done) {
        json last;
        for (int i = 0; i < 400; ++i) {
            auto list = admin_->Get(messages_url);
            for (auto& m : list.json()["data"]) {
                if (m["id"] == id) last = m;
            }
            if (!last.is_null() && done(last)) return last;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return last;
    }

    FakeGraph graph_;
    std::unique_ptr<ScratchPostgres> pg_;  // outlives the server using it
    std::unique_ptr<TestServer> server_;
    std::unique_ptr<HttpClient> admin_;
    std::string ws_;
    std::string hook_;
};

TEST_P(OutboundMediaTest, UploadedImageIsSentToGraphMediaThenByIdWithItsCaption) {
    const std::string messages = OpenConversation("971500000001");
    ASSERT_FALSE(messages.empty());
    const auto attachment = Upload(*admin_, ws_, "receipt.png", kPng, "image/png");

    auto sent = admin_->Post(messages, {{"attachment_id", attachment}, {"content", "إيصالك"}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    const json& m = sent.json()["message"];
    EXPECT_EQ(m["status"], "pending");
    EXPECT_EQ(m["content"], "إيصالك");
    EXPECT_EQ(m["content_type"], "image");
    ASSERT_EQ(m["content_attributes"]["attachments"].size(), 1u) << m;
    EXPECT_EQ(m["content_attributes"]["attachments"][0]["id"], attachment);
    EXPECT_EQ(m["content_attributes"]["attachments"][0]["mime_type"], "image/png");
    const auto id = m["id"].get<std::int64_t>();

    ASSERT_EQ(graph_.WaitForSends(1), 1u);
    // First the bytes, as multipart to /{phone_number_id}/media with the inbox's token ...
    auto uploads = graph_.MediaUploads();
    ASSERT_EQ(uploads.size(), 1u);
    const auto& u = uploads[0];
    EXPECT_EQ(u.path, std::string("/v23.0/") + kPhoneNumberId + "/media");
    EXPECT_EQ(u.authorization, "Bearer EAAG-media-token");
    EXPECT_EQ(u.fields.at("messaging_product"), "whatsapp");
    EXPECT_EQ(u.fields.at("type"), "image/png");
    EXPECT_EQ(u.file_field, "file");
    EXPECT_EQ(u.file_name, "receipt.png");
    EXPECT_EQ(u.file_content_type, "image/png");
    EXPECT_EQ(u.file_bytes, kPng);
    // ... then the message, by the media id Graph answered, with the caption.
    const json body = graph_.MessageSends()[0].json();
    EXPECT_EQ(body["type"], "image");
    EXPECT_EQ(body["to"], "971500000001");
    EXPECT_EQ(body["image"]["id"], u.answered_id);
    EXPECT_FALSE(body["image"].contains("link"));
    EXPECT_EQ(body["image"]["caption"], "إيصالك");

    auto done = WaitForMessage(messages, id, [](const json& j) { return j["status"] == "sent"; });
    EXPECT_EQ(done["status"], "sent") << done;
    auto att = admin_->Get(ws_ + "/attachments/" + std::to_string(attachment));
    EXPECT_EQ(att.json()["attachment"]["message_id"], id) << att.body;
    EXPECT_EQ(att.json()["attachment"]["external_media_id"], u.answered_id);

    // An attachment goes out with one message only.
    auto again = admin_->Post(messages, {{"attachment_id", attachment}});
    EXPECT_EQ(again.status, 409) << again.body;
}

TEST_P(OutboundMediaTest, DocumentsKeepTheirNameAndUnsupportedTypesAreRefused) {
    const std::string messages = OpenConversation("971500000002");
    ASSERT_FALSE(messages.empty());
    const std::string pdf = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n";
    const auto doc = Upload(*admin_, ws_, "invoice-1042.pdf", pdf, "application/pdf");
    auto sent = admin_->Post(messages, {{"attachment_id", doc}, {"content", "Invoice #1042"}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()["message"]["content_type"], "document");
    ASSERT_EQ(graph_.WaitForSends(1), 1u);
    const json body = graph_.MessageSends()[0].json();
    EXPECT_EQ(body["type"], "document");
    EXPECT_EQ(body["document"]["filename"], "invoice-1042.pdf");
    EXPECT_EQ(body["document"]["caption"], "Invoice #1042");
    EXPECT_EQ(graph_.MediaUploads().at(0).file_bytes, pdf);

    // Agents may upload a zip, but WhatsApp does not take one: refused before anything is stored.
    const auto zip = Upload(*admin_, ws_, "logs.zip", "PK\x03\x04zip", "application/zip");
    auto refused = admin_->Post(messages, {{"attachment_id", zip}});
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_NE(refused.body.find("does not accept"), std::string::npos) << refused.body;
    // Neither media and attachment_id together, nor an attachment with buttons.
    EXPECT_EQ(admin_
                  ->Post(messages, {{"attachment_id", zip},
                                    {"media", {{"kind", "image"}, {"link", "https://x.test/a"}}}})
                  .status,
              400);
    EXPECT_EQ(admin_
                  ->Post(messages, {{"attachment_id", zip},
                                    {"content", "pick"},
                                    {"buttons", {{{"id", "a"}, {"title", "A"}}}}})
                  .status,
              400);
    // An unknown id is 404.
    EXPECT_EQ(admin_->Post(messages, {{"attachment_id", 999999}}).status, 404);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(graph_.MediaUploads().size(), 1u);
    EXPECT_EQ(graph_.MessageSends().size(), 1u);
    auto zip_row = admin_->Get(ws_ + "/attachments/" + std::to_string(zip));
    EXPECT_TRUE(zip_row.json()["attachment"]["message_id"].is_null()) << zip_row.body;
}

TEST_P(OutboundMediaTest, AnotherWorkspacesAttachmentIsRefusedAndNothingIsSent) {
    const std::string messages = OpenConversation("971500000003");
    ASSERT_FALSE(messages.empty());
    auto other = admin_->Post("/api/v1/workspaces", {{"name", "Other brand"}});
    ASSERT_EQ(other.status, 201) << other.body;
    const std::string other_ws =
        "/api/v1/workspaces/" + std::to_string(other.json()["workspace"]["id"].get<std::int64_t>());
    const auto foreign = Upload(*admin_, other_ws, "secret.png", kPng, "image/png");
    ASSERT_GT(foreign, 0);

    // The same person is an agent of both workspaces, yet the file stays in its own.
    auto refused = admin_->Post(messages, {{"attachment_id", foreign}, {"content", "look"}});
    EXPECT_EQ(refused.status, 404) << refused.body;
    auto list = admin_->Get(messages);
    EXPECT_EQ(list.json()["data"].size(), 1u) << list.body;  // only the customer's message
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(graph_.MediaUploads().empty());
    EXPECT_TRUE(graph_.MessageSends().empty());
    auto row = admin_->Get(other_ws + "/attachments/" + std::to_string(foreign));
    EXPECT_TRUE(row.json()["attachment"]["message_id"].is_null()) << row.body;
}

TEST_P(OutboundMediaTest, UploadFailuresAreRetriedOrRecordedLikeSendFailures) {
    const std::string messages = OpenConversation("971500000004");
    ASSERT_FALSE(messages.empty());

    // A server error on the upload: retried, then the message goes out once.
    graph_.QueueMediaResponse(500,
                              {{"error", {{"message", "An unknown error occurred"}, {"code", 1}}}});
    const auto a = Upload(*admin_, ws_, "a.png", kPng, "image/png");
    auto first = admin_->Post(messages, {{"attachment_id", a}});
    ASSERT_EQ(first.status, 201) << first.body;
    auto m = WaitForMessage(messages, first.json()["message"]["id"].get<std::int64_t>(),
                            [](const json& j) { return j["status"] == "sent"; });
    EXPECT_EQ(m["status"], "sent") << m;
    EXPECT_EQ(graph_.MediaUploads().size(), 2u);
    EXPECT_EQ(graph_.MessageSends().size(), 1u);

    // The send fails after a good upload: the retry reuses the media id, no second upload.
    graph_.QueueMessagesResponse(503,
                                 {{"error", {{"message", "Service unavailable"}, {"code", 2}}}});
    const auto b = Upload(*admin_, ws_, "b.png", std::string(kPng) + "b", "image/png");
    auto second = admin_->Post(messages, {{"attachment_id", b}});
    ASSERT_EQ(second.status, 201) << second.body;
    m = WaitForMessage(messages, second.json()["message"]["id"].get<std::int64_t>(),
                       [](const json& j) { return j["status"] == "sent"; });
    EXPECT_EQ(m["status"], "sent") << m;
    EXPECT_EQ(graph_.MediaUploads().size(), 3u);
    const auto sends = graph_.MessageSends();
    ASSERT_EQ(sends.size(), 3u);
    EXPECT_EQ(sends[1].json()["image"]["id"], sends[2].json()["image"]["id"]);
    EXPECT_EQ(sends[2].json()["image"]["id"], graph_.MediaUploads()[2].answered_id);

    // A final refusal of the upload (131053, media upload error): failed, never sent.
    graph_.QueueMediaResponse(
        400, {{"error",
               {{"message", "(#131053) Media upload error"},
                {"type", "OAuthException"},
                {"code", 131053},
                {"error_data",
                 {{"messaging_product", "whatsapp"}, {"details", "Unsupported file type"}}}}}});
    const auto c = Upload(*admin_, ws_, "c.png", std::string(kPng) + "c", "image/png");
    auto third = admin_->Post(messages, {{"attachment_id", c}});
    ASSERT_EQ(third.status, 201) << third.body;
    m = WaitForMessage(messages, third.json()["message"]["id"].get<std::int64_t>(),
                       [](const json& j) { return j["status"] == "failed"; });
    EXPECT_EQ(m["status"], "failed") << m;
    EXPECT_EQ(m["error_code"], "131053");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(graph_.MediaUploads().size(), 4u);
    EXPECT_EQ(graph_.MessageSends().size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboundMediaTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hudhud::testing
