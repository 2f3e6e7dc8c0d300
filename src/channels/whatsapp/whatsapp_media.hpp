#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "channels/outbound_message.hpp"
#include "core/result.hpp"

// Inbound media download, Graph's two-step flow (channels.md 1.3 "Media download"):
//   1. GET {graph}/{version}/{media_id}?phone_number_id={pnid} with the inbox's Bearer token
//      answers {url, mime_type, sha256, file_size, id, messaging_product};
//   2. GET {url} with the same Bearer token answers the bytes. The url lives about 5 minutes: on
//      expiry, start again at step 1.
// Pure protocol: builds the calls and reads the answers; the caller sends them. Thread-safe.
namespace hudhud::channels::whatsapp {

struct MediaInfo {
    std::string id;
    std::string url;
    std::string mime_type;
    std::string sha256_hex;                  // lower-case hex; empty when absent or unreadable
    std::optional<std::uint64_t> file_size;  // Graph sends it as a string or a number
};

// Step 1. kInvalidArgument for an empty or malformed media id (only letters, digits, '_' and '-'
// can reach the URL path) or an account without an access token.
Result<PlatformCall> BuildMediaInfoRequest(const ChannelAccount& account,
                                           std::string_view media_id);

// Reads a 2xx step-1 body. kExternalRejected when it is not JSON or has no url.
Result<MediaInfo> ParseMediaInfo(std::string_view body);

// Step 2. The token goes only to an https:// URL or to the Graph base URL's own origin
// (scheme://host:port), never over plain HTTP to anyone else: kInvalidArgument otherwise.
Result<PlatformCall> BuildMediaDownloadRequest(const ChannelAccount& account, std::string_view url);

// A SHA-256 as WhatsApp writes it, to lower-case hex. Webhooks send base64 (44 characters with
// '=' padding, as in the v23 spec's examples); the media endpoint answers hex (64 digits). Both are
// accepted, as are url-safe and unpadded base64. nullopt when it is neither or not 32 bytes.
std::optional<std::string> NormalizeSha256(std::string_view sha256);

// Outbound media: the message kind WhatsApp sends a file of this MIME type as, by Cloud API's
// "Supported media types" (channels.md 1.6), and that kind's size limit:
//   image     image/jpeg, image/png                                               5 MB
//   video     video/mp4, video/3gpp                                              16 MB
//   audio     audio/aac, audio/amr, audio/mpeg, audio/mp4, audio/ogg (opus)      16 MB
//   document  application/pdf, text/plain, Word, Excel, PowerPoint (old and OOXML) 100 MB
//   sticker   image/webp                                 100 KB static, 500 KB animated
// `head` is the file's first bytes (at least 21 for WebP, to tell an animated sticker from a
// static one; without them a WebP is held to the static limit). Parameters of the MIME type
// ("; codecs=opus") and case are ignored. kInvalidArgument, naming the type or the limit, for a
// type WhatsApp does not take, an empty file, or one over its kind's limit.
struct OutboundMediaRule {
    std::string kind;
    std::uint64_t max_bytes = 0;
};
Result<OutboundMediaRule> OutboundMediaKind(std::string_view mime_type, std::uint64_t size_bytes,
                                            std::string_view head = {});

// Whether WebP bytes are an animation (a VP8X header with the animation flag).
bool IsAnimatedWebP(std::string_view head);

}  // namespace hudhud::channels::whatsapp
