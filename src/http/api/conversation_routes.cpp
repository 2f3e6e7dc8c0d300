#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"

#include <charconv>
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

// ?status=&inbox_id=&assignee=&team_id=&label=&priority=&unread=&limit=&cursor= (docs/api.md).
struct ListQuery {
    storage::ConversationFilter filter;
    std::optional<storage::ConversationCursor> after;
    int limit = 50;
};

Result<std::int64_t> PositiveInt(std::string_view name, std::string_view v) {
    std::int64_t out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size() || out <= 0) {
        return Error::InvalidArgument(std::string(name) + " must be a positive integer");
    }
    return out;
}

// The cursor is "<last_activity_at>.<id>" of the last item; clients treat it as opaque.
std::string CursorText(const storage::ConversationCursor& c) {
    return std::to_string(ToMicros(c.last_activity_at)) + "." + c.id.str();
}

Result<storage::ConversationCursor> ParseCursor(std::string_view v) {
    const auto dot = v.find('.');
    if (dot == std::string_view::npos) return Error::InvalidArgument("cursor is malformed");
    std::int64_t at = 0;
    auto [p1, e1] = std::from_chars(v.data(), v.data() + dot, at);
    auto id = PositiveInt("cursor", v.substr(dot + 1));
    if (e1 != std::errc() || p1 != v.data() + dot || !id.ok()) {
        return Error::InvalidArgument("cursor is malformed");
    }
    return storage::ConversationCursor{FromMicros(at), ConversationId(*id)};
}

Result<ListQuery> ReadListQuery(const Request& req, const WorkspaceAccess& a) {
    ListQuery q;
    for (const auto& [key, value] : req.query) {
        if (key == "status") {
            if (value != "all") q.filter.statuses = {value};
        } else if (key == "inbox_id") {
            HH_ASSIGN_OR_RETURN(auto v, PositiveInt("inbox_id", value));
            q.filter.inbox = InboxId(v);
        } else if (key == "assignee") {
            if (value == "me") {
                q.filter.assignee = a.user().value();
            } else if (value == "unassigned") {
                q.filter.unassigned = true;
            } else {
                auto v = PositiveInt("assignee", value);
                if (!v.ok()) {
                    return Error::InvalidArgument("assignee must be a user id, me or unassigned");
                }
                q.filter.assignee = *v;
            }
        } else if (key == "team_id") {
            HH_ASSIGN_OR_RETURN(auto v, PositiveInt("team_id", value));
            q.filter.team = v;
        } else if (key == "label") {
            if (value.empty()) return Error::InvalidArgument("label must not be empty");
            q.filter.label = value;
        } else if (key == "priority") {
            q.filter.priority = value;
        } else if (key == "unread") {
            if (value != "true" && value != "false") {
                return Error::InvalidArgument("unread must be true or false");
            }
            q.filter.unread_only = value == "true";
        } else if (key == "cursor") {
            if (!value.empty()) {
                HH_ASSIGN_OR_RETURN(auto c, ParseCursor(value));
                q.after = c;
            }
        } else if (key == "limit") {
            int v = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec != std::errc() || ptr != value.data() + value.size() || v < 1 || v > 200) {
                return Error::InvalidArgument("limit must be an integer from 1 to 200");
            }
            q.limit = v;
        } else {
            return Error::InvalidArgument("unknown query parameter '" + key + "'");
        }
    }
    return q;
}

nlohmann::json ListItemJson(const storage::ConversationListItem& item, ApiServices& s) {
    auto kind = ParseChannelKind(item.channel_kind);
    nlohmann::json j = ConversationView(item.conversation, s,
                                        kind ? std::optional<ChannelKind>(*kind) : std::nullopt);
    j["last_message"] = item.last_message ? services::MessageJson(*item.last_message)
                                          : nlohmann::json(nullptr);
    j["contact"] = {{"id", item.conversation.contact_id.value()}, {"name", item.contact_name}};
    j["channel_kind"] = item.channel_kind;
    return j;
}

nlohmann::json CountsJson(const storage::ConversationCounts& c) {
    nlohmann::json by_inbox = nlohmann::json::object();
    for (const auto& [inbox, n] : c.unread_by_inbox) by_inbox[std::to_string(inbox)] = n;
    return {{"by_status", c.by_status},
            {"by_inbox", by_inbox},
            {"mine", c.mine},
            {"unassigned", c.unassigned},
            {"unread", {{"mine", c.mine_unread}, {"unassigned", c.unassigned_unread}}}};
}

Result<services::ConversationUpdate> ReadUpdate(const JsonBody& body) {
    HH_RETURN_IF_ERROR(body.RejectUnknownFields(
        {"status", "snoozed_until", "assignee_id", "team_id", "priority"}));
    services::ConversationUpdate u;
    HH_ASSIGN_OR_RETURN(u.status, body.OptionalString("status", 16));
    HH_ASSIGN_OR_RETURN(auto until, body.OptionalInt64("snoozed_until"));
    if (until) u.snoozed_until = FromMicros(*until);
    HH_ASSIGN_OR_RETURN(u.priority, body.OptionalString("priority", 16));
    if (body.Has("assignee_id")) {
        HH_ASSIGN_OR_RETURN(auto v, body.OptionalInt64("assignee_id"));
        u.assignee_id = v;
    }
    if (body.Has("team_id")) {
        HH_ASSIGN_OR_RETURN(auto v, body.OptionalInt64("team_id"));
        u.team_id = v;
    }
    return u;
}

nlohmann::json CannedJson(const storage::CannedResponse& c) {
    return {{"id", c.id},
            {"short_code", c.short_code},
            {"content", c.content},
            {"created_at", ToMicros(c.created_at)},
            {"updated_at", ToMicros(c.updated_at)}};
}

void RegisterCannedResponseRoutes(Router& router, ApiAuth& auth,
                                  services::CannedResponseService& canned) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/canned-responses";
    auto* c = &canned;
    router.Get(base, InWorkspace(auth, Role::kAgent,
                                 [c](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                     std::optional<std::string> search;
                                     if (auto q = req.Query("search")) search = std::string(*q);
                                     HH_ASSIGN_OR_RETURN(auto list, c->List(a, search));
                                     nlohmann::json data = nlohmann::json::array();
                                     for (const auto& r : list) data.push_back(CannedJson(r));
                                     return Json(200, {{"data", data}});
                                 }));
    router.Post(base, InWorkspace(auth, Role::kAdmin,
                                  [c](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                      HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                      HH_RETURN_IF_ERROR(
                                          body.RejectUnknownFields({"short_code", "content"}));
                                      HH_ASSIGN_OR_RETURN(auto code,
                                                          body.RequiredString("short_code", 50));
                                      HH_ASSIGN_OR_RETURN(auto content,
                                                          body.RequiredString("content", 4096));
                                      HH_ASSIGN_OR_RETURN(
                                          auto r, c->Create(a, code, content, ContextOf(req)));
                                      return Json(201, {{"canned_response", CannedJson(r)}});
                                  }));
    router.Get(base + "/{id}",
               InWorkspace(auth, Role::kAgent,
                           [c](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<std::int64_t>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto r, c->Get(a, id));
                               return Json(200, {{"canned_response", CannedJson(r)}});
                           }));
    router.Patch(base + "/{id}",
                 InWorkspace(auth, Role::kAdmin,
                             [c](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto id, PathId<std::int64_t>(req, "id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_RETURN_IF_ERROR(
                                     body.RejectUnknownFields({"short_code", "content"}));
                                 HH_ASSIGN_OR_RETURN(auto code,
                                                     body.OptionalString("short_code", 50));
                                 HH_ASSIGN_OR_RETURN(auto content,
                                                     body.OptionalString("content", 4096));
                                 HH_ASSIGN_OR_RETURN(
                                     auto r, c->Update(a, id, code, content, ContextOf(req)));
                                 return Json(200, {{"canned_response", CannedJson(r)}});
                             }));
    router.Delete(base + "/{id}",
                  InWorkspace(auth, Role::kAdmin,
                              [c](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<std::int64_t>(req, "id"));
                                  HH_RETURN_IF_ERROR(c->Delete(a, id, ContextOf(req)));
                                  return Response::NoContent();
                              }));
}

nlohmann::json UserIdsJson(const std::vector<UserId>& users) {
    nlohmann::json ids = nlohmann::json::array();
    for (auto u : users) ids.push_back(u.value());
    return {{"user_ids", ids}};
}

void RegisterInboxMemberRoutes(Router& router, ApiAuth& auth,
                               services::InboxRoutingService& routing) {
    const std::string path = "/api/v1/workspaces/{workspace_id}/inboxes/{id}/members";
    auto* r = &routing;
    router.Get(path, InWorkspace(auth, Role::kAgent,
                                 [r](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                                     HH_ASSIGN_OR_RETURN(auto users, r->Members(a, id));
                                     return Json(200, UserIdsJson(users));
                                 }));
    router.Put(path, InWorkspace(auth, Role::kAdmin,
                                 [r](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                                     HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                     HH_RETURN_IF_ERROR(body.RejectUnknownFields({"user_ids"}));
                                     HH_ASSIGN_OR_RETURN(auto ids,
                                                         body.OptionalInt64Array("user_ids"));
                                     if (!ids) return Error::InvalidArgument("user_ids is required");
                                     std::vector<UserId> users;
                                     for (auto v : *ids) users.emplace_back(v);
                                     HH_ASSIGN_OR_RETURN(
                                         auto after, r->SetMembers(a, id, users, ContextOf(req)));
                                     return Json(200, UserIdsJson(after));
                                 }));
}

}  // namespace

void RegisterConversationRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/conversations";
    if (s.canned != nullptr) RegisterCannedResponseRoutes(router, auth, *s.canned);
    if (s.routing != nullptr) RegisterInboxMemberRoutes(router, auth, *s.routing);

    router.Get(base, InWorkspace(auth, Role::kAgent,
                                 [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto q, ReadListQuery(req, a));
                                     HH_ASSIGN_OR_RETURN(
                                         auto page, s.conversations.List(a, q.filter,
                                                                         q.after, q.limit));
                                     nlohmann::json data = nlohmann::json::array();
                                     for (const auto& item : page.items) {
                                         data.push_back(ListItemJson(item, s));
                                     }
                                     nlohmann::json next = nullptr;
                                     if (page.next) next = CursorText(*page.next);
                                     return Json(200, {{"data", data}, {"next_cursor", next}});
                                 }));
    router.Get(base + "/counts",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto counts,
                                                   s.conversations.Counts(a));
                               return Json(200, CountsJson(counts));
                           }));
    router.Get(base + "/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto c, s.conversations.Get(a, id));
                               HH_ASSIGN_OR_RETURN(auto kind, KindOf(s, a, c.inbox_id));
                               return Json(200, {{"conversation", ConversationView(c, s, kind)}});
                           }));
    router.Patch(base + "/{id}",
                 InWorkspace(auth, Role::kAgent,
                             [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_ASSIGN_OR_RETURN(auto u, ReadUpdate(body));
                                 HH_ASSIGN_OR_RETURN(
                                     auto c, s.conversations.Update(a, id, u, ContextOf(req)));
                                 HH_ASSIGN_OR_RETURN(auto kind, KindOf(s, a, c.inbox_id));
                                 return Json(200, {{"conversation", ConversationView(c, s, kind)}});
                             }));
    router.Post(base + "/{id}/labels",
                InWorkspace(auth, Role::kAgent,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_RETURN_IF_ERROR(body.RejectUnknownFields({"labels"}));
                                HH_ASSIGN_OR_RETURN(auto names,
                                                    body.OptionalStringArray("labels"));
                                if (!names) return Error::InvalidArgument("labels is required");
                                HH_ASSIGN_OR_RETURN(auto labels,
                                                    s.conversations.AddLabels(a, id, *names));
                                return Json(200, {{"labels", labels}});
                            }));
    router.Delete(base + "/{id}/labels/{name}",
                  InWorkspace(auth, Role::kAgent,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                                  const std::string name(req.PathParam("name").value_or(""));
                                  HH_ASSIGN_OR_RETURN(auto labels,
                                                      s.conversations.RemoveLabel(a, id, name));
                                  return Json(200, {{"labels", labels}});
                              }));
    router.Get(base + "/{id}/canned-responses/{cr_id}/render",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               if (s.canned == nullptr) return Error::NotFound("not found");
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto cr, PathId<std::int64_t>(req, "cr_id"));
                               HH_RETURN_IF_ERROR(s.conversations.RequireVisible(a, id));
                               HH_ASSIGN_OR_RETURN(auto r, s.canned->Render(a, id, cr));
                               nlohmann::json j = CannedJson(r.response);
                               j["rendered"] = r.rendered;
                               return Json(200, j);
                           }));
    router.Get(base + "/{id}/messages",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ConversationId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto page, PageOf(req));
                               HH_ASSIGN_OR_RETURN(auto list,
                                                   s.conversations.Messages(a, id, page));
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
                                HH_RETURN_IF_ERROR(s.conversations.RequireVisible(a, id));
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
                                HH_RETURN_IF_ERROR(s.conversations.RequireVisible(a, id));
                                HH_RETURN_IF_ERROR(s.outbound.MarkRead(a.workspace(), id));
                                return Json(200, {{"ok", true}});
                            }));

    const std::string inboxes = "/api/v1/workspaces/{workspace_id}/inboxes/{id}/templates";
    router.Get(inboxes,
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                               HH_RETURN_IF_ERROR(s.inboxes.Get(a, id));  // visible to the caller
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
