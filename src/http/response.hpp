#pragma once

#include <chrono>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace hudhud::http {

enum class SameSite { kLax, kStrict, kNone };

// A Set-Cookie header. Defaults are the safe ones for a session cookie.
struct Cookie {
    std::string name{};
    std::string value{};
    std::string path = "/";
    std::string domain{};                           // empty: host-only cookie
    std::optional<std::chrono::seconds> max_age{};  // nullopt: session cookie; 0s: delete
    bool secure = false;                            // set it when Request::secure
    bool http_only = true;
    SameSite same_site = SameSite::kLax;
};

// What a handler returns. The server adds Content-Length, Connection and X-Request-Id; a HEAD
// request gets the headers of the GET response without the body.
struct Response {
    int status = 200;
    Headers headers{};
    std::string body{};
    // Diagnostics for the access log only (e.g. the real message behind a 500); never sent.
    std::string log_detail{};

    // body = j.dump(); Content-Type: application/json. Invalid UTF-8 becomes U+FFFD.
    static Response Json(int status, const nlohmann::json& j);
    // {"error":{"code":code,"message":message}} with Content-Type: application/json.
    static Response Error(int status, std::string_view code, std::string_view message);
    static Response Text(int status, std::string body,
                         std::string_view content_type = "text/plain; charset=utf-8");
    static Response NoContent();  // 204

    // CR and LF in names or values are replaced with spaces (no header injection).
    Response& SetHeader(std::string_view name, std::string_view value);
    Response& AddHeader(std::string_view name, std::string_view value);
    Response& SetCookie(const Cookie& cookie);
};

// The Set-Cookie value for `cookie`, e.g. "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax".
std::string FormatSetCookie(const Cookie& cookie);

// The reason phrase for a status ("Not Found"); "Unknown" for unknown codes.
std::string_view StatusReason(int status);

}  // namespace hudhud::http
