#include "channels/webchat/origin_policy.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

namespace hudhud::channels::webchat {
namespace {

struct Parsed {
    std::string scheme;  // empty: any
    std::string host;    // lower-case; may start with "*."
    std::string port;    // empty: default (or any, for scheme-less patterns)
};

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool ValidHost(std::string_view h, bool allow_wildcard) {
    if (allow_wildcard && h.starts_with("*.")) h.remove_prefix(2);
    if (h.empty() || h.size() > 253 || h.front() == '.' || h.back() == '.') return false;
    return std::all_of(h.begin(), h.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '.' || c == '-';
    });
}

bool ValidPort(std::string_view p) {
    return !p.empty() && p.size() <= 5 &&
           std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<Parsed> Parse(std::string_view s, bool pattern) {
    Parsed out;
    auto sep = s.find("://");
    if (sep != std::string_view::npos) {
        out.scheme = Lower(s.substr(0, sep));
        if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
        s.remove_prefix(sep + 3);
    } else if (!pattern) {
        return std::nullopt;  // an Origin always has a scheme
    }
    auto colon = s.rfind(':');
    if (colon != std::string_view::npos) {
        out.port = std::string(s.substr(colon + 1));
        if (!ValidPort(out.port)) return std::nullopt;
        s = s.substr(0, colon);
    }
    if (!ValidHost(s, pattern)) return std::nullopt;
    out.host = Lower(s);
    if (!out.scheme.empty()) {
        const char* def = out.scheme == "https" ? "443" : "80";
        if (out.port == def) out.port.clear();
    }
    return out;
}

bool HostMatches(const std::string& pattern_host, const std::string& host) {
    if (pattern_host.starts_with("*.")) {
        std::string_view suffix = std::string_view(pattern_host).substr(1);  // ".example.com"
        return host.size() > suffix.size() && host.ends_with(suffix);
    }
    return pattern_host == host;
}

}  // namespace

bool ValidDomainPattern(std::string_view pattern) { return Parse(pattern, true).has_value(); }

bool OriginAllowed(std::string_view origin, const std::vector<std::string>& patterns) {
    if (patterns.empty()) return true;
    auto o = Parse(origin, false);
    if (!o) return false;
    for (const auto& p : patterns) {
        auto pp = Parse(p, true);
        if (!pp || !HostMatches(pp->host, o->host)) continue;
        if (pp->scheme.empty()) {
            if (pp->port.empty() || pp->port == o->port) return true;
            continue;
        }
        if (pp->scheme == o->scheme && pp->port == o->port) return true;
    }
    return false;
}

bool SameOrigin(std::string_view origin, std::string_view host_header) {
    auto sep = origin.find("://");
    if (sep == std::string_view::npos || host_header.empty()) return false;
    std::string o = Lower(origin.substr(sep + 3));
    std::string h = Lower(host_header);
    if (o == h) return true;
    // An Origin leaves out a default port that a Host header may carry, and vice versa.
    const std::string scheme = Lower(origin.substr(0, sep));
    const std::string def = scheme == "https" ? ":443" : ":80";
    return o + def == h || o == h + def;
}

std::string FrameAncestors(const std::vector<std::string>& patterns) {
    if (patterns.empty()) return "frame-ancestors *";
    std::string out = "frame-ancestors 'self'";
    for (const auto& p : patterns) {
        auto pp = Parse(p, true);
        if (!pp) continue;
        if (!pp->scheme.empty()) {
            out += " " + pp->scheme + "://" + pp->host + (pp->port.empty() ? "" : ":" + pp->port);
        } else {
            const std::string port = pp->port.empty() ? ":*" : ":" + pp->port;
            out += " http://" + pp->host + port + " https://" + pp->host + port;
        }
    }
    return out;
}

}  // namespace hudhud::channels::webchat
