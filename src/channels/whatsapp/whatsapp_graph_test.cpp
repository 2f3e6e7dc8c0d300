#include "channels/whatsapp/whatsapp_graph.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hudhud::channels::whatsapp {
namespace {

ChannelAccount Account() {
    return ChannelAccount{.api_base_url = "https://graph.example.test",
                          .api_version = "v23.0",
                          .account_id = "106540352242922",
                          .account_group_id = "102290129340398",
                          .access_token = "EAAtest"};
}

TEST(WhatsAppGraphTest, ListTemplatesCall) {
    auto first = BuildListTemplates(Account(), "");
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->method, "GET");
    EXPECT_EQ(first->url,
              "https://graph.example.test/v23.0/102290129340398/message_templates"
              "?fields=name,language,status,category,components&limit=100");
    ASSERT_EQ(first->headers.size(), 1u);
    EXPECT_EQ(first->headers[0].first, "Authorization");
    EXPECT_EQ(first->headers[0].second, "Bearer EAAtest");
    EXPECT_TRUE(first->body.empty());

    auto next = BuildListTemplates(Account(), "MjQZD+a/b=");
    ASSERT_TRUE(next.ok());
    EXPECT_TRUE(next->url.ends_with("&limit=100&after=MjQZD%2Ba%2Fb%3D")) << next->url;

    auto no_waba = Account();
    no_waba.account_group_id.clear();
    auto r = BuildListTemplates(no_waba, "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("Business Account id"), std::string::npos);
}

// The shape of the spec's GET message_templates example, plus a second page link.
constexpr std::string_view kTemplatesPage = R"({
  "data": [
    {"name": "hello_world", "language": "en_US", "status": "APPROVED", "category": "MARKETING",
     "id": "1192339204654487",
     "components": [
       {"type": "HEADER", "format": "TEXT", "text": "Hello World"},
       {"type": "BODY", "text": "Welcome {{1}}", "example": {"body_text": [["Mark"]]}},
       {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Stop promotions"}]}]},
    {"name": "تأكيد_الطلب", "language": "ar", "status": "PENDING", "category": "UTILITY",
     "id": "2"},
    {"language": "en", "status": "APPROVED", "id": "3"},
    "not an object"
  ],
  "paging": {"cursors": {"before": "MAZDZD", "after": "MjQZD"},
             "next": "https://graph.facebook.com/v23.0/102290129340398/message_templates?after=MjQZD"}
})";

TEST(WhatsAppGraphTest, ParsesTemplatesPage) {
    auto page = ParseTemplatesPage(kTemplatesPage);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->templates.size(), 2u);  // the nameless entry and the string are skipped
    const TemplateInfo& t = page->templates[0];
    EXPECT_EQ(t.id, "1192339204654487");
    EXPECT_EQ(t.name, "hello_world");
    EXPECT_EQ(t.language, "en_US");
    EXPECT_EQ(t.status, "APPROVED");
    EXPECT_EQ(t.category, "MARKETING");
    const auto components = nlohmann::json::parse(t.components_json);
    ASSERT_TRUE(components.is_array());
    ASSERT_EQ(components.size(), 3u);
    EXPECT_EQ(components[1]["text"], "Welcome {{1}}");
    EXPECT_EQ(t.components_json.find('\n'), std::string::npos);  // compact

    EXPECT_EQ(page->templates[1].name, "تأكيد_الطلب");
    EXPECT_EQ(page->templates[1].components_json, "[]");
    EXPECT_EQ(page->next_after, "MjQZD");
}

TEST(WhatsAppGraphTest, LastPageHasNoNextCursor) {
    auto page = ParseTemplatesPage(
        R"({"data":[],"paging":{"cursors":{"before":"MAZDZD","after":"MjQZD"}}})");
    ASSERT_TRUE(page.ok());
    EXPECT_TRUE(page->templates.empty());
    EXPECT_FALSE(page->next_after.has_value());

    auto no_paging = ParseTemplatesPage(R"({"data":[]})");
    ASSERT_TRUE(no_paging.ok());
    EXPECT_FALSE(no_paging->next_after.has_value());

    for (std::string_view bad : {"", "nope", "[]", R"({"error":{"code":190}})", R"({"data":{}})"}) {
        auto r = ParseTemplatesPage(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected);
    }
}

TEST(WhatsAppGraphTest, MediaUploadCall) {
    auto upload = BuildMediaUpload(Account(), "image/jpeg", "receipt.jpg");
    ASSERT_TRUE(upload.ok()) << upload.error().message;
    EXPECT_EQ(upload->call.method, "POST");
    EXPECT_EQ(upload->call.url, "https://graph.example.test/v23.0/106540352242922/media");
    ASSERT_EQ(upload->call.headers.size(), 1u);
    EXPECT_EQ(upload->call.headers[0].second, "Bearer EAAtest");
    ASSERT_EQ(upload->fields.size(), 2u);
    EXPECT_EQ(upload->fields[0].name, "messaging_product");
    EXPECT_EQ(upload->fields[0].value, "whatsapp");
    EXPECT_EQ(upload->fields[1].name, "type");
    EXPECT_EQ(upload->fields[1].value, "image/jpeg");
    EXPECT_EQ(upload->file_field, "file");
    EXPECT_EQ(upload->filename, "receipt.jpg");
    EXPECT_EQ(upload->mime_type, "image/jpeg");

    auto unnamed = BuildMediaUpload(Account(), "application/vnd.ms-excel", "");
    ASSERT_TRUE(unnamed.ok());
    EXPECT_EQ(unnamed->filename, "file");

    auto arabic = BuildMediaUpload(Account(), "application/pdf", "فاتورة.pdf");
    ASSERT_TRUE(arabic.ok());

    for (auto [mime, name] :
         std::vector<std::pair<std::string, std::string>>{{"", "a.jpg"},
                                                          {"image", "a.jpg"},
                                                          {"image/", "a.jpg"},
                                                          {"image/jpeg\r\nX: 1", "a.jpg"},
                                                          {"image/jpeg", "a\".jpg"},
                                                          {"image/jpeg", "../etc/passwd"},
                                                          {"image/jpeg", "a\nb.jpg"}}) {
        auto r = BuildMediaUpload(Account(), mime, name);
        ASSERT_FALSE(r.ok()) << mime << " " << name;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST(WhatsAppGraphTest, ParsesMediaUploadResponse) {
    auto id = ParseMediaUploadResponse(R"({"id":"4490709327384033"})");
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(*id, "4490709327384033");
    for (std::string_view bad : {"", "x", "{}", R"({"id":""})", R"({"id":4490709327384033})"}) {
        auto r = ParseMediaUploadResponse(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected);
    }
}

}  // namespace
}  // namespace hudhud::channels::whatsapp
