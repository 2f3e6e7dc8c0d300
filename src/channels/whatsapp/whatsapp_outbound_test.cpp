#include "channels/whatsapp/whatsapp_outbound.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>

#include "channels/whatsapp/whatsapp_adapter.hpp"

namespace hudhud::channels::whatsapp {
namespace {

using nlohmann::json;

ChannelAccount Account() {
    return ChannelAccount{.api_base_url = "https://graph.example.test/",
                          .api_version = "v23.0",
                          .account_id = "106540352242922",
                          .account_group_id = "102290129340398",
                          .access_token = "EAAtest.token_123"};
}

OutboundMessage Msg(OutboundKind kind) {
    OutboundMessage m;
    m.kind = kind;
    m.recipient = "16505551234";
    return m;
}

std::string Repeat(std::string_view unit, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += unit;
    return out;
}

// ---- Golden bodies: every kind, compared as parsed JSON (key order and spacing do not matter).

struct GoldenCase {
    std::string name;
    std::function<OutboundMessage()> make;
    std::string expected;  // JSON
};

std::vector<GoldenCase> GoldenCases() {
    return {
        {"text_plain",
         [] {
             auto m = Msg(OutboundKind::kText);
             m.text = "مرحبا، كيف يمكنني مساعدتك؟";
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"text","text":{"body":"مرحبا، كيف يمكنني مساعدتك؟","preview_url":false}})"},
        {"text_with_url_quoting",
         [] {
             auto m = Msg(OutboundKind::kText);
             m.text = "Track it at HTTPS://example.com/t/1";
             m.reply_to_external_id = "wamid.QUOTED";
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"text","context":{"message_id":"wamid.QUOTED"},
             "text":{"body":"Track it at HTTPS://example.com/t/1","preview_url":true}})"},
        {"image_link_caption",
         [] {
             auto m = Msg(OutboundKind::kMedia);
             m.media = OutboundMedia{.kind = "image",
                                     .link = "https://cdn.example.com/a.jpg",
                                     .media_id = "",
                                     .caption = "صورة",
                                     .filename = ""};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"image","image":{"link":"https://cdn.example.com/a.jpg","caption":"صورة"}})"},
        {"video_id",
         [] {
             auto m = Msg(OutboundKind::kMedia);
             m.media = OutboundMedia{.kind = "video",
                                     .link = "",
                                     .media_id = "1166846181421424",
                                     .caption = "clip",
                                     .filename = ""};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"video","video":{"id":"1166846181421424","caption":"clip"}})"},
        {"audio_id_quoting",
         [] {
             auto m = Msg(OutboundKind::kMedia);
             m.media = OutboundMedia{
                 .kind = "audio", .link = "", .media_id = "42", .caption = "", .filename = ""};
             m.reply_to_external_id = "wamid.Q";
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"audio","audio":{"id":"42"},"context":{"message_id":"wamid.Q"}})"},
        {"document_link_filename",
         [] {
             auto m = Msg(OutboundKind::kMedia);
             m.media = OutboundMedia{.kind = "document",
                                     .link = "https://cdn.example.com/invoice.pdf",
                                     .media_id = "",
                                     .caption = "Your invoice",
                                     .filename = "فاتورة.pdf"};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"document","document":{"link":"https://cdn.example.com/invoice.pdf",
             "caption":"Your invoice","filename":"فاتورة.pdf"}})"},
        {"sticker_id",
         [] {
             auto m = Msg(OutboundKind::kMedia);
             m.media = OutboundMedia{
                 .kind = "sticker", .link = "", .media_id = "777", .caption = "", .filename = ""};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"sticker","sticker":{"id":"777"}})"},
        {"location",
         [] {
             auto m = Msg(OutboundKind::kLocation);
             m.location = Location{.latitude = 24.7136,
                                   .longitude = 46.6753,
                                   .name = "الرياض",
                                   .address = "Riyadh",
                                   .url = ""};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"location","location":{"latitude":24.7136,"longitude":46.6753,
             "name":"الرياض","address":"Riyadh"}})"},
        {"buttons",
         [] {
             auto m = Msg(OutboundKind::kButtons);
             m.text = "Did that solve it?";
             m.header = "Support";
             m.footer = "Hudhud";
             m.buttons = {{.id = "yes", .title = "Yes"}, {.id = "no", .title = "لا"}};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"interactive","interactive":{"type":"button",
             "header":{"type":"text","text":"Support"},"body":{"text":"Did that solve it?"},
             "footer":{"text":"Hudhud"},"action":{"buttons":[
               {"type":"reply","reply":{"id":"yes","title":"Yes"}},
               {"type":"reply","reply":{"id":"no","title":"لا"}}]}}})"},
        {"list",
         [] {
             auto m = Msg(OutboundKind::kList);
             m.text = "Pick a delivery slot";
             m.list_button = "Slots";
             m.sections = {{.title = "Today",
                            .rows = {{.id = "t1", .title = "Morning", .description = "9-12"},
                                     {.id = "t2", .title = "Evening", .description = ""}}},
                           {.title = "Tomorrow",
                            .rows = {{.id = "m1", .title = "Any time", .description = ""}}}};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"interactive","interactive":{"type":"list",
             "body":{"text":"Pick a delivery slot"},"action":{"button":"Slots","sections":[
               {"title":"Today","rows":[{"id":"t1","title":"Morning","description":"9-12"},
                                        {"id":"t2","title":"Evening"}]},
               {"title":"Tomorrow","rows":[{"id":"m1","title":"Any time"}]}]}}})"},
        {"template_with_components",
         [] {
             auto m = Msg(OutboundKind::kTemplate);
             m.template_message = OutboundTemplate{
                 .name = "order_update",
                 .language = "ar",
                 .components_json =
                     R"([{"type":"body","parameters":[{"type":"text","text":"أحمد"},)"
                     R"({"type":"currency","currency":{"fallback_value":"$1.50","code":"USD",)"
                     R"("amount_1000":1500}}]}])"};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"template","template":{"name":"order_update",
             "language":{"code":"ar","policy":"deterministic"},
             "components":[{"type":"body","parameters":[{"type":"text","text":"أحمد"},
               {"type":"currency","currency":{"fallback_value":"$1.50","code":"USD",
               "amount_1000":1500}}]}]}})"},
        {"template_without_components",
         [] {
             auto m = Msg(OutboundKind::kTemplate);
             m.template_message = OutboundTemplate{
                 .name = "hello_world", .language = "en_US", .components_json = "[]"};
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"template","template":{"name":"hello_world",
             "language":{"code":"en_US","policy":"deterministic"}}})"},
        {"reaction",
         [] {
             auto m = Msg(OutboundKind::kReaction);
             m.target_external_id = "wamid.TARGET";
             m.emoji = "👍";
             m.reply_to_external_id = "wamid.IGNORED";  // a reaction never quotes
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"reaction","reaction":{"message_id":"wamid.TARGET","emoji":"👍"}})"},
        {"reaction_removed",
         [] {
             auto m = Msg(OutboundKind::kReaction);
             m.target_external_id = "wamid.TARGET";
             return m;
         },
         R"({"messaging_product":"whatsapp","recipient_type":"individual","to":"16505551234",
             "type":"reaction","reaction":{"message_id":"wamid.TARGET","emoji":""}})"},
        {"mark_read",
         [] {
             auto m = Msg(OutboundKind::kMarkRead);
             m.recipient.clear();  // not needed to mark a message read
             m.target_external_id = "wamid.IN";
             return m;
         },
         R"({"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN"})"},
        {"mark_read_typing",
         [] {
             auto m = Msg(OutboundKind::kMarkRead);
             m.target_external_id = "wamid.IN";
             m.typing_indicator = true;
             return m;
         },
         R"({"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN",
             "typing_indicator":{"type":"text"}})"},
    };
}

class GoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenTest, BodyUrlAndHeaders) {
    const GoldenCase& c = GetParam();
    WhatsAppAdapter adapter;
    auto call = adapter.BuildSend(c.make(), Account());
    ASSERT_TRUE(call.ok()) << call.error().message;
    EXPECT_EQ(call->method, "POST");
    EXPECT_EQ(call->url, "https://graph.example.test/v23.0/106540352242922/messages");
    ASSERT_EQ(call->headers.size(), 2u);
    EXPECT_EQ(call->headers[0],
              (std::pair<std::string, std::string>{"Authorization", "Bearer EAAtest.token_123"}));
    EXPECT_EQ(call->headers[1],
              (std::pair<std::string, std::string>{"Content-Type", "application/json"}));
    EXPECT_EQ(json::parse(call->body), json::parse(c.expected)) << call->body;
}

INSTANTIATE_TEST_SUITE_P(AllKinds, GoldenTest, ::testing::ValuesIn(GoldenCases()),
                         [](const auto& info) { return info.param.name; });

// ---- Limits and violations: each row is one message that must be refused, and the words the
// agent-facing message must contain.

struct RejectCase {
    std::string name;
    std::function<OutboundMessage()> make;
    std::string message_contains;
};

OutboundMessage Text(std::string body) {
    auto m = Msg(OutboundKind::kText);
    m.text = std::move(body);
    return m;
}

OutboundMessage Media(OutboundMedia media) {
    auto m = Msg(OutboundKind::kMedia);
    m.media = std::move(media);
    return m;
}

OutboundMessage Buttons(std::vector<OutboundButton> buttons) {
    auto m = Msg(OutboundKind::kButtons);
    m.text = "Choose";
    m.buttons = std::move(buttons);
    return m;
}

OutboundMessage List(std::vector<OutboundListSection> sections) {
    auto m = Msg(OutboundKind::kList);
    m.text = "Choose";
    m.list_button = "Options";
    m.sections = std::move(sections);
    return m;
}

std::vector<OutboundListRow> Rows(int n, std::string prefix) {
    std::vector<OutboundListRow> rows;
    for (int i = 0; i < n; ++i)
        rows.push_back({.id = prefix + std::to_string(i), .title = "Row", .description = ""});
    return rows;
}

OutboundMessage Template(std::string components) {
    auto m = Msg(OutboundKind::kTemplate);
    m.template_message = OutboundTemplate{
        .name = "t", .language = "en_US", .components_json = std::move(components)};
    return m;
}

std::vector<RejectCase> RejectCases() {
    return {
        {"no_recipient",
         [] {
             auto m = Text("hi");
             m.recipient.clear();
             return m;
         },
         "recipient"},
        {"recipient_with_space",
         [] {
             auto m = Text("hi");
             m.recipient = "1650 555";
             return m;
         },
         "recipient"},
        {"empty_text", [] { return Text(""); }, "text body is empty"},
        {"blank_text", [] { return Text("  \n "); }, "text body is empty"},
        {"text_4097_chars", [] { return Text(std::string(4097, 'a')); }, "4097 characters"},
        {"arabic_text_4097_chars", [] { return Text(Repeat("ب", 4097)); }, "at most 4096"},
        {"invalid_utf8", [] { return Text("bad \xC3\x28"); }, "not valid UTF-8"},
        {"quoted_id_with_space",
         [] {
             auto m = Text("hi");
             m.reply_to_external_id = "wamid with space";
             return m;
         },
         "quoted message id"},
        {"media_missing", [] { return Msg(OutboundKind::kMedia); }, "no media"},
        {"media_bad_kind",
         [] {
             return Media({.kind = "gif",
                           .link = "https://x/a",
                           .media_id = "",
                           .caption = "",
                           .filename = ""});
         },
         "not one of image"},
        {"media_neither_link_nor_id",
         [] {
             return Media(
                 {.kind = "image", .link = "", .media_id = "", .caption = "", .filename = ""});
         },
         "exactly one of a link"},
        {"media_both_link_and_id",
         [] {
             return Media({.kind = "image",
                           .link = "https://x/a",
                           .media_id = "1",
                           .caption = "",
                           .filename = ""});
         },
         "exactly one of a link"},
        {"media_link_not_http",
         [] {
             return Media({.kind = "image",
                           .link = "ftp://x/a",
                           .media_id = "",
                           .caption = "",
                           .filename = ""});
         },
         "http(s) URL"},
        {"caption_on_audio",
         [] {
             return Media(
                 {.kind = "audio", .link = "", .media_id = "1", .caption = "hi", .filename = ""});
         },
         "captions on audio"},
        {"caption_on_sticker",
         [] {
             return Media(
                 {.kind = "sticker", .link = "", .media_id = "1", .caption = "hi", .filename = ""});
         },
         "captions on sticker"},
        {"caption_too_long",
         [] {
             return Media({.kind = "image",
                           .link = "",
                           .media_id = "1",
                           .caption = Repeat("ع", 1025),
                           .filename = ""});
         },
         "image caption is 1025 characters"},
        {"filename_on_image",
         [] {
             return Media({.kind = "image",
                           .link = "",
                           .media_id = "1",
                           .caption = "",
                           .filename = "a.jpg"});
         },
         "filename can only be set on a document"},
        {"location_missing", [] { return Msg(OutboundKind::kLocation); }, "no location"},
        {"latitude_out_of_range",
         [] {
             auto m = Msg(OutboundKind::kLocation);
             m.location =
                 Location{.latitude = 91, .longitude = 0, .name = "", .address = "", .url = ""};
             return m;
         },
         "latitude"},
        {"longitude_out_of_range",
         [] {
             auto m = Msg(OutboundKind::kLocation);
             m.location =
                 Location{.latitude = 0, .longitude = -181, .name = "", .address = "", .url = ""};
             return m;
         },
         "longitude"},
        {"no_buttons", [] { return Buttons({}); }, "1 to 3 buttons, got 0"},
        {"four_buttons",
         [] {
             return Buttons({{.id = "a", .title = "A"},
                             {.id = "b", .title = "B"},
                             {.id = "c", .title = "C"},
                             {.id = "d", .title = "D"}});
         },
         "1 to 3 buttons, got 4"},
        {"button_title_21_chars",
         [] { return Buttons({{.id = "a", .title = std::string(21, 't')}}); },
         "button 1 title is 21 characters; WhatsApp allows at most 20"},
        {"arabic_button_title_21_chars",
         [] {
             return Buttons({{.id = "a", .title = "A"}, {.id = "b", .title = Repeat("ن", 21)}});
         },
         "button 2 title is 21 characters"},
        {"button_title_empty", [] { return Buttons({{.id = "a", .title = ""}}); },
         "button 1 title is empty"},
        {"button_id_empty", [] { return Buttons({{.id = "", .title = "A"}}); },
         "button 1 id is empty"},
        {"button_id_257_chars",
         [] { return Buttons({{.id = std::string(257, 'i'), .title = "A"}}); },
         "button 1 id is 257 characters"},
        {"button_id_padded", [] { return Buttons({{.id = " a", .title = "A"}}); },
         "must not start or end with a space"},
        {"button_ids_repeat",
         [] {
             return Buttons({{.id = "a", .title = "A"}, {.id = "a", .title = "B"}});
         },
         "button 2 id repeats"},
        {"button_titles_repeat",
         [] {
             return Buttons({{.id = "a", .title = "A"}, {.id = "b", .title = "A"}});
         },
         "button 2 title repeats"},
        {"interactive_body_empty",
         [] {
             auto m = Buttons({{.id = "a", .title = "A"}});
             m.text.clear();
             return m;
         },
         "message body is empty"},
        {"interactive_body_1025",
         [] {
             auto m = Buttons({{.id = "a", .title = "A"}});
             m.text = Repeat("ك", 1025);
             return m;
         },
         "message body is 1025 characters"},
        {"header_61",
         [] {
             auto m = Buttons({{.id = "a", .title = "A"}});
             m.header = std::string(61, 'h');
             return m;
         },
         "header is 61 characters"},
        {"footer_61",
         [] {
             auto m = List({{.title = "", .rows = Rows(1, "r")}});
             m.footer = Repeat("ف", 61);
             return m;
         },
         "footer is 61 characters"},
        {"list_button_empty",
         [] {
             auto m = List({{.title = "", .rows = Rows(1, "r")}});
             m.list_button.clear();
             return m;
         },
         "list button label is empty"},
        {"list_button_21",
         [] {
             auto m = List({{.title = "", .rows = Rows(1, "r")}});
             m.list_button = std::string(21, 'b');
             return m;
         },
         "list button label is 21 characters"},
        {"list_no_sections", [] { return List({}); }, "1 to 10 sections, got 0"},
        {"list_11_sections",
         [] {
             std::vector<OutboundListSection> sections;
             for (int i = 0; i < 11; ++i)
                 sections.push_back({.title = "S" + std::to_string(i), .rows = {}});
             return List(sections);
         },
         "1 to 10 sections, got 11"},
        {"list_11_rows_in_all",
         [] {
             return List(
                 {{.title = "A", .rows = Rows(6, "a")}, {.title = "B", .rows = Rows(5, "b")}});
         },
         "at most 10 rows across all sections, got 11"},
        {"list_section_without_rows",
         [] {
             return List({{.title = "A", .rows = Rows(1, "a")}, {.title = "B", .rows = {}}});
         },
         "section 2 has no rows"},
        {"list_two_sections_one_untitled",
         [] {
             return List(
                 {{.title = "A", .rows = Rows(1, "a")}, {.title = "", .rows = Rows(1, "b")}});
         },
         "section 2 title is empty"},
        {"list_section_title_25",
         [] { return List({{.title = std::string(25, 's'), .rows = Rows(1, "a")}}); },
         "section 1 title is 25 characters"},
        {"list_row_title_25",
         [] {
             return List({{.title = "",
                           .rows = {{.id = "r", .title = Repeat("ص", 25), .description = ""}}}});
         },
         "section 1 row 1 title is 25 characters; WhatsApp allows at most 24"},
        {"list_row_description_73",
         [] {
             return List(
                 {{.title = "",
                   .rows = {{.id = "r", .title = "T", .description = std::string(73, 'd')}}}});
         },
         "row 1 description is 73 characters"},
        {"list_row_id_201",
         [] {
             return List(
                 {{.title = "",
                   .rows = {{.id = std::string(201, 'i'), .title = "T", .description = ""}}}});
         },
         "row 1 id is 201 characters"},
        {"list_row_ids_repeat",
         [] {
             return List(
                 {{.title = "A", .rows = Rows(1, "x")}, {.title = "B", .rows = Rows(1, "x")}});
         },
         "section 2 row 1 id repeats"},
        {"template_missing", [] { return Msg(OutboundKind::kTemplate); }, "no template"},
        {"template_no_name",
         [] {
             auto m = Template("[]");
             m.template_message->name.clear();
             return m;
         },
         "template name is empty"},
        {"template_no_language",
         [] {
             auto m = Template("[]");
             m.template_message->language.clear();
             return m;
         },
         "template language"},
        {"template_components_not_json", [] { return Template("[{"); }, "not valid JSON"},
        {"template_components_object", [] { return Template(R"({"type":"body"})"); },
         "must be a JSON array"},
        {"template_component_without_type", [] { return Template(R"([{"parameters":[]}])"); },
         "component 1 must be an object"},
        {"reaction_without_target",
         [] {
             auto m = Msg(OutboundKind::kReaction);
             m.emoji = "👍";
             return m;
         },
         "message to react to is missing"},
        {"mark_read_without_target", [] { return Msg(OutboundKind::kMarkRead); },
         "message to mark as read is missing"},
    };
}

class RejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(RejectTest, InvalidArgumentWithActionableMessage) {
    const RejectCase& c = GetParam();
    auto call = BuildSendCall(c.make(), Account());
    ASSERT_FALSE(call.ok()) << call->body;
    EXPECT_EQ(call.error().code, ErrorCode::kInvalidArgument);
    EXPECT_FALSE(call.error().retryable);
    EXPECT_NE(call.error().message.find(c.message_contains), std::string::npos)
        << "message: " << call.error().message;
}

INSTANTIATE_TEST_SUITE_P(Limits, RejectTest, ::testing::ValuesIn(RejectCases()),
                         [](const auto& info) { return info.param.name; });

// ---- Exactly at the limits is accepted (counted in code points, so Arabic counts per letter).

TEST(WhatsAppOutboundTest, LimitsAreInclusive) {
    EXPECT_TRUE(BuildSendCall(Text(Repeat("ب", 4096)), Account()).ok());
    EXPECT_TRUE(BuildSendCall(Text(std::string(4096, 'a')), Account()).ok());

    auto buttons = Buttons({{.id = std::string(256, 'i'), .title = Repeat("ن", 20)},
                            {.id = "b", .title = "B"},
                            {.id = "c", .title = "C"}});
    buttons.text = Repeat("ك", 1024);
    buttons.header = Repeat("ه", 60);
    buttons.footer = std::string(60, 'f');
    auto b = BuildSendCall(buttons, Account());
    EXPECT_TRUE(b.ok()) << b.error().message;

    std::vector<OutboundListSection> sections;
    for (int i = 0; i < 10; ++i)
        sections.push_back({.title = Repeat("ق", 24),
                            .rows = {{.id = std::string(199, 'r') + std::to_string(i),
                                      .title = Repeat("ص", 24),
                                      .description = Repeat("و", 72)}}});
    auto list = List(sections);
    list.list_button = Repeat("ز", 20);
    auto l = BuildSendCall(list, Account());
    EXPECT_TRUE(l.ok()) << l.error().message;

    auto media = Media({.kind = "video",
                        .link = "",
                        .media_id = "1",
                        .caption = Repeat("ع", 1024),
                        .filename = ""});
    EXPECT_TRUE(BuildSendCall(media, Account()).ok());
}

TEST(WhatsAppOutboundTest, CountsCodePoints) {
    EXPECT_EQ(CountCodePoints(""), 0u);
    EXPECT_EQ(CountCodePoints("abc"), 3u);
    EXPECT_EQ(CountCodePoints("مرحبا"), 5u);     // 10 bytes
    EXPECT_EQ(CountCodePoints("👍🏽"), 2u);  // emoji + skin tone modifier, 8 bytes
    EXPECT_EQ(CountCodePoints("€"), 1u);
    EXPECT_FALSE(CountCodePoints("\xC0\x80").has_value());          // overlong NUL
    EXPECT_FALSE(CountCodePoints("\xED\xA0\x80").has_value());      // surrogate
    EXPECT_FALSE(CountCodePoints("\xE2\x82").has_value());          // truncated
    EXPECT_FALSE(CountCodePoints("\xF4\x90\x80\x80").has_value());  // > U+10FFFF
    EXPECT_FALSE(CountCodePoints("\x80").has_value());
}

TEST(WhatsAppOutboundTest, PreviewUrlOnlyWhenTheTextHasALink) {
    for (auto [text, preview] :
         std::vector<std::pair<std::string, bool>>{{"no link here", false},
                                                   {"see http://example.com", true},
                                                   {"see www.example.com", true},
                                                   {"https://x.test", true},
                                                   {"email me at a@b.c", false}}) {
        auto call = BuildSendCall(Text(text), Account());
        ASSERT_TRUE(call.ok());
        EXPECT_EQ(json::parse(call->body)["text"]["preview_url"], preview) << text;
    }
}

TEST(WhatsAppOutboundTest, RejectsIncompleteOrUnsafeAccounts) {
    const auto text = Text("hi");
    auto with = [](std::function<void(ChannelAccount&)> change) {
        ChannelAccount a = Account();
        change(a);
        return a;
    };
    const std::vector<ChannelAccount> bad = {
        with([](auto& a) { a.api_base_url = ""; }),
        with([](auto& a) { a.api_base_url = "graph.facebook.com"; }),
        with([](auto& a) { a.api_version = ""; }),
        with([](auto& a) { a.account_id = ""; }),
        with([](auto& a) { a.account_id = "123/../../me"; }),
        with([](auto& a) { a.account_id = "123?x=1"; }),
        with([](auto& a) { a.access_token = ""; }),
        with([](auto& a) { a.access_token = "abc\r\nX-Evil: 1"; }),
    };
    for (const auto& account : bad) {
        auto call = BuildSendCall(text, account);
        ASSERT_FALSE(call.ok()) << account.api_base_url << " " << account.account_id;
        EXPECT_EQ(call.error().code, ErrorCode::kInvalidArgument);
        EXPECT_EQ(call.error().message.find("abc"), std::string::npos);  // never echo the token
    }
    auto no_slash = Account();
    no_slash.api_base_url = "http://127.0.0.1:4010";
    auto call = BuildSendCall(text, no_slash);
    ASSERT_TRUE(call.ok());
    EXPECT_EQ(call->url, "http://127.0.0.1:4010/v23.0/106540352242922/messages");
}

// ---- Send responses.

TEST(WhatsAppOutboundTest, ParsesSendResponses) {
    WhatsAppAdapter adapter;
    auto ok = adapter.ParseSendResponse(
        R"({"messaging_product":"whatsapp","contacts":[{"input":"+16505551234","wa_id":"16505551234"}],
            "messages":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA"}]})");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->external_id, "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJCOTY3NDc0NDFDRUI3NTA0Q0UA");
    EXPECT_EQ(ok->recipient_id, "16505551234");

    auto bsuid = adapter.ParseSendResponse(
        R"({"contacts":[{"input":"US.123","user_id":"US.123"}],
            "messages":[{"id":"wamid.B","message_status":"accepted"}]})");
    ASSERT_TRUE(bsuid.ok());
    EXPECT_EQ(bsuid->external_id, "wamid.B");
    EXPECT_EQ(bsuid->recipient_id, "US.123");

    auto no_contacts = adapter.ParseSendResponse(R"({"messages":[{"id":"wamid.C"}]})");
    ASSERT_TRUE(no_contacts.ok());
    EXPECT_EQ(no_contacts->recipient_id, "");

    auto read = adapter.ParseSendResponse(R"({"success":true})");
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->external_id, "");

    for (std::string_view bad :
         {"", "not json", "[]", "{}", R"({"messages":[]})", R"({"messages":[{"id":""}]})",
          R"({"messages":[{"id":5}]})", R"({"success":false})"}) {
        auto r = adapter.ParseSendResponse(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected) << bad;
    }
}

}  // namespace
}  // namespace hudhud::channels::whatsapp
