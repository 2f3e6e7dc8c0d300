#include "services/inbound_message_service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "services/inbox_routing.hpp"
#include "services/media_service.hpp"
#include "services/message_events.hpp"
#include "storage/repositories/contact_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"

namespace hudhud::services {
namespace {

using storage::ConversationRepository;
using storage::Session;

nlohmann::json ParseOrNull(const std::string& text) {
    if (text.empty()) return nullptr;
    auto j = nlohmann::json::parse(text, nullptr, false);
    return j.is_discarded() ? nlohmann::json(text) : j;
}

// The text an agent sees in the bubble, and the structured rest as attributes.
void Describe(const channels::InboundMessage& m, std::string& content, nlohmann::json& attrs) {
    content = m.text;
    attrs["platform_type"] = m.platform_type;
    if (m.media) {
        const auto& md = *m.media;
        if (content.empty()) content = md.caption;
        attrs["media"] = {{"media_id", md.media_id}, {"url", md.url},
                          {"mime_type", md.mime_type}, {"sha256", md.sha256},
                          {"filename", md.filename}, {"voice", md.voice},
                          {"animated", md.animated}};
    }
    if (m.location) {
        const auto& l = *m.location;
        attrs["location"] = {{"latitude", l.latitude}, {"longitude", l.longitude},
                             {"name", l.name}, {"address", l.address}, {"url", l.url}};
        if (content.empty()) content = !l.name.empty() ? l.name : l.address;
    }
    if (m.reply) {
        attrs["reply"] = {{"kind", m.reply->kind}, {"id", m.reply->id},
                          {"title", m.reply->title}, {"description", m.reply->description}};
        if (content.empty()) content = m.reply->title;
    }
    if (!m.contacts_json.empty()) attrs["contacts"] = ParseOrNull(m.contacts_json);
    if (!m.order_json.empty()) attrs["order"] = ParseOrNull(m.order_json);
    if (!m.referral_json.empty()) attrs["referral"] = ParseOrNull(m.referral_json);
    if (m.forwarded) attrs["forwarded"] = true;
    if (!m.errors.empty()) {
        nlohmann::json errors = nlohmann::json::array();
        for (const auto& e : m.errors) {
            errors.push_back({{"code", e.code}, {"title", e.title}, {"message", e.message}});
        }
        attrs["errors"] = errors;
    }
}

DeliveryStatus ToDeliveryStatus(channels::DeliveryState s) {
    switch (s) {
        case channels::DeliveryState::kSent: return DeliveryStatus::kSent;
        case channels::DeliveryState::kDelivered: return DeliveryStatus::kDelivered;
        case channels::DeliveryState::kRead: return DeliveryStatus::kRead;
        case channels::DeliveryState::kFailed: return DeliveryStatus::kFailed;
    }
    return DeliveryStatus::kSent;
}

using Changes = IngestChanges;

class Ingestor {
public:
    Ingestor(Session& s, WorkspaceId ws, InboxId inbox, Timestamp now, IngestSummary& out,
             Changes& changes)
        : s_(s), ws_(ws), inbox_(inbox), now_(now), out_(out), created_(changes.created),
          created_rows_(changes.created_rows),
          updated_(changes.updated), conversations_(changes.conversations),
          reopened_(changes.reopened) {}

    Status operator()(const channels::InboundMessage& m) {
        std::string content;
        nlohmann::json attrs = nlohmann::json::object();
        Describe(m, content, attrs);
        storage::NewMessage nm;
        nm.content = std::move(content);
        nm.content_type = std::string(channels::ContentTypeName(m.type));
        nm.content_attributes_json = attrs.dump(-1, ' ', false,
                                                nlohmann::json::error_handler_t::replace);
        last_created_.reset();
        HH_RETURN_IF_ERROR(Append(m.sender, m.external_id, m.sent_at, m.reply_to_external_id,
                                  m.referral_json, std::move(nm)));
        return QueueMedia(m);
    }

    // Media of a newly stored message: its attachment row and download job (media_service),
    // listed in the message's content_attributes.attachments so agents find the file.
    Status QueueMedia(const channels::InboundMessage& m) {
        if (!m.media || media_jobs == nullptr || !last_created_) return Ok();
        HH_ASSIGN_OR_RETURN(auto att,
                            RecordInboundMedia(s_, *media_jobs, ws_, *last_created_, m, now_));
        if (!att) return Ok();
        ++out_.media_queued;
        Message& row = created_rows_.back();
        auto attrs = nlohmann::json::parse(row.content_attributes_json, nullptr, false);
        if (!attrs.is_object()) attrs = nlohmann::json::object();
        attrs["attachments"] = nlohmann::json::array({AttachmentSummaryJson(*att)});
        row.content_attributes_json =
            attrs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return ConversationRepository::SetContentAttributes(s_, ws_, row.id,
                                                            row.content_attributes_json, now_);
    }

    jobs::JobQueue* media_jobs = nullptr;

    Status operator()(const channels::InboundReaction& r) {
        storage::NewMessage nm;
        nm.content = r.emoji;
        nm.content_type = "reaction";
        nm.content_attributes_json =
            nlohmann::json{{"target_external_id", r.target_external_id}, {"removed", r.removed()}}
                .dump();
        return Append(r.sender, r.external_id, r.sent_at, r.target_external_id, "",
                      std::move(nm));
    }

    Status operator()(const channels::DeliveryStatus& d) {
        std::optional<std::string> code;
        std::optional<std::string> message;
        if (!d.errors.empty()) {
            code = std::to_string(d.errors.front().code);
            const auto& e = d.errors.front();
            message = !e.details.empty() ? e.details : !e.message.empty() ? e.message : e.title;
        }
        auto applied = ConversationRepository::ApplyDeliveryStatus(
            s_, ws_, inbox_, d.external_message_id, ToDeliveryStatus(d.state), d.at.value_or(now_),
            code, message);
        if (!applied.ok()) {
            // A report for a message sent outside Hudhud (or already deleted) is not an error.
            if (applied.error().code == ErrorCode::kNotFound) {
                ++out_.statuses_ignored;
                return Ok();
            }
            return std::move(applied).error();
        }
        if (*applied) {
            ++out_.statuses_applied;
            updated_.push_back(**applied);
        } else {
            ++out_.statuses_ignored;
        }
        return Ok();
    }

    Status operator()(const channels::ContactChange& c) {
        if (c.new_external_id.empty() || c.previous.external_id.empty()) {
            ++out_.other_events;
            return Ok();
        }
        return ConversationRepository::RekeyIdentity(s_, ws_, inbox_, c.previous.external_id,
                                                     c.new_external_id);
    }

    Status operator()(const channels::ConsentChange& c) {
        HH_ASSIGN_OR_RETURN(auto contact, ConversationRepository::FindContactByIdentity(
                                              s_, ws_, inbox_, c.sender.external_id));
        if (!contact) {
            HH_ASSIGN_OR_RETURN(auto resolved,
                                ConversationRepository::ResolveContact(
                                    s_, ws_, inbox_, c.sender.external_id, c.sender.secondary_id,
                                    c.sender.profile_name.value_or(""), now_));
            if (resolved.created) ++out_.contacts_created;
            contact = resolved.contact_id;
        }
        ++out_.consent_changes;
        return storage::ContactRepository::SetMarketingConsent(
            s_, ws_, *contact, c.action == channels::ConsentAction::kResume, c.at.value_or(now_));
    }

    Status operator()(const channels::AccountError&) {
        ++out_.other_events;
        return Ok();
    }
    Status operator()(const channels::UnrecognizedEvent&) {
        ++out_.other_events;
        return Ok();
    }

private:
    Status Append(const channels::Sender& sender, const std::string& external_id,
                  const std::optional<Timestamp>& sent_at,
                  const std::optional<std::string>& reply_to, const std::string& referral,
                  storage::NewMessage nm) {
        if (external_id.empty() || sender.external_id.empty()) {
            return Error::InvalidArgument("message without an id or a sender");
        }
        // One round trip answers the common case: a known customer writing again.
        HH_ASSIGN_OR_RETURN(auto known, ConversationRepository::LookupIncoming(
                                            s_, ws_, inbox_, sender.external_id, external_id));
        // A retry of a stored message changes nothing at all.
        if (known.existing) {
            ++out_.duplicates;
            return Ok();
        }
        storage::ResolvedContact contact;
        std::optional<ConversationId> active = known.active_conversation;
        std::string active_status = known.active_status;
        if (known.contact && (!sender.secondary_id || known.secondary_id == sender.secondary_id)) {
            contact = storage::ResolvedContact{*known.contact, *known.identity, false};
        } else {
            // A new sender, or one whose secondary id must be recorded or matched.
            HH_ASSIGN_OR_RETURN(contact, ConversationRepository::ResolveContact(
                                             s_, ws_, inbox_, sender.external_id,
                                             sender.secondary_id,
                                             sender.profile_name.value_or(""), now_));
            if (contact.created) ++out_.contacts_created;
            HH_ASSIGN_OR_RETURN(auto found, ConversationRepository::FindActive(
                                                s_, ws_, inbox_, contact.contact_id));
            active = found ? std::optional<ConversationId>(found->id) : std::nullopt;
            active_status = found ? found->status : "";
        }
        ConversationId conversation;
        if (active) {
            conversation = *active;
            // NoteIncoming reopens it; agents see that as conversation.updated.
            if ((active_status == "snoozed" || active_status == "pending") &&
                std::find(reopened_.begin(), reopened_.end(), conversation) == reopened_.end()) {
                reopened_.push_back(conversation);
            }
        } else {
            std::optional<std::string> ref;
            if (!referral.empty()) ref = referral;
            HH_ASSIGN_OR_RETURN(auto created,
                                ConversationRepository::Create(s_, ws_, inbox_, contact.contact_id,
                                                               contact.identity_id, ref, now_));
            conversation = created.id;
            conversations_.push_back(created.id);
            ++out_.conversations_created;
            // Shared inbox (issue 4): round-robin auto-assignment, when the inbox enables it.
            HH_RETURN_IF_ERROR(AutoAssignNewConversation(s_, ws_, inbox_, created.id, now_));
        }
        if (reply_to && !reply_to->empty()) {
            HH_ASSIGN_OR_RETURN(nm.reply_to_id, ConversationRepository::FindMessageByExternalId(
                                                    s_, ws_, inbox_, *reply_to));
        }
        nm.external_id = external_id;
        nm.created_at = sent_at.value_or(now_);
        HH_ASSIGN_OR_RETURN(auto row, ConversationRepository::AppendMessageRow(
                                          s_, ws_, conversation, inbox_, nm));
        if (!row) {
            ++out_.duplicates;
            return Ok();
        }
        ++out_.messages_created;
        created_.push_back(row->id);
        last_created_ = row->id;
        created_rows_.push_back(std::move(*row));
        // The customer service window runs from when the customer wrote, not from when the
        // platform got round to telling us (never later than now).
        return ConversationRepository::NoteIncoming(s_, ws_, conversation,
                                                    std::min(sent_at.value_or(now_), now_));
    }

    Session& s_;
    WorkspaceId ws_;
    InboxId inbox_;
    Timestamp now_;
    IngestSummary& out_;
    std::optional<MessageId> last_created_;
    std::vector<MessageId>& created_;
    std::vector<Message>& created_rows_;
    std::vector<MessageId>& updated_;
    std::vector<ConversationId>& conversations_;
    std::vector<ConversationId>& reopened_;
};

}  // namespace

Result<IngestSummary> InboundMessageService::Ingest(
    WorkspaceId ws, InboxId inbox, const std::vector<channels::InboundEvent>& events) {
    const Timestamp now = clock_.Now();
    IngestSummary summary;
    IngestChanges changes;
    Status st = db_.Write([&](Session& s) -> Status {
        // The work may run again (see Database::Write): start from nothing each time.
        HH_ASSIGN_OR_RETURN(summary, IngestIn(s, ws, inbox, events, now, changes));
        return Ok();
    });
    if (!st.ok()) return std::move(st).error();
    AfterCommit(ws, summary, changes);
    return summary;
}

Result<IngestSummary> InboundMessageService::IngestIn(
    Session& s, WorkspaceId ws, InboxId inbox, const std::vector<channels::InboundEvent>& events,
    Timestamp now, IngestChanges& changes) const {
    IngestSummary summary;
    changes = IngestChanges{};
    Ingestor ingest(s, ws, inbox, now, summary, changes);
    ingest.media_jobs = media_jobs_;
    for (const auto& e : events) HH_RETURN_IF_ERROR(std::visit(ingest, e.body));
    return summary;
}

void InboundMessageService::AfterCommit(WorkspaceId ws, const IngestSummary& summary,
                                        const IngestChanges& changes) const {
    if (media_jobs_ != nullptr && summary.media_queued > 0) media_jobs_->NotifyEnqueued();
    if (events_ != nullptr) {
        // New messages are published as they were stored; statuses and new conversations are
        // read back.
        PublishCommitted(db_, *events_, ws, changes.conversations, {}, changes.updated,
                         changes.reopened);
        for (const auto& m : changes.created_rows) PublishMessage(*events_, "message.created", m);
    }
}

}  // namespace hudhud::services
