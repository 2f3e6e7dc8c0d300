#include "services/message_events.hpp"

#include "log/log.hpp"

namespace hudhud::services {
namespace {

nlohmann::json ParseObject(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

template <typename T>
nlohmann::json Opt(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::string Dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

nlohmann::json MessageJson(const Message& m) {
    return {{"id", m.id.value()},
            {"conversation_id", m.conversation_id.value()},
            {"inbox_id", m.inbox_id.value()},
            {"direction", DirectionName(m.direction)},
            {"sender_kind", SenderKindName(m.sender_kind)},
            {"sender_id", Opt(m.sender_id)},
            {"private", m.is_private},
            {"content", m.content},
            {"content_type", m.content_type},
            {"content_attributes", ParseObject(m.content_attributes_json)},
            {"status", DeliveryStatusName(m.status)},
            {"external_id", Opt(m.external_id)},
            {"reply_to_id", m.reply_to_id ? nlohmann::json(m.reply_to_id->value()) : nullptr},
            {"error_code", Opt(m.error_code)},
            {"error_message", Opt(m.error_message)},
            {"created_at", ToMicros(m.created_at)},
            {"updated_at", ToMicros(m.updated_at)}};
}

nlohmann::json AttachmentSummaryJson(const storage::Attachment& a) {
    return {{"id", a.id.value()},
            {"kind", a.kind},
            {"mime_type", a.mime_type},
            {"file_name", a.file_name},
            {"size_bytes", a.size_bytes}};
}

nlohmann::json ConversationJson(const storage::ConversationRow& c) {
    return {{"id", c.id.value()},
            {"inbox_id", c.inbox_id.value()},
            {"contact_id", c.contact_id.value()},
            {"status", c.status},
            {"snoozed_until", c.snoozed_until ? nlohmann::json(ToMicros(*c.snoozed_until))
                                              : nlohmann::json(nullptr)},
            {"assignee_id", Opt(c.assignee_id)},
            {"team_id", Opt(c.team_id)},
            {"priority", c.priority},
            {"labels", c.labels},
            {"unread_count", c.unread_count},
            {"last_activity_at", ToMicros(c.last_activity_at)},
            {"last_incoming_at", c.last_incoming_at ? nlohmann::json(ToMicros(*c.last_incoming_at))
                                                    : nlohmann::json(nullptr)},
            {"referral", c.referral_json ? ParseObject(*c.referral_json) : nlohmann::json(nullptr)},
            {"created_at", ToMicros(c.created_at)}};
}

void PublishMessage(const events::EventBus& bus, std::string_view type, const Message& m) {
    events::Event e;
    e.workspace_id = m.workspace_id;
    e.type = std::string(type);
    e.data_json = Dump(MessageJson(m));
    e.inbox_id = m.inbox_id;
    e.conversation_id = m.conversation_id;
    bus.Publish(e);
}

void PublishCommitted(storage::Database& db, const events::EventBus& bus, WorkspaceId ws,
                      const std::vector<ConversationId>& conversations,
                      const std::vector<MessageId>& created,
                      const std::vector<MessageId>& updated,
                      const std::vector<ConversationId>& changed_conversations) {
    if (conversations.empty() && created.empty() && updated.empty() &&
        changed_conversations.empty()) {
        return;
    }
    std::vector<storage::ConversationRow> convs;
    std::vector<storage::ConversationRow> changed;
    std::vector<std::pair<std::string_view, Message>> messages;
    Status st = db.Read([&](storage::Session& s) -> Status {
        convs.clear();
        changed.clear();
        messages.clear();
        for (auto id : conversations) {
            HH_ASSIGN_OR_RETURN(auto c, storage::ConversationRepository::Get(s, ws, id));
            convs.push_back(std::move(c));
        }
        for (auto id : changed_conversations) {
            HH_ASSIGN_OR_RETURN(auto c, storage::ConversationRepository::Get(s, ws, id));
            changed.push_back(std::move(c));
        }
        for (auto id : created) {
            HH_ASSIGN_OR_RETURN(auto m, storage::ConversationRepository::GetMessage(s, ws, id));
            messages.emplace_back("message.created", std::move(m));
        }
        for (auto id : updated) {
            HH_ASSIGN_OR_RETURN(auto m, storage::ConversationRepository::GetMessage(s, ws, id));
            messages.emplace_back("message.updated", std::move(m));
        }
        return Ok();
    });
    if (!st.ok()) {
        log::Warn("events.read_failed", {{"workspace_id", ws.value()},
                                         {"error", st.error().message}});
        return;
    }
    auto publish = [&](const storage::ConversationRow& c, std::string_view type) {
        events::Event e;
        e.workspace_id = ws;
        e.type = std::string(type);
        e.data_json = Dump(ConversationJson(c));
        e.inbox_id = c.inbox_id;
        e.conversation_id = c.id;
        bus.Publish(e);
    };
    for (const auto& c : convs) {
        publish(c, "conversation.created");
        // A new conversation has an assignee only from auto-assignment.
        if (c.assignee_id) publish(c, "conversation.assigned");
    }
    for (const auto& c : changed) publish(c, "conversation.updated");
    for (const auto& [type, m] : messages) PublishMessage(bus, type, m);
}

}  // namespace hudhud::services
