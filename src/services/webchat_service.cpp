#include "services/webchat_service.hpp"

#include <algorithm>

#include "channels/inbound_event.hpp"
#include "channels/webchat/identity_hmac.hpp"
#include "services/message_events.hpp"
#include "storage/repositories/attachment_repository.hpp"
#include "storage/repositories/contact_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/repositories/inbox_repository.hpp"

namespace hudhud::services {
namespace {

using storage::ConversationRepository;
using storage::Session;
using storage::WebChatVisitorRepository;

constexpr std::string_view kExternalPrefix = "wc:";

bool ValidEchoId(std::string_view id) {
    return !id.empty() && id.size() <= 64 &&
           std::all_of(id.begin(), id.end(), [](unsigned char c) {
               return std::isalnum(c) || c == '-' || c == '_';
           });
}

Status CheckText(const std::optional<std::string>& v, const char* what, std::size_t max) {
    if (v && v->size() > max) {
        return Error::InvalidArgument(std::string(what) + " must be at most " +
                                      std::to_string(max) + " bytes");
    }
    return Ok();
}

Status CheckEmail(const std::optional<std::string>& email) {
    if (!email || email->empty()) return Ok();
    auto at = email->find('@');
    if (email->size() > 254 || at == std::string::npos || at == 0 || at + 1 >= email->size() ||
        email->find_first_of(" \t\r\n<>") != std::string::npos) {
        return Error::InvalidArgument("email is not a valid address");
    }
    return Ok();
}

Status CheckPhone(const std::optional<std::string>& phone) {
    if (!phone || phone->empty()) return Ok();
    if (phone->size() > 32 || phone->find_first_not_of("+0123456789 -().") != std::string::npos) {
        return Error::InvalidArgument("phone is not a valid number");
    }
    return Ok();
}

std::optional<std::string> NonEmpty(const std::optional<std::string>& v) {
    if (v && !v->empty()) return v;
    return std::nullopt;
}

channels::ContentType ContentTypeOfKind(std::string_view kind) {
    if (kind == "image") return channels::ContentType::kImage;
    if (kind == "audio") return channels::ContentType::kAudio;
    if (kind == "video") return channels::ContentType::kVideo;
    return channels::ContentType::kDocument;
}

// 812 bytes, 3.5 KB, 10 MB.
std::string HumanSize(std::uint64_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + " bytes";
    const bool mb = bytes >= (1u << 20);
    const std::uint64_t unit = mb ? (1u << 20) : 1024;
    const std::uint64_t tenths = (bytes * 10 + unit / 2) / unit;
    return std::to_string(tenths / 10) + (tenths % 10 ? "." + std::to_string(tenths % 10) : "") +
           (mb ? " MB" : " KB");
}

// The inbox's attachment policy, as errors the widget can show.
Status CheckFile(const channels::webchat::WebChatSettings& settings, const VisitorFile& f) {
    using channels::webchat::UploadVerdict;
    switch (channels::webchat::CheckUpload(settings, f.mime_type, f.bytes.size())) {
        case UploadVerdict::kAllowed:
            return Ok();
        case UploadVerdict::kDisabled:
            return Error::PermissionDenied("this chat does not accept files");
        case UploadVerdict::kEmpty:
            return Error::InvalidArgument("the file is empty");
        case UploadVerdict::kTooLarge:
            return Error::PayloadTooLarge(
                "the file is " + HumanSize(f.bytes.size()) + "; this chat accepts files up to " +
                HumanSize(static_cast<std::uint64_t>(settings.max_attachment_bytes)));
        case UploadVerdict::kUnsupportedType:
            break;
    }
    return Error::InvalidArgument("files of type '" + BaseMimeType(f.mime_type).substr(0, 100) +
                                  "' cannot be sent in this chat");
}

}  // namespace

WebChatService::WebChatService(storage::Database& db, const Clock& clock,
                               const secrets::Keyring& keyring, InboundMessageService& inbound,
                               MediaService& media, const events::EventBus* events,
                               AgentsOnline agents_online, Options options)
    : db_(db),
      clock_(clock),
      keyring_(keyring),
      inbound_(inbound),
      media_(media),
      events_(events),
      agents_online_(std::move(agents_online)),
      options_(options),
      signer_(keyring, options.tokens) {}

std::string WebChatService::IdentityKeyOf(const storage::WebChatVisitor& v) {
    if (v.hmac_verified && v.identifier && !v.identifier->empty()) return "u:" + *v.identifier;
    return "v:" + v.source_id;
}

Result<WidgetInbox> WebChatService::FindInbox(std::string_view website_token) {
    if (website_token.empty() || website_token.size() > 128) {
        return Error::NotFound("unknown website token");
    }
    HH_ASSIGN_OR_RETURN(auto inbox, db_.ReadValue([&](Session& s) {
        return storage::InboxRepository::FindByWebhookKey(s, std::string(website_token));
    }));
    if (!inbox || inbox->channel_kind != ChannelKind::kWebChat ||
        inbox->status != InboxStatus::kActive) {
        return Error::NotFound("unknown website token");
    }
    auto settings = channels::webchat::ParseSettings(inbox->settings_json);
    if (!settings.ok()) {
        return Error::Internal("web chat inbox " + inbox->id.str() +
                               " has invalid settings: " + settings.error().message);
    }
    return WidgetInbox{std::move(*inbox), std::move(settings).value()};
}

Result<VisitorContext> WebChatService::Load(const WidgetInbox& w, const std::string& source_id) {
    HH_ASSIGN_OR_RETURN(auto visitor, db_.ReadValue([&](Session& s) {
        return WebChatVisitorRepository::Find(s, w.inbox.workspace_id, w.inbox.id, source_id);
    }));
    if (!visitor) return Error::Unauthenticated("unknown visitor");
    VisitorContext ctx{w, std::move(*visitor), {}};
    ctx.identity_key = IdentityKeyOf(ctx.visitor);
    return ctx;
}

Result<VisitorSession> WebChatService::Issue(VisitorContext ctx) {
    auto claims = signer_.Claims(ctx.widget.inbox.workspace_id, ctx.widget.inbox.id,
                                 ctx.visitor.source_id, clock_.Now());
    HH_ASSIGN_OR_RETURN(auto token, signer_.Issue(claims));
    return VisitorSession{std::move(ctx), std::move(token), claims.expires_at};
}

Result<VisitorSession> WebChatService::StartSession(std::string_view website_token,
                                                    const VisitorClientInfo& info) {
    HH_ASSIGN_OR_RETURN(auto widget, FindInbox(website_token));
    storage::NewWebChatVisitor nv;
    nv.source_id = channels::webchat::NewSourceId();
    nv.user_agent = info.user_agent.substr(0, 512);
    nv.referer = info.referer.substr(0, 1024);
    if (info.locale) nv.locale = info.locale->substr(0, 16);
    const Timestamp now = clock_.Now();
    HH_ASSIGN_OR_RETURN(auto visitor, db_.WriteValue([&](Session& s) {
        return WebChatVisitorRepository::Create(s, widget.inbox.workspace_id, widget.inbox.id, nv,
                                                now);
    }));
    VisitorContext ctx{std::move(widget), std::move(visitor), {}};
    ctx.identity_key = IdentityKeyOf(ctx.visitor);
    return Issue(std::move(ctx));
}

Result<VisitorContext> WebChatService::Authenticate(std::string_view website_token,
                                                    std::string_view token) {
    HH_ASSIGN_OR_RETURN(auto claims, signer_.Verify(token, clock_.Now()));
    HH_ASSIGN_OR_RETURN(auto widget, FindInbox(website_token));
    // A token is bound to its workspace and inbox: valid elsewhere means nothing here.
    if (claims.workspace_id != widget.inbox.workspace_id || claims.inbox_id != widget.inbox.id) {
        return Error::Unauthenticated("visitor token is for another inbox");
    }
    return Load(widget, claims.source_id);
}

Result<VisitorSession> WebChatService::Refresh(std::string_view website_token,
                                               std::string_view token) {
    HH_ASSIGN_OR_RETURN(auto claims, signer_.Verify(token, clock_.Now(), /*allow_expired=*/true));
    HH_ASSIGN_OR_RETURN(auto widget, FindInbox(website_token));
    if (claims.workspace_id != widget.inbox.workspace_id || claims.inbox_id != widget.inbox.id) {
        return Error::Unauthenticated("visitor token is for another inbox");
    }
    HH_ASSIGN_OR_RETURN(auto ctx, Load(widget, claims.source_id));
    const Timestamp now = clock_.Now();
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) {
        return WebChatVisitorRepository::Touch(s, ctx.widget.inbox.workspace_id, ctx.visitor.id,
                                               now);
    }));
    return Issue(std::move(ctx));
}

Result<VisitorContext> WebChatService::Identify(const VisitorContext& v, const IdentifyInput& in) {
    if (in.identifier.empty() || in.identifier.size() > 255) {
        return Error::InvalidArgument("identifier must be 1 to 255 bytes");
    }
    HH_RETURN_IF_ERROR(CheckText(in.name, "name", 255));
    HH_RETURN_IF_ERROR(CheckEmail(in.email));
    HH_RETURN_IF_ERROR(CheckPhone(in.phone));
    bool verified = false;
    if (in.identifier_hash && !in.identifier_hash->empty()) {
        std::string hmac_token;
        if (v.widget.inbox.credentials_enc) {
            HH_ASSIGN_OR_RETURN(auto plain, keyring_.Decrypt(*v.widget.inbox.credentials_enc));
            auto j = nlohmann::json::parse(plain, nullptr, false);
            if (j.is_object() && j.contains("hmac_token") && j["hmac_token"].is_string()) {
                hmac_token = j["hmac_token"].get<std::string>();
            }
        }
        if (!channels::webchat::VerifyIdentityHash(hmac_token, in.identifier,
                                                   *in.identifier_hash)) {
            return Error::Unauthenticated("HMAC failed: invalid identifier hash");
        }
        verified = true;
    } else if (v.widget.settings.hmac_mandatory) {
        return Error::PermissionDenied("this inbox requires identifier_hash with the identifier");
    }
    const Timestamp now = clock_.Now();
    storage::WebChatVisitorDetails d;
    d.name = NonEmpty(in.name);
    d.email = NonEmpty(in.email);
    d.phone = NonEmpty(in.phone);
    const WorkspaceId ws = v.widget.inbox.workspace_id;
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(
            WebChatVisitorRepository::SetIdentifier(s, ws, v.visitor.id, in.identifier, verified,
                                                    now));
        return WebChatVisitorRepository::UpdateDetails(s, ws, v.visitor.id, d, now);
    }));
    return Load(v.widget, v.visitor.source_id);
}

Result<VisitorContext> WebChatService::UpdateDetails(const VisitorContext& v,
                                                     const VisitorDetailsInput& in) {
    HH_RETURN_IF_ERROR(CheckText(in.name, "name", 255));
    HH_RETURN_IF_ERROR(CheckEmail(in.email));
    HH_RETURN_IF_ERROR(CheckPhone(in.phone));
    const auto& settings = v.widget.settings;
    const Timestamp now = clock_.Now();
    storage::WebChatVisitorDetails d;
    d.name = NonEmpty(in.name);
    d.email = NonEmpty(in.email);
    d.phone = NonEmpty(in.phone);
    if (!settings.consent_text.empty()) {
        if (!in.consent) return Error::InvalidArgument("consent is required");
        // The text as configured when the visitor agreed: later edits must not rewrite history.
        d.consent_text = settings.consent_text;
        d.consent_at = now;
    }
    const WorkspaceId ws = v.widget.inbox.workspace_id;
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(WebChatVisitorRepository::UpdateDetails(s, ws, v.visitor.id, d, now));
        HH_ASSIGN_OR_RETURN(auto contact, ConversationRepository::FindContactByIdentity(
                                              s, ws, v.widget.inbox.id, v.identity_key));
        if (!contact) return Ok();
        storage::ContactFields f;
        f.name = d.name;
        f.email = d.email;
        f.phone_e164 = d.phone;
        return storage::ContactRepository::Update(s, ws, *contact, f, now);
    }));
    return Load(v.widget, v.visitor.source_id);
}

Result<std::vector<Message>> WebChatService::History(const VisitorContext& v) {
    const WorkspaceId ws = v.widget.inbox.workspace_id;
    return db_.ReadValue([&](Session& s) -> Result<std::vector<Message>> {
        std::vector<Message> out;
        HH_ASSIGN_OR_RETURN(auto contact, ConversationRepository::FindContactByIdentity(
                                              s, ws, v.widget.inbox.id, v.identity_key));
        if (!contact) return out;
        HH_ASSIGN_OR_RETURN(auto conversations,
                            WebChatVisitorRepository::ListConversations(
                                s, ws, v.widget.inbox.id, *contact,
                                options_.history_conversations));
        for (auto id : conversations) {
            storage::PageRequest p;
            p.limit = options_.history_messages;
            HH_ASSIGN_OR_RETURN(auto page, ConversationRepository::ListMessages(s, ws, id, p));
            for (auto& m : page.items) {
                if (!m.is_private) out.push_back(std::move(m));
            }
            if (static_cast<int>(out.size()) >= options_.history_messages) break;
        }
        std::sort(out.begin(), out.end(),
                  [](const Message& a, const Message& b) { return a.id < b.id; });
        if (static_cast<int>(out.size()) > options_.history_messages) {
            out.erase(out.begin(), out.end() - options_.history_messages);
        }
        return out;
    });
}

Result<PostedMessage> WebChatService::PostMessage(const VisitorContext& v,
                                                  const PostMessageInput& in) {
    if (in.content.empty() && !in.file) return Error::InvalidArgument("content is required");
    if (in.content.size() > options_.max_content_bytes) {
        return Error::InvalidArgument("content must be at most " +
                                      std::to_string(options_.max_content_bytes) + " bytes");
    }
    if (in.echo_id && !ValidEchoId(*in.echo_id)) {
        return Error::InvalidArgument("echo_id must be 1 to 64 letters, digits, - or _");
    }
    const WorkspaceId ws = v.widget.inbox.workspace_id;
    const InboxId inbox = v.widget.inbox.id;

    std::optional<storage::NewAttachment> file;
    if (in.file) {
        HH_RETURN_IF_ERROR(CheckFile(v.widget.settings, *in.file));
        if (CleanFileName(in.file->file_name).empty()) {
            return Error::InvalidArgument("filename is required");
        }
        HH_ASSIGN_OR_RETURN(file, media_.StoreBlob(in.file->bytes, BaseMimeType(in.file->mime_type),
                                                   in.file->file_name));
    }

    channels::InboundMessage m;
    // Scoped to the visitor so one visitor's echo ids can never shadow another's messages.
    m.external_id = std::string(kExternalPrefix) + v.visitor.source_id + ":" +
                    in.echo_id.value_or(channels::webchat::NewSourceId());
    m.sender.external_id = v.identity_key;
    m.sender.profile_name = v.visitor.name.value_or("");
    m.type = file ? ContentTypeOfKind(file->kind) : channels::ContentType::kText;
    m.platform_type = "webchat";
    m.text = in.content;
    nlohmann::json raw = {{"echo_id", in.echo_id.value_or("")},
                          {"referer", in.referer.substr(0, 1024)}};
    m.raw_json = raw.dump();
    channels::InboundEvent e;
    e.account_id = v.widget.inbox.webhook_key;
    e.body = std::move(m);
    const std::string external_id = std::get<channels::InboundMessage>(e.body).external_id;
    const std::vector<channels::InboundEvent> events = {std::move(e)};

    const Timestamp now = clock_.Now();
    IngestSummary summary;
    IngestChanges changes;
    // The message, its file and the visitor's details commit together.
    HH_ASSIGN_OR_RETURN(auto stored, db_.WriteValue([&](Session& s) -> Result<Message> {
        HH_ASSIGN_OR_RETURN(summary, inbound_.IngestIn(s, ws, inbox, events, now, changes));
        HH_ASSIGN_OR_RETURN(auto id, ConversationRepository::FindMessageByExternalId(
                                         s, ws, inbox, external_id));
        if (!id) return Error::Internal("web chat message vanished after ingest");
        if (file && summary.messages_created > 0) {
            storage::NewAttachment na = *file;
            na.message_id = *id;
            HH_ASSIGN_OR_RETURN(auto att, storage::AttachmentRepository::Create(s, ws, na, now));
            HH_ASSIGN_OR_RETURN(auto created, ConversationRepository::GetMessage(s, ws, *id));
            auto attrs = nlohmann::json::parse(created.content_attributes_json, nullptr, false);
            if (!attrs.is_object()) attrs = nlohmann::json::object();
            attrs["attachments"] = nlohmann::json::array({AttachmentSummaryJson(att)});
            HH_RETURN_IF_ERROR(ConversationRepository::SetContentAttributes(
                s, ws, *id, attrs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                now));
        }
        if (summary.contacts_created > 0) {
            // The pre-chat answers given before the first message become the contact's.
            HH_ASSIGN_OR_RETURN(auto contact, ConversationRepository::FindContactByIdentity(
                                                  s, ws, inbox, v.identity_key));
            if (contact) {
                storage::ContactFields f;
                f.email = v.visitor.email;
                f.phone_e164 = v.visitor.phone;
                if (v.visitor.locale) f.locale = v.visitor.locale;
                HH_RETURN_IF_ERROR(storage::ContactRepository::Update(s, ws, *contact, f, now));
            }
        }
        HH_RETURN_IF_ERROR(WebChatVisitorRepository::Touch(s, ws, v.visitor.id, now));
        return ConversationRepository::GetMessage(s, ws, *id);
    }));
    // Events carry the message as finally stored (with its attachment).
    for (auto& m : changes.created_rows) {
        if (m.id == stored.id) m = stored;
    }
    inbound_.AfterCommit(ws, summary, changes);
    PostedMessage out;
    out.message = std::move(stored);
    out.duplicate = summary.messages_created == 0;
    out.agents_online = AgentsAreOnline(ws);
    return out;
}

Result<AttachmentFile> WebChatService::ReadAttachment(const VisitorContext& v, AttachmentId id) {
    const WorkspaceId ws = v.widget.inbox.workspace_id;
    const InboxId inbox = v.widget.inbox.id;
    // Exactly what History shows: non-private messages of this contact's conversations on this
    // inbox. Everything else is "not found", so ids reveal nothing.
    HH_ASSIGN_OR_RETURN(bool visible, db_.ReadValue([&](Session& s) -> Result<bool> {
        auto att = storage::AttachmentRepository::Get(s, ws, id);
        if (!att.ok()) {
            if (att.error().code == ErrorCode::kNotFound) return false;
            return std::move(att).error();
        }
        if (!att->message_id) return false;
        HH_ASSIGN_OR_RETURN(auto message,
                            ConversationRepository::GetMessage(s, ws, *att->message_id));
        if (message.is_private || message.inbox_id != inbox) return false;
        HH_ASSIGN_OR_RETURN(auto contact, ConversationRepository::FindContactByIdentity(
                                              s, ws, inbox, v.identity_key));
        if (!contact) return false;
        HH_ASSIGN_OR_RETURN(auto conversation,
                            ConversationRepository::Get(s, ws, message.conversation_id));
        return conversation.inbox_id == inbox && conversation.contact_id == *contact;
    }));
    if (!visible) return Error::NotFound("attachment not found");
    return media_.ReadStoredFile(ws, id);
}

Status WebChatService::Typing(const VisitorContext& v, bool on) {
    if (events_ == nullptr) return Ok();
    const WorkspaceId ws = v.widget.inbox.workspace_id;
    HH_ASSIGN_OR_RETURN(auto conversation,
                        db_.ReadValue([&](Session& s) -> Result<std::optional<ConversationId>> {
                            HH_ASSIGN_OR_RETURN(auto contact,
                                                ConversationRepository::FindContactByIdentity(
                                                    s, ws, v.widget.inbox.id, v.identity_key));
                            if (!contact) return std::optional<ConversationId>();
                            HH_ASSIGN_OR_RETURN(auto active, ConversationRepository::FindActive(
                                                                 s, ws, v.widget.inbox.id,
                                                                 *contact));
                            if (!active) return std::optional<ConversationId>();
                            return std::optional<ConversationId>(active->id);
                        }));
    if (!conversation) return Ok();
    events::Event e;
    e.workspace_id = ws;
    e.type = on ? "conversation.typing_on" : "conversation.typing_off";
    e.data_json = nlohmann::json{{"conversation_id", conversation->value()},
                                 {"inbox_id", v.widget.inbox.id.value()},
                                 {"sender_kind", "contact"}}
                      .dump();
    e.inbox_id = v.widget.inbox.id;
    e.conversation_id = *conversation;
    events_->Publish(e);
    return Ok();
}

Result<std::optional<WebChatService::ConversationRoute>> WebChatService::RouteOf(
    WorkspaceId ws, ConversationId id) {
    HH_ASSIGN_OR_RETURN(auto identity, db_.ReadValue([&](Session& s) {
        return WebChatVisitorRepository::IdentityOfConversation(s, ws, id);
    }));
    if (!identity) return std::optional<ConversationRoute>();
    return std::optional<ConversationRoute>(
        ConversationRoute{identity->inbox_id, std::move(identity->external_id)});
}

nlohmann::json WebChatService::WidgetMessageJson(const nlohmann::json& m) {
    nlohmann::json out = {{"id", m.value("id", std::int64_t{0})},
                          {"conversation_id", m.value("conversation_id", std::int64_t{0})},
                          {"direction", m.value("direction", "")},
                          {"sender_kind", m.value("sender_kind", "")},
                          {"content", m.value("content", "")},
                          {"content_type", m.value("content_type", "text")},
                          {"status", m.value("status", "")},
                          {"created_at", m.value("created_at", std::int64_t{0})}};
    out["echo_id"] = nullptr;
    if (auto it = m.find("external_id"); it != m.end() && it->is_string()) {
        const std::string ext = it->get<std::string>();
        auto colon = ext.rfind(':');
        if (ext.starts_with(kExternalPrefix) && colon != std::string::npos) {
            out["echo_id"] = ext.substr(colon + 1);
        }
    }
    // Files are described by what the widget shows and its own URL is built from
    // (/widget/v1/{website_token}/attachments/{id}/file), never the agents' URLs or ids.
    out["attachments"] = nlohmann::json::array();
    if (auto it = m.find("content_attributes"); it != m.end() && it->is_object()) {
        if (auto a = it->find("attachments"); a != it->end() && a->is_array()) {
            for (const auto& x : *a) {
                if (!x.is_object() || !x.contains("id")) continue;
                out["attachments"].push_back(
                    {{"id", x.value("id", std::int64_t{0})},
                     {"kind", x.value("kind", "")},
                     {"mime_type", x.value("mime_type", "")},
                     {"file_name", x.value("file_name", "")},
                     {"size_bytes", x.value("size_bytes", std::uint64_t{0})}});
            }
        }
    }
    return out;
}

}  // namespace hudhud::services
