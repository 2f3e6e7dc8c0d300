#pragma once

#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/repositories/page.hpp"

namespace hudhud::services {

// Reading conversations and their messages, always within one workspace. (Writing goes through
// InboundMessageService and OutboundMessageService.) Thread-safe.
class ConversationService {
  public:
    explicit ConversationService(storage::Database& db) : db_(db) {}

    Result<storage::Page<storage::ConversationRow>> List(WorkspaceId ws,
                                                         const storage::PageRequest& page) {
        return db_.ReadValue(
            [&](storage::Session& s) { return storage::ConversationRepository::List(s, ws, page); });
    }
    Result<storage::ConversationRow> Get(WorkspaceId ws, ConversationId id) {
        return db_.ReadValue(
            [&](storage::Session& s) { return storage::ConversationRepository::Get(s, ws, id); });
    }
    // Newest first; kNotFound for another workspace's conversation.
    Result<storage::Page<Message>> Messages(WorkspaceId ws, ConversationId id,
                                            const storage::PageRequest& page) {
        return db_.ReadValue([&](storage::Session& s) -> Result<storage::Page<Message>> {
            HH_RETURN_IF_ERROR(storage::ConversationRepository::Get(s, ws, id));
            return storage::ConversationRepository::ListMessages(s, ws, id, page);
        });
    }

  private:
    storage::Database& db_;
};

}  // namespace hudhud::services
