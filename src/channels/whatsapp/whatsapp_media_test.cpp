#include "channels/whatsapp/whatsapp_media.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hudhud::channels::whatsapp {
namespace {

constexpr std::string_view kAbcHex =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

ChannelAccount Account() {
    ChannelAccount a;
    a.api_base_url = "https://graph.facebook.com";
    a.api_version = "v23.0";
    a.account_id = "100000000000002";
    a.access_token = "EAAG-token";
    return a;
}

std::string HeaderOf(const PlatformCall& call, std::string_view name) {
    for (const auto& [k, v] : call.headers) {
        if (k == name) return v;
    }
    return "";
}

TEST(WhatsAppMediaTest, InfoRequestIsAnAuthorizedGetOfTheMediaId) {
    auto call = BuildMediaInfoRequest(Account(), "900000000000101");
    ASSERT_TRUE(call.ok()) << call.error().message;
    EXPECT_EQ(call->method, "GET");
    EXPECT_EQ(call->url,
              "https://graph.facebook.com/v23.0/900000000000101?phone_number_id=100000000000002");
    EXPECT_EQ(HeaderOf(*call, "Authorization"), "Bearer EAAG-token");
    EXPECT_TRUE(call->body.empty());

    ChannelAccount local = Account();
    local.api_base_url = "http://127.0.0.1:4567/";
    local.account_id.clear();
    auto plain = BuildMediaInfoRequest(local, "42");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain->url, "http://127.0.0.1:4567/v23.0/42");
}

TEST(WhatsAppMediaTest, InfoRequestRefusesIdsThatWouldBendThePath) {
    for (std::string_view bad : {"", "../me", "1/2", "1?x=2", "1 2", "1#x", "%2e%2e"}) {
        auto call = BuildMediaInfoRequest(Account(), bad);
        ASSERT_FALSE(call.ok()) << bad;
        EXPECT_EQ(call.error().code, ErrorCode::kInvalidArgument);
    }
    ChannelAccount no_token = Account();
    no_token.access_token.clear();
    EXPECT_FALSE(BuildMediaInfoRequest(no_token, "1").ok());
}

TEST(WhatsAppMediaTest, ParsesMediaInfoInBothFileSizeForms) {
    auto info = ParseMediaInfo(R"({"messaging_product":"whatsapp",
        "url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3",
        "mime_type":"image/jpeg",
        "sha256":"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "file_size":"303833","id":"2621233374848975"})");
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_EQ(info->url,
              "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=3");
    EXPECT_EQ(info->mime_type, "image/jpeg");
    EXPECT_EQ(info->sha256_hex, kAbcHex);
    ASSERT_TRUE(info->file_size.has_value());
    EXPECT_EQ(*info->file_size, 303833u);
    EXPECT_EQ(info->id, "2621233374848975");

    auto numeric = ParseMediaInfo(R"({"url":"https://x.example/a","file_size":12,
        "sha256":"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="})");
    ASSERT_TRUE(numeric.ok());
    EXPECT_EQ(numeric->file_size.value_or(0), 12u);
    EXPECT_EQ(numeric->sha256_hex, kAbcHex);

    auto sparse =
        ParseMediaInfo(R"({"url":"https://x.example/a","sha256":"<HASH>","file_size":"big"})");
    ASSERT_TRUE(sparse.ok());
    EXPECT_TRUE(sparse->sha256_hex.empty());
    EXPECT_FALSE(sparse->file_size.has_value());
}

TEST(WhatsAppMediaTest, MediaInfoWithoutUrlIsRejected) {
    for (std::string_view bad :
         {"", "not json", "[]", R"({"id":"1"})", R"({"url":""})", R"({"url":5})"}) {
        auto info = ParseMediaInfo(bad);
        ASSERT_FALSE(info.ok()) << bad;
        EXPECT_EQ(info.error().code, ErrorCode::kExternalRejected);
    }
}

TEST(WhatsAppMediaTest, DownloadCarriesTheSameBearerTokenOnlyToSafeOrigins) {
    auto call = BuildMediaDownloadRequest(
        Account(), "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1");
    ASSERT_TRUE(call.ok()) << call.error().message;
    EXPECT_EQ(call->method, "GET");
    EXPECT_EQ(call->url, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1");
    EXPECT_EQ(HeaderOf(*call, "Authorization"), "Bearer EAAG-token");

    ChannelAccount local = Account();
    local.api_base_url = "http://127.0.0.1:4567";
    EXPECT_TRUE(BuildMediaDownloadRequest(local, "http://127.0.0.1:4567/media/1?sig=x").ok());
    EXPECT_TRUE(BuildMediaDownloadRequest(local, "HTTP://127.0.0.1:4567/media/1").ok());
    // Plain HTTP elsewhere would leak the token.
    EXPECT_FALSE(BuildMediaDownloadRequest(local, "http://127.0.0.1:9999/media/1").ok());
    EXPECT_FALSE(BuildMediaDownloadRequest(Account(), "http://lookaside.fbsbx.com/x").ok());
    for (std::string_view bad : {"", "/relative", "https://", "https://a b/x", "https://x/\r\nX: y",
                                 "file:///etc/passwd"}) {
        auto r = BuildMediaDownloadRequest(Account(), bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
}

TEST(WhatsAppMediaTest, Sha256IsReadAsHexOrBase64) {
    struct Case {
        std::string_view in;
        std::optional<std::string_view> want;
    };
    const Case cases[] = {
        {kAbcHex, kAbcHex},
        {"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", kAbcHex},
        {"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", kAbcHex},  // webhook form
        {"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0", kAbcHex},   // unpadded
        {"ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", kAbcHex},   // url-safe
        {" ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0= ", kAbcHex},
        {"", std::nullopt},
        {"<HASH>", std::nullopt},
        // The repository's fixtures carry placeholder base64 of 35 bytes: not a digest.
        {"ZmFrZS1zaGEyNTYtb2YtdGhlLWltYWdlLWJ5dGVzLTAwMDE=", std::nullopt},
        {"zz7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", std::nullopt},
        {"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015", std::nullopt},
        {"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=!", std::nullopt},
    };
    for (const auto& c : cases) {
        auto got = NormalizeSha256(c.in);
        EXPECT_EQ(got.has_value(), c.want.has_value()) << c.in;
        if (got && c.want) {
            EXPECT_EQ(*got, *c.want) << c.in;
        }
    }
}

std::string WebPHead(bool animated) {
    std::string h = "RIFF";
    h += std::string("\x10\x00\x00\x00", 4);
    h += "WEBPVP8X";
    h += std::string("\x0a\x00\x00\x00", 4);
    h.push_back(animated ? '\x02' : '\x00');
    h += std::string(9, '\0');
    return h;
}

TEST(WhatsAppMediaTest, OutboundKindFollowsTheMimeTypeAndItsSizeLimit) {
    struct Case {
        std::string mime;
        std::string kind;
    };
    for (const Case& c : std::vector<Case>{
             {"image/jpeg", "image"},
             {"IMAGE/PNG", "image"},
             {"video/mp4", "video"},
             {"video/3gpp", "video"},
             {"audio/ogg; codecs=opus", "audio"},
             {"audio/mpeg", "audio"},
             {"application/pdf", "document"},
             {"text/plain; charset=utf-8", "document"},
             {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document"},
             {"image/webp", "sticker"}}) {
        auto r = OutboundMediaKind(c.mime, 1000);
        ASSERT_TRUE(r.ok()) << c.mime << ": " << r.error().message;
        EXPECT_EQ(r->kind, c.kind) << c.mime;
    }
    for (std::string_view refused : {"image/gif", "image/svg+xml", "text/html", "application/zip",
                                     "text/csv", "", "nonsense"}) {
        auto r = OutboundMediaKind(refused, 1000);
        ASSERT_FALSE(r.ok()) << refused;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find("does not accept"), std::string::npos);
    }
}

TEST(WhatsAppMediaTest, OutboundSizeLimitsPerKind) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    EXPECT_TRUE(OutboundMediaKind("image/png", 5 * kMiB).ok());
    auto big = OutboundMediaKind("image/png", 5 * kMiB + 1);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().message.find("at most 5 MB"), std::string::npos) << big.error().message;
    EXPECT_TRUE(OutboundMediaKind("video/mp4", 16 * kMiB).ok());
    EXPECT_FALSE(OutboundMediaKind("video/mp4", 16 * kMiB + 1).ok());
    EXPECT_FALSE(OutboundMediaKind("audio/aac", 16 * kMiB + 1).ok());
    EXPECT_TRUE(OutboundMediaKind("application/pdf", 100 * kMiB).ok());
    EXPECT_FALSE(OutboundMediaKind("application/pdf", 100 * kMiB + 1).ok());
    EXPECT_FALSE(OutboundMediaKind("application/pdf", 0).ok());

    // Stickers: 100 KB static, 500 KB animated (told apart by the VP8X animation flag).
    EXPECT_TRUE(IsAnimatedWebP(WebPHead(true)));
    EXPECT_FALSE(IsAnimatedWebP(WebPHead(false)));
    EXPECT_FALSE(IsAnimatedWebP("RIFF"));
    EXPECT_TRUE(OutboundMediaKind("image/webp", 100 * 1024, WebPHead(false)).ok());
    auto static_big = OutboundMediaKind("image/webp", 100 * 1024 + 1, WebPHead(false));
    ASSERT_FALSE(static_big.ok());
    EXPECT_NE(static_big.error().message.find("100 KB"), std::string::npos);
    auto animated = OutboundMediaKind("image/webp", 400 * 1024, WebPHead(true));
    ASSERT_TRUE(animated.ok());
    EXPECT_EQ(animated->max_bytes, 500u * 1024);
    EXPECT_FALSE(OutboundMediaKind("image/webp", 500 * 1024 + 1, WebPHead(true)).ok());
}

}  // namespace
}  // namespace hudhud::channels::whatsapp
