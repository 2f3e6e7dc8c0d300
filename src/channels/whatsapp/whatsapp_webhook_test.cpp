#include "channels/whatsapp/whatsapp_webhook.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "channels/whatsapp/whatsapp_test_util.hpp"

namespace hudhud::channels::whatsapp {
namespace {

using testing::MetaSignature;
using testing::ReadTestData;

constexpr std::string_view kPhoneNumberId = "100000000000002";
constexpr std::string_view kWabaId = "100000000000001";

std::vector<InboundEvent> Parse(std::string_view file) {
    const std::string body = ReadTestData(file);
    EXPECT_FALSE(body.empty()) << file;
    auto r = ParseWebhook(body);
    EXPECT_TRUE(r.ok()) << file << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : std::vector<InboundEvent>{};
}

template <typename T>
const T& As(const InboundEvent& e) {
    EXPECT_TRUE(std::holds_alternative<T>(e.body));
    static const T kEmpty{};
    return std::holds_alternative<T>(e.body) ? std::get<T>(e.body) : kEmpty;
}

// The first event of a fixture, by value (the parsed vector is a temporary).
template <typename T>
T First(std::string_view file) {
    auto events = Parse(file);
    if (events.empty()) {
        ADD_FAILURE() << file << " produced no events";
        return T{};
    }
    return As<T>(events[0]);
}

// One row per single-message fixture: what the first (only) event must look like.
struct MessageCase {
    std::string_view file;
    ContentType type;
    std::string_view external_id;
    std::string_view sender;
    std::string_view text;
    std::int64_t timestamp;
};

void PrintTo(const MessageCase& c, std::ostream* os) { *os << c.file; }

class MessageFixtureTest : public ::testing::TestWithParam<MessageCase> {};

TEST_P(MessageFixtureTest, ParsesToOneNormalizedMessage) {
    const MessageCase& c = GetParam();
    auto events = Parse(c.file);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].account_id, kPhoneNumberId);
    EXPECT_EQ(events[0].account_group_id, kWabaId);
    const auto& m = As<InboundMessage>(events[0]);
    EXPECT_EQ(m.type, c.type) << ContentTypeName(m.type);
    EXPECT_EQ(m.external_id, c.external_id);
    EXPECT_EQ(m.sender.external_id, c.sender);
    EXPECT_EQ(m.text, c.text);
    ASSERT_TRUE(m.sent_at.has_value());
    EXPECT_EQ(
        std::chrono::duration_cast<std::chrono::seconds>(m.sent_at->time_since_epoch()).count(),
        c.timestamp);
    EXPECT_FALSE(m.raw_json.empty());
    EXPECT_EQ(m.raw_json.find('\n'), std::string::npos);
}

constexpr std::string_view kArabicText =
    "\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\xd8\x8c \xd8\xa3\xd8\xb1\xd9\x8a\xd8\xaf "
    "\xd8\xad\xd8\xac\xd8\xb2 \xd9\x85\xd9\x88\xd8\xb9\xd8\xaf \xd9\x8a\xd9\x88\xd9\x85 "
    "\xd8\xa7\xd9\x84\xd8\xae\xd9\x85\xd9\x8a\xd8\xb3 https://example.com/x";

INSTANTIATE_TEST_SUITE_P(
    Fixtures, MessageFixtureTest,
    ::testing::Values(
        MessageCase{"text.json", ContentType::kText,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VUWFQwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "Hi, is the blue kettle still in stock?", 1780000000},
        MessageCase{"text_arabic.json", ContentType::kText,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VUWFQwMDAyMDAwMDAwMDAwAA==",
                    "447700900123", kArabicText, 1780000005},
        MessageCase{"image.json", ContentType::kImage,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VJTUcwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000010},
        MessageCase{"audio_voice_note.json", ContentType::kAudio,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VBVUQwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000012},
        MessageCase{"document.json", ContentType::kDocument,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VET0MwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000014},
        MessageCase{"sticker.json", ContentType::kSticker,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VTVEswMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000015},
        MessageCase{"video.json", ContentType::kVideo, "wamid.FAKEVID0001", "12025550143", "",
                    1780000016},
        MessageCase{"interactive_button_reply.json", ContentType::kInteractiveReply,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VCVE4wMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "Confirm", 1780000020},
        MessageCase{"interactive_list_reply.json", ContentType::kInteractiveReply,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VMU1QwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "Fri 10:00", 1780000022},
        MessageCase{"template_quick_reply_button.json", ContentType::kButtonReply,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VUUVIwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "Stop promotions", 1780000024},
        MessageCase{"location.json", ContentType::kLocation,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VMT0MwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000040},
        MessageCase{"contacts.json", ContentType::kContacts,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VDTlQwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000045},
        MessageCase{"unsupported.json", ContentType::kUnsupported,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VVTlMwMDAxMDAwMDAwMDAwAA==", "12025550143",
                    "", 1780000050},
        MessageCase{"ctwa_referral.json", ContentType::kText,
                    "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VDVFcwMDAxMDAwMDAwMDAwAA==",
                    "447700900123", "Hello! I saw your ad, what are the prices?", 1780000060},
        MessageCase{"order.json", ContentType::kOrder, "wamid.FAKEORD0001", "12025550143",
                    "Please deliver tomorrow", 1780000070},
        MessageCase{"bsuid_text.json", ContentType::kText, "wamid.FAKEBSU0001", "",
                    "hello from a username", 1780000100}),
    [](const auto& info) {
        std::string name(info.param.file.substr(0, info.param.file.find('.')));
        std::replace(name.begin(), name.end(), '-', '_');
        return name;
    });

// Every payload file in testdata/ must be exercised by some test in this binary.
TEST(WhatsAppFixturesTest, EveryInboundFixtureIsCovered) {
    const std::set<std::string> covered = {
        "text.json", "text_arabic.json", "image.json", "audio_voice_note.json", "document.json",
        "sticker.json", "video.json", "interactive_button_reply.json",
        "interactive_list_reply.json", "template_quick_reply_button.json", "location.json",
        "contacts.json", "unsupported.json", "ctwa_referral.json", "order.json", "bsuid_text.json",
        "reaction.json", "reaction_removed.json", "system_changed_number.json",
        "user_preferences.json", "unknown_type.json", "status_sent.json", "status_delivered.json",
        "status_read.json", "status_failed_131047.json", "status_failed_131026.json",
        "webhook_level_error_130429.json", "batch_three_messages.json", "multi_entry_batch.json",
        // whatsapp_errors_test.cpp
        "outbound_error_130429.json", "outbound_error_131047.json",
        "outbound_error_190_expired_token.json"};
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(testing::TestDataPath(""))) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".json") continue;
        ++files;
        EXPECT_TRUE(covered.contains(name)) << name << " has no test";
        if (!name.starts_with("outbound_")) {
            EXPECT_TRUE(ParseWebhook(ReadTestData(name)).ok()) << name;
        }
    }
    EXPECT_EQ(files, static_cast<int>(covered.size()));
}

TEST(WhatsAppParseTest, ProfileNameIsDecodedUtf8) {
    auto events = Parse("text_arabic.json");
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(As<InboundMessage>(events[0]).sender.profile_name.value_or(""),
              "\xd8\xb9\xd9\x85\xd9\x8a\xd9\x84 \xd8\xaa\xd8\xac\xd8\xb1\xd9\x8a\xd8\xa8\xd9\x8a");
}

TEST(WhatsAppParseTest, MediaDescriptors) {
    const auto image = First<InboundMessage>("image.json");
    ASSERT_TRUE(image.media.has_value());
    EXPECT_EQ(image.media->media_id, "900000000000101");
    EXPECT_EQ(image.media->mime_type, "image/jpeg");
    EXPECT_EQ(image.media->sha256, "ZmFrZS1zaGEyNTYtb2YtdGhlLWltYWdlLWJ5dGVzLTAwMDE=");
    EXPECT_EQ(image.media->caption, "Photo of the damaged box");
    EXPECT_EQ(image.sender.profile_name.value_or(""), "Test Customer A");

    const auto audio = First<InboundMessage>("audio_voice_note.json");
    ASSERT_TRUE(audio.media.has_value());
    EXPECT_TRUE(audio.media->voice);
    EXPECT_EQ(audio.media->mime_type, "audio/ogg; codecs=opus");

    const auto doc = First<InboundMessage>("document.json");
    ASSERT_TRUE(doc.media.has_value());
    EXPECT_EQ(doc.media->filename, "invoice-1042.pdf");
    EXPECT_EQ(doc.media->caption, "Invoice for order 1042");
    EXPECT_FALSE(doc.media->voice);

    const auto sticker = First<InboundMessage>("sticker.json");
    ASSERT_TRUE(sticker.media.has_value());
    EXPECT_EQ(sticker.media->mime_type, "image/webp");
    EXPECT_FALSE(sticker.media->animated);

    const auto video = First<InboundMessage>("video.json");
    ASSERT_TRUE(video.media.has_value());
    EXPECT_EQ(video.media->caption, "Unboxing");
    EXPECT_EQ(video.media->mime_type, "video/mp4");
}

TEST(WhatsAppParseTest, LocationAndContacts) {
    const auto loc = First<InboundMessage>("location.json");
    ASSERT_TRUE(loc.location.has_value());
    EXPECT_DOUBLE_EQ(loc.location->latitude, 25.1972);
    EXPECT_DOUBLE_EQ(loc.location->longitude, 55.2744);
    EXPECT_EQ(loc.location->name, "Example Cafe");
    EXPECT_EQ(loc.location->address, "1 Example Street, Dubai");
    EXPECT_EQ(loc.location->url, "https://example.com/cafe");

    const auto card = First<InboundMessage>("contacts.json");
    auto contacts = nlohmann::json::parse(card.contacts_json);
    ASSERT_TRUE(contacts.is_array());
    EXPECT_EQ(contacts[0]["name"]["formatted_name"], "Sample Person");
    EXPECT_EQ(contacts[0]["phones"][0]["wa_id"], "13125550187");
    EXPECT_EQ(contacts[0]["org"]["company"], "Example Co");
}

TEST(WhatsAppParseTest, RepliesCarrySelectionAndContext) {
    const auto button = First<InboundMessage>("interactive_button_reply.json");
    ASSERT_TRUE(button.reply.has_value());
    EXPECT_EQ(button.reply->kind, "button_reply");
    EXPECT_EQ(button.reply->id, "booking:confirm:7781");
    EXPECT_EQ(button.reply->title, "Confirm");
    EXPECT_EQ(button.reply_to_external_id.value_or(""),
              "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VPVVQwMDAxMDAwMDAwMDAwAA==");

    const auto list = First<InboundMessage>("interactive_list_reply.json");
    ASSERT_TRUE(list.reply.has_value());
    EXPECT_EQ(list.reply->kind, "list_reply");
    EXPECT_EQ(list.reply->id, "slot:2026-05-29T10:00");
    EXPECT_EQ(list.reply->description, "Main branch");

    const auto quick = First<InboundMessage>("template_quick_reply_button.json");
    ASSERT_TRUE(quick.reply.has_value());
    EXPECT_EQ(quick.reply->kind, "button");
    EXPECT_EQ(quick.reply->id, "STOP_PROMOTIONS");
    EXPECT_EQ(quick.reply_to_external_id.value_or(""),
              "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VUUEwwMDAxMDAwMDAwMDAwAA==");

    const auto plain = First<InboundMessage>("text.json");
    EXPECT_FALSE(plain.reply_to_external_id.has_value());
    EXPECT_TRUE(plain.referral_json.empty());
}

TEST(WhatsAppParseTest, ReferralIsKeptWhole) {
    const auto m = First<InboundMessage>("ctwa_referral.json");
    auto referral = nlohmann::json::parse(m.referral_json);
    EXPECT_EQ(referral["source_type"], "ad");
    EXPECT_EQ(referral["ctwa_clid"], "FAKE-CTWA-CLICK-ID-0000000000000000000000000000000001");
    EXPECT_EQ(referral["welcome_message"]["text"], "Hi! How can we help you today?");
    EXPECT_EQ(referral["image_url"], "https://scontent.example.invalid/ad-image-0001.jpg");
}

TEST(WhatsAppParseTest, OrderAndUnsupported) {
    const auto order = First<InboundMessage>("order.json");
    auto json = nlohmann::json::parse(order.order_json);
    EXPECT_EQ(json["catalog_id"], "300000000000001");
    EXPECT_EQ(json["product_items"][0]["product_retailer_id"], "SKU-FAKE-1");

    const auto unsupported = First<InboundMessage>("unsupported.json");
    EXPECT_EQ(unsupported.platform_type, "unsupported");
    ASSERT_EQ(unsupported.errors.size(), 1u);
    EXPECT_EQ(unsupported.errors[0].code, 131051);
    EXPECT_EQ(unsupported.errors[0].details, "Message type is currently not supported.");
}

TEST(WhatsAppParseTest, UnknownTypesBecomeUnsupportedMessages) {
    auto events = Parse("unknown_type.json");
    ASSERT_EQ(events.size(), 2u);
    const auto& poll = As<InboundMessage>(events[0]);
    EXPECT_EQ(poll.type, ContentType::kUnsupported);
    EXPECT_EQ(poll.platform_type, "poll_vote");
    EXPECT_EQ(poll.external_id, "wamid.FAKEUNK0001");
    EXPECT_NE(poll.raw_json.find("poll_vote"), std::string::npos);
    const auto& unknown = As<InboundMessage>(events[1]);
    EXPECT_EQ(unknown.type, ContentType::kUnsupported);
    EXPECT_EQ(unknown.platform_type, "unknown");
    ASSERT_EQ(unknown.errors.size(), 1u);
    EXPECT_EQ(unknown.errors[0].code, 131051);

    // A known type whose object is missing is not dropped either.
    auto r = ParseWebhook(R"({"object":"whatsapp_business_account","entry":[{"id":"1","changes":[
        {"field":"messages","value":{"metadata":{"phone_number_id":"2"},
         "messages":[{"from":"3","id":"wamid.X","timestamp":"1","type":"image"}]}}]}]})");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ(As<InboundMessage>((*r)[0]).type, ContentType::kUnsupported);
    EXPECT_EQ((*r)[0].account_id, "2");
}

TEST(WhatsAppParseTest, Reactions) {
    auto events = Parse("reaction.json");
    ASSERT_EQ(events.size(), 1u);
    const auto& r = As<InboundReaction>(events[0]);
    EXPECT_EQ(r.external_id, "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VSQ1QwMDAxMDAwMDAwMDAwAA==");
    EXPECT_EQ(r.target_external_id,
              "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VPVVQwMDAxMDAwMDAwMDAwAA==");
    EXPECT_EQ(r.emoji, "\xf0\x9f\x91\x8d");  // U+1F44D from a surrogate pair
    EXPECT_FALSE(r.removed());
    EXPECT_EQ(r.sender.external_id, "12025550143");

    auto removed = Parse("reaction_removed.json");
    ASSERT_EQ(removed.size(), 1u);
    EXPECT_TRUE(As<InboundReaction>(removed[0]).removed());
    EXPECT_EQ(As<InboundReaction>(removed[0]).target_external_id, "wamid.FAKEOUT0001");
}

TEST(WhatsAppParseTest, SystemChangedNumberYieldsMessageAndContactChange) {
    auto events = Parse("system_changed_number.json");
    ASSERT_EQ(events.size(), 2u);
    const auto& m = As<InboundMessage>(events[0]);
    EXPECT_EQ(m.type, ContentType::kSystem);
    EXPECT_EQ(m.text, "User A changed from 12025550143 to 13125550187");
    EXPECT_FALSE(m.sender.profile_name.has_value());  // no contacts array on system messages
    const auto& c = As<ContactChange>(events[1]);
    EXPECT_EQ(c.kind, "user_changed_number");
    EXPECT_EQ(c.previous.external_id, "12025550143");
    EXPECT_EQ(c.new_external_id, "13125550187");
    EXPECT_EQ(events[1].account_id, kPhoneNumberId);
}

TEST(WhatsAppParseTest, BusinessScopedUserId) {
    const auto m = First<InboundMessage>("bsuid_text.json");
    EXPECT_EQ(m.sender.external_id, "");
    EXPECT_EQ(m.sender.secondary_id.value_or(""), "US.FAKEBSUID0002");
    EXPECT_EQ(m.sender.profile_name.value_or(""), "Username Only");
    EXPECT_TRUE(m.forwarded);
    EXPECT_FALSE(m.reply_to_external_id.has_value());
}

TEST(WhatsAppParseTest, MarketingConsentStopAndResume) {
    auto events = Parse("user_preferences.json");
    ASSERT_EQ(events.size(), 2u);
    const auto& stop = As<ConsentChange>(events[0]);
    EXPECT_EQ(stop.action, ConsentAction::kStop);
    EXPECT_EQ(stop.category, "marketing_messages");
    EXPECT_EQ(stop.sender.external_id, "12025550143");
    EXPECT_EQ(stop.sender.secondary_id.value_or(""), "US.FAKEBSUID0001");
    EXPECT_EQ(stop.sender.profile_name.value_or(""), "Test Customer A");
    ASSERT_TRUE(stop.at.has_value());
    EXPECT_EQ(As<ConsentChange>(events[1]).action, ConsentAction::kResume);
}

struct StatusCase {
    std::string_view file;
    DeliveryState state;
    std::string_view recipient;
    std::int64_t error_code;  // 0 when none
};

void PrintTo(const StatusCase& c, std::ostream* os) { *os << c.file; }

class StatusFixtureTest : public ::testing::TestWithParam<StatusCase> {};

TEST_P(StatusFixtureTest, ParsesToOneDeliveryStatus) {
    const StatusCase& c = GetParam();
    auto events = Parse(c.file);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].account_id, kPhoneNumberId);
    const auto& s = As<DeliveryStatus>(events[0]);
    EXPECT_EQ(s.state, c.state);
    EXPECT_EQ(s.recipient.external_id, c.recipient);
    EXPECT_TRUE(s.at.has_value());
    EXPECT_TRUE(s.external_message_id.starts_with("wamid."));
    if (c.error_code == 0) {
        EXPECT_TRUE(s.errors.empty());
    } else {
        ASSERT_EQ(s.errors.size(), 1u);
        EXPECT_EQ(s.errors[0].code, c.error_code);
        EXPECT_FALSE(s.errors[0].title.empty());
        EXPECT_FALSE(s.errors[0].details.empty());
        EXPECT_EQ(s.errors[0].href.find("\\/"), std::string::npos);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, StatusFixtureTest,
    ::testing::Values(
        StatusCase{"status_sent.json", DeliveryState::kSent, "12025550143", 0},
        StatusCase{"status_delivered.json", DeliveryState::kDelivered, "12025550143", 0},
        StatusCase{"status_read.json", DeliveryState::kRead, "12025550143", 0},
        StatusCase{"status_failed_131047.json", DeliveryState::kFailed, "13125550187", 131047},
        StatusCase{"status_failed_131026.json", DeliveryState::kFailed, "12025550100", 131026}),
    [](const auto& info) {
        return std::string(info.param.file.substr(0, info.param.file.find('.')));
    });

TEST(WhatsAppParseTest, StatusPricingIsKept) {
    const auto sent = First<DeliveryStatus>("status_sent.json");
    auto pricing = nlohmann::json::parse(sent.pricing_json);
    EXPECT_EQ(pricing["pricing_model"], "PMP");
    EXPECT_EQ(pricing["type"], "free_customer_service");
    EXPECT_TRUE(First<DeliveryStatus>("status_read.json").pricing_json.empty());
}

TEST(WhatsAppParseTest, WebhookLevelError) {
    auto events = Parse("webhook_level_error_130429.json");
    ASSERT_EQ(events.size(), 1u);
    const auto& e = As<AccountError>(events[0]);
    EXPECT_EQ(e.error.code, 130429);
    EXPECT_EQ(e.error.title, "Rate limit hit");
    EXPECT_EQ(events[0].account_id, kPhoneNumberId);
}

TEST(WhatsAppParseTest, BatchOfThreeMessagesInTwoChanges) {
    auto events = Parse("batch_three_messages.json");
    ASSERT_EQ(events.size(), 3u);
    const auto& a = As<InboundMessage>(events[0]);
    const auto& b = As<InboundMessage>(events[1]);
    const auto& c = As<InboundMessage>(events[2]);
    EXPECT_EQ(a.text, "First message");
    EXPECT_EQ(b.text, "Second message, same sender");
    EXPECT_EQ(a.sender.profile_name.value_or(""), "Test Customer A");
    EXPECT_EQ(b.sender.external_id, "12025550143");
    EXPECT_EQ(c.type, ContentType::kImage);
    EXPECT_EQ(c.sender.external_id, "447700900123");
    EXPECT_EQ(c.sender.profile_name.value_or(""), "Second Customer");
    std::set<std::string> ids{a.external_id, b.external_id, c.external_id};
    EXPECT_EQ(ids.size(), 3u);
}

TEST(WhatsAppParseTest, MultiEntryBatchKeepsEveryEventAndItsAccount) {
    auto events = Parse("multi_entry_batch.json");
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(As<InboundMessage>(events[0]).text, "entry one");
    EXPECT_EQ(events[0].account_id, kPhoneNumberId);
    EXPECT_EQ(As<DeliveryStatus>(events[1]).state, DeliveryState::kDelivered);
    EXPECT_EQ(As<UnrecognizedEvent>(events[2]).kind, "field:account_update");
    EXPECT_NE(As<UnrecognizedEvent>(events[2]).raw_json.find("FAKE_EVENT"), std::string::npos);
    EXPECT_EQ(events[2].account_group_id, kWabaId);

    EXPECT_EQ(events[3].account_id, "100000000000010");
    EXPECT_EQ(events[3].account_group_id, "100000000000009");
    EXPECT_EQ(As<InboundReaction>(events[3]).emoji, "\xe2\x9d\xa4");
    EXPECT_EQ(As<InboundReaction>(events[3]).sender.profile_name.value_or(""), "Second Customer");
    EXPECT_EQ(As<UnrecognizedEvent>(events[4]).kind, "status:deleted");
    EXPECT_EQ(events[4].account_id, "100000000000010");
}

TEST(WhatsAppParseTest, MalformedBodiesAreInvalidArgument) {
    for (std::string_view body :
         {std::string_view(""), std::string_view("{"), std::string_view("not json"),
          std::string_view("[1,2]"), std::string_view("\"text\""),
          std::string_view(R"({"object":"page","entry":[]})"),
          std::string_view(R"({"object":"whatsapp_business_account","entry":[}])")}) {
        auto r = ParseWebhook(body);
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << body;
    }
    // Truncating a real payload anywhere must fail cleanly.
    const std::string full = ReadTestData("batch_three_messages.json");
    for (std::size_t n = 0; n < full.size() - 2; n += 97) {
        EXPECT_FALSE(ParseWebhook(std::string_view(full).substr(0, n)).ok()) << n;
    }
}

TEST(WhatsAppParseTest, UnknownFieldsAndOddShapesAreIgnored) {
    auto r = ParseWebhook(R"({"object":"whatsapp_business_account","new_top":1,"entry":[
        {"id":"1","extra":{"a":[1]},"changes":[
          {"field":"messages","value":{"metadata":{"phone_number_id":"2","new":true},
           "messages":[{"from":"3","id":"wamid.Y","timestamp":"oops","type":"text",
                        "text":{"body":"hi","new_field":[]},"brand_new":{}}],
           "statuses":"not-an-array"}}]},
        "not-an-object"]})");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->size(), 1u);
    const auto& m = As<InboundMessage>((*r)[0]);
    EXPECT_EQ(m.text, "hi");
    EXPECT_FALSE(m.sent_at.has_value());

    auto empty = ParseWebhook(R"({"object":"whatsapp_business_account"})");
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->empty());
}

// --- Signatures -----------------------------------------------------------------------------

constexpr std::string_view kSecret = "test-app-secret";

TEST(WhatsAppSignatureTest, AcceptsSignatureOverRawFileBytes) {
    for (std::string_view file : {"text_arabic.json", "text.json", "batch_three_messages.json"}) {
        const std::string body = ReadTestData(file);
        EXPECT_TRUE(VerifySignature(kSecret, body, MetaSignature(kSecret, body)).ok()) << file;
    }
}

TEST(WhatsAppSignatureTest, ReserializedArabicBodyFailsVerification) {
    const std::string raw = ReadTestData("text_arabic.json");
    const std::string header = MetaSignature(kSecret, raw);
    // What a handler that parses before hashing would hash: same data, different bytes.
    const std::string pretty = nlohmann::json::parse(raw).dump(2);
    const std::string compact = nlohmann::json::parse(raw).dump();
    ASSERT_NE(pretty, raw);
    EXPECT_EQ(nlohmann::json::parse(pretty), nlohmann::json::parse(raw));
    for (const std::string& body : {pretty, compact}) {
        auto s = VerifySignature(kSecret, body, header);
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, ErrorCode::kUnauthenticated);
    }
    // Even the escape style alone matters: the same text with literal UTF-8 and '/'.
    const std::string unescaped = nlohmann::json::parse(raw).dump(2, ' ', false);
    EXPECT_NE(unescaped.find("\xd9\x85"), std::string::npos);
    EXPECT_FALSE(VerifySignature(kSecret, unescaped, header).ok());
}

TEST(WhatsAppSignatureTest, RejectsTamperedBodyWrongSecretAndBadHeaders) {
    const std::string body = ReadTestData("text_arabic.json");
    const std::string good = MetaSignature(kSecret, body);

    std::string tampered = body;
    tampered[tampered.size() / 2] ^= 1;
    EXPECT_EQ(VerifySignature(kSecret, tampered, good).error().code, ErrorCode::kUnauthenticated);
    EXPECT_EQ(VerifySignature("other-secret", body, good).error().code,
              ErrorCode::kUnauthenticated);

    std::string upper = good;
    std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7, ::toupper);
    EXPECT_TRUE(VerifySignature(kSecret, body, upper).ok());

    const std::string hex = good.substr(7);
    for (const std::string& bad :
         {std::string(), std::string("sha256="), "sha1=" + hex, hex, "SHA256=" + hex,
          "sha256=" + hex.substr(1), "sha256=" + hex + "00", "sha256= " + hex.substr(1),
          "sha256=" + std::string(63, 'a') + "g", "sha256=" + hex + " "}) {
        auto s = VerifySignature(kSecret, body, bad);
        ASSERT_FALSE(s.ok()) << bad;
        EXPECT_EQ(s.error().code, ErrorCode::kUnauthenticated) << bad;
    }
    EXPECT_EQ(VerifySignature("", body, good).error().code, ErrorCode::kInternal);
}

TEST(WhatsAppChallengeTest, Handshake) {
    EXPECT_TRUE(VerifyChallenge("subscribe", "verify-me", "verify-me").ok());
    EXPECT_EQ(VerifyChallenge("subscribe", "wrong", "verify-me").error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(VerifyChallenge("subscribe", "", "verify-me").error().code,
              ErrorCode::kPermissionDenied);
    EXPECT_EQ(VerifyChallenge("unsubscribe", "verify-me", "verify-me").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(VerifyChallenge("", "verify-me", "verify-me").error().code,
              ErrorCode::kInvalidArgument);
    EXPECT_EQ(VerifyChallenge("subscribe", "", "").error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace hudhud::channels::whatsapp
