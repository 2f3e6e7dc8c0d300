#include "services/outbound_message_service.hpp"

#include <nlohmann/json.hpp>
#include <thread>

#include "channels/whatsapp/whatsapp_graph.hpp"
#include "channels/whatsapp/whatsapp_media.hpp"
#include "log/log.hpp"
#include "services/platform_calls.hpp"
#include "services/media_service.hpp"
#include "services/message_events.hpp"
#include "storage/repositories/attachment_repository.hpp"
#include "storage/repositories/contact_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/repositories/inbox_repository.hpp"
#include "storage/repositories/template_repository.hpp"

namespace hudhud::services {
namespace {

using channels::OutboundKind;
using storage::ConversationRepository;
using storage::InboxRepository;
using storage::Session;

using json = nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The normalized outbound message is kept on the message row (content_attributes.outbound), so
// the send job needs nothing but the message id, and agents see what was sent.
json OutboundToJson(const channels::OutboundMessage& m) {
    json j = {{"kind", channels::OutboundKindName(m.kind)}, {"recipient", m.recipient}};
    if (!m.text.empty()) j["text"] = m.text;
    if (m.reply_to_external_id) j["reply_to_external_id"] = *m.reply_to_external_id;
    if (m.media) {
        j["media"] = {{"kind", m.media->kind},         {"link", m.media->link},
                      {"media_id", m.media->media_id}, {"caption", m.media->caption},
                      {"filename", m.media->filename}};
    }
    if (m.location) {
        j["location"] = {{"latitude", m.location->latitude},
                         {"longitude", m.location->longitude},
                         {"name", m.location->name},
                         {"address", m.location->address}};
    }
    if (!m.header.empty()) j["header"] = m.header;
    if (!m.footer.empty()) j["footer"] = m.footer;
    if (!m.buttons.empty()) {
        json b = json::array();
        for (const auto& x : m.buttons) b.push_back({{"id", x.id}, {"title", x.title}});
        j["buttons"] = b;
    }
    if (!m.sections.empty()) {
        json sections = json::array();
        for (const auto& s : m.sections) {
            json rows = json::array();
            for (const auto& r : s.rows) {
                rows.push_back({{"id", r.id}, {"title", r.title}, {"description", r.description}});
            }
            sections.push_back({{"title", s.title}, {"rows", rows}});
        }
        j["list_button"] = m.list_button;
        j["sections"] = sections;
    }
    if (m.template_message) {
        j["template"] = {{"name", m.template_message->name},
                         {"language", m.template_message->language},
                         {"components", json::parse(m.template_message->components_json, nullptr,
                                                    false)}};
    }
    if (!m.target_external_id.empty()) j["target_external_id"] = m.target_external_id;
    if (m.kind == OutboundKind::kReaction) j["emoji"] = m.emoji;
    return j;
}

Result<channels::OutboundMessage> OutboundFromJson(const json& j) {
    if (!j.is_object()) return Error::Internal("message has no outbound description");
    channels::OutboundMessage m;
    const std::string kind = JsonString(j, "kind");
    static const std::pair<const char*, OutboundKind> kKinds[] = {
        {"text", OutboundKind::kText},         {"media", OutboundKind::kMedia},
        {"location", OutboundKind::kLocation}, {"buttons", OutboundKind::kButtons},
        {"list", OutboundKind::kList},         {"template", OutboundKind::kTemplate},
        {"reaction", OutboundKind::kReaction}, {"mark_read", OutboundKind::kMarkRead}};
    bool known = false;
    for (const auto& [name, k] : kKinds) {
        if (kind == name) {
            m.kind = k;
            known = true;
        }
    }
    if (!known) return Error::Internal("unknown outbound kind '" + kind + "'");
    m.recipient = JsonString(j, "recipient");
    m.text = JsonString(j, "text");
    if (j.contains("reply_to_external_id")) m.reply_to_external_id = JsonString(j, "reply_to_external_id");
    if (auto it = j.find("media"); it != j.end() && it->is_object()) {
        m.media = channels::OutboundMedia{JsonString(*it, "kind"), JsonString(*it, "link"), JsonString(*it, "media_id"),
                                          JsonString(*it, "caption"), JsonString(*it, "filename")};
    }
    if (auto it = j.find("location"); it != j.end() && it->is_object()) {
        channels::Location l;
        l.latitude = it->value("latitude", 0.0);
        l.longitude = it->value("longitude", 0.0);
        l.name = JsonString(*it, "name");
        l.address = JsonString(*it, "address");
        m.location = l;
    }
    m.header = JsonString(j, "header");
    m.footer = JsonString(j, "footer");
    if (auto it = j.find("buttons"); it != j.end() && it->is_array()) {
        for (const auto& b : *it) m.buttons.push_back({JsonString(b, "id"), JsonString(b, "title")});
    }
    m.list_button = JsonString(j, "list_button");
    if (auto it = j.find("sections"); it != j.end() && it->is_array()) {
        for (const auto& s : *it) {
            channels::OutboundListSection section;
            section.title = JsonString(s, "title");
            if (auto rows = s.find("rows"); rows != s.end() && rows->is_array()) {
                for (const auto& r : *rows) {
                    section.rows.push_back({JsonString(r, "id"), JsonString(r, "title"), JsonString(r, "description")});
                }
            }
            m.sections.push_back(std::move(section));
        }
    }
    if (auto it = j.find("template"); it != j.end() && it->is_object()) {
        channels::OutboundTemplate t;
        t.name = JsonString(*it, "name");
        t.language = JsonString(*it, "language");
        t.components_json = it->contains("components") ? Dump((*it)["components"]) : "[]";
        m.template_message = t;
    }
    m.target_external_id = JsonString(j, "target_external_id");
    m.emoji = JsonString(j, "emoji");
    return m;
}

// What the bubble shows and the message's content_type.
std::string ContentTypeFor(const channels::OutboundMessage& m) {
    switch (m.kind) {
        case OutboundKind::kText:
            return "text";
        case OutboundKind::kMedia:
            return m.media ? m.media->kind : "document";
        case OutboundKind::kLocation:
            return "location";
        case OutboundKind::kButtons:
        case OutboundKind::kList:
            return "interactive";
        case OutboundKind::kTemplate:
            return "template";
        case OutboundKind::kReaction:
            return "reaction";
        case OutboundKind::kMarkRead:
            return "read";
    }
    return "text";
}

// Channels whose messages are delivered by our own real-time events rather than a platform API.
bool DeliveredByEvents(ChannelKind kind) {
    return kind == ChannelKind::kWebChat || kind == ChannelKind::kApi;
}

struct SendContext {
    storage::ConversationRow conversation;
    Inbox inbox;
    storage::IdentityKeys recipient;
    std::optional<std::string> reply_to_external_id;
    std::optional<std::string> reaction_target;
    std::optional<storage::MessageTemplate> template_row;
    std::optional<storage::Attachment> attachment;
    bool marketing_consent = false;
};

// Graph's multipart filename may not hold quotes, slashes or control characters.
std::string UploadFileName(const storage::Attachment& a) {
    std::string name;
    for (char c : a.file_name) {
        const auto u = static_cast<unsigned char>(c);
        name.push_back(u < 0x20 || u == 0x7f || c == '"' || c == '/' || c == '\\' ? '_' : c);
    }
    if (name.empty()) name = a.kind + "-" + a.id.str();
    return name;
}

std::string FormatTime(Timestamp t) {
    const std::time_t secs = static_cast<std::time_t>(ToMicros(t) / 1'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

int MessagesPerSecond(const Inbox& inbox, int fallback) {
    json settings = ParseJsonObject(inbox.settings_json);
    if (auto it = settings.find("messages_per_second"); it != settings.end() && it->is_number()) {
        const auto v = it->get<std::int64_t>();
        if (v >= 1 && v <= 10000) return static_cast<int>(v);
    }
    return fallback;
}

}  // namespace

OutboundMessageService::OutboundMessageService(storage::Database& db, const Clock& clock,
                                               const secrets::Keyring& keyring,
                                               const channels::AdapterRegistry& adapters,
                                               jobs::JobQueue& jobs, const net::HttpClient& http,
                                               const events::EventBus* events, Options options)
    : db_(db),
      clock_(clock),
      keyring_(keyring),
      adapters_(adapters),
      jobs_(jobs),
      http_(http),
      events_(events),
      options_(std::move(options)) {}

std::optional<Timestamp> OutboundMessageService::ReplyWindowEnds(
    ChannelKind kind, const std::optional<Timestamp>& last_incoming) const {
    if (kind != ChannelKind::kWhatsApp || !last_incoming) return std::nullopt;
    return *last_incoming + options_.reply_window;
}

Result<Message> OutboundMessageService::Send(WorkspaceId ws, ConversationId conversation_id,
                                             const MessageAuthor& author,
                                             const OutgoingMessage& in) {
    const Timestamp now = clock_.Now();
    if (in.content.size() > 64 * 1024) return Error::InvalidArgument("content is too long");

    HH_ASSIGN_OR_RETURN(
        auto ctx, db_.ReadValue([&](Session& s) -> Result<SendContext> {
            SendContext c;
            HH_ASSIGN_OR_RETURN(c.conversation, ConversationRepository::Get(s, ws, conversation_id));
            HH_ASSIGN_OR_RETURN(c.inbox, InboxRepository::Get(s, ws, c.conversation.inbox_id));
            if (c.conversation.contact_identity_id) {
                HH_ASSIGN_OR_RETURN(c.recipient, ConversationRepository::GetIdentity(
                                                     s, ws, *c.conversation.contact_identity_id));
            }
            auto external_of = [&](MessageId id, const char* what) -> Result<std::string> {
                auto m = ConversationRepository::GetMessage(s, ws, id);
                if (!m.ok() || m->conversation_id != conversation_id) {
                    return Error::InvalidArgument(std::string(what) +
                                                  " must be a message of this conversation");
                }
                return m->external_id.value_or("");
            };
            if (in.reply_to_id) {
                HH_ASSIGN_OR_RETURN(auto ext, external_of(*in.reply_to_id, "reply_to_id"));
                if (!ext.empty()) c.reply_to_external_id = ext;
            }
            if (in.reaction_to) {
                HH_ASSIGN_OR_RETURN(auto ext, external_of(*in.reaction_to, "reaction_to"));
                if (ext.empty()) {
                    return Error::FailedPrecondition(
                        "that message has no platform id yet, so it cannot be reacted to");
                }
                c.reaction_target = ext;
            }
            if (in.template_message) {
                HH_ASSIGN_OR_RETURN(c.template_row,
                                    storage::TemplateRepository::Find(
                                        s, ws, c.inbox.id, in.template_message->name,
                                        in.template_message->language));
            }
            if (in.attachment_id) {
                HH_ASSIGN_OR_RETURN(c.attachment,
                                    storage::AttachmentRepository::Get(s, ws, *in.attachment_id));
            }
            HH_ASSIGN_OR_RETURN(auto contact, storage::ContactRepository::Get(
                                                  s, ws, c.conversation.contact_id));
            c.marketing_consent = contact.marketing_consent;
            return c;
        }));

    const ChannelKind channel = ctx.inbox.channel_kind;
    // The shape an attachment goes out as: on WhatsApp by its MIME type and size (stickers are
    // told apart by their first bytes); elsewhere the kind recorded at upload.
    std::string attachment_kind;
    if (ctx.attachment) {
        if (in.template_message || in.reaction_to || !in.buttons.empty() || !in.sections.empty() ||
            in.media || in.location) {
            return Error::InvalidArgument(
                "attachment_id cannot be combined with template, reaction_to, buttons, list, "
                "media or location");
        }
        const storage::Attachment& att = *ctx.attachment;
        if (att.status != storage::AttachmentStatus::kStored || !att.storage_key) {
            return Error::FailedPrecondition(
                "attachment " + att.id.str() + " is " +
                std::string(storage::AttachmentStatusName(att.status)) + ", not stored");
        }
        if (att.message_id) {
            return Error::Conflict("attachment " + att.id.str() +
                                   " already belongs to a message; upload the file again to send "
                                   "it again");
        }
        attachment_kind = att.kind;
        if (channel == ChannelKind::kWhatsApp && !in.is_private) {
            if (media_ == nullptr) {
                return Error::FailedPrecondition("attachments cannot be sent by this server");
            }
            std::string head;
            constexpr std::uint64_t kLargestSticker = 500 * 1024;
            if (BaseMimeType(att.mime_type) == "image/webp" && att.size_bytes <= kLargestSticker) {
                auto bytes = media_->Read(*att.storage_key);
                if (!bytes.ok()) return std::move(bytes).error();
                head = bytes->substr(0, 64);
            }
            HH_ASSIGN_OR_RETURN(auto rule, channels::whatsapp::OutboundMediaKind(
                                               att.mime_type, att.size_bytes, head));
            attachment_kind = rule.kind;
        }
    }

    // What would go out.
    channels::OutboundMessage out;
    out.recipient = !ctx.recipient.external_id.empty() ? ctx.recipient.external_id
                                                       : ctx.recipient.secondary_id.value_or("");
    out.reply_to_external_id = ctx.reply_to_external_id;
    if (in.template_message) {
        out.kind = OutboundKind::kTemplate;
        out.template_message = in.template_message;
    } else if (in.reaction_to) {
        out.kind = OutboundKind::kReaction;
        out.target_external_id = *ctx.reaction_target;
        out.emoji = in.content;
        out.reply_to_external_id.reset();
    } else if (!in.buttons.empty()) {
        out.kind = OutboundKind::kButtons;
        out.buttons = in.buttons;
    } else if (!in.sections.empty()) {
        out.kind = OutboundKind::kList;
        out.sections = in.sections;
        out.list_button = in.list_button;
    } else if (in.media) {
        out.kind = OutboundKind::kMedia;
        out.media = in.media;
        if (out.media->caption.empty()) out.media->caption = in.content;
    } else if (ctx.attachment) {
        out.kind = OutboundKind::kMedia;
        channels::OutboundMedia media;
        media.kind = attachment_kind;
        media.caption = in.content;
        if (attachment_kind == "document") media.filename = ctx.attachment->file_name;
        out.media = std::move(media);
    } else if (in.location) {
        out.kind = OutboundKind::kLocation;
        out.location = in.location;
    } else {
        out.kind = OutboundKind::kText;
        if (in.content.empty()) return Error::InvalidArgument("content is required");
    }
    if (out.kind == OutboundKind::kButtons || out.kind == OutboundKind::kList ||
        out.kind == OutboundKind::kText) {
        out.text = in.content;
    }
    out.header = in.header;
    out.footer = in.footer;

    const bool by_events = DeliveredByEvents(channel);
    if (!in.is_private) {
        if (ctx.inbox.status == InboxStatus::kDisconnected) {
            return Error::FailedPrecondition(
                "this inbox is disconnected; connect the channel again to reply");
        }
        if (ctx.inbox.status == InboxStatus::kNeedsReconnect) {
            return Error::FailedPrecondition(
                "the channel's access token was revoked or has expired; reconnect the inbox "
                "before sending");
        }
        if (by_events) {
            if (out.kind != OutboundKind::kText && !ctx.attachment) {
                return Error::InvalidArgument(std::string(ChannelKindName(channel)) +
                                              " conversations take text replies and attachments "
                                              "only");
            }
        } else {
            const channels::ChannelAdapter* adapter = adapters_.Find(channel);
            if (adapter == nullptr) {
                return Error::FailedPrecondition(std::string(ChannelKindName(channel)) +
                                                 " cannot send messages yet");
            }
            if (out.recipient.empty()) {
                return Error::FailedPrecondition("the contact has no address on this channel");
            }
            if (channel == ChannelKind::kWhatsApp) {
                if (!ctx.inbox.external_account_id) {
                    return Error::FailedPrecondition(
                        "the WhatsApp inbox has no phone_number_id in its settings");
                }
                const auto ends = ReplyWindowEnds(channel, ctx.conversation.last_incoming_at);
                if (out.kind != OutboundKind::kTemplate && (!ends || now >= *ends)) {
                    return Error::FailedPrecondition(
                        ends ? "the 24-hour customer service window closed at " +
                                   FormatTime(*ends) +
                                   "; only an approved template can be sent until the customer "
                                   "writes again"
                             : "the customer has not written on WhatsApp yet; only an approved "
                               "template can start the conversation");
                }
            }
            if (out.kind == OutboundKind::kTemplate) {
                const auto& t = ctx.template_row;
                if (!t) {
                    return Error::FailedPrecondition(
                        "template '" + in.template_message->name + "' (" +
                        in.template_message->language +
                        ") is not among this number's synced templates; sync the templates "
                        "or check the name and language");
                }
                if (t->status != "APPROVED") {
                    return Error::FailedPrecondition("template '" + t->name + "' is " +
                                                     t->status + ", not APPROVED");
                }
                if (t->category == "MARKETING" && !ctx.marketing_consent) {
                    return Error::FailedPrecondition(
                        "the contact has not opted in to marketing messages (or opted out), so "
                        "marketing templates cannot be sent to them");
                }
            }
            // The platform's own rules (lengths, counts) are checked before anything is stored.
            channels::ChannelAccount probe{options_.graph_api_url, options_.graph_api_version,
                                           ctx.inbox.external_account_id.value_or("0"), "",
                                           "validation"};
            channels::OutboundMessage checked = out;
            // The media id comes from the upload the job does first.
            if (ctx.attachment) checked.media->media_id = "0";
            HH_RETURN_IF_ERROR(adapter->BuildSend(checked, probe));
        }
    } else if (in.content.empty() && !ctx.attachment) {
        return Error::InvalidArgument("content is required");
    }

    json attrs = json::object();
    if (!in.is_private && !by_events) {
        attrs["outbound"] = OutboundToJson(out);
        if (ctx.attachment)
            attrs["outbound"]["media"]["attachment_id"] = ctx.attachment->id.value();
    }
    if (ctx.attachment)
        attrs["attachments"] = json::array({AttachmentSummaryJson(*ctx.attachment)});
    if (in.template_message) {
        attrs["template"] = {{"name", in.template_message->name},
                             {"language", in.template_message->language}};
    }
    if (in.reaction_to) attrs["reaction_to"] = in.reaction_to->value();
    storage::NewMessage nm;
    nm.direction = MessageDirection::kOutgoing;
    nm.sender_kind = author.kind;
    nm.sender_id = author.id;
    nm.is_private = in.is_private;
    nm.content = out.kind == OutboundKind::kTemplate ? "[template] " + in.template_message->name
                                                      : in.content;
    nm.content_type = ContentTypeFor(out);
    nm.content_attributes_json = Dump(attrs);
    nm.reply_to_id = in.reply_to_id;
    const bool queue = !in.is_private && !by_events;
    nm.status = queue ? DeliveryStatus::kPending : DeliveryStatus::kSent;
    nm.created_at = now;

    HH_ASSIGN_OR_RETURN(auto id, db_.WriteValue([&](Session& s) -> Result<MessageId> {
        HH_ASSIGN_OR_RETURN(auto appended, ConversationRepository::AppendMessage(
                                               s, ws, conversation_id, ctx.inbox.id, nm));
        if (!appended) return Error::Internal("message was not stored");
        if (ctx.attachment) {
            HH_RETURN_IF_ERROR(storage::AttachmentRepository::BindToMessage(
                s, ws, ctx.attachment->id, *appended, now));
        }
        HH_RETURN_IF_ERROR(ConversationRepository::NoteOutgoing(s, ws, conversation_id, now));
        if (queue) {
            jobs::NewJob job;
            job.workspace = ws;
            job.type = std::string(kSendJob);
            job.payload_json = Dump({{"message_id", appended->value()}});
            job.max_attempts = options_.max_attempts;
            job.unique_key = "message.send:" + appended->str();
            HH_RETURN_IF_ERROR(jobs_.Enqueue(s, job));
        }
        return *appended;
    }));
    if (queue) jobs_.NotifyEnqueued();
    HH_ASSIGN_OR_RETURN(auto message, db_.ReadValue([&](Session& s) {
        return ConversationRepository::GetMessage(s, ws, id);
    }));
    if (events_ != nullptr) PublishMessage(*events_, "message.created", message);
    return message;
}

Status OutboundMessageService::ProcessSend(const jobs::JobContext& job) {
    const WorkspaceId ws = job.workspace;
    json payload = json::parse(job.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("message_id") ||
        !payload["message_id"].is_number_integer()) {
        return Error::InvalidArgument("message.send payload needs message_id");
    }
    const MessageId id(payload["message_id"].get<std::int64_t>());

    struct Loaded {
        Message message;
        Inbox inbox;
        ContactId contact;
    };
    auto loaded = db_.ReadValue([&](Session& s) -> Result<Loaded> {
        Loaded l;
        HH_ASSIGN_OR_RETURN(l.message, ConversationRepository::GetMessage(s, ws, id));
        HH_ASSIGN_OR_RETURN(l.inbox, InboxRepository::Get(s, ws, l.message.inbox_id));
        HH_ASSIGN_OR_RETURN(auto conv,
                            ConversationRepository::Get(s, ws, l.message.conversation_id));
        l.contact = conv.contact_id;
        return l;
    });
    if (!loaded.ok()) {
        // Deleted meanwhile (erasure, inbox removed): nothing left to send.
        if (loaded.error().code == ErrorCode::kNotFound) return Ok();
        return std::move(loaded).error();
    }
    const Message& message = loaded->message;
    const Inbox& inbox = loaded->inbox;
    if (message.status != DeliveryStatus::kPending) return Ok();  // already recorded

    auto publish_update = [&]() {
        if (events_ == nullptr) return;
        auto m = db_.ReadValue([&](Session& s) { return ConversationRepository::GetMessage(s, ws, id); });
        if (m.ok()) PublishMessage(*events_, "message.updated", *m);
    };
    auto fail = [&](const std::string& code, const std::string& why) -> Status {
        HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
            return ConversationRepository::MarkOutboundFailed(s, ws, id, code, why, clock_.Now())
                .ok()
                ? Ok()
                : Error::Unavailable("could not record the failure");
        }));
        log::Warn("outbound.failed", {{"workspace_id", ws.value()},
                                      {"message_id", id.value()},
                                      {"inbox_id", inbox.id.value()},
                                      {"code", code},
                                      {"reason", why}});
        publish_update();
        return Ok();
    };

    if (inbox.status != InboxStatus::kActive || !inbox.credentials_enc) {
        return fail("inbox_unavailable", inbox.status == InboxStatus::kNeedsReconnect
                                             ? "the channel needs to be reconnected"
                                             : "the inbox was disconnected before sending");
    }
    const channels::ChannelAdapter* adapter = adapters_.Find(inbox.channel_kind);
    if (adapter == nullptr) return fail("unsupported_channel", "this channel cannot send");
    const json outbound_json =
        ParseJsonObject(message.content_attributes_json).value("outbound", json());
    auto outbound = OutboundFromJson(outbound_json);
    if (!outbound.ok()) return fail("invalid_message", outbound.error().message);

    auto platform = PlatformAccount(inbox, keyring_, options_.graph_api_url,
                                    options_.graph_api_version);
    if (!platform.ok()) {
        return fail("credentials_unusable", "the inbox's credentials cannot be read");
    }
    const channels::ChannelAccount& account = *platform;
    if (account.access_token.empty()) {
        return fail("credentials_missing", "the inbox has no access_token");
    }

    // The platform could not be reached: retried, except on the last attempt.
    auto unreachable = [&](Error e) -> Status {
        if (job.last_attempt()) {
            return fail("unreachable", "could not reach " +
                                           std::string(ChannelKindName(inbox.channel_kind)) + ": " +
                                           e.message);
        }
        return e;
    };
    // The platform refused (upload or send): retried, recorded, or the inbox marked by what the
    // error means.
    auto refused = [&](const net::HttpResponse& response) -> Status {
        const channels::ErrorClass cls = adapter->ClassifySendError(response.status, response.body);
        const std::string code = cls.platform_code != 0 ? std::to_string(cls.platform_code)
                                                        : "http_" + std::to_string(response.status);
        if (cls.needs_reconnect) {
            storage::InboxUpdate u;
            u.status = InboxStatus::kNeedsReconnect;
            HH_RETURN_IF_ERROR(db_.Write([&](Session& s) {
                return InboxRepository::Update(s, ws, inbox.id, u, clock_.Now());
            }));
            log::Error("inbox.needs_reconnect", {{"workspace_id", ws.value()},
                                                 {"inbox_id", inbox.id.value()},
                                                 {"platform_code", cls.platform_code}});
            if (events_ != nullptr) {
                events::Event e;
                e.workspace_id = ws;
                e.type = "inbox.updated";
                e.data_json = Dump({{"id", inbox.id.value()}, {"status", "needs_reconnect"}});
                e.inbox_id = inbox.id;
                events_->Publish(e);
            }
            return fail(code, cls.message);
        }
        if (cls.hint == channels::ErrorHint::kMarketingOptOut ||
            cls.hint == channels::ErrorHint::kRecipientUnreachable) {
            const Timestamp now = clock_.Now();
            Status st = db_.Write([&](Session& s) {
                return cls.hint == channels::ErrorHint::kMarketingOptOut
                           ? storage::ContactRepository::SetMarketingConsent(s, ws, loaded->contact,
                                                                             false, now)
                           : storage::ContactRepository::SetReachable(s, ws, loaded->contact, false,
                                                                      now);
            });
            if (!st.ok()) return st;
        }
        if (cls.retryable && !job.last_attempt()) {
            Error e = cls.ToError();
            e.retryable = true;
            return e;
        }
        return fail(code, cls.message);
    };

    // An uploaded file goes to the platform's media endpoint first, once: the media id is kept
    // on the attachment, and a later attempt (after a failed send) reuses it.
    if (outbound->kind == OutboundKind::kMedia && outbound->media &&
        outbound->media->media_id.empty() && outbound->media->link.empty()) {
        const json& media_json = outbound_json.at("media");
        if (!media_json.contains("attachment_id") ||
            !media_json["attachment_id"].is_number_integer()) {
            return fail("invalid_message", "the media message has neither a file nor a media id");
        }
        const AttachmentId attachment_id(media_json["attachment_id"].get<std::int64_t>());
        auto att = db_.ReadValue(
            [&](Session& s) { return storage::AttachmentRepository::Get(s, ws, attachment_id); });
        if (!att.ok()) {
            if (att.error().code == ErrorCode::kNotFound) {
                return fail("attachment_missing", "the attachment was deleted before it was sent");
            }
            return std::move(att).error();
        }
        if (att->external_media_id && att->inbox_id == inbox.id) {
            outbound->media->media_id = *att->external_media_id;
        } else {
            if (media_ == nullptr || inbox.channel_kind != ChannelKind::kWhatsApp) {
                return fail("unsupported_channel", "this channel cannot upload files");
            }
            if (!att->storage_key) {
                return fail("attachment_missing", "the attachment has no stored file");
            }
            auto bytes = media_->Read(*att->storage_key);
            if (!bytes.ok()) {
                if (bytes.error().code == ErrorCode::kNotFound) {
                    return fail("attachment_missing",
                                "the attachment's file is missing from the "
                                "media store");
                }
                return std::move(bytes).error();
            }
            const std::string mime = BaseMimeType(att->mime_type);
            auto upload = channels::whatsapp::BuildMediaUpload(account, mime, UploadFileName(*att));
            if (!upload.ok()) return fail("invalid_message", upload.error().message);
            net::HttpRequest request = ToHttpRequest(upload->call);  // multipart: no body
            // Up to 100 MB going out: minutes on a slow link, not the 15 s of a message.
            request.timeout = std::chrono::minutes(5);
            request.max_response_bytes = 64u << 10;
            std::vector<net::MultipartPart> parts;
            for (const auto& f : upload->fields) {
                net::MultipartPart field;
                field.name = f.name;
                field.value = f.value;
                parts.push_back(std::move(field));
            }
            net::MultipartPart file;
            file.name = upload->file_field;
            file.value = std::move(bytes).value();
            file.filename = upload->filename;
            file.content_type = upload->mime_type;
            parts.push_back(std::move(file));
            auto response = http_.SendMultipart(request, parts);
            if (!response.ok()) return unreachable(std::move(response).error());
            if (response->status < 200 || response->status >= 300) return refused(*response);
            auto media_id = channels::whatsapp::ParseMediaUploadResponse(response->body);
            if (!media_id.ok()) {
                Error e = std::move(media_id).error();
                if (job.last_attempt()) return fail("invalid_response", e.message);
                e.retryable = true;  // a proxy's page in place of Graph's answer, most likely
                return e;
            }
            HH_RETURN_IF_ERROR(db_.Write([&](Session& s) {
                return storage::AttachmentRepository::SetExternalMediaId(s, ws, attachment_id,
                                                                         *media_id, clock_.Now());
            }));
            log::Info("outbound.media_uploaded", {{"workspace_id", ws.value()},
                                                  {"message_id", id.value()},
                                                  {"attachment_id", attachment_id.value()},
                                                  {"size", att->size_bytes}});
            outbound->media->media_id = std::move(media_id).value();
        }
    }

    auto call = adapter->BuildSend(*outbound, account);
    if (!call.ok()) return fail("invalid_message", call.error().message);

    // Pace: per number and per recipient.
    const auto slot = throttle_.Acquire(inbox.id.value(),
                                        MessagesPerSecond(inbox, options_.default_messages_per_second),
                                        outbound->recipient, clock_.Now());
    if (slot.wait > options_.max_pacing_wait) {
        throttle_.Release(slot);
        return Error::RateLimited("pacing sends to this number or recipient");
    }
    if (slot.wait.count() > 0) std::this_thread::sleep_for(slot.wait);

    auto response = http_.Send(ToHttpRequest(*call));
    if (!response.ok()) return unreachable(std::move(response).error());
    if (response->status >= 200 && response->status < 300) {
        auto accepted = adapter->ParseSendResponse(response->body);
        std::string external_id = accepted.ok() ? accepted->external_id : "";
        if (!accepted.ok()) {
            log::Warn("outbound.unreadable_accept", {{"workspace_id", ws.value()},
                                                     {"message_id", id.value()},
                                                     {"error", accepted.error().message}});
        }
        HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
            auto r = ConversationRepository::MarkOutboundAccepted(s, ws, id, external_id,
                                                                  clock_.Now());
            if (!r.ok()) return std::move(r).error();
            return Ok();
        }));
        publish_update();
        return Ok();
    }
    return refused(*response);
}

Status OutboundMessageService::MarkRead(WorkspaceId ws, ConversationId conversation_id) {
    const Timestamp now = clock_.Now();
    bool queued = false;
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        queued = false;
        HH_ASSIGN_OR_RETURN(auto conv, ConversationRepository::Get(s, ws, conversation_id));
        HH_RETURN_IF_ERROR(ConversationRepository::MarkSeen(s, ws, conversation_id, now));
        HH_ASSIGN_OR_RETURN(auto inbox, InboxRepository::Get(s, ws, conv.inbox_id));
        if (inbox.channel_kind != ChannelKind::kWhatsApp ||
            inbox.status != InboxStatus::kActive) {
            return Ok();
        }
        HH_ASSIGN_OR_RETURN(auto latest,
                            ConversationRepository::LatestIncomingExternalId(s, ws, conversation_id));
        if (!latest) return Ok();
        jobs::NewJob job;
        job.workspace = ws;
        job.type = std::string(kMarkReadJob);
        job.payload_json = Dump({{"inbox_id", inbox.id.value()}, {"external_id", *latest}});
        job.max_attempts = 5;
        job.unique_key = "message.mark_read:" + conversation_id.str();
        HH_RETURN_IF_ERROR(jobs_.Enqueue(s, job));
        queued = true;
        return Ok();
    }));
    if (queued) jobs_.NotifyEnqueued();
    return Ok();
}

Status OutboundMessageService::ProcessMarkRead(const jobs::JobContext& job) {
    const WorkspaceId ws = job.workspace;
    json payload = json::parse(job.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("inbox_id") ||
        !payload["inbox_id"].is_number_integer()) {
        return Error::InvalidArgument("message.mark_read payload needs inbox_id");
    }
    const InboxId inbox_id(payload["inbox_id"].get<std::int64_t>());
    auto inbox = db_.ReadValue([&](Session& s) { return InboxRepository::Get(s, ws, inbox_id); });
    if (!inbox.ok()) return inbox.error().code == ErrorCode::kNotFound ? Ok() : inbox.error();
    if (inbox->status != InboxStatus::kActive || !inbox->credentials_enc) return Ok();
    const channels::ChannelAdapter* adapter = adapters_.Find(inbox->channel_kind);
    if (adapter == nullptr) return Ok();
    HH_ASSIGN_OR_RETURN(auto account, PlatformAccount(*inbox, keyring_, options_.graph_api_url,
                                                      options_.graph_api_version));
    channels::OutboundMessage read;
    read.kind = OutboundKind::kMarkRead;
    read.target_external_id = JsonString(payload, "external_id");
    auto call = adapter->BuildSend(read, account);
    if (!call.ok()) return Ok();  // nothing sensible to send; receipts are best effort
    HH_ASSIGN_OR_RETURN(auto response, http_.Send(ToHttpRequest(*call)));
    if (response.status >= 200 && response.status < 300) return Ok();
    const auto cls = adapter->ClassifySendError(response.status, response.body);
    if (cls.needs_reconnect) {
        storage::InboxUpdate u;
        u.status = InboxStatus::kNeedsReconnect;
        return db_.Write([&](Session& s) {
            return InboxRepository::Update(s, ws, inbox->id, u, clock_.Now());
        });
    }
    if (cls.retryable) {
        Error e = cls.ToError();
        e.retryable = true;
        return e;
    }
    log::Info("outbound.read_receipt_refused", {{"workspace_id", ws.value()},
                                                {"inbox_id", inbox->id.value()},
                                                {"platform_code", cls.platform_code}});
    return Ok();
}

}  // namespace hudhud::services
