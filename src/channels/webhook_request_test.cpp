#include "channels/webhook_request.hpp"

#include <gtest/gtest.h>

namespace hudhud::channels {
namespace {

TEST(WebhookRequestTest, HeaderLookupIsCaseInsensitive) {
    WebhookRequest req;
    req.headers = {{"Content-Type", "application/json"}, {"x-hub-signature-256", "sha256=ab"}};
    EXPECT_EQ(req.Header("X-Hub-Signature-256").value_or(""), "sha256=ab");
    EXPECT_EQ(req.Header("content-type").value_or(""), "application/json");
    EXPECT_FALSE(req.Header("X-Missing").has_value());
}

TEST(WebhookRequestTest, QueryLookupIsExact) {
    WebhookRequest req;
    req.query = {{"hub.mode", "subscribe"}, {"hub.challenge", "42"}};
    EXPECT_EQ(req.Query("hub.challenge").value_or(""), "42");
    EXPECT_FALSE(req.Query("HUB.MODE").has_value());
}

TEST(WebhookRequestTest, ConstantTimeEquals) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
    EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
    EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
    EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

TEST(IsJsonObjectTest, OnlyOneWellFormedObjectPasses) {
    EXPECT_TRUE(IsJsonObject(R"({"object":"whatsapp_business_account","entry":[]})"));
    EXPECT_TRUE(IsJsonObject("{\"text\":\"\u0645\u0631\u062d\u0628\u0627 مرحبا\"}"));
    EXPECT_FALSE(IsJsonObject(""));
    EXPECT_FALSE(IsJsonObject("not json"));
    EXPECT_FALSE(IsJsonObject("[1,2,3]"));
    EXPECT_FALSE(IsJsonObject("\"a string\""));
    EXPECT_FALSE(IsJsonObject(R"({"a":1} {"b":2})"));
    EXPECT_FALSE(IsJsonObject(R"({"a":1)"));
    EXPECT_FALSE(IsJsonObject(std::string("{\"a\":\"\xff\xfe\"}")));  // not UTF-8
}

}  // namespace
}  // namespace hudhud::channels
