#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "channels/inbound_event.hpp"

namespace hudhud::channels {

// Normalized outbound messages: what services hand to ChannelAdapter::BuildSend. Plain values.

enum class OutboundKind {
    kText,      // text (body up to the platform's limit), optionally quoting a message
    kMedia,     // image / video / audio / document / sticker, by link or uploaded media id
    kLocation,  // a pin
    kButtons,   // interactive reply buttons (WhatsApp: at most 3, titles <= 20 chars)
    kList,      // interactive list (WhatsApp: at most 10 rows in all)
    kTemplate,  // a pre-approved template with parameters
    kReaction,  // an emoji on a message; an empty emoji removes ours
    kMarkRead,  // read receipt for an inbound message (and a typing indicator where supported)
};

std::string_view OutboundKindName(OutboundKind kind);

struct OutboundMedia {
    std::string kind;      // "image", "video", "audio", "document", "sticker"
    std::string link;      // public HTTPS URL, or
    std::string media_id;  // an id returned by the platform's media upload
    std::string caption;   // image, video, document
    std::string filename;  // document
};

struct OutboundButton {
    std::string id;  // comes back in the reply event
    std::string title;
};

struct OutboundListRow {
    std::string id;
    std::string title;
    std::string description;
};

struct OutboundListSection {
    std::string title;
    std::vector<OutboundListRow> rows;
};

struct OutboundTemplate {
    std::string name;
    std::string language;                // e.g. "en_US", "ar"
    std::string components_json = "[]";  // the platform's components array (header/body/button
                                         // parameters), compact JSON, passed through as-is
};

struct OutboundMessage {
    OutboundKind kind = OutboundKind::kText;
    std::string recipient;  // platform user id: WhatsApp wa_id or BSUID, PSID, chat id, ...
    std::string text;       // kText body; kButtons/kList body text
    std::optional<std::string> reply_to_external_id;  // quote this platform message
    std::optional<OutboundMedia> media;               // kMedia
    std::optional<Location> location;                 // kLocation
    std::string header;                               // kButtons/kList optional header text
    std::string footer;                               // kButtons/kList optional footer text
    std::vector<OutboundButton> buttons;              // kButtons
    std::string list_button;                          // kList: the label of the open-list button
    std::vector<OutboundListSection> sections;        // kList
    std::optional<OutboundTemplate> template_message;  // kTemplate
    std::string target_external_id;  // kReaction: message reacted to; kMarkRead: message read
    std::string emoji;               // kReaction
    bool typing_indicator = false;   // kMarkRead: also show "typing..." where supported
};

// Where and as whom to call the platform. Built by services from config and the inbox's decrypted
// credentials; never logged.
struct ChannelAccount {
    std::string api_base_url;      // e.g. "https://graph.facebook.com" (tests: a local peer)
    std::string api_version;       // e.g. "v23.0"
    std::string account_id;        // WhatsApp phone_number_id, Page id, bot id, ...
    std::string account_group_id;  // WhatsApp Business Account id; may be empty
    std::string access_token;
};

// One HTTP call to make, fully formed. The adapter builds it; the caller's HTTP client sends it.
struct PlatformCall {
    std::string method = "POST";
    std::string url;  // absolute
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

// A send the platform accepted (2xx). Accepted is not delivered: statuses arrive by webhook.
struct SendAccepted {
    std::string external_id;   // the platform's message id (WhatsApp wamid); empty for kMarkRead
    std::string recipient_id;  // the platform's canonical recipient id when it returns one
};

}  // namespace hudhud::channels
