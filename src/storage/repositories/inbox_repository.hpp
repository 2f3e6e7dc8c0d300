#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/inbox.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

struct NewInbox {
    std::string name;
    ChannelKind channel_kind = ChannelKind::kApi;
    std::string settings_json = "{}";
    std::optional<std::string> credentials_enc;
    std::string webhook_key;
    std::optional<std::string> external_account_id;
};

struct InboxUpdate {
    std::optional<std::string> name;
    std::optional<std::string> settings_json;
    std::optional<std::string> credentials_enc;
    std::optional<InboxStatus> status;
    std::optional<std::string> external_account_id;
};

class InboxRepository {
public:
    static Result<Inbox> Create(Session& s, WorkspaceId ws, const NewInbox& in, Timestamp now);
    static Result<Inbox> Get(Session& s, WorkspaceId ws, InboxId id);
    static Result<std::vector<Inbox>> List(Session& s, WorkspaceId ws);
    // The inbox named by a webhook URL; not tenant-scoped because the key is what identifies it.
    static Result<std::optional<Inbox>> FindByWebhookKey(Session& s, const std::string& key);
    static Status Update(Session& s, WorkspaceId ws, InboxId id, const InboxUpdate& u,
                         Timestamp now);
    // Marks the inbox disconnected and deletes its stored credentials in the same statement.
    static Status Disconnect(Session& s, WorkspaceId ws, InboxId id, Timestamp now);
    static Status Delete(Session& s, WorkspaceId ws, InboxId id);
    // Every (inbox id, ciphertext) pair across workspaces, for master-key rotation.
    static Result<std::vector<std::pair<InboxId, std::string>>> ListEncryptedCredentials(
        Session& s);
};

}  // namespace hudhud::storage
