#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"

namespace hudhud::http::api {

using services::Principal;

void RegisterApiRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    RegisterAccountRoutes(router, auth, s);
    RegisterWorkspaceRoutes(router, auth, s);
    RegisterContactRoutes(router, auth, s);
    RegisterInboxRoutes(router, auth, s);
    RegisterJobRoutes(router, auth, s);
    if (s.media != nullptr) RegisterAttachmentRoutes(router, auth, *s.media);
    if (s.search != nullptr) RegisterSearchRoutes(router, auth, *s.search);
    RegisterConversationRoutes(router, auth, s);
}

namespace {

nlohmann::json WorkspaceList(const std::vector<storage::UserWorkspace>& wss, const Principal& p) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& uw : wss) {
        // An API token sees only the workspace it belongs to.
        if (p.api_token && uw.workspace.id != p.api_token->workspace_id) continue;
        list.push_back(ToJson(uw));
    }
    return list;
}

}  // namespace

void RegisterAccountRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    router.Get("/api/v1/setup", Wrap([&s](Request&) -> Result<Response> {
                   HH_ASSIGN_OR_RETURN(bool needs, s.accounts.NeedsSetup());
                   return Json(200, {{"needs_setup", needs}});
               }));

    router.Post("/api/v1/setup", Wrap([&s](Request& req) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields(
                        {"workspace_name", "name", "email", "password", "locale"}));
                    services::OwnerSetup setup;
                    HH_ASSIGN_OR_RETURN(setup.workspace_name, body.RequiredString("workspace_name"));
                    HH_ASSIGN_OR_RETURN(setup.name, body.RequiredString("name"));
                    HH_ASSIGN_OR_RETURN(setup.email, body.RequiredString("email"));
                    HH_ASSIGN_OR_RETURN(setup.password, body.RequiredString("password"));
                    HH_ASSIGN_OR_RETURN(auto locale, body.OptionalString("locale"));
                    if (locale) setup.locale = *locale;
                    HH_ASSIGN_OR_RETURN(auto signed_in,
                                        s.accounts.SetupFirstOwner(setup, ContextOf(req)));
                    nlohmann::json extra = nlohmann::json::object();
                    if (!signed_in.workspaces.empty()) {
                        extra["workspace"] = ToJson(signed_in.workspaces.front().workspace);
                    }
                    return SignedInResponse(201, req, signed_in, extra);
                }));

    router.Post("/api/v1/auth/login", Wrap([&s](Request& req) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields({"email", "password"}));
                    HH_ASSIGN_OR_RETURN(auto email, body.RequiredString("email"));
                    HH_ASSIGN_OR_RETURN(auto password, body.RequiredString("password"));
                    HH_ASSIGN_OR_RETURN(auto signed_in,
                                        s.accounts.Login(email, password, ContextOf(req)));
                    return SignedInResponse(200, req, signed_in);
                }));

    router.Post("/api/v1/auth/logout", Wrap([&s](Request& req) -> Result<Response> {
                    // No CSRF check: SameSite=Lax already blocks cross-site POSTs, and the
                    // worst a forged logout can do is sign the victim out.
                    if (auto cookie = req.Cookie(kSessionCookie); cookie && !cookie->empty()) {
                        HH_RETURN_IF_ERROR(s.accounts.Logout(std::string(*cookie), ContextOf(req)));
                    }
                    Response r = Response::NoContent();
                    for (auto name : {kSessionCookie, kCsrfCookie}) {
                        Cookie c{std::string(name), ""};
                        c.max_age = std::chrono::seconds(0);
                        c.secure = req.secure;
                        c.http_only = name == kSessionCookie;
                        r.SetCookie(c);
                    }
                    return r;
                }));

    router.Get("/api/v1/me",
               Authenticated(auth, [&s](Request&, const Principal& p) -> Result<Response> {
                   HH_ASSIGN_OR_RETURN(auto wss, s.accounts.WorkspacesOf(p.user.id));
                   nlohmann::json body = {{"user", ToJson(p.user)},
                                          {"workspaces", WorkspaceList(wss, p)}};
                   if (p.session) body["csrf_token"] = p.session->csrf_token;
                   return Json(200, body);
               }));

    router.Patch("/api/v1/me",
                 Authenticated(auth, [&s](Request& req, const Principal& p) -> Result<Response> {
                     HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                     HH_RETURN_IF_ERROR(body.RejectUnknownFields({"name", "locale"}));
                     HH_ASSIGN_OR_RETURN(auto name, body.OptionalString("name"));
                     HH_ASSIGN_OR_RETURN(auto locale, body.OptionalString("locale"));
                     HH_RETURN_IF_ERROR(s.accounts.UpdateProfile(p.user.id, name, locale));
                     User u = p.user;
                     if (name) u.name = *name;
                     if (locale) u.locale = *locale;
                     return Json(200, {{"user", ToJson(u)}});
                 }));

    router.Post("/api/v1/me/password",
                Authenticated(auth, [&s](Request& req, const Principal& p) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                    HH_RETURN_IF_ERROR(
                        body.RejectUnknownFields({"current_password", "new_password"}));
                    HH_ASSIGN_OR_RETURN(auto current, body.RequiredString("current_password"));
                    HH_ASSIGN_OR_RETURN(auto next, body.RequiredString("new_password"));
                    HH_RETURN_IF_ERROR(s.accounts.ChangePassword(p, current, next, ContextOf(req)));
                    return Response::NoContent();
                }));

    router.Get("/api/v1/workspaces",
               Authenticated(auth, [&s](Request&, const Principal& p) -> Result<Response> {
                   HH_ASSIGN_OR_RETURN(auto wss, s.accounts.WorkspacesOf(p.user.id));
                   return Json(200, {{"data", WorkspaceList(wss, p)}});
               }));

    router.Post("/api/v1/workspaces",
                Authenticated(auth, [&s](Request& req, const Principal& p) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields({"name"}));
                    HH_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
                    HH_ASSIGN_OR_RETURN(auto ws, s.accounts.CreateWorkspace(p, name, ContextOf(req)));
                    nlohmann::json j = ToJson(ws);
                    j["role"] = "owner";
                    return Json(201, {{"workspace", j}});
                }));

    router.Post("/api/v1/invitations/accept", Wrap([&s](Request& req) -> Result<Response> {
                    HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                    HH_RETURN_IF_ERROR(body.RejectUnknownFields({"token", "name", "password"}));
                    HH_ASSIGN_OR_RETURN(auto token, body.RequiredString("token"));
                    HH_ASSIGN_OR_RETURN(auto name, body.OptionalString("name"));
                    HH_ASSIGN_OR_RETURN(auto password, body.RequiredString("password"));
                    HH_ASSIGN_OR_RETURN(auto signed_in,
                                        s.workspaces.AcceptInvitation(token, name.value_or(""),
                                                                      password, ContextOf(req)));
                    return SignedInResponse(200, req, signed_in);
                }));
}

}  // namespace hudhud::http::api
