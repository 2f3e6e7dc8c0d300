#include "channels/whatsapp/whatsapp_media.hpp"

#include <simdjson.h>

#include <charconv>

namespace hudhud::channels::whatsapp {
namespace {

bool IsSafeMediaId(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                        (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

// Lower-cased "scheme://authority" of an absolute URL, or empty when it has none.
std::string OriginOf(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return "";
    const auto authority_end = url.find_first_of("/?#", scheme_end + 3);
    std::string origin(url.substr(0, authority_end));
    if (origin.size() == scheme_end + 3) return "";
    for (char& c : origin) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return origin;
}

bool HasControlOrSpace(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return true;
    }
    return false;
}

int Base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

std::string ToHex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char b : bytes) {
        out.push_back(kHex[b >> 4]);
        out.push_back(kHex[b & 0xf]);
    }
    return out;
}

std::optional<std::string> DecodeBase64(std::string_view in) {
    while (!in.empty() && in.back() == '=') in.remove_suffix(1);
    if (in.size() % 4 == 1) return std::nullopt;
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        const int v = Base64Value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

std::optional<std::string> StringField(simdjson::dom::object& o, const char* key) {
    std::string_view v;
    if (o[key].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
    return std::string(v);
}

}  // namespace

Result<PlatformCall> BuildMediaInfoRequest(const ChannelAccount& account,
                                           std::string_view media_id) {
    if (!IsSafeMediaId(media_id)) return Error::InvalidArgument("malformed WhatsApp media id");
    if (account.access_token.empty()) return Error::InvalidArgument("inbox has no access token");
    PlatformCall call;
    call.method = "GET";
    std::string base = account.api_base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    call.url = base + "/" + account.api_version + "/" + std::string(media_id);
    // Graph then refuses media that belongs to another number of the same app.
    if (IsSafeMediaId(account.account_id)) call.url += "?phone_number_id=" + account.account_id;
    call.headers.emplace_back("Authorization", "Bearer " + account.access_token);
    return call;
}

Result<MediaInfo> ParseMediaInfo(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object o;
    if (parser.parse(body.data(), body.size()).get_object().get(o) != simdjson::SUCCESS) {
        return Error::ExternalRejected("WhatsApp media info is not a JSON object");
    }
    MediaInfo info;
    auto url = StringField(o, "url");
    if (!url || url->empty()) return Error::ExternalRejected("WhatsApp media info has no url");
    info.url = std::move(*url);
    info.id = StringField(o, "id").value_or("");
    info.mime_type = StringField(o, "mime_type").value_or("");
    if (auto sha = StringField(o, "sha256")) info.sha256_hex = NormalizeSha256(*sha).value_or("");
    std::uint64_t n = 0;
    if (o["file_size"].get_uint64().get(n) == simdjson::SUCCESS) {
        info.file_size = n;
    } else if (auto text = StringField(o, "file_size")) {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), n);
        if (ec == std::errc() && end == text->data() + text->size()) info.file_size = n;
    }
    return info;
}

Result<PlatformCall> BuildMediaDownloadRequest(const ChannelAccount& account,
                                               std::string_view url) {
    if (account.access_token.empty()) return Error::InvalidArgument("inbox has no access token");
    const std::string origin = OriginOf(url);
    if (origin.empty() || HasControlOrSpace(url)) {
        return Error::InvalidArgument("WhatsApp media url is not an absolute URL");
    }
    if (origin.rfind("https://", 0) != 0 && origin != OriginOf(account.api_base_url)) {
        return Error::InvalidArgument("WhatsApp media url must be https");
    }
    PlatformCall call;
    call.method = "GET";
    call.url = std::string(url);
    call.headers.emplace_back("Authorization", "Bearer " + account.access_token);
    return call;
}

std::optional<std::string> NormalizeSha256(std::string_view sha256) {
    while (!sha256.empty() && (sha256.front() == ' ' || sha256.front() == '\t')) {
        sha256.remove_prefix(1);
    }
    while (!sha256.empty() && (sha256.back() == ' ' || sha256.back() == '\t')) {
        sha256.remove_suffix(1);
    }
    if (sha256.size() == 64) {
        std::string hex;
        for (char c : sha256) {
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                hex.clear();
                break;
            }
            hex.push_back(c);
        }
        // 64 base64 characters would be 48 bytes, never a SHA-256: no ambiguity.
        if (!hex.empty()) return hex;
        return std::nullopt;
    }
    auto bytes = DecodeBase64(sha256);
    if (!bytes || bytes->size() != 32) return std::nullopt;
    return ToHex(*bytes);
}

bool IsAnimatedWebP(std::string_view head) {
    // RIFF <size> WEBP VP8X <chunk size> <flags>: the animation flag is bit 1 of the flags.
    if (head.size() < 21) return false;
    if (head.substr(0, 4) != "RIFF" || head.substr(8, 4) != "WEBP" ||
        head.substr(12, 4) != "VP8X") {
        return false;
    }
    return (static_cast<unsigned char>(head[20]) & 0x02) != 0;
}

Result<OutboundMediaRule> OutboundMediaKind(std::string_view mime_type, std::uint64_t size_bytes,
                                            std::string_view head) {
    constexpr std::uint64_t kMiB = 1024 * 1024;
    constexpr std::uint64_t kKiB = 1024;
    struct Entry {
        std::string_view mime;
        std::string_view kind;
        std::uint64_t max_bytes;
    };
    static constexpr Entry kSupported[] = {
        {"image/jpeg", "image", 5 * kMiB},
        {"image/png", "image", 5 * kMiB},
        {"video/mp4", "video", 16 * kMiB},
        {"video/3gpp", "video", 16 * kMiB},
        {"audio/aac", "audio", 16 * kMiB},
        {"audio/amr", "audio", 16 * kMiB},
        {"audio/mpeg", "audio", 16 * kMiB},
        {"audio/mp4", "audio", 16 * kMiB},
        {"audio/ogg", "audio", 16 * kMiB},
        {"application/pdf", "document", 100 * kMiB},
        {"text/plain", "document", 100 * kMiB},
        {"application/msword", "document", 100 * kMiB},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document",
         100 * kMiB},
        {"application/vnd.ms-excel", "document", 100 * kMiB},
        {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "document",
         100 * kMiB},
        {"application/vnd.ms-powerpoint", "document", 100 * kMiB},
        {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "document",
         100 * kMiB},
        {"image/webp", "sticker", 100 * kKiB},
    };
    std::string base(mime_type.substr(0, mime_type.find(';')));
    while (!base.empty() && (base.back() == ' ' || base.back() == '\t')) base.pop_back();
    while (!base.empty() && (base.front() == ' ' || base.front() == '\t')) base.erase(0, 1);
    for (char& c : base) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    for (const Entry& e : kSupported) {
        if (base != e.mime) continue;
        OutboundMediaRule rule{std::string(e.kind), e.max_bytes};
        if (e.kind == "sticker" && IsAnimatedWebP(head)) rule.max_bytes = 500 * kKiB;
        if (size_bytes == 0) return Error::InvalidArgument("the file is empty");
        if (size_bytes > rule.max_bytes) {
            const bool small = rule.max_bytes < kMiB;
            return Error::InvalidArgument(
                "WhatsApp takes " + rule.kind + " files (" + base + ") of at most " +
                std::to_string(small ? rule.max_bytes / kKiB : rule.max_bytes / kMiB) +
                (small ? " KB" : " MB") + "; this one is " + std::to_string(size_bytes) + " bytes");
        }
        return rule;
    }
    return Error::InvalidArgument(
        "WhatsApp does not accept files of type '" + base.substr(0, 100) +
        "'; send JPEG or PNG images, MP4 or 3GPP video, AAC/AMR/MP3/M4A/OGG audio, WebP "
        "stickers, or PDF, text and Office documents");
}

}  // namespace hudhud::channels::whatsapp
