#include "channels/whatsapp/whatsapp_adapter.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "channels/adapter_registry.hpp"
#include "channels/whatsapp/whatsapp_test_util.hpp"

namespace hudhud::channels::whatsapp {
namespace {

WebhookRequest Post(std::string_view body, std::string_view signature) {
    WebhookRequest req;
    req.method = "POST";
    req.body = body;
    req.headers = {{"content-type", "application/json"}, {"x-hub-signature-256", signature}};
    req.secrets.signing_secret = "test-app-secret";
    req.secrets.verify_token = "verify-me";
    return req;
}

TEST(WhatsAppAdapterTest, ThroughTheInterface) {
    AdapterRegistry registry;
    ASSERT_TRUE(registry.Register(std::make_unique<WhatsAppAdapter>()).ok());
    const ChannelAdapter* adapter = registry.Find(ChannelKind::kWhatsApp);
    ASSERT_NE(adapter, nullptr);

    const std::string body = testing::ReadTestData("text_arabic.json");
    const std::string sig = testing::MetaSignature("test-app-secret", body);
    EXPECT_TRUE(adapter->VerifyWebhook(Post(body, sig)).ok());
    EXPECT_EQ(adapter->VerifyWebhook(Post(body, "")).error().code, ErrorCode::kUnauthenticated);
    WebhookRequest no_header = Post(body, sig);
    no_header.headers.clear();
    EXPECT_EQ(adapter->VerifyWebhook(no_header).error().code, ErrorCode::kUnauthenticated);

    auto events = adapter->ParseWebhook(body);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->size(), 1u);
    EXPECT_EQ(adapter->ParseWebhook("{").error().code, ErrorCode::kInvalidArgument);

    EXPECT_TRUE(
        adapter
            ->ClassifySendError(400, testing::ReadTestData("outbound_error_190_expired_token.json"))
            .needs_reconnect);
}

TEST(WhatsAppAdapterTest, Handshake) {
    WhatsAppAdapter adapter;
    WebhookRequest req;
    req.method = "GET";
    req.secrets.verify_token = "verify-me";
    req.query = {{"hub.mode", "subscribe"},
                 {"hub.challenge", "1158201444"},
                 {"hub.verify_token", "verify-me"}};
    auto ok = adapter.AnswerHandshake(req);
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(*ok, "1158201444");

    req.query[2].second = "nope";
    EXPECT_EQ(adapter.AnswerHandshake(req).error().code, ErrorCode::kPermissionDenied);

    req.query[2].second = "verify-me";
    req.query[1].second = "<script>";
    EXPECT_EQ(adapter.AnswerHandshake(req).error().code, ErrorCode::kInvalidArgument);
    req.query.pop_back();
    req.query.pop_back();
    EXPECT_EQ(adapter.AnswerHandshake(req).error().code, ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace hudhud::channels::whatsapp
