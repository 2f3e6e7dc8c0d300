#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "channels/outbound_message.hpp"
#include "core/result.hpp"

// The WhatsApp Cloud API send protocol (channels.md 1.6; Meta's OpenAPI spec v23.0, operation
// sendMessage). Pure functions: no I/O, no state; safe to call from any thread.
namespace hudhud::channels::whatsapp {

// Limits enforced before anything is sent. Lengths are Unicode code points, not bytes: an Arabic
// letter is one character although UTF-8 spends two bytes on it.
inline constexpr std::size_t kMaxTextBody = 4096;
inline constexpr std::size_t kMaxCaption = 1024;
inline constexpr std::size_t kMaxInteractiveBody = 1024;
inline constexpr std::size_t kMaxInteractiveHeader = 60;
inline constexpr std::size_t kMaxInteractiveFooter = 60;
inline constexpr std::size_t kMaxButtons = 3;
inline constexpr std::size_t kMaxButtonTitle = 20;
inline constexpr std::size_t kMaxButtonId = 256;
inline constexpr std::size_t kMaxListButton = 20;
inline constexpr std::size_t kMaxListSections = 10;
inline constexpr std::size_t kMaxListRows = 10;  // across all sections
inline constexpr std::size_t kMaxSectionTitle = 24;
inline constexpr std::size_t kMaxRowId = 200;
inline constexpr std::size_t kMaxRowTitle = 24;
inline constexpr std::size_t kMaxRowDescription = 72;
inline constexpr std::size_t kMaxRecipient = 256;  // a BSUID is up to 256 characters

// Number of Unicode code points in `utf8`; nullopt when it is not valid UTF-8 (overlong forms,
// surrogates and truncated sequences included).
std::optional<std::size_t> CountCodePoints(std::string_view utf8);

// "{api_base_url}/{api_version}/{node}/{edge}" for `account`, e.g. the messages endpoint of a phone
// number. kInvalidArgument when the account lacks the base URL, version, token or node, or when
// one of them could escape its path segment ('/', '?', '#', '%', whitespace, control characters).
Result<std::string> GraphUrl(const ChannelAccount& account, std::string_view node,
                             std::string_view edge);

// The POST {base}/{v}/{phone_number_id}/messages call for `message`: Authorization: Bearer,
// Content-Type: application/json, and a body that always carries messaging_product "whatsapp" and
// (except mark-as-read) recipient_type "individual". kInvalidArgument, with a message an agent can
// act on, for a message that breaks a limit above or lacks what its kind needs.
Result<PlatformCall> BuildSendCall(const OutboundMessage& message, const ChannelAccount& account);

// Reads a 2xx send response: messages[0].id, and contacts[0].wa_id (or user_id when sent to a
// BSUID). A mark-as-read answer ({"success": true}) gives an empty SendAccepted.
// kExternalRejected when the body is not JSON or has neither shape.
Result<SendAccepted> ParseSendResult(std::string_view body);

}  // namespace hudhud::channels::whatsapp
