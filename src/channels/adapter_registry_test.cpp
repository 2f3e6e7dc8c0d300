#include "channels/adapter_registry.hpp"

#include <gtest/gtest.h>

namespace hudhud::channels {
namespace {

// A minimal adapter: only what the registry and the default handshake need.
class NullAdapter final : public ChannelAdapter {
  public:
    explicit NullAdapter(ChannelKind kind) : kind_(kind) {}
    ChannelKind kind() const override { return kind_; }
    Status VerifyWebhook(const WebhookRequest&) const override {
        return Error::Unauthenticated("never");
    }
    Result<std::vector<InboundEvent>> ParseWebhook(std::string_view) const override {
        return std::vector<InboundEvent>{};
    }
    ErrorClass ClassifySendError(int, std::string_view) const override { return {}; }

  private:
    ChannelKind kind_;
};

TEST(AdapterRegistryTest, RegistersOnePerKind) {
    AdapterRegistry registry;
    ASSERT_TRUE(registry.Register(std::make_unique<NullAdapter>(ChannelKind::kTelegram)).ok());
    ASSERT_TRUE(registry.Register(std::make_unique<NullAdapter>(ChannelKind::kTikTok)).ok());
    auto dup = registry.Register(std::make_unique<NullAdapter>(ChannelKind::kTelegram));
    ASSERT_FALSE(dup.ok());
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
    EXPECT_EQ(registry.Register(nullptr).error().code, ErrorCode::kInvalidArgument);

    ASSERT_NE(registry.Find(ChannelKind::kTelegram), nullptr);
    EXPECT_EQ(registry.Find(ChannelKind::kTelegram)->kind(), ChannelKind::kTelegram);
    EXPECT_EQ(registry.Find(ChannelKind::kWhatsApp), nullptr);
}

TEST(AdapterRegistryTest, DefaultHandshakeIsNotFound) {
    NullAdapter adapter(ChannelKind::kTelegram);
    auto r = adapter.AnswerHandshake(WebhookRequest{});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST(InboundEventTest, Names) {
    EXPECT_EQ(ContentTypeName(ContentType::kInteractiveReply), "interactive_reply");
    EXPECT_EQ(ContentTypeName(ContentType::kButtonReply), "button_reply");
    EXPECT_EQ(DeliveryStateName(DeliveryState::kFailed), "failed");
    EXPECT_EQ(ErrorHintName(ErrorHint::kReplyWindowClosed), "reply_window_closed");
    InboundReaction r;
    EXPECT_TRUE(r.removed());
    r.emoji = "x";
    EXPECT_FALSE(r.removed());
}

}  // namespace
}  // namespace hudhud::channels
