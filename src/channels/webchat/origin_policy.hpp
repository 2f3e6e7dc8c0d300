#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hudhud::channels::webchat {

// Which sites may embed a Web Chat inbox's widget and call its API, from the inbox's
// `allowed_domains` (see WebChatSettings). Pure string logic; no DNS, no I/O.

// Whether `pattern` is one of the accepted forms: "host", "*.host", "host:port",
// "http(s)://host[:port]" (no path, no userinfo).
bool ValidDomainPattern(std::string_view pattern);

// Whether a browser Origin header value ("https://shop.example:8443") matches one of `patterns`.
// An empty pattern list allows every origin; "null" and malformed origins match nothing else.
// Host names compare case-insensitively; a scheme-less pattern matches any scheme and port;
// "*.example.com" matches sub-domains but not example.com itself.
bool OriginAllowed(std::string_view origin, const std::vector<std::string>& patterns);

// Whether `origin` names the same host[:port] as the request's Host header (the widget's own
// iframe calling its server).
bool SameOrigin(std::string_view origin, std::string_view host_header);

// The CSP `frame-ancestors` directive for the widget frame: "frame-ancestors 'self' ..." when
// patterns restrict embedding, "frame-ancestors *" otherwise.
std::string FrameAncestors(const std::vector<std::string>& patterns);

}  // namespace hudhud::channels::webchat
