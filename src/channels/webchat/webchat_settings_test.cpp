#include "channels/webchat/webchat_settings.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hudhud::channels::webchat {
namespace {

TEST(WebChatSettingsTest, DefaultsFromAnEmptyObject) {
    auto s = ParseSettings("{}");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->widget_color, "#1f93ff");
    EXPECT_EQ(s->locale, "en");
    EXPECT_TRUE(s->allowed_domains.empty());
    EXPECT_FALSE(s->hmac_mandatory);
    EXPECT_TRUE(MimeTypeAllowed(*s, "image/png"));
    EXPECT_FALSE(MimeTypeAllowed(*s, "application/x-msdownload"));
    EXPECT_TRUE(ParseSettings("").ok());
}

TEST(WebChatSettingsTest, ReadsEverySetting) {
    auto s = ParseSettings(R"({
        "widget_color": "#AA3300", "locale": "ar", "welcome_title": "أهلاً",
        "allowed_domains": "shop.example, *.brand.example", "hmac_mandatory": true,
        "pre_chat_form_enabled": true, "consent_text": "I agree",
        "pre_chat_fields": [{"name": "email", "required": true}, {"name": "phone", "enabled": false}],
        "max_attachment_bytes": 1024, "allowed_mime_types": ["image/*"], "extra": 1})");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(s->locale, "ar");
    EXPECT_EQ(s->allowed_domains, (std::vector<std::string>{"shop.example", "*.brand.example"}));
    EXPECT_TRUE(s->hmac_mandatory);
    EXPECT_EQ(s->max_attachment_bytes, 1024);
    EXPECT_TRUE(MimeTypeAllowed(*s, "image/webp"));
    EXPECT_FALSE(MimeTypeAllowed(*s, "application/pdf"));
    auto pub = PublicConfigJson(*s);
    EXPECT_EQ(pub["pre_chat_fields"].size(), 1u);  // the disabled phone field is not shown
    EXPECT_EQ(pub["welcome_title"], "أهلاً");
    EXPECT_FALSE(pub.contains("allowed_domains"));
}

TEST(WebChatSettingsTest, RejectsInvalidValues) {
    for (const char* bad : {R"([])", R"({"widget_color":"blue"})", R"({"locale":"fr"})",
                            R"({"allowed_domains":["https://x.example/path"]})",
                            R"({"hmac_mandatory":"yes"})", R"({"max_attachment_bytes":0})",
                            R"({"max_attachment_bytes":999999999})",
                            R"({"pre_chat_fields":[{"name":"age"}]})",
                            R"({"allowed_mime_types":["png"]})", "not json"}) {
        auto s = ParseSettings(bad);
        ASSERT_FALSE(s.ok()) << bad;
        EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument) << bad;
    }
}

TEST(WebChatSettingsTest, UploadPolicyGivesOneVerdictPerReason) {
    auto s = ParseSettings(R"({"max_attachment_bytes": 1000,
        "allowed_mime_types": ["image/*", "application/pdf", "Text/Plain"]})");
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(CheckUpload(*s, "image/png", 1000), UploadVerdict::kAllowed);
    EXPECT_EQ(CheckUpload(*s, "IMAGE/JPEG; foo=bar", 10), UploadVerdict::kAllowed);
    EXPECT_EQ(CheckUpload(*s, "text/plain; charset=utf-8", 10), UploadVerdict::kAllowed);
    EXPECT_EQ(CheckUpload(*s, "image/png", 1001), UploadVerdict::kTooLarge);
    EXPECT_EQ(CheckUpload(*s, "image/png", 0), UploadVerdict::kEmpty);
    EXPECT_EQ(CheckUpload(*s, "application/zip", 10), UploadVerdict::kUnsupportedType);
    EXPECT_EQ(CheckUpload(*s, "", 10), UploadVerdict::kUnsupportedType);
    EXPECT_EQ(CheckUpload(*s, "image/", 10), UploadVerdict::kUnsupportedType);
    // "image/*" never lets a scriptable type in.
    EXPECT_EQ(CheckUpload(*s, "image/svg+xml", 10), UploadVerdict::kUnsupportedType);

    auto everything = ParseSettings(R"({"allowed_mime_types": ["text/*", "application/*"]})");
    ASSERT_TRUE(everything.ok());
    EXPECT_EQ(CheckUpload(*everything, "text/csv", 10), UploadVerdict::kAllowed);
    for (const char* active :
         {"text/html", "application/xhtml+xml", "text/javascript", "application/javascript",
          "application/xml", "application/atom+xml"}) {
        EXPECT_EQ(CheckUpload(*everything, active, 10), UploadVerdict::kUnsupportedType) << active;
    }

    auto off = ParseSettings(R"({"attachments_enabled": false})");
    ASSERT_TRUE(off.ok());
    EXPECT_EQ(CheckUpload(*off, "image/png", 10), UploadVerdict::kDisabled);
}

}  // namespace
}  // namespace hudhud::channels::webchat
