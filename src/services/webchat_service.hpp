#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/webchat/visitor_token.hpp"
#include "channels/webchat/webchat_settings.hpp"
#include "core/clock.hpp"
#include "core/inbox.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "secrets/keyring.hpp"
#include "services/inbound_message_service.hpp"
#include "services/media_service.hpp"
#include "storage/database.hpp"
#include "storage/repositories/webchat_visitor_repository.hpp"

namespace hudhud::services {

// A Web Chat inbox as the public widget sees it.
struct WidgetInbox {
    Inbox inbox;
    channels::webchat::WebChatSettings settings;
};

// An authenticated visitor: who it is, on which inbox, and the contact identity its messages go
// to ("v:<source_id>" while anonymous, "u:<identifier>" once HMAC-verified).
struct VisitorContext {
    WidgetInbox widget;
    storage::WebChatVisitor visitor;
    std::string identity_key;
};

struct VisitorSession {
    VisitorContext context;
    std::string token;
    Timestamp expires_at;
};

// What the browser told us about itself (recorded, never trusted for authorization).
struct VisitorClientInfo {
    std::string user_agent;
    std::string referer;
    std::optional<std::string> locale;
};

struct IdentifyInput {
    std::string identifier;
    std::optional<std::string> identifier_hash;  // hex HMAC-SHA256(inbox hmac_token, identifier)
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
};

struct VisitorDetailsInput {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    bool consent = false;  // the visitor ticked the consent checkbox (settings.consent_text)
};

// A file the visitor sends (the raw request body of the widget's upload).
struct VisitorFile {
    std::string_view bytes;  // must outlive the PostMessage call
    std::string mime_type;   // the request's Content-Type
    std::string file_name;
};

struct PostMessageInput {
    std::string content;                 // the text; with a file, an optional caption
    std::optional<std::string> echo_id;  // client id of the optimistic bubble; the retry key
    std::string referer;
    std::optional<VisitorFile> file;
};

struct PostedMessage {
    Message message;
    bool duplicate = false;      // a retry of a message already stored
    bool agents_online = true;   // false: say so and ask for an email (offline capture)
};

// The Web Chat use cases behind the public widget API: visitor sessions and tokens, identity
// validation, pre-chat details with consent, history, posting (through InboundMessageService,
// like every channel), typing, and the conversation -> visitor lookup used to route events.
// Errors: kNotFound for an unknown/inactive website token; kUnauthenticated for a forged,
// expired or foreign visitor token and for a failed identity HMAC; kPermissionDenied when
// hmac_mandatory refuses an unverified identity, and for a file when the inbox turned
// attachments off; kPayloadTooLarge for a file over max_attachment_bytes; kInvalidArgument for
// bad input (including a file type outside allowed_mime_types).
// Thread-safe.
class WebChatService {
  public:
    // Whether any agent is connected for the workspace (the agents' WebSocket hub).
    using AgentsOnline = std::function<bool(WorkspaceId)>;

    struct Options {
        channels::webchat::VisitorTokenOptions tokens{};
        std::size_t max_content_bytes = 10'000;
        int history_conversations = 5;
        int history_messages = 100;
    };

    WebChatService(storage::Database& db, const Clock& clock, const secrets::Keyring& keyring,
                   InboundMessageService& inbound, MediaService& media,
                   const events::EventBus* events, AgentsOnline agents_online, Options options);

    // The active Web Chat inbox whose public website token this is.
    Result<WidgetInbox> FindInbox(std::string_view website_token);

    // A new anonymous visitor with its first token.
    Result<VisitorSession> StartSession(std::string_view website_token,
                                        const VisitorClientInfo& info);
    // A fresh token for a token that is valid or expired within its refresh window.
    Result<VisitorSession> Refresh(std::string_view website_token, std::string_view token);
    // Checks a visitor token against the inbox it is used for.
    Result<VisitorContext> Authenticate(std::string_view website_token, std::string_view token);

    // setUser: with a valid identifier_hash the visitor becomes the verified person (history
    // follows it); without one the identifier is kept as unverified data, unless hmac_mandatory.
    Result<VisitorContext> Identify(const VisitorContext& v, const IdentifyInput& in);
    // Pre-chat form / offline email capture. With settings.consent_text, consent is required
    // and its text and time are recorded.
    Result<VisitorContext> UpdateDetails(const VisitorContext& v, const VisitorDetailsInput& in);

    // The visitor's messages (never private notes), oldest first.
    Result<std::vector<Message>> History(const VisitorContext& v);
    // A visitor's message, through InboundMessageService like every channel's. With a file,
    // the bytes go to the media store first (MediaService) and, when the message is new, an
    // attachments row bound to it is created in the same transaction and listed in its
    // content_attributes.attachments; a retry (same echo_id) stores nothing.
    Result<PostedMessage> PostMessage(const VisitorContext& v, const PostMessageInput& in);
    // An attachment of a message the visitor can see (a non-private message of one of its
    // conversations on this inbox), with its bytes; kNotFound for anything else, whoever's it is.
    Result<AttachmentFile> ReadAttachment(const VisitorContext& v, AttachmentId id);
    // Publishes conversation.typing_on/off (sender "contact") for the visitor's open
    // conversation; nothing when it has none yet.
    Status Typing(const VisitorContext& v, bool on);

    bool AgentsAreOnline(WorkspaceId ws) const { return agents_online_ && agents_online_(ws); }

    // The identity key a conversation belongs to when it is on a Web Chat inbox (for routing
    // events to visitors); nullopt otherwise.
    struct ConversationRoute {
        InboxId inbox_id;
        std::string identity_key;
    };
    Result<std::optional<ConversationRoute>> RouteOf(WorkspaceId ws, ConversationId id);

    // The widget's JSON form of a message: the API form without internal ids, plus echo_id.
    static nlohmann::json WidgetMessageJson(const nlohmann::json& message_json);
    static std::string IdentityKeyOf(const storage::WebChatVisitor& v);

  private:
    Result<VisitorSession> Issue(VisitorContext ctx);
    Result<VisitorContext> Load(const WidgetInbox& w, const std::string& source_id);

    storage::Database& db_;
    const Clock& clock_;
    const secrets::Keyring& keyring_;
    InboundMessageService& inbound_;
    MediaService& media_;
    const events::EventBus* events_;
    AgentsOnline agents_online_;
    Options options_;
    channels::webchat::VisitorTokenSigner signer_;
};

}  // namespace hudhud::services
