#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// One browser that opened a Web Chat widget (table webchat_visitors).
struct WebChatVisitor {
    std::int64_t id = 0;  // also the visitor's key on the widget WebSocket hub
    WorkspaceId workspace_id;
    InboxId inbox_id;
    std::string source_id;
    std::optional<std::string> identifier;  // from setUser; trusted only when hmac_verified
    bool hmac_verified = false;
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> consent_text;  // the exact text the visitor agreed to
    std::optional<Timestamp> consent_at;
    std::optional<std::string> locale;
    std::string user_agent;
    std::string referer;
    Timestamp created_at;
    Timestamp last_seen_at;
};

struct NewWebChatVisitor {
    std::string source_id;
    std::optional<std::string> locale;
    std::string user_agent;
    std::string referer;
};

// Absent fields are left as they are.
struct WebChatVisitorDetails {
    std::optional<std::string> name;
    std::optional<std::string> email;
    std::optional<std::string> phone;
    std::optional<std::string> consent_text;
    std::optional<Timestamp> consent_at;
    std::optional<std::string> locale;
};

// Web Chat visitors, and the conversation lookups the widget needs. Every call is scoped by
// workspace (and inbox where a visitor is named by its source id).
class WebChatVisitorRepository {
public:
    static Result<WebChatVisitor> Create(Session& s, WorkspaceId ws, InboxId inbox,
                                         const NewWebChatVisitor& v, Timestamp now);
    static Result<std::optional<WebChatVisitor>> Find(Session& s, WorkspaceId ws, InboxId inbox,
                                                      const std::string& source_id);
    static Status Touch(Session& s, WorkspaceId ws, std::int64_t id, Timestamp now);
    static Status SetIdentifier(Session& s, WorkspaceId ws, std::int64_t id,
                                const std::string& identifier, bool verified, Timestamp now);
    static Status UpdateDetails(Session& s, WorkspaceId ws, std::int64_t id,
                                const WebChatVisitorDetails& d, Timestamp now);

    // The contact's conversations on the inbox, newest first.
    static Result<std::vector<ConversationId>> ListConversations(Session& s, WorkspaceId ws,
                                                                 InboxId inbox, ContactId contact,
                                                                 int limit);
    // The platform id of the identity a conversation belongs to (its contact identity's
    // external_id), with the conversation's inbox; nullopt when it has none.
    struct ConversationIdentity {
        InboxId inbox_id;
        std::string external_id;
    };
    static Result<std::optional<ConversationIdentity>> IdentityOfConversation(
        Session& s, WorkspaceId ws, ConversationId id);
};

}  // namespace hudhud::storage
