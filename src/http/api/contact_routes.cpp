#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;

namespace {

Status RejectUnknownContactFields(const JsonBody& body) {
    return body.RejectUnknownFields(
        {"name", "email", "phone", "phone_e164", "avatar_url", "locale", "custom_attributes"});
}

Result<storage::ContactFields> ReadContactFields(const JsonBody& body) {
    storage::ContactFields f;
    HH_ASSIGN_OR_RETURN(f.name, body.OptionalString("name"));
    HH_ASSIGN_OR_RETURN(f.email, body.OptionalString("email"));
    HH_ASSIGN_OR_RETURN(f.phone_e164, body.OptionalString("phone_e164"));
    HH_ASSIGN_OR_RETURN(auto phone, body.OptionalString("phone"));
    if (phone) f.phone_e164 = phone;
    HH_ASSIGN_OR_RETURN(f.avatar_url, body.OptionalString("avatar_url"));
    HH_ASSIGN_OR_RETURN(f.locale, body.OptionalString("locale"));
    HH_ASSIGN_OR_RETURN(f.custom_attributes_json, body.OptionalObjectRaw("custom_attributes"));
    return f;
}

}  // namespace

void RegisterContactRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/contacts";

    router.Get(base, InWorkspace(auth, Role::kAgent,
                                 [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                     HH_ASSIGN_OR_RETURN(auto page, PageOf(req));
                                     HH_ASSIGN_OR_RETURN(auto contacts, s.contacts.List(a, page));
                                     return Json(200, PageJson(contacts, [](const Contact& c) {
                                                     return ToJson(c);
                                                 }));
                                 }));
    router.Post(base, InWorkspace(auth, Role::kAgent,
                                  [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                      HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                      HH_RETURN_IF_ERROR(RejectUnknownContactFields(body));
                                      HH_ASSIGN_OR_RETURN(auto fields, ReadContactFields(body));
                                      HH_ASSIGN_OR_RETURN(auto c,
                                                          s.contacts.Create(a, fields, ContextOf(req)));
                                      return Json(201, {{"contact", ToJson(c)}});
                                  }));
    router.Get(base + "/{id}",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ContactId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto d, s.contacts.Get(a, id));
                               nlohmann::json j = ToJson(d.contact);
                               j["identities"] = nlohmann::json::array();
                               for (const auto& ci : d.identities) j["identities"].push_back(ToJson(ci));
                               return Json(200, {{"contact", j}});
                           }));
    router.Patch(base + "/{id}",
                 InWorkspace(auth, Role::kAgent,
                             [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                 HH_ASSIGN_OR_RETURN(auto id, PathId<ContactId>(req, "id"));
                                 HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                 HH_RETURN_IF_ERROR(RejectUnknownContactFields(body));
                                 HH_ASSIGN_OR_RETURN(auto fields, ReadContactFields(body));
                                 HH_ASSIGN_OR_RETURN(auto c,
                                                     s.contacts.Update(a, id, fields, ContextOf(req)));
                                 return Json(200, {{"contact", ToJson(c)}});
                             }));
    router.Delete(base + "/{id}",
                  InWorkspace(auth, Role::kAdmin,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<ContactId>(req, "id"));
                                  HH_RETURN_IF_ERROR(s.contacts.Delete(a, id, ContextOf(req)));
                                  return Response::NoContent();
                              }));

    router.Get(base + "/{id}/notes",
               InWorkspace(auth, Role::kAgent,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto id, PathId<ContactId>(req, "id"));
                               HH_ASSIGN_OR_RETURN(auto notes, s.contacts.ListNotes(a, id));
                               nlohmann::json data = nlohmann::json::array();
                               for (const auto& n : notes) data.push_back(ToJson(n));
                               return Json(200, {{"data", data}});
                           }));
    router.Post(base + "/{id}/notes",
                InWorkspace(auth, Role::kAgent,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto id, PathId<ContactId>(req, "id"));
                                HH_ASSIGN_OR_RETURN(auto body, JsonBody::Parse(req.body));
                                HH_RETURN_IF_ERROR(body.RejectUnknownFields({"content"}));
                                HH_ASSIGN_OR_RETURN(auto content, body.RequiredString("content"));
                                HH_ASSIGN_OR_RETURN(auto note, s.contacts.AddNote(a, id, content));
                                return Json(201, {{"note", ToJson(note)}});
                            }));
    router.Delete(base + "/{id}/notes/{note_id}",
                  InWorkspace(auth, Role::kAgent,
                              [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                  HH_ASSIGN_OR_RETURN(auto id, PathId<ContactId>(req, "id"));
                                  HH_ASSIGN_OR_RETURN(auto note, PathId<ContactId>(req, "note_id"));
                                  HH_RETURN_IF_ERROR(s.contacts.DeleteNote(a, id, note.value()));
                                  return Response::NoContent();
                              }));
}

}  // namespace hudhud::http::api
