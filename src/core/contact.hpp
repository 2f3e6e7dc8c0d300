#pragma once

#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/ids.hpp"

namespace hudhud {

struct Contact {
    ContactId id;
    WorkspaceId workspace_id;
    std::string name;
    std::optional<std::string> email;
    std::optional<std::string> phone_e164;
    std::optional<std::string> avatar_url;
    std::optional<std::string> locale;
    std::string custom_attributes_json = "{}";
    bool marketing_consent = false;
    bool reachable = true;
    Timestamp created_at;
    Timestamp updated_at;
    std::optional<Timestamp> last_activity_at;
};

// The platform's id for a person on one inbox (Chatwoot's ContactInbox source_id).
struct ContactIdentity {
    ContactIdentityId id;
    WorkspaceId workspace_id;
    ContactId contact_id;
    InboxId inbox_id;
    std::string external_id;
    std::optional<std::string> secondary_id;
    Timestamp created_at;
};

struct ContactNote {
    std::int64_t id = 0;
    WorkspaceId workspace_id;
    ContactId contact_id;
    std::optional<UserId> author_id;
    std::string content;
    Timestamp created_at;
};

}  // namespace hudhud
