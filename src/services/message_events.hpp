#pragma once

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "core/ids.hpp"
#include "core/message.hpp"
#include "events/event_bus.hpp"
#include "storage/database.hpp"
#include "storage/repositories/attachment_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"

namespace hudhud::services {

// The API's JSON form of a message (docs/api.md "Message"); also the data of message events.
nlohmann::json MessageJson(const Message& m);
// How a message describes a file bound to it, in content_attributes.attachments[]:
// {id, kind, mime_type, file_name, size_bytes}. No URL: agents read the bytes at
// /api/v1/workspaces/{w}/attachments/{id}/file, Web Chat visitors at
// /widget/v1/{website_token}/attachments/{id}/file.
nlohmann::json AttachmentSummaryJson(const storage::Attachment& a);
// The API's JSON form of a conversation.
nlohmann::json ConversationJson(const storage::ConversationRow& c);

// Publishes `type` ("message.created" / "message.updated") for a committed message.
void PublishMessage(const events::EventBus& bus, std::string_view type, const Message& m);

// Reads back what a committed transaction changed and publishes conversation.created,
// message.created and message.updated events, in that order (a new conversation that was
// auto-assigned also gets conversation.assigned). Best effort: a read that fails is
// logged and skipped (the data is committed; clients re-sync on reconnect).
// `changed_conversations` are existing ones whose state changed (conversation.updated).
void PublishCommitted(storage::Database& db, const events::EventBus& bus, WorkspaceId ws,
                      const std::vector<ConversationId>& conversations,
                      const std::vector<MessageId>& created, const std::vector<MessageId>& updated,
                      const std::vector<ConversationId>& changed_conversations = {});

}  // namespace hudhud::services
