#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace hudhud::channels::webchat {

// One field of the optional pre-chat form.
struct PreChatField {
    std::string name;  // "name", "email" or "phone"
    bool enabled = true;
    bool required = false;
};

// A Web Chat inbox's `settings` JSON, validated. Unknown keys are kept in the stored JSON but
// ignored here, so the dashboard can add display-only keys without a server change.
struct WebChatSettings {
    std::string widget_color = "#1f93ff";  // "#rrggbb"
    std::string locale = "en";             // "en" or "ar" (ar renders right-to-left)
    std::string welcome_title;             // greeting headline; empty: the widget's default
    std::string welcome_tagline;
    std::string reply_time = "in_a_few_minutes";  // shown to visitors: in_a_few_minutes,
                                                  // in_a_few_hours, in_a_day
    // Sites allowed to embed the widget and call its API: "https://shop.example",
    // "shop.example" (any scheme/port), "*.example.com" (subdomains), "http://127.0.0.1:8081".
    // Empty: any site.
    std::vector<std::string> allowed_domains;
    bool hmac_mandatory = false;  // setUser without a valid identifier_hash is refused
    bool pre_chat_form_enabled = false;
    std::string pre_chat_message;
    std::vector<PreChatField> pre_chat_fields;  // default: name + email (required) + phone
    std::string consent_text;  // non-empty: the form shows a required consent checkbox
    bool attachments_enabled = true;
    std::int64_t max_attachment_bytes = 10 << 20;
    std::vector<std::string> allowed_mime_types;  // entries may end in "/*"
    std::string offline_message;  // shown when no agent is online; empty: the widget's default
};

inline constexpr std::int64_t kMaxAttachmentBytesCeiling = 25 << 20;

// Parses and validates stored or submitted settings (a JSON object as text; "" means {}).
// kInvalidArgument names the offending key.
Result<WebChatSettings> ParseSettings(std::string_view json_text);

// What the widget may see: every display setting, never secrets.
nlohmann::json PublicConfigJson(const WebChatSettings& s);

// Whether `mime_type` is allowed by `s.allowed_mime_types` (exact or "type/*"). Parameters
// ("; charset=...") and case are ignored.
bool MimeTypeAllowed(const WebChatSettings& s, std::string_view mime_type);

// The verdict on a visitor's file, before anything is stored.
enum class UploadVerdict {
    kAllowed,
    kDisabled,         // attachments_enabled is false (403)
    kEmpty,            // no bytes (400)
    kTooLarge,         // over max_attachment_bytes (413)
    kUnsupportedType,  // not in allowed_mime_types, or a type a browser would run (415)
};
// Checks the inbox's attachment policy. Types that carry script when a browser opens them (HTML,
// XHTML, SVG, XML, JavaScript) are refused whatever allowed_mime_types says ("image/*" must not
// let an SVG in), as is a MIME type without a subtype.
UploadVerdict CheckUpload(const WebChatSettings& s, std::string_view mime_type,
                          std::uint64_t size_bytes);

}  // namespace hudhud::channels::webchat
