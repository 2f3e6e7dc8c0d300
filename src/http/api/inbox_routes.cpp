#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;

namespace {

Result<services::InboxInput> ReadInboxInput(const JsonBody& body) {
    services::InboxInput in;
    HH_ASSIGN_OR_RETURN(in.name, body.OptionalString("name"));
    HH_ASSIGN_OR_RETURN(auto kind, body.OptionalString("channel_kind"));
    if (kind) {
        in.channel_kind = ParseChannelKind(*kind);
        if (!in.channel_kind) {
            return Error::InvalidArgument(
                "channel_kind must be whatsapp, messenger, instagram, telegram, tiktok, webchat "
                "or api");
        }
    }
    HH_ASSIGN_OR_RETURN(in.settings_json, body.OptionalObjectRaw("settings"));
    HH_ASSIGN_OR_RETURN(in.credentials_json, body.OptionalObjectRaw("credentials"));
    return in;
}

// A WhatsApp number's approved templates are fetched as soon as it is connected (or its
// credentials/settings change); inboxes without a waba_id simply have none to sync.
void SyncTemplatesOnConnect(ApiServices& s, const Inbox& inbox) {
    if (inbox.channel_kind != ChannelKind::kWhatsApp) return;
    (void)s.templates.RequestSync(inbox.workspace_id, inbox.id);
}

// Web Chat inboxes also carry what an admin needs to install the widget: the public website
// token and the embed snippet; the identity-validation secret (hmac_token) only for admins.
nlohmann::json InboxJson(const Inbox& inbox, const WorkspaceAccess& a, ApiServices& s) {
    nlohmann::json j = ToJson(inbox, s.public_url);
    if (inbox.channel_kind != ChannelKind::kWebChat) return j;
    j.erase("webhook_url");
    const std::string script = s.public_url + "/widget/sdk.js";
    nlohmann::json w = {
        {"website_token", inbox.webhook_key},
        {"script_url", script},
        {"embed_snippet", "<script src=\"" + script + "\" data-website-token=\"" +
                              inbox.webhook_key + "\" async></script>"}};
    if (RoleAtLeast(a.membership.role, Role::kAdmin)) {
        auto creds = s.inboxes.Credentials(inbox);
        if (creds.ok()) {
            auto c = nlohmann::json::parse(*creds, nullptr, false);
            if (c.is_object() && c.contains("hmac_token")) w["hmac_token"] = c["hmac_token"];
        }
    }
    j["webchat"] = std::move(w);
    return j;
}

}  // namespace

void RegisterInboxRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/inboxes";

    router.Get(base, InWorkspace(auth, Role::kAgent,
                                 [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto list, s.inboxes.List(a));
                                     nlohmann::json data = nlohmann::json::array();
                                     for (const auto& i : list) data.push_back(InboxJson(i, a, s));
                                     return Json(200, {{"data", data}});
                                 }));
    router.Post(base, InWorkspace(auth, Role::kAdmin,
                                  [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                      HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                      HH_RETURN_IF_ERROR(body.RejectUnknownFields(
                                          {"name", "channel_kind", "settings", "credentials"}));
                                      HH_ASSIGN_OR_RETURN(auto in, ReadInboxInput(body));
                                      HH_ASSIGN_OR_RETURN(auto inbox,
                                                          s.inboxes.Create(a, in, ContextOf(req)));
                                      SyncTemplatesOnConnect(s, inbox);
                                      return Json(201, {{"inbox", InboxJson(inbox, a, s)}});
                                  }));
    router.Get(base + "/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto inbox, s.inboxes.Get(a, id));
                               return Json(200, {{"inbox", InboxJson(inbox, a, s)}});
                           }));
    router.Patch(base + "/{id}",
                 InWorkspace(auth, Role::kAdmin,
                             [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_RETURN_IF_ERROR(body.RejectUnknownFields(
                                     {"name", "channel_kind", "settings", "credentials"}));
                                 HH_ASSIGN_OR_RETURN(auto in, ReadInboxInput(body));
                                 HH_ASSIGN_OR_RETURN(auto inbox,
                                                     s.inboxes.Update(a, id, in, ContextOf(req)));
                                 if (in.credentials_json || in.settings_json) {
                                     SyncTemplatesOnConnect(s, inbox);
                                 }
                                 return Json(200, {{"inbox", InboxJson(inbox, a, s)}});
                             }));
    // DELETE disconnects: credentials are deleted at once; ?keep_history=false also deletes the
    // inbox's conversations.
    router.Delete(base + "/{id}",
                  InWorkspace(auth, Role::kAdmin,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<InboxId>(req, "id"));
                                  bool keep = true;
                                  if (auto k = req.Query("keep_history")) {
                                      if (*k == "false" || *k == "0") {
                                          keep = false;
                                      } else if (*k != "true" && *k != "1") {
                                          return Error::InvalidArgument(
                                              "keep_history must be true or false");
                                      }
                                  }
                                  HH_RETURN_IF_ERROR(s.inboxes.Disconnect(a, id, keep, ContextOf(req)));
                                  return Response::NoContent();
                              }));
}

}  // namespace hudhud::http::api
