#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace hudhud::http {

namespace detail {
struct RouteNode;
}  // namespace detail

// A synchronous request handler. Unless the route is inline it runs on the server's blocking
// handler pool, so it may block (e.g. on a database commit). It must be thread-safe: many
// requests run it at once. An exception escaping it becomes a logged 500.
using Handler = std::function<Response(Request&)>;

// How an asynchronous handler answers. `reply` must be called exactly once, from any thread;
// `offload` runs a function on the blocking handler pool (for the rare step that may block).
struct AsyncReply {
    std::function<void(Response)> reply;
    std::function<void(std::function<void()>)> offload;
};

// An asynchronous request handler, for hot routes whose slow part is a wait (a group commit):
// it runs on the I/O thread, so it must never block, and answers through `AsyncReply::reply`
// at once or later, e.g. from a storage writer thread after the commit (Database::WriteAsync).
// No blocking-pool thread is held while it waits. `Request&` stays valid until the reply. An
// exception escaping it becomes a logged 500 (then a later reply is ignored).
using AsyncHandler = std::function<void(Request&, AsyncReply)>;

struct RouteOptions {
    // Run on the I/O thread instead of the handler pool. Only for handlers that never block and
    // finish in microseconds (healthz, metrics).
    bool inline_handler = false;
    // Largest accepted request body in bytes; 0 = ServerOptions::max_body_bytes.
    std::size_t max_body = 0;
    // Label for metrics and access logs; empty = the pattern.
    std::string name{};
    // Write an access log line for this route (off for very hot probes, e.g. healthz).
    bool access_log = true;
};

struct Route {
    Method method = Method::kGet;
    std::string pattern{};
    Handler handler{};            // empty for an asynchronous route
    AsyncHandler async_handler{};  // set for an asynchronous route
    RouteOptions options{};             // options.name is always filled in
    std::vector<std::string> params{};  // parameter names in pattern order
    std::size_t index = 0;              // dense 0..routes().size()-1, for per-route tables
};

// Maps (method, path) to a route through a trie of path segments: literal segments beat
// {parameters}, which beat a trailing {*wildcard}; a lookup costs O(segments) apart from
// backtracking when a literal branch dead-ends. HEAD falls back to the GET route.
//
// Patterns: "/api/v1/workspaces/{workspace_id}/contacts/{id}", "/static/{*path}", "/".
// A {param} matches one non-empty segment; {*name} must be last and matches the rest of the
// path (possibly empty after the slash). Matching is on the raw path; parameter values are
// percent-decoded ("%2F" in a parameter does not split it). Trailing slashes are significant.
//
// Thread safety: build it on one thread, then hand it to the Server; Find() is const and safe
// from any number of threads.
class Router {
  public:
    Router();
    ~Router();
    Router(Router&&) noexcept;
    Router& operator=(Router&&) noexcept;

    // Adds a route. kInvalidArgument for a malformed pattern, or a duplicate (method, pattern
    // shape) such as GET /a/{x} after GET /a/{y}.
    Status TryAdd(Method method, std::string_view pattern, Handler handler,
                  RouteOptions options = {});
    // Adds an asynchronous route (see AsyncHandler); errors as TryAdd.
    Status TryAddAsync(Method method, std::string_view pattern, AsyncHandler handler,
                       RouteOptions options = {});
    Router& AddAsync(Method method, std::string_view pattern, AsyncHandler handler,
                     RouteOptions options = {});
    // TryAdd that treats an error as the programming bug it is: prints it and aborts.
    Router& Add(Method method, std::string_view pattern, Handler handler,
                RouteOptions options = {});
    Router& Get(std::string_view p, Handler h, RouteOptions o = {}) {
        return Add(Method::kGet, p, std::move(h), std::move(o));
    }
    Router& Post(std::string_view p, Handler h, RouteOptions o = {}) {
        return Add(Method::kPost, p, std::move(h), std::move(o));
    }
    Router& Put(std::string_view p, Handler h, RouteOptions o = {}) {
        return Add(Method::kPut, p, std::move(h), std::move(o));
    }
    Router& Patch(std::string_view p, Handler h, RouteOptions o = {}) {
        return Add(Method::kPatch, p, std::move(h), std::move(o));
    }
    Router& Delete(std::string_view p, Handler h, RouteOptions o = {}) {
        return Add(Method::kDelete, p, std::move(h), std::move(o));
    }

    // Runs for any request no route matches by path (e.g. static files and the SPA). Without a
    // fallback such requests get 404. Default name "fallback".
    void SetFallback(Handler handler, RouteOptions options = {});

    struct Match {
        enum class Kind { kFound, kMethodNotAllowed, kNotFound, kBadPath };
        Kind kind = Kind::kNotFound;
        const Route* route = nullptr;  // kFound: the route, possibly the fallback
        StringPairs params{};          // kFound: decoded path parameters
        std::string allow{};           // kMethodNotAllowed: "GET, HEAD, POST"
    };
    // `path` is the raw path (no query). A path that matches no route at all yields the fallback
    // when there is one; a path whose parameters do not decode yields kBadPath.
    Match Find(Method method, std::string_view path) const;

    // All routes including the fallback, indexed by Route::index.
    const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
    const Route* fallback() const { return fallback_; }

  private:
    Status AddRoute(Method method, std::string_view pattern, Handler handler,
                    AsyncHandler async_handler, RouteOptions options);

    std::unique_ptr<detail::RouteNode> root_;
    std::vector<std::unique_ptr<Route>> routes_;
    const Route* fallback_ = nullptr;
};

}  // namespace hudhud::http
