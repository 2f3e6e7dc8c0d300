#include "core/inbox.hpp"

#include <array>
#include <utility>

namespace hudhud {
namespace {

constexpr std::array<std::pair<ChannelKind, std::string_view>, 7> kKinds{{
    {ChannelKind::kWhatsApp, "whatsapp"},
    {ChannelKind::kMessenger, "messenger"},
    {ChannelKind::kInstagram, "instagram"},
    {ChannelKind::kTelegram, "telegram"},
    {ChannelKind::kTikTok, "tiktok"},
    {ChannelKind::kWebChat, "webchat"},
    {ChannelKind::kApi, "api"},
}};

constexpr std::array<std::pair<InboxStatus, std::string_view>, 3> kStatuses{{
    {InboxStatus::kActive, "active"},
    {InboxStatus::kNeedsReconnect, "needs_reconnect"},
    {InboxStatus::kDisconnected, "disconnected"},
}};

}  // namespace

std::string_view ChannelKindName(ChannelKind kind) {
    for (const auto& [k, n] : kKinds) {
        if (k == kind) return n;
    }
    return "api";
}

std::optional<ChannelKind> ParseChannelKind(std::string_view name) {
    for (const auto& [k, n] : kKinds) {
        if (n == name) return k;
    }
    return std::nullopt;
}

std::string_view InboxStatusName(InboxStatus s) {
    for (const auto& [k, n] : kStatuses) {
        if (k == s) return n;
    }
    return "active";
}

std::optional<InboxStatus> ParseInboxStatus(std::string_view name) {
    for (const auto& [k, n] : kStatuses) {
        if (n == name) return k;
    }
    return std::nullopt;
}

}  // namespace hudhud
