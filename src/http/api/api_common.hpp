#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "core/workspace.hpp"
#include "http/json_body.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"
#include "services/account_service.hpp"
#include "services/principal.hpp"
#include "storage/repositories/page.hpp"

namespace hudhud::http::api {

inline constexpr std::string_view kSessionCookie = "hudhud_session";
inline constexpr std::string_view kCsrfCookie = "hudhud_csrf";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// Authenticates API requests: `Authorization: Bearer <api token>` or the session cookie. A
// cookie-authenticated request that can change state (POST, PUT, PATCH, DELETE) must carry the
// session's CSRF token in X-CSRF-Token (double submit), or it is refused with 403.
class ApiAuth {
public:
    explicit ApiAuth(services::AccountService& accounts) : accounts_(accounts) {}

    Result<services::Principal> Authenticate(const Request& req);
    Result<services::WorkspaceAccess> AuthorizeWorkspace(const Request& req, Role min_role);
    services::AccountService& accounts() { return accounts_; }

private:
    services::AccountService& accounts_;
};

// Handlers written against Result: an error return becomes the mapped error response, so the
// body of a handler can use HH_ASSIGN_OR_RETURN freely.
using ResultHandler = std::function<Result<Response>(Request&)>;
using PrincipalHandler =
    std::function<Result<Response>(Request&, const services::Principal&)>;
using WorkspaceHandler =
    std::function<Result<Response>(Request&, const services::WorkspaceAccess&)>;

Handler Wrap(ResultHandler h);

// Wrappers that authenticate (and, for the workspace form, authorize `min_role` in the
// {workspace_id} path parameter) before calling the handler; failures become error responses.
Handler Authenticated(ApiAuth& auth, PrincipalHandler h);
Handler InWorkspace(ApiAuth& auth, Role min_role, WorkspaceHandler h);

// The one conversion from Error to an HTTP response used by the API (delegates to
// http/error_mapping).
Response ErrorResponse(const Error& e);
Response Json(int status, const nlohmann::json& j);

services::RequestContext ContextOf(const Request& req);

// ?cursor=&limit= for keyset pagination; kInvalidArgument for malformed numbers.
Result<storage::PageRequest> PageOf(const Request& req);

template <typename T, typename F>
nlohmann::json PageJson(const storage::Page<T>& page, F&& to_json) {
    nlohmann::json data = nlohmann::json::array();
    for (const auto& item : page.items) data.push_back(to_json(item));
    return {{"data", std::move(data)},
            {"next_cursor", page.next_cursor ? nlohmann::json(std::to_string(*page.next_cursor))
                                             : nlohmann::json(nullptr)}};
}

// Sets the session and CSRF cookies for a fresh sign-in and returns the sign-in JSON body.
Response SignedInResponse(int status, const Request& req, const services::SignedIn& s,
                          nlohmann::json extra = nlohmann::json::object());

// Id from a path parameter; a malformed id is kNotFound (the object cannot exist).
template <typename IdT>
Result<IdT> PathId(const Request& req, std::string_view name) {
    auto v = req.PathParamInt64(name);
    if (!v.ok() || *v <= 0) return Error::NotFound(std::string(name) + " not found");
    return IdT(*v);
}

}  // namespace hudhud::http::api
