#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace hudhud {

enum class ChannelKind { kWhatsApp, kMessenger, kInstagram, kTelegram, kTikTok, kWebChat, kApi };

std::string_view ChannelKindName(ChannelKind kind);
std::optional<ChannelKind> ParseChannelKind(std::string_view name);

enum class InboxStatus { kActive, kNeedsReconnect, kDisconnected };
std::string_view InboxStatusName(InboxStatus s);
std::optional<InboxStatus> ParseInboxStatus(std::string_view name);

// One connected channel account (a WhatsApp number, a Page, a bot, a widget).
// Credentials are never held here in clear: credentials_enc is the keyring's ciphertext.
struct Inbox {
    InboxId id;
    WorkspaceId workspace_id;
    std::string name;
    ChannelKind channel_kind = ChannelKind::kApi;
    std::string settings_json = "{}";
    std::optional<std::string> credentials_enc;
    InboxStatus status = InboxStatus::kActive;
    std::string webhook_key;  // public, unguessable id in the inbox's webhook URL
    std::optional<std::string> external_account_id;
    Timestamp created_at;
    Timestamp updated_at;
    std::optional<Timestamp> disconnected_at;
};

}  // namespace hudhud
