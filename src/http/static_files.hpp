#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "http/router.hpp"

namespace hudhud::http {

struct StaticFilesOptions {
    std::string root{};  // directory to serve, e.g. web/dist
    std::string index_file = "index.html";
    // GET/HEAD requests for a missing file that accept text/html and are not under one of
    // spa_exclude_prefixes get root/index_file (client-side routing).
    bool spa_fallback = true;
    std::vector<std::string> spa_exclude_prefixes = {"/api/"};
    std::size_t max_file_bytes = 64u << 20;
};

// Serves files below a root directory.
//
// - Content-Type from the extension; unknown types are application/octet-stream.
// - Weak ETag from size and mtime, Last-Modified; If-None-Match / If-Modified-Since give 304.
// - Cache-Control: "public, max-age=31536000, immutable" for content-hashed names
//   (Vite's assets/name-Hash8.js), "no-cache" for everything else (index.html revalidates).
// - Refuses ".." and "." segments, backslashes, NUL, dot-files, and anything whose real path
//   (after resolving symlinks) leaves the root. Only regular files are served.
// - Only GET and HEAD; other methods get 404 JSON (the dashboard has no other verbs).
//
// Thread-safe (no mutable state); handlers may share one instance.
class StaticFiles {
  public:
    // kInvalidArgument when root is not an existing directory.
    static Result<StaticFiles> Create(StaticFilesOptions options);

    // Serves the request's whole path (as a Router fallback).
    Response Serve(const Request& request) const;
    // Serves `relative_path` (already percent-decoded, e.g. a {*path} parameter).
    Response ServeRelative(const Request& request, std::string_view relative_path) const;
    // A Handler calling Serve(); keeps a copy of this object.
    Handler AsHandler() const;

    const std::string& root() const { return root_; }

  private:
    StaticFiles(StaticFilesOptions options, std::string canonical_root);
    Response ServeFile(const Request& request, const std::string& file, bool spa_index) const;
    bool WantsSpaIndex(const Request& request) const;

    StaticFilesOptions options_;
    std::string root_;  // canonical, no trailing slash
};

// "text/javascript; charset=utf-8" for "app.js", etc.
std::string_view ContentTypeForPath(std::string_view path);

}  // namespace hudhud::http
