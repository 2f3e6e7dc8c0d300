#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/inbox.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "secrets/keyring.hpp"
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"

namespace hudhud::services {

struct InboxInput {
    std::optional<std::string> name;
    std::optional<ChannelKind> channel_kind;  // required on create, fixed afterwards
    std::optional<std::string> settings_json;
    std::optional<std::string> credentials_json;  // plaintext in; encrypted before storage
};

// Inboxes (connected channel accounts). Credentials are encrypted with the keyring before they
// reach storage and are never returned. Admin role for changes. Thread-safe.
class InboxService {
public:
    // `events`, when given, receives "inbox.updated" ({id, status}) after every committed
    // change of an inbox (settings, credentials, disconnect), so caches can drop it.
    InboxService(storage::Database& db, const Clock& clock, AuditLog& audit,
                 const secrets::Keyring& keyring, const events::EventBus* events = nullptr);

    Result<Inbox> Create(const WorkspaceAccess& a, const InboxInput& in,
                         const RequestContext& ctx);
    Result<Inbox> Get(const WorkspaceAccess& a, InboxId id);
    Result<std::vector<Inbox>> List(const WorkspaceAccess& a);
    Result<Inbox> Update(const WorkspaceAccess& a, InboxId id, const InboxInput& in,
                         const RequestContext& ctx);
    // Deletes the stored credentials at once. With keep_history the inbox stays (status
    // disconnected) with its conversations; without, the inbox and its history are deleted.
    Status Disconnect(const WorkspaceAccess& a, InboxId id, bool keep_history,
                      const RequestContext& ctx);

    // Decrypted credentials for the channel adapters (never exposed through the API).
    Result<std::string> Credentials(const Inbox& inbox) const;

private:
    storage::Database& db_;
    const Clock& clock_;
    AuditLog& audit_;
    const secrets::Keyring& keyring_;
    const events::EventBus* events_;
    void Publish(WorkspaceId ws, InboxId id, std::string_view status) const;
};

}  // namespace hudhud::services
