#pragma once

#include <string_view>

// Names from the WhatsApp Cloud API wire format (channels.md 1.1-1.4) that more than one file
// needs.
namespace hudhud::channels::whatsapp::wire {

inline constexpr std::string_view kSignatureHeader = "X-Hub-Signature-256";
inline constexpr std::string_view kSignaturePrefix = "sha256=";
inline constexpr std::string_view kObjectType = "whatsapp_business_account";

inline constexpr std::string_view kQueryMode = "hub.mode";
inline constexpr std::string_view kQueryVerifyToken = "hub.verify_token";
inline constexpr std::string_view kQueryChallenge = "hub.challenge";
inline constexpr std::string_view kModeSubscribe = "subscribe";

inline constexpr std::string_view kFieldMessages = "messages";
inline constexpr std::string_view kFieldUserPreferences = "user_preferences";

}  // namespace hudhud::channels::whatsapp::wire
