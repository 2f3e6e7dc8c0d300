#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"
#include "services/message_events.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;

namespace {

// The conversation as the API shows it, with when a WhatsApp reply window closes.
nlohmann::json ConversationView(const storage::ConversationRow& c, ApiServices& s,
                                const std::optional<ChannelKind>& kind) {
    nlohmann::json j = services::ConversationJson(c);
    j["reply_window_ends_at"] = nullptr;
    if (kind) {
        if (auto ends = s.outbound.ReplyWindowEnds(*kind, c.last_incoming_at)) {
            j["reply_window_ends_at"] = ToMicros(*ends);
        }
    }
    return j;
}

Result<std::optional<ChannelKind>> KindOf(ApiServices& s, const WorkspaceAccess& a, InboxId id) {
    auto inbox = s.inboxes.Get(a, id);
    if (!inbox.ok()) return std::optional<ChannelKind>();
    return std::optional<ChannelKind>(inbox->channel_kind);
}

Result<services::OutgoingMessage> ReadOutgoing(const JsonBody& body) {
    HH_RETURN_IF_ERROR(body.RejectUnknownFields({"content", "private", "reply_to_id", "template",
                                                 "reaction_to", "buttons", "list", "header",
                                                 "footer", "media", "attachment_id", "location"}));
    services::OutgoingMessage m;
    HH_ASSIGN_OR_RETURN(auto content, body.OptionalString("content", 4096));
    m.content = content.value_or("");
    HH_ASSIGN_OR_RETURN(auto is_private, body.OptionalBool("private"));
    m.is_private = is_private.value_or(false);
    HH_ASSIGN_OR_RETURN(auto reply_to, body.OptionalInt64("reply_to_id"));
    if (reply_to) m.reply_to_id = MessageId(*reply_to);
    HH_ASSIGN_OR_RETURN(auto reaction_to, body.OptionalInt64("reaction_to"));
    if (reaction_to) m.reaction_to = MessageId(*reaction_to);
    HH_ASSIGN_OR_RETURN(auto header, body.OptionalString("header", 60));
    m.header = header.value_or("");
    HH_ASSIGN_OR_RETURN(auto footer, body.OptionalString("footer", 60));
    m.footer = footer.value_or("");

    HH_ASSIGN_OR_RETURN(auto tmpl, body.OptionalObject("template"));
    if (tmpl) {
        HH_RETURN_IF_ERROR(tmpl->RejectUnknownFields({"name", "language", "components"}));
        channels::OutboundTemplate t;
        HH_ASSIGN_OR_RETURN(t.name, tmpl->RequiredString("name", 512));
        HH_ASSIGN_OR_RETURN(t.language, tmpl->RequiredString("language", 16));
        if (tmpl->Has("components") && !tmpl->IsNull("components")) {
            HH_ASSIGN_OR_RETURN(auto comps, tmpl->OptionalObjectArray("components"));
            nlohmann::json arr = nlohmann::json::array();
            for (const auto& c : comps.value_or(std::vector<JsonBody>{})) {
                arr.push_back(nlohmann::json::parse(c.Raw()));
            }
            t.components_json = arr.dump();
        }
        m.template_message = t;
    }
    HH_ASSIGN_OR_RETURN(auto buttons, body.OptionalObjectArray("buttons"));
    for (const auto& b : buttons.value_or(std::vector<JsonBody>{})) {
        HH_RETURN_IF_ERROR(b.RejectUnknownFields({"id", "title"}));
        channels::OutboundButton button;
        HH_ASSIGN_OR_RETURN(button.id, b.RequiredString("id", 256));
        HH_ASSIGN_OR_RETURN(button.title, b.RequiredString("title", 256));
        m.buttons.push_back(std::move(button));
    }
    HH_ASSIGN_OR_RETURN(auto list, body.OptionalObject("list"));
    if (list) {
        HH_RETURN_IF_ERROR(list->RejectUnknownFields({"button", "sections"}));
        HH_ASSIGN_OR_RETURN(m.list_button, list->RequiredString("button", 256));
        HH_ASSIGN_OR_RETURN(auto sections, list->OptionalObjectArray("sections"));
        for (const auto& sec : sections.value_or(std::vector<JsonBody>{})) {
            HH_RETURN_IF_ERROR(sec.RejectUnknownFields({"title", "rows"}));
            channels::OutboundListSection section;
            HH_ASSIGN_OR_RETURN(auto title, sec.OptionalString("title", 256));
            section.title = title.value_or("");
            HH_ASSIGN_OR_RETURN(auto rows, sec.OptionalObjectArray("rows"));
            for (const auto& r : rows.value_or(std::vector<JsonBody>{})) {
                HH_RETURN_IF_ERROR(r.RejectUnknownFields({"id", "title", "description"}));
                channels::OutboundListRow row;
                HH_ASSIGN_OR_RETURN(row.id, r.RequiredString("id", 256));
                HH_ASSIGN_OR_RETURN(row.title, r.RequiredString("title", 256));
                HH_ASSIGN_OR_RETURN(auto d, r.OptionalString("description", 256));
                row.description = d.value_or("");
                section.rows.push_back(std::move(row));
            }
            m.sections.push_back(std::move(section));
        }
        if (m.sections.empty()) return Error::InvalidArgument("list needs at least one section");
    }
    HH_ASSIGN_OR_RETURN(auto media, body.OptionalObject("media"));
    if (media) {
        HH_RETURN_IF_ERROR(media->RejectUnknownFields({"kind", "link", "media_id", "filename"}));
        channels::OutboundMedia md;
        HH_ASSIGN_OR_RETURN(md.kind, media->RequiredString("kind", 16));
        if (md.kind != "image" && md.kind != "video" && md.kind != "audio" &&
            md.kind != "document" && md.kind != "sticker") {
            return Error::InvalidArgument(
                "media.kind must be image, video, audio, document or sticker");
        }
        HH_ASSIGN_OR_RETURN(auto link, media->OptionalString("link", 2048));
        HH_ASSIGN_OR_RETURN(auto id, media->OptionalString("media_id", 256));
        HH_ASSIGN_OR_RETURN(auto filename, media->OptionalString("filename", 240));
        md.link = link.value_or("");
        md.media_id = id.value_or("");
        md.filename = filename.value_or("");
        if (md.link.empty() == md.media_id.empty()) {
            return Error::InvalidArgument("media needs exactly one of link or media_id");
        }
        m.media = md;
    }
    HH_ASSIGN_OR_RETURN(auto attachment_id, body.OptionalInt64("attachment_id"));
    if (attachment_id) {
        if (media) return Error::InvalidArgument("send either media or attachment_id, not both");
        if (*attachment_id <= 0) return Error::InvalidArgument("attachment_id must be positive");
        m.attachment_id = AttachmentId(*attachment_id);
    }
    HH_ASSIGN_OR_RETURN(auto location, body.OptionalObject("location"));
    if (location) {
        HH_RETURN_IF_ERROR(
            location->RejectUnknownFields({"latitude", "longitude", "name", "address"}));
        channels::Location l;
        HH_ASSIGN_OR_RETURN(auto lat, location->OptionalDouble("latitude"));
        HH_ASSIGN_OR_RETURN(auto lon, location->OptionalDouble("longitude"));
        if (!lat || !lon || *lat < -90 || *lat > 90 || *lon < -180 || *lon > 180) {
            return Error::InvalidArgument(
                "location needs latitude (-90..90) and longitude (-180..180)");
        }
        l.latitude = *lat;
        l.longitude = *lon;
        HH_ASSIGN_OR_RETURN(auto name, location->OptionalString("name", 1000));
        HH_ASSIGN_OR_RETURN(auto address, location->OptionalString("address", 1000));
        l.name = name.value_or("");
        l.address = address.value_or("");
        m.location = l;
    }
    return m;
}

nlohmann::json TemplateJson(const storage::MessageTemplate& t) {
    auto comps = nlohmann::json::parse(t.components_json, nullptr, false);
    return {{"id", t.external_id},
            {"name", t.name},
            {"language", t.language},
            {"category", t.category},
            {"status", t.status},
            {"components", comps.is_discarded() ? nlohmann::json::array() : comps},
            {"synced_at", ToMicros(t.synced_at)}};
}

}  // namespace

void RegisterConversationRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/conversations";

    router.Get(base, InWorkspace(auth, Role::kAgent,
                                 [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto page, PageOf(req));
                                     HH_ASSIGN_OR_RETURN(auto list,
                                                         s.conversations.List(a.workspace(), page));
                                     HH_ASSIGN_OR_RETURN(auto inboxes, s.inboxes.List(a));
                                     return Json(200, PageJson(list, [&](const auto& c) {
                                                     std::optional<ChannelKind> kind;
                                                     for (const auto& i : inboxes) {
                                                         if (i.id == c.inbox_id) kind = i.channel_kind;
                                                     }
                                                     return ConversationView(c, s, kind);
                                                 }));
                                 }));
    router.Get(base + "/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto c, s.conversations.Get(a.workspace(), id));
                               HH_ASSIGN_OR_RETURN(auto kind, KindOf(s, a, c.inbox_id));
                               return Json(200, {{"conversation", ConversationView(c, s, kind)}});
                           }));
    router.Get(base + "/{id}/messages",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto page, PageOf(req));
                               HH_ASSIGN_OR_RETURN(auto list,
                                                   s.conversations.Messages(a.workspace(), id, page));
                               return Json(200, PageJson(list, [](const Message& m) {
                                               return services::MessageJson(m);
                                           }));
                           }));
    router.Post(base + "/{id}/messages",
                InWorkspace(auth, Role::kAgent,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_ASSIGN_OR_RETURN(auto out, ReadOutgoing(body));
                                services::MessageAuthor author{SenderKind::kAgent,
                                                               a.user().value()};
                                HH_ASSIGN_OR_RETURN(auto m,
                                                    s.outbound.Send(a.workspace(), id, author, out));
                                return Json(201, {{"message", services::MessageJson(m)}});
                            }));
    router.Post(base + "/{id}/read",
                InWorkspace(auth, Role::kAgent,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                                HH_RETURN_IF_ERROR(s.outbound.MarkRead(a.workspace(), id));
                                return Json(200, {{"ok", true}});
                            }));

    const std::string inboxes = "/api/v1/workspaces/{workspace_id}/inboxes/{id}/templates";
    router.Get(inboxes,
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto list, s.templates.List(a.workspace(), id));
                               nlohmann::json data = nlohmann::json::array();
                               for (const auto& t : list.templates) data.push_back(TemplateJson(t));
                               return Json(200, {{"data", data},
                                                 {"synced_at", list.synced_at
                                                                   ? nlohmann::json(ToMicros(*list.synced_at))
                                                                   : nlohmann::json(nullptr)},
                                                 {"sync_error", list.sync_error
                                                                    ? nlohmann::json(*list.sync_error)
                                                                    : nlohmann::json(nullptr)}});
                           }));
    router.Post(inboxes + "/sync",
                InWorkspace(auth, Role::kAdmin,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                                HH_RETURN_IF_ERROR(s.templates.RequestSync(a.workspace(), id));
                                return Json(202, {{"queued", true}});
                            }));
}

}  // namespace hudhud::http::api
