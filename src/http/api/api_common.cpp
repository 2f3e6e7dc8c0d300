#include "http/api/api_common.hpp"

#include <charconv>

#include "http/api/json_views.hpp"
#include "http/error_mapping.hpp"
#include "secrets/token.hpp"

namespace hudhud::http::api {
namespace {

bool ChangesState(Method m) {
    return m == Method::kPost || m == Method::kPut || m == Method::kPatch || m == Method::kDelete;
}

}  // namespace

Response ErrorResponse(const Error& e) {
    Response r = http::ErrorResponse(e);
    if (e.code == ErrorCode::kRateLimited) {
        // The message says "retry after N seconds"; surface it as a header clients understand.
        auto pos = e.message.find("retry after ");
        if (pos != std::string::npos) {
            std::string digits;
            for (char c : e.message.substr(pos + 12)) {
                if (c < '0' || c > '9') break;
                digits.push_back(c);
            }
            if (!digits.empty()) r.SetHeader("Retry-After", digits);
        }
    }
    return r;
}

Response Json(int status, const nlohmann::json& j) { return Response::Json(status, j); }

services::RequestContext ContextOf(const Request& req) {
    services::RequestContext ctx;
    ctx.ip = req.remote_address;
    ctx.user_agent = std::string(req.Header("User-Agent").value_or(""));
    return ctx;
}

Result<storage::PageRequest> PageOf(const Request& req) {
    storage::PageRequest p;
    if (auto c = req.Query("cursor"); c && !c->empty()) {
        std::int64_t v = 0;
        auto [ptr, ec] = std::from_chars(c->data(), c->data() + c->size(), v);
        if (ec != std::errc() || ptr != c->data() + c->size() || v <= 0) {
            return Error::InvalidArgument("cursor is malformed");
        }
        p.cursor = v;
    }
    if (auto l = req.Query("limit"); l && !l->empty()) {
        int v = 0;
        auto [ptr, ec] = std::from_chars(l->data(), l->data() + l->size(), v);
        if (ec != std::errc() || ptr != l->data() + l->size() || v < 1 || v > 200) {
            return Error::InvalidArgument("limit must be an integer from 1 to 200");
        }
        p.limit = v;
    }
    return p;
}

Result<services::Principal> ApiAuth::Authenticate(const Request& req) {
    if (auto authz = req.Header("Authorization")) {
        constexpr std::string_view kBearer = "Bearer ";
        if (authz->size() <= kBearer.size() || !IEquals(authz->substr(0, 7), kBearer)) {
            return Error::Unauthenticated("Authorization must be 'Bearer <token>'");
        }
        return accounts_.AuthenticateApiToken(std::string(authz->substr(kBearer.size())));
    }
    auto cookie = req.Cookie(kSessionCookie);
    if (!cookie || cookie->empty()) return Error::Unauthenticated("sign in required");
    HH_ASSIGN_OR_RETURN(auto p, accounts_.AuthenticateSession(std::string(*cookie)));
    if (ChangesState(req.method)) {
        auto sent = req.Header(kCsrfHeader);
        if (!sent || !secrets::ConstantTimeEquals(*sent, p.session->csrf_token)) {
            return Error::PermissionDenied("missing or wrong X-CSRF-Token header");
        }
    }
    return p;
}

Result<services::WorkspaceAccess> ApiAuth::AuthorizeWorkspace(const Request& req, Role min_role) {
    HH_ASSIGN_OR_RETURN(auto p, Authenticate(req));
    auto ws = req.PathParamInt64("workspace_id");
    if (!ws.ok() || *ws <= 0) return Error::NotFound("workspace not found");
    return accounts_.Authorize(p, WorkspaceId(*ws), min_role);
}

Handler Wrap(ResultHandler h) {
    return [h = std::move(h)](Request& req) -> Response {
        auto r = h(req);
        if (!r.ok()) return ErrorResponse(r.error());
        return std::move(r).value();
    };
}

Handler Authenticated(ApiAuth& auth, PrincipalHandler h) {
    return [&auth, h = std::move(h)](Request& req) -> Response {
        auto p = auth.Authenticate(req);
        if (!p.ok()) return ErrorResponse(p.error());
        auto r = h(req, *p);
        if (!r.ok()) return ErrorResponse(r.error());
        return std::move(r).value();
    };
}

Handler InWorkspace(ApiAuth& auth, Role min_role, WorkspaceHandler h) {
    return [&auth, min_role, h = std::move(h)](Request& req) -> Response {
        auto a = auth.AuthorizeWorkspace(req, min_role);
        if (!a.ok()) return ErrorResponse(a.error());
        auto r = h(req, *a);
        if (!r.ok()) return ErrorResponse(r.error());
        return std::move(r).value();
    };
}

Response SignedInResponse(int status, const Request& req, const services::SignedIn& s,
                          nlohmann::json extra) {
    nlohmann::json workspaces = nlohmann::json::array();
    for (const auto& uw : s.workspaces) workspaces.push_back(ToJson(uw));
    nlohmann::json body = {{"user", ToJson(s.user)},
                           {"workspaces", std::move(workspaces)},
                           {"csrf_token", s.csrf_token}};
    for (auto& [k, v] : extra.items()) body[k] = v;
    Response r = Json(status, body);
    const auto ttl = std::chrono::duration_cast<std::chrono::seconds>(
        s.expires_at.time_since_epoch() -
        std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::system_clock::now().time_since_epoch()));
    Cookie session{std::string(kSessionCookie), s.session_token};
    session.secure = req.secure;
    session.max_age = ttl;
    r.SetCookie(session);
    Cookie csrf{std::string(kCsrfCookie), s.csrf_token};
    csrf.secure = req.secure;
    csrf.http_only = false;  // the dashboard reads it to echo it in X-CSRF-Token
    csrf.max_age = ttl;
    r.SetCookie(csrf);
    r.SetHeader("Cache-Control", "no-store");
    return r;
}

}  // namespace hudhud::http::api
