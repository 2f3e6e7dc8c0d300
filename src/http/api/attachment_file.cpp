#include "http/api/attachment_file.hpp"

#include <string>
#include <string_view>

namespace hudhud::http::api {
namespace {

using storage::Attachment;

// Content-addressed bytes never change under an id; private: only the reader's own browser.
constexpr std::string_view kCacheControl = "private, max-age=86400";

// Only media a browser plays without running anything is shown inline; everything else
// (including SVG, which can carry script) is offered as a download.
bool ShowInline(const std::string& base_mime) {
    if (base_mime == "image/svg+xml") return false;
    return base_mime.rfind("image/", 0) == 0 || base_mime.rfind("audio/", 0) == 0 ||
           base_mime.rfind("video/", 0) == 0;
}

bool IsAttrChar(unsigned char c) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// RFC 6266 with an RFC 5987 filename* for the UTF-8 name and a plain-ASCII fallback.
std::string ContentDisposition(const Attachment& a, const std::string& base_mime) {
    std::string name = a.file_name;
    if (name.empty()) name = a.kind + "-" + a.id.str();
    std::string ascii;
    std::string encoded;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (unsigned char c : name) {
        const bool plain = c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
        ascii.push_back(plain ? static_cast<char>(c) : '_');
        if (IsAttrChar(c)) {
            encoded.push_back(static_cast<char>(c));
        } else {
            encoded.push_back('%');
            encoded.push_back(kHex[c >> 4]);
            encoded.push_back(kHex[c & 0xf]);
        }
    }
    return std::string(ShowInline(base_mime) ? "inline" : "attachment") + "; filename=\"" + ascii +
           "\"; filename*=UTF-8''" + encoded;
}

bool ETagMatches(std::string_view if_none_match, std::string_view etag) {
    if (if_none_match == "*") return true;
    std::size_t pos = 0;
    while (pos < if_none_match.size()) {
        auto end = if_none_match.find(',', pos);
        if (end == std::string_view::npos) end = if_none_match.size();
        std::string_view tag = if_none_match.substr(pos, end - pos);
        while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
        while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
        if (tag.rfind("W/", 0) == 0) tag.remove_prefix(2);
        if (tag == etag) return true;
        pos = end + 1;
    }
    return false;
}

}  // namespace

Response AttachmentFileResponse(const Request& req, services::AttachmentFile file) {
    const Attachment& a = file.attachment;
    const std::string etag = "\"" + a.storage_key.value_or("") + "\"";
    std::string base = services::BaseMimeType(a.mime_type);
    const bool usable_type = !base.empty() && base.find('/') != std::string::npos &&
                             a.mime_type.find_first_of("\r\n") == std::string::npos;
    Response r;
    r.SetHeader("ETag", etag);
    r.SetHeader("Cache-Control", kCacheControl);
    r.SetHeader("X-Content-Type-Options", "nosniff");
    if (auto inm = req.Header("If-None-Match"); inm && ETagMatches(*inm, etag)) {
        r.status = 304;
        return r;
    }
    r.status = 200;
    r.SetHeader("Content-Type", usable_type ? a.mime_type : "application/octet-stream");
    r.SetHeader("Content-Disposition", ContentDisposition(a, usable_type ? base : ""));
    // Even if a browser did render it, a customer's file must never run script in our origin.
    r.SetHeader("Content-Security-Policy",
                "default-src 'none'; img-src 'self'; media-src 'self'; "
                "style-src 'unsafe-inline'; sandbox");
    r.body = std::move(file.bytes);
    return r;
}

}  // namespace hudhud::http::api
