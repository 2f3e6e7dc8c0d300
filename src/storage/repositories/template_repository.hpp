#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// A platform-approved message template as last synced (WhatsApp: one name + language).
struct MessageTemplate {
    std::int64_t id = 0;
    InboxId inbox_id;
    std::string external_id;
    std::string name;
    std::string language;
    std::string category;  // MARKETING, UTILITY, AUTHENTICATION
    std::string status;    // APPROVED, PENDING, REJECTED, PAUSED, DISABLED, ...
    std::string components_json = "[]";
    Timestamp synced_at;
};

class TemplateRepository {
public:
    // Makes the inbox's stored templates exactly `templates` (insert, update, delete the rest)
    // and records the sync time; clears the last sync error.
    static Status ReplaceAll(Session& s, WorkspaceId ws, InboxId inbox,
                             const std::vector<MessageTemplate>& templates, Timestamp now);
    static Status RecordSyncError(Session& s, WorkspaceId ws, InboxId inbox,
                                  const std::string& error);
    // Ordered by name, then language.
    static Result<std::vector<MessageTemplate>> List(Session& s, WorkspaceId ws, InboxId inbox);
    static Result<std::optional<MessageTemplate>> Find(Session& s, WorkspaceId ws, InboxId inbox,
                                                       const std::string& name,
                                                       const std::string& language);
    // When the inbox last synced and why its last sync failed.
    struct SyncState {
        std::optional<Timestamp> synced_at;
        std::optional<std::string> error;
    };
    static Result<SyncState> GetSyncState(Session& s, WorkspaceId ws, InboxId inbox);
};

}  // namespace hudhud::storage
