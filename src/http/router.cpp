#include "http/router.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace hudhud::http {

namespace detail {

struct RouteNode {
    std::map<std::string, std::unique_ptr<RouteNode>, std::less<>> literals;
    std::unique_ptr<RouteNode> param;
    std::array<const Route*, kRoutableMethodCount> routes{};
    std::array<const Route*, kRoutableMethodCount> wildcard_routes{};

    static bool Any(const std::array<const Route*, kRoutableMethodCount>& a) {
        for (const Route* r : a) {
            if (r != nullptr) return true;
        }
        return false;
    }
};

}  // namespace detail

namespace {

using detail::RouteNode;

using RouteTable = std::array<const Route*, kRoutableMethodCount>;

struct Segment {
    std::string_view text;
    std::size_t offset;  // of text within the path
};

// "/a/b" -> {"a","b"}; "/" -> {""}; "/a/" -> {"a",""}.
void Split(std::string_view path, std::vector<Segment>& out) {
    std::size_t pos = 1;
    while (true) {
        std::size_t slash = path.find('/', pos);
        if (slash == std::string_view::npos) {
            out.push_back({path.substr(pos), pos});
            return;
        }
        out.push_back({path.substr(pos, slash - pos), pos});
        pos = slash + 1;
    }
}

bool IsIdentifier(std::string_view s) {
    if (s.empty()) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        bool digit = c >= '0' && c <= '9';
        if (!alpha && !(digit && i > 0)) return false;
    }
    return true;
}

const Route* Lookup(const RouteTable& table, Method method) {
    if (method == Method::kOther) return nullptr;
    const Route* r = table[static_cast<std::size_t>(method)];
    if (r == nullptr && method == Method::kHead) r = table[static_cast<std::size_t>(Method::kGet)];
    return r;
}

void Collect(const RouteTable& table, std::array<bool, kRoutableMethodCount>& allowed) {
    for (std::size_t i = 0; i < kRoutableMethodCount; ++i) {
        if (table[i] != nullptr) allowed[i] = true;
    }
}

struct Walker {
    Method method;
    std::string_view path;
    const std::vector<Segment>& segments;
    std::vector<std::string_view> captures;
    std::array<bool, kRoutableMethodCount> allowed{};
    bool path_matched = false;
    const Route* found = nullptr;

    bool Walk(const RouteNode* node, std::size_t i);
};

bool Walker::Walk(const RouteNode* node, std::size_t i) {
    if (i == segments.size()) {
        if (RouteNode::Any(node->routes)) {
            path_matched = true;
            Collect(node->routes, allowed);
            if (const Route* r = Lookup(node->routes, method)) {
                found = r;
                return true;
            }
        }
        return false;
    }
    std::string_view seg = segments[i].text;
    if (auto it = node->literals.find(seg); it != node->literals.end()) {
        if (Walk(it->second.get(), i + 1)) return true;
    }
    if (node->param && !seg.empty()) {
        captures.push_back(seg);
        if (Walk(node->param.get(), i + 1)) return true;
        captures.pop_back();
    }
    if (RouteNode::Any(node->wildcard_routes)) {
        path_matched = true;
        Collect(node->wildcard_routes, allowed);
        if (const Route* r = Lookup(node->wildcard_routes, method)) {
            captures.push_back(path.substr(segments[i].offset));
            found = r;
            return true;
        }
    }
    return false;
}

}  // namespace

Router::Router() : root_(std::make_unique<RouteNode>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Status Router::TryAdd(Method method, std::string_view pattern, Handler handler,
                      RouteOptions options) {
    if (!handler) {
        return Error::InvalidArgument("route " + std::string(MethodName(method)) + " " +
                                      std::string(pattern) + ": handler is empty");
    }
    return AddRoute(method, pattern, std::move(handler), nullptr, std::move(options));
}

Status Router::TryAddAsync(Method method, std::string_view pattern, AsyncHandler handler,
                           RouteOptions options) {
    if (!handler) {
        return Error::InvalidArgument("route " + std::string(MethodName(method)) + " " +
                                      std::string(pattern) + ": handler is empty");
    }
    return AddRoute(method, pattern, nullptr, std::move(handler), std::move(options));
}

Router& Router::AddAsync(Method method, std::string_view pattern, AsyncHandler handler,
                         RouteOptions options) {
    Status s = TryAddAsync(method, pattern, std::move(handler), std::move(options));
    if (!s.ok()) {
        std::fprintf(stderr, "fatal: invalid route table: %s\n", s.error().message.c_str());
        std::abort();
    }
    return *this;
}

Status Router::AddRoute(Method method, std::string_view pattern, Handler handler,
                        AsyncHandler async_handler, RouteOptions options) {
    auto fail = [&](std::string_view why) {
        return Error::InvalidArgument("route " + std::string(MethodName(method)) + " " +
                                      std::string(pattern) + ": " + std::string(why));
    };
    if (method == Method::kOther) return fail("method must be a routable method");
    if (pattern.empty() || pattern.front() != '/') return fail("pattern must start with '/'");
    std::vector<Segment> segments;
    Split(pattern, segments);
    auto route = std::make_unique<Route>();
    RouteNode* node = root_.get();
    bool wildcard = false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        std::string_view seg = segments[i].text;
        if (!seg.empty() && seg.front() == '{') {
            if (seg.back() != '}') return fail("unterminated parameter segment");
            std::string_view name = seg.substr(1, seg.size() - 2);
            bool is_wildcard = !name.empty() && name.front() == '*';
            if (is_wildcard) name.remove_prefix(1);
            if (!IsIdentifier(name)) return fail("parameter name must be an identifier");
            for (const auto& existing : route->params) {
                if (existing == name) return fail("duplicate parameter name");
            }
            route->params.emplace_back(name);
            if (is_wildcard) {
                if (i + 1 != segments.size()) return fail("{*wildcard} must be the last segment");
                wildcard = true;
                break;
            }
            if (!node->param) node->param = std::make_unique<RouteNode>();
            node = node->param.get();
        } else {
            if (seg.find_first_of("{}") != std::string_view::npos) {
                return fail("braces are only allowed around a whole segment");
            }
            auto it = node->literals.find(seg);
            if (it == node->literals.end()) {
                it = node->literals.emplace(std::string(seg), std::make_unique<RouteNode>()).first;
            }
            node = it->second.get();
        }
    }
    RouteTable& table = wildcard ? node->wildcard_routes : node->routes;
    const Route*& slot = table[static_cast<std::size_t>(method)];
    if (slot != nullptr) return fail("conflicts with existing route " + slot->pattern);

    route->method = method;
    route->pattern = std::string(pattern);
    route->handler = std::move(handler);
    route->async_handler = std::move(async_handler);
    if (options.name.empty()) options.name = route->pattern;
    route->options = std::move(options);
    route->index = routes_.size();
    slot = route.get();
    routes_.push_back(std::move(route));
    return Ok();
}

Router& Router::Add(Method method, std::string_view pattern, Handler handler,
                    RouteOptions options) {
    Status s = TryAdd(method, pattern, std::move(handler), std::move(options));
    if (!s.ok()) {
        std::fprintf(stderr, "fatal: invalid route table: %s\n", s.error().message.c_str());
        std::abort();
    }
    return *this;
}

void Router::SetFallback(Handler handler, RouteOptions options) {
    if (options.name.empty()) options.name = "fallback";
    if (fallback_ != nullptr) {
        Route* existing = routes_[fallback_->index].get();
        existing->handler = std::move(handler);
        existing->options = std::move(options);
        return;
    }
    auto route = std::make_unique<Route>();
    route->method = Method::kOther;
    route->pattern = "*";
    route->handler = std::move(handler);
    route->options = std::move(options);
    route->index = routes_.size();
    fallback_ = route.get();
    routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path) const {
    Match match;
    if (path.empty() || path.front() != '/') {
        match.kind = Match::Kind::kBadPath;
        return match;
    }
    std::vector<Segment> segments;
    segments.reserve(8);
    Split(path, segments);
    Walker walker{method, path, segments, {}, {}, false, nullptr};
    walker.captures.reserve(4);
    if (walker.Walk(root_.get(), 0)) {
        const Route* route = walker.found;
        match.params.reserve(route->params.size());
        for (std::size_t i = 0; i < route->params.size(); ++i) {
            auto decoded = PercentDecode(walker.captures[i], false);
            if (!decoded.ok()) {
                match.kind = Match::Kind::kBadPath;
                match.params.clear();
                return match;
            }
            match.params.emplace_back(route->params[i], std::move(decoded).value());
        }
        match.kind = Match::Kind::kFound;
        match.route = route;
        return match;
    }
    if (walker.path_matched) {
        match.kind = Match::Kind::kMethodNotAllowed;
        for (std::size_t i = 0; i < kRoutableMethodCount; ++i) {
            if (!walker.allowed[i]) continue;
            if (!match.allow.empty()) match.allow += ", ";
            match.allow += MethodName(static_cast<Method>(i));
            if (static_cast<Method>(i) == Method::kGet &&
                !walker.allowed[static_cast<std::size_t>(Method::kHead)]) {
                match.allow += ", HEAD";
            }
        }
        return match;
    }
    if (fallback_ != nullptr) {
        match.kind = Match::Kind::kFound;
        match.route = fallback_;
        return match;
    }
    match.kind = Match::Kind::kNotFound;
    return match;
}

}  // namespace hudhud::http
