#include "http/response.hpp"

#include <nlohmann/json.hpp>

namespace hudhud::http {
namespace {

std::string Sanitize(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c == '\r' || c == '\n' || c == '\0') c = ' ';
    }
    return out;
}

}  // namespace

Response Response::Json(int status, const nlohmann::json& j) {
    Response r;
    r.status = status;
    r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.headers.Add("Content-Type", "application/json");
    return r;
}

Response Response::Error(int status, std::string_view code, std::string_view message) {
    nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
    return Json(status, j);
}

Response Response::Text(int status, std::string body, std::string_view content_type) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.Add("Content-Type", Sanitize(content_type));
    return r;
}

Response Response::NoContent() {
    Response r;
    r.status = 204;
    return r;
}

Response& Response::SetHeader(std::string_view name, std::string_view value) {
    headers.Set(Sanitize(name), Sanitize(value));
    return *this;
}

Response& Response::AddHeader(std::string_view name, std::string_view value) {
    headers.Add(Sanitize(name), Sanitize(value));
    return *this;
}

Response& Response::SetCookie(const Cookie& cookie) {
    return AddHeader("Set-Cookie", FormatSetCookie(cookie));
}

std::string FormatSetCookie(const Cookie& cookie) {
    // Attribute separators inside a value would forge attributes; cookie values are opaque
    // tokens in this code base, so such characters are dropped rather than escaped.
    auto clean = [](std::string_view s) {
        std::string out;
        for (char c : s) {
            if (c == ';' || c == ',' || c == '\r' || c == '\n' || c == '\0') continue;
            out += c;
        }
        return out;
    };
    std::string out = clean(cookie.name);
    out += '=';
    out += clean(cookie.value);
    if (!cookie.path.empty()) out += "; Path=" + clean(cookie.path);
    if (!cookie.domain.empty()) out += "; Domain=" + clean(cookie.domain);
    if (cookie.max_age) {
        out += "; Max-Age=" + std::to_string(std::max<std::int64_t>(0, cookie.max_age->count()));
    }
    if (cookie.secure || cookie.same_site == SameSite::kNone) out += "; Secure";
    if (cookie.http_only) out += "; HttpOnly";
    switch (cookie.same_site) {
        case SameSite::kLax:
            out += "; SameSite=Lax";
            break;
        case SameSite::kStrict:
            out += "; SameSite=Strict";
            break;
        case SameSite::kNone:
            out += "; SameSite=None";
            break;
    }
    return out;
}

std::string_view StatusReason(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 101:
            return "Switching Protocols";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 303:
            return "See Other";
        case 304:
            return "Not Modified";
        case 307:
            return "Temporary Redirect";
        case 308:
            return "Permanent Redirect";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 410:
            return "Gone";
        case 411:
            return "Length Required";
        case 412:
            return "Precondition Failed";
        case 413:
            return "Content Too Large";
        case 415:
            return "Unsupported Media Type";
        case 422:
            return "Unprocessable Content";
        case 426:
            return "Upgrade Required";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        default:
            return "Unknown";
    }
}

}  // namespace hudhud::http
