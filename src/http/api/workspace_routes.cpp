#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;

namespace {

template <typename T>
nlohmann::json ListJson(const std::vector<T>& items) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& item : items) data.push_back(ToJson(item));
    return {{"data", std::move(data)}};
}

Result<Role> RoleField(const JsonBody& body, const char* key) {
    HH_ASSIGN_OR_RETURN(auto text, body.RequiredString(key));
    auto role = ParseRole(text);
    if (!role) return Error::InvalidArgument("role must be owner, admin or agent");
    return *role;
}

Result<std::optional<std::vector<UserId>>> UserIdsField(const JsonBody& body, const char* key) {
    HH_ASSIGN_OR_RETURN(auto raw, body.OptionalInt64Array(key));
    if (!raw) return std::optional<std::vector<UserId>>();
    std::vector<UserId> ids;
    for (auto v : *raw) ids.emplace_back(v);
    return std::optional<std::vector<UserId>>(std::move(ids));
}

}  // namespace

void RegisterWorkspaceRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    const std::string base = "/api/v1/workspaces/{workspace_id}";

    router.Get(base, InWorkspace(auth, Role::kAgent,
                                 [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto ws, s.workspaces.Get(a));
                                     nlohmann::json j = ToJson(ws);
                                     j["role"] = RoleName(a.membership.role);
                                     return Json(200, {{"workspace", j}});
                                 }));

    router.Patch(base, InWorkspace(auth, Role::kAdmin,
                                   [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                       HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                       HH_RETURN_IF_ERROR(body.RejectUnknownFields({"name", "locale"}));
                                       HH_ASSIGN_OR_RETURN(auto name, body.OptionalString("name"));
                                       HH_ASSIGN_OR_RETURN(auto locale, body.OptionalString("locale"));
                                       HH_ASSIGN_OR_RETURN(auto ws, s.workspaces.Update(a, name, locale,
                                                                                        ContextOf(req)));
                                       return Json(200, {{"workspace", ToJson(ws)}});
                                   }));

    // Members and roles.
    router.Get(base + "/members",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto members, s.workspaces.ListMembers(a));
                               return Json(200, ListJson(members));
                           }));
    router.Patch(base + "/members/{user_id}",
                 InWorkspace(auth, Role::kAdmin,
                             [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto user, PathId<UserId>(req, "user_id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_RETURN_IF_ERROR(body.RejectUnknownFields({"role"}));
                                 HH_ASSIGN_OR_RETURN(Role role, RoleField(body, "role"));
                                 HH_RETURN_IF_ERROR(
                                     s.workspaces.ChangeRole(a, user, role, ContextOf(req)));
                                 HH_ASSIGN_OR_RETURN(auto members, s.workspaces.ListMembers(a));
                                 for (const auto& m : members) {
                                     if (m.user.id == user) return Json(200, {{"member", ToJson(m)}});
                                 }
                                 return Error::NotFound("member not found");
                             }));
    router.Delete(base + "/members/{user_id}",
                  InWorkspace(auth, Role::kAgent,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto user, PathId<UserId>(req, "user_id"));
                                  HH_RETURN_IF_ERROR(s.workspaces.RemoveMember(a, user, ContextOf(req)));
                                  return Response::NoContent();
                              }));
    router.Put(base + "/availability",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                               HH_RETURN_IF_ERROR(body.RejectUnknownFields({"availability"}));
                               HH_ASSIGN_OR_RETURN(auto text, body.RequiredString("availability"));
                               auto av = ParseAvailability(text);
                               if (!av) {
                                   return Error::InvalidArgument(
                                       "availability must be online, busy or offline");
                               }
                               HH_RETURN_IF_ERROR(s.workspaces.SetAvailability(a, *av));
                               return Json(200, {{"availability", AvailabilityName(*av)}});
                           }));

    // Invitations.
    router.Get(base + "/invitations",
               InWorkspace(auth, Role::kAdmin,
                           [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto list, s.workspaces.ListInvitations(a));
                               return Json(200, ListJson(list));
                           }));
    router.Post(base + "/invitations",
                InWorkspace(auth, Role::kAdmin,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_RETURN_IF_ERROR(body.RejectUnknownFields({"email", "role"}));
                                HH_ASSIGN_OR_RETURN(auto email, body.RequiredString("email"));
                                HH_ASSIGN_OR_RETURN(Role role, RoleField(body, "role"));
                                HH_ASSIGN_OR_RETURN(auto inv, s.workspaces.Invite(a, email, role,
                                                                                  ContextOf(req)));
                                return Json(201, {{"invitation", ToJson(inv.record)},
                                                  {"accept_url", s.public_url + "/invite?token=" +
                                                                     inv.token},
                                                  {"token", inv.token}});
                            }));
    router.Delete(base + "/invitations/{id}",
                  InWorkspace(auth, Role::kAdmin,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<InvitationId>(req, "id"));
                                  HH_RETURN_IF_ERROR(
                                      s.workspaces.RevokeInvitation(a, id, ContextOf(req)));
                                  return Response::NoContent();
                              }));

    // API tokens.
    router.Get(base + "/api-tokens",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto list, s.workspaces.ListApiTokens(a));
                               return Json(200, ListJson(list));
                           }));
    router.Post(base + "/api-tokens",
                InWorkspace(auth, Role::kAgent,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_RETURN_IF_ERROR(body.RejectUnknownFields({"name"}));
                                HH_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
                                HH_ASSIGN_OR_RETURN(auto created,
                                                    s.workspaces.CreateApiToken(a, name, ContextOf(req)));
                                Response r = Json(201, {{"api_token", ToJson(created.record)},
                                                        {"token", created.token}});
                                r.SetHeader("Cache-Control", "no-store");
                                return r;
                            }));
    router.Delete(base + "/api-tokens/{id}",
                  InWorkspace(auth, Role::kAgent,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<ApiTokenId>(req, "id"));
                                  HH_RETURN_IF_ERROR(s.workspaces.RevokeApiToken(a, id, ContextOf(req)));
                                  return Response::NoContent();
                              }));

    // Audit log.
    router.Get(base + "/audit-log",
               InWorkspace(auth, Role::kAdmin,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto page, PageOf(req));
                               HH_ASSIGN_OR_RETURN(auto entries, s.workspaces.ListAudit(a, page));
                               // Resolve actor names once per page for the dashboard.
                               HH_ASSIGN_OR_RETURN(auto members, s.workspaces.ListMembers(a));
                               return Json(200, PageJson(entries, [&](const AuditEntry& e) {
                                               nlohmann::json j = ToJson(e);
                                               j["actor"] = nullptr;
                                               if (e.actor_user_id) {
                                                   nlohmann::json actor = {
                                                       {"id", e.actor_user_id->value()},
                                                       {"name", nullptr}};
                                                   for (const auto& m : members) {
                                                       if (m.user.id == *e.actor_user_id) {
                                                           actor["name"] = m.user.name;
                                                       }
                                                   }
                                                   j["actor"] = actor;
                                               }
                                               return j;
                                           }));
                           }));

    // Teams.
    router.Get(base + "/teams",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto list, s.workspaces.ListTeams(a));
                               return Json(200, ListJson(list));
                           }));
    router.Post(base + "/teams",
                InWorkspace(auth, Role::kAdmin,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_RETURN_IF_ERROR(
                                    body.RejectUnknownFields({"name", "description", "member_ids"}));
                                HH_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
                                HH_ASSIGN_OR_RETURN(auto desc, body.OptionalString("description"));
                                HH_ASSIGN_OR_RETURN(auto members, UserIdsField(body, "member_ids"));
                                HH_ASSIGN_OR_RETURN(auto team, s.workspaces.CreateTeam(
                                                                   a, name, desc.value_or(""),
                                                                   ContextOf(req)));
                                if (members) {
                                    HH_ASSIGN_OR_RETURN(team, s.workspaces.UpdateTeam(
                                                                  a, team.id, std::nullopt,
                                                                  std::nullopt, members,
                                                                  ContextOf(req)));
                                }
                                return Json(201, {{"team", ToJson(team)}});
                            }));
    router.Get(base + "/teams/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<TeamId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto team, s.workspaces.GetTeam(a, id));
                               return Json(200, {{"team", ToJson(team)}});
                           }));
    router.Patch(base + "/teams/{id}",
                 InWorkspace(auth, Role::kAdmin,
                             [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto id, PathId<TeamId>(req, "id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_RETURN_IF_ERROR(body.RejectUnknownFields(
                                     {"name", "description", "member_ids"}));
                                 HH_ASSIGN_OR_RETURN(auto name, body.OptionalString("name"));
                                 HH_ASSIGN_OR_RETURN(auto desc, body.OptionalString("description"));
                                 HH_ASSIGN_OR_RETURN(auto members, UserIdsField(body, "member_ids"));
                                 HH_ASSIGN_OR_RETURN(auto team,
                                                     s.workspaces.UpdateTeam(a, id, name, desc, members,
                                                                             ContextOf(req)));
                                 return Json(200, {{"team", ToJson(team)}});
                             }));
    router.Delete(base + "/teams/{id}",
                  InWorkspace(auth, Role::kAdmin,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<TeamId>(req, "id"));
                                  HH_RETURN_IF_ERROR(s.workspaces.DeleteTeam(a, id, ContextOf(req)));
                                  return Response::NoContent();
                              }));

    // Labels.
    router.Get(base + "/labels",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request&, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto list, s.workspaces.ListLabels(a));
                               return Json(200, ListJson(list));
                           }));
    router.Post(base + "/labels",
                InWorkspace(auth, Role::kAdmin,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_RETURN_IF_ERROR(
                                    body.RejectUnknownFields({"name", "color", "description"}));
                                HH_ASSIGN_OR_RETURN(auto name, body.RequiredString("name"));
                                HH_ASSIGN_OR_RETURN(auto color, body.OptionalString("color"));
                                HH_ASSIGN_OR_RETURN(auto desc, body.OptionalString("description"));
                                HH_ASSIGN_OR_RETURN(auto label,
                                                    s.workspaces.CreateLabel(
                                                        a, name, color.value_or("#1f93ff"),
                                                        desc.value_or(""), ContextOf(req)));
                                return Json(201, {{"label", ToJson(label)}});
                            }));
    router.Get(base + "/labels/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<TeamId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto label, s.workspaces.GetLabel(a, id.value()));
                               return Json(200, {{"label", ToJson(label)}});
                           }));
    router.Patch(base + "/labels/{id}",
                 InWorkspace(auth, Role::kAdmin,
                             [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto id, PathId<TeamId>(req, "id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_RETURN_IF_ERROR(
                                     body.RejectUnknownFields({"name", "color", "description"}));
                                 HH_ASSIGN_OR_RETURN(auto name, body.OptionalString("name"));
                                 HH_ASSIGN_OR_RETURN(auto color, body.OptionalString("color"));
                                 HH_ASSIGN_OR_RETURN(auto desc, body.OptionalString("description"));
                                 HH_ASSIGN_OR_RETURN(auto label,
                                                     s.workspaces.UpdateLabel(a, id.value(), name, color,
                                                                              desc, ContextOf(req)));
                                 return Json(200, {{"label", ToJson(label)}});
                             }));
    router.Delete(base + "/labels/{id}",
                  InWorkspace(auth, Role::kAdmin,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<TeamId>(req, "id"));
                                  HH_RETURN_IF_ERROR(
                                      s.workspaces.DeleteLabel(a, id.value(), ContextOf(req)));
                                  return Response::NoContent();
                              }));
}

}  // namespace hudhud::http::api
