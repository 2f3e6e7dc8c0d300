// Agent replies on WhatsApp, end to end: the real hudhud binary, a fake Graph API recording what
// it is sent, signed webhooks for the customer's side.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <thread>

#include "tests/integration/fake_graph.hpp"
#include "tests/integration/meta_signature.hpp"
#include "tests/integration/test_server.hpp"
#include "tests/integration/whatsapp_deliveries.hpp"

namespace hudhud::testing {
namespace {

using nlohmann::json;

constexpr const char* kAppSecret = "outbound-app-secret";
constexpr const char* kPhoneNumberId = "105500001";
constexpr const char* kWaba = "200200002";

std::string Sign(const std::string& body) { return MetaSignature(kAppSecret, body); }

const WhatsAppAccount kAccount{kPhoneNumberId, kWaba};

json CustomerText(const std::string& wa_id, const std::string& wamid, const std::string& text,
                  std::int64_t ts) {
    return CustomerTextDelivery(kAccount, wa_id, wamid, text, ts);
}

json Status(const std::string& wamid, const std::string& status, const std::string& wa_id) {
    return StatusDelivery(kAccount, wamid, status, wa_id);
}

class OutboundTest : public ::testing::Test {
  protected:
    void SetUp() override {
        graph_.SetTemplates(json::array(
            {{{"id", "t1"}, {"name", "order_update"}, {"language", "en_US"}, {"status", "APPROVED"},
              {"category", "UTILITY"},
              {"components", {{{"type", "BODY"}, {"text", "Your order {{1}} has shipped"}}}}},
             {{"id", "t2"}, {"name", "big_sale"}, {"language", "ar"}, {"status", "APPROVED"},
              {"category", "MARKETING"},
              {"components", {{{"type", "BODY"}, {"text", "تخفيضات"}}}}},
             {{"id", "t3"}, {"name", "new_one"}, {"language", "en_US"}, {"status", "PENDING"},
              {"category", "UTILITY"}, {"components", json::array()}}}));
        TestServer::Options o;
        o.extra_args = {"--graph-api-url", graph_.url()};
        server_ = std::make_unique<TestServer>(o);
        ASSERT_TRUE(server_->Start());
        admin_ = std::make_unique<HttpClient>(server_->port());
        auto setup = admin_->Post("/api/v1/setup", {{"workspace_name", "Out"},
                                                    {"name", "Owner"},
                                                    {"email", "out@example.com"},
                                                    {"password", "outbound-password"}});
        ASSERT_EQ(setup.status, 201) << setup.body;
        admin_->set_csrf(setup.json()["csrf_token"]);
        ws_ = "/api/v1/workspaces/" +
              std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
        auto inbox = admin_->Post(ws_ + "/inboxes",
                                  {{"name", "Sales WA"},
                                   {"channel_kind", "whatsapp"},
                                   {"settings", {{"phone_number_id", kPhoneNumberId},
                                                 {"waba_id", kWaba}}},
                                   {"credentials", {{"app_secret", kAppSecret},
                                                    {"verify_token", "v"},
                                                    {"access_token", "EAAG-outbound-token"}}}});
        ASSERT_EQ(inbox.status, 201) << inbox.body;
        inbox_id_ = std::to_string(inbox.json()["inbox"]["id"].get<std::int64_t>());
        const std::string url = inbox.json()["inbox"]["webhook_url"];
        hook_ = url.substr(url.find("/webhooks/"));
    }

    void Deliver(const json& payload) {
        HttpClient meta(server_->port());
        const std::string body = payload.dump();
        auto r = meta.Request("POST", hook_, body, {{"X-Hub-Signature-256", Sign(body)}});
        ASSERT_EQ(r.status, 200) << r.body;
    }

    // The conversation of the customer with this wa_id, once the webhook job made it.
    std::string ConversationOf(const std::string& wa_id) {
        for (int i = 0; i < 250; ++i) {
            auto list = admin_->Get(ws_ + "/conversations");
            for (auto& c : list.json()["data"]) {
                auto contact = admin_->Get(ws_ + "/contacts/" +
                                           std::to_string(c["contact_id"].get<std::int64_t>()));
                for (auto& ident : contact.json()["contact"]["identities"]) {
                    if (ident["external_id"] == wa_id) {
                        return std::to_string(c["id"].get<std::int64_t>());
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return "";
    }

    json WaitForMessage(const std::string& conv, std::int64_t id,
                        const std::function<bool(const json&)>& done) {
        json last;
        for (int i = 0; i < 400; ++i) {
            auto list = admin_->Get(ws_ + "/conversations/" + conv + "/messages");
            for (auto& m : list.json()["data"]) {
                if (m["id"] == id) last = m;
            }
            if (!last.is_null() && done(last)) return last;
            std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        return last;
    }

    FakeGraph graph_;
    std::unique_ptr<TestServer> server_;
    std::unique_ptr<HttpClient> admin_;
    std::string ws_;
    std::string inbox_id_;
    std::string hook_;
};

TEST_F(OutboundTest, ReplyGoesOutQuotedAndItsStatusesOnlyMoveForward) {
    const std::int64_t now = NowSeconds();
    Deliver(CustomerText("971501234567", "wamid.IN1", "مرحبا، هل الطلب جاهز؟", now - 60));
    const std::string conv = ConversationOf("971501234567");
    ASSERT_FALSE(conv.empty());
    auto msgs = admin_->Get(ws_ + "/conversations/" + conv + "/messages");
    ASSERT_EQ(msgs.json()["data"].size(), 1u) << msgs.body;
    const auto incoming_id = msgs.json()["data"][0]["id"].get<std::int64_t>();
    auto conv_json = admin_->Get(ws_ + "/conversations/" + conv).json()["conversation"];
    EXPECT_TRUE(conv_json["reply_window_ends_at"].is_number()) << conv_json;

    auto sent = admin_->Post(ws_ + "/conversations/" + conv + "/messages",
                             {{"content", "نعم، سيصل غدًا"}, {"reply_to_id", incoming_id}});
    ASSERT_EQ(sent.status, 201) << sent.body;
    EXPECT_EQ(sent.json()["message"]["status"], "pending");
    const auto out_id = sent.json()["message"]["id"].get<std::int64_t>();

    ASSERT_EQ(graph_.WaitForSends(1), 1u);
    const auto req = graph_.MessageSends()[0];
    EXPECT_EQ(req.path, std::string("/v23.0/") + kPhoneNumberId + "/messages");
    EXPECT_EQ(req.authorization, "Bearer EAAG-outbound-token");
    const json body = req.json();
    EXPECT_EQ(body["messaging_product"], "whatsapp");
    EXPECT_EQ(body["to"], "971501234567");
    EXPECT_EQ(body["type"], "text");
    EXPECT_EQ(body["text"]["body"], "نعم، سيصل غدًا");
    EXPECT_EQ(body["context"]["message_id"], "wamid.IN1");

    auto m = WaitForMessage(conv, out_id, [](const json& j) { return j["status"] == "sent"; });
    ASSERT_EQ(m["status"], "sent") << m;
    const std::string wamid = m["external_id"];
    EXPECT_EQ(wamid.rfind("wamid.FAKE", 0), 0u);

    // Receipts arrive out of order: read before delivered. Read stays.
    Deliver(Status(wamid, "read", "971501234567"));
    m = WaitForMessage(conv, out_id, [](const json& j) { return j["status"] == "read"; });
    EXPECT_EQ(m["status"], "read");
    Deliver(Status(wamid, "delivered", "971501234567"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    m = WaitForMessage(conv, out_id, [](const json&) { return true; });
    EXPECT_EQ(m["status"], "read");

    // Opening the conversation sends a read receipt for the customer's message.
    EXPECT_EQ(admin_->Post(ws_ + "/conversations/" + conv + "/read", json::object()).status, 200);
    ASSERT_EQ(graph_.WaitForSends(2), 2u);
    const json read = graph_.MessageSends()[1].json();
    EXPECT_EQ(read["status"], "read");
    EXPECT_EQ(read["message_id"], "wamid.IN1");

    // Private notes never leave.
    auto note = admin_->Post(ws_ + "/conversations/" + conv + "/messages",
                             {{"content", "VIP customer"}, {"private", true}});
    ASSERT_EQ(note.status, 201) << note.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(graph_.MessageSends().size(), 2u);
}

TEST_F(OutboundTest, OutsideTheWindowOnlyApprovedTemplatesGoOut) {
    // Templates were synced when the inbox was connected.
    json templates;
    for (int i = 0; i < 200; ++i) {
        templates = admin_->Get(ws_ + "/inboxes/" + inbox_id_ + "/templates").json();
        if (templates["data"].size() == 3) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(templates["data"].size(), 3u) << templates;
    EXPECT_TRUE(templates["synced_at"].is_number());
    EXPECT_EQ(templates["data"][0]["name"], "big_sale");

    // The customer last wrote two days ago.
    Deliver(CustomerText("447700900123", "wamid.OLD", "hello?", NowSeconds() - 2 * 86400));
    const std::string conv = ConversationOf("447700900123");
    ASSERT_FALSE(conv.empty());

    auto refused = admin_->Post(ws_ + "/conversations/" + conv + "/messages",
                                {{"content", "Sorry for the wait"}});
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_EQ(refused.json()["error"]["code"], "failed_precondition");
    EXPECT_NE(refused.body.find("24-hour"), std::string::npos) << refused.body;

    auto pending = admin_->Post(
        ws_ + "/conversations/" + conv + "/messages",
        {{"template", {{"name", "new_one"}, {"language", "en_US"}}}});
    EXPECT_EQ(pending.status, 422) << pending.body;
    auto marketing = admin_->Post(
        ws_ + "/conversations/" + conv + "/messages",
        {{"template", {{"name", "big_sale"}, {"language", "ar"}}}});
    EXPECT_EQ(marketing.status, 422) << marketing.body;  // no marketing opt-in
    EXPECT_NE(marketing.body.find("opted in"), std::string::npos) << marketing.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_EQ(graph_.MessageSends().size(), 0u);

    auto ok = admin_->Post(
        ws_ + "/conversations/" + conv + "/messages",
        {{"template",
          {{"name", "order_update"},
           {"language", "en_US"},
           {"components",
            {{{"type", "body"}, {"parameters", {{{"type", "text"}, {"text", "#1042"}}}}}}}}}});
    ASSERT_EQ(ok.status, 201) << ok.body;
    ASSERT_EQ(graph_.WaitForSends(1), 1u);
    const json body = graph_.MessageSends()[0].json();
    EXPECT_EQ(body["type"], "template");
    EXPECT_EQ(body["template"]["name"], "order_update");
    EXPECT_EQ(body["template"]["language"]["code"], "en_US");
    EXPECT_EQ(body["template"]["components"][0]["parameters"][0]["text"], "#1042");
}

TEST_F(OutboundTest, PlatformErrorsAreRetriedOrRecordedByTheirMeaning) {
    Deliver(CustomerText("12025550199", "wamid.ERR", "hi", NowSeconds() - 5));
    const std::string conv = ConversationOf("12025550199");
    ASSERT_FALSE(conv.empty());
    auto send = [&](const std::string& text) {
        auto r = admin_->Post(ws_ + "/conversations/" + conv + "/messages", {{"content", text}});
        EXPECT_EQ(r.status, 201) << r.body;
        return r.json()["message"]["id"].get<std::int64_t>();
    };

    // A policy error: failed at once with the code and an explanation, never retried.
    graph_.QueueMessagesResponse(
        400, {{"error", {{"message", "(#131047) Re-engagement message"},
                         {"type", "OAuthException"},
                         {"code", 131047},
                         {"error_data", {{"messaging_product", "whatsapp"},
                                         {"details", "Message failed to send because more than 24 "
                                                     "hours have passed"}}}}}});
    const auto a = send("first");
    auto m = WaitForMessage(conv, a, [](const json& j) { return j["status"] == "failed"; });
    EXPECT_EQ(m["status"], "failed") << m;
    EXPECT_EQ(m["error_code"], "131047");
    EXPECT_TRUE(m["error_message"].is_string() && !m["error_message"].get<std::string>().empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(graph_.MessageSends().size(), 1u);

    // A server error, then success: retried with backoff, sent once.
    graph_.QueueMessagesResponse(500, {{"error", {{"message", "An unknown error occurred"},
                                                  {"code", 1}}}});
    const auto b = send("second");
    m = WaitForMessage(conv, b, [](const json& j) { return j["status"] == "sent"; });
    EXPECT_EQ(m["status"], "sent") << m;
    EXPECT_EQ(graph_.MessageSends().size(), 3u);

    // An expired token: the inbox needs reconnecting and further sends are refused up front.
    graph_.QueueMessagesResponse(
        401, {{"error", {{"message", "Error validating access token: Session has expired"},
                         {"type", "OAuthException"},
                         {"code", 190},
                         {"error_subcode", 463}}}});
    const auto c = send("third");
    m = WaitForMessage(conv, c, [](const json& j) { return j["status"] == "failed"; });
    EXPECT_EQ(m["status"], "failed") << m;
    EXPECT_EQ(admin_->Get(ws_ + "/inboxes/" + inbox_id_).json()["inbox"]["status"],
              "needs_reconnect");
    auto refused = admin_->Post(ws_ + "/conversations/" + conv + "/messages", {{"content", "4"}});
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(refused.body.find("reconnect"), std::string::npos);
}

TEST_F(OutboundTest, InvalidMessagesAreRefusedBeforeAnythingIsStored) {
    Deliver(CustomerText("12025550111", "wamid.V", "hi", NowSeconds() - 5));
    const std::string conv = ConversationOf("12025550111");
    ASSERT_FALSE(conv.empty());
    const std::string url = ws_ + "/conversations/" + conv + "/messages";
    // Four reply buttons (WhatsApp allows three).
    json buttons = json::array();
    for (int i = 0; i < 4; ++i) {
        buttons.push_back({{"id", "b" + std::to_string(i)}, {"title", "Option " + std::to_string(i)}});
    }
    EXPECT_EQ(admin_->Post(url, {{"content", "Pick one"}, {"buttons", buttons}}).status, 400);
    EXPECT_EQ(admin_->Post(url, json::object()).status, 400);
    EXPECT_EQ(admin_->Post(url, {{"content", "x"}, {"bogus", 1}}).status, 400);
    EXPECT_EQ(admin_->Post(url, {{"content", "x"}, {"reply_to_id", 999999}}).status, 400);
    auto list = admin_->Get(url);
    EXPECT_EQ(list.json()["data"].size(), 1u) << list.body;  // only the customer's message

    // Three buttons are fine, and go out as an interactive message.
    buttons.erase(buttons.size() - 1);
    auto ok = admin_->Post(url, {{"content", "Pick one"}, {"buttons", buttons}});
    ASSERT_EQ(ok.status, 201) << ok.body;
    ASSERT_EQ(graph_.WaitForSends(1), 1u);
    const json body = graph_.MessageSends()[0].json();
    EXPECT_EQ(body["type"], "interactive");
    EXPECT_EQ(body["interactive"]["type"], "button");
    EXPECT_EQ(body["interactive"]["action"]["buttons"].size(), 3u);

    // Another workspace cannot see or write into this conversation.
    HttpClient other(server_->port());
    EXPECT_EQ(other.Post(url, {{"content", "x"}}).status, 401);
}

}  // namespace
}  // namespace hudhud::testing
