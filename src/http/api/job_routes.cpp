#include "http/api/api_routes.hpp"
#include "http/api/json_views.hpp"

namespace hudhud::http::api {

using services::WorkspaceAccess;

namespace {

nlohmann::json ToJson(const jobs::JobInfo& j) {
    return {{"id", j.id.value()},
            {"type", j.type},
            {"status", jobs::JobStatusName(j.status)},
            {"attempts", j.attempts},
            {"max_attempts", j.max_attempts},
            {"last_error", j.last_error ? nlohmann::json(*j.last_error) : nlohmann::json(nullptr)},
            {"payload", ParseStored(j.payload)},
            {"run_at", ToMicros(j.run_at)},
            {"created_at", ToMicros(j.created_at)},
            {"updated_at", ToMicros(j.updated_at)}};
}

}  // namespace

void RegisterJobRoutes(Router& router, ApiAuth& auth, ApiServices& s) {
    const std::string base = "/api/v1/workspaces/{workspace_id}/jobs";

    router.Get(base + "/dead",
               InWorkspace(auth, Role::kAdmin,
                           [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                               HH_ASSIGN_OR_RETURN(auto page, PageOf(req));
                               HH_ASSIGN_OR_RETURN(auto dead, s.jobs.ListDead(a.workspace(),
                                                                              page.cursor, page.limit));
                               nlohmann::json data = nlohmann::json::array();
                               for (const auto& j : dead.items) data.push_back(ToJson(j));
                               return Json(200, {{"data", data},
                                                 {"next_cursor",
                                                  dead.next_cursor
                                                      ? nlohmann::json(std::to_string(*dead.next_cursor))
                                                      : nlohmann::json(nullptr)}});
                           }));
    router.Post(base + "/{id}/retry",
                InWorkspace(auth, Role::kAdmin,
                            [&s](Request& req, const WorkspaceAccess& a) -> Result<Response> {
                                HH_ASSIGN_OR_RETURN(auto id, PathId<JobId>(req, "id"));
                                HH_RETURN_IF_ERROR(s.jobs.RetryDead(a.workspace(), id));
                                HH_ASSIGN_OR_RETURN(auto job, s.jobs.Get(a.workspace(), id));
                                return Json(200, {{"job", ToJson(job)}});
                            }));
}

}  // namespace hudhud::http::api
