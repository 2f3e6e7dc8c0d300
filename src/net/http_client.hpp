#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace hudhud::net {

// One outgoing HTTP request to a platform (Graph API, Bot API, an LLM, a media URL).
struct HttpRequest {
    std::string method = "GET";  // GET, POST, DELETE, PUT
    std::string url;             // absolute: base URL from config + path
    std::vector<std::pair<std::string, std::string>> headers;  // name, value
    std::string body;                                          // sent as-is when non-empty
    std::chrono::milliseconds timeout{15000};                  // whole request
    std::chrono::milliseconds connect_timeout{5000};
    std::size_t max_response_bytes = 8u << 20;  // larger bodies fail with kPayloadTooLarge
    // Follow up to 5 redirects, to https only (media CDNs). Off: a 3xx is the response. A custom
    // Authorization header is never sent to another host.
    bool follow_redirects = false;
};

// One part of a multipart/form-data body (media upload).
struct MultipartPart {
    std::string name;
    std::string value;                      // the content (bytes for a file)
    std::optional<std::string> filename{};  // set for a file part
    std::optional<std::string> content_type{};
};

struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // lower-cased names
    std::string body;

    // First header with this (case-insensitive) name.
    std::optional<std::string_view> Header(std::string_view name) const;
};

// Blocking HTTP/1.1 + TLS client on libcurl. Thread-safe: any number of threads may call it at
// once; connections are reused per host. A transport failure (refused, reset, DNS, timeout) is an
// error (kUnavailable or kTimeout, retryable); any HTTP status, including 4xx/5xx, is a response.
// Never logs; error messages name the method and the URL's origin only (paths and queries may carry
// ids or tokens), never headers or bodies.
//
// Errors from Send/SendMultipart:
//   kUnavailable (retryable): refused, reset, DNS failure, TLS handshake, empty reply; a
//     certificate that does not verify is kUnavailable but not retryable.
//   kTimeout (retryable): connect_timeout or timeout expired.
//   kPayloadTooLarge: the response body exceeds max_response_bytes (nothing is returned).
//   kInvalidArgument: empty or malformed URL, a scheme other than http/https, CR/LF in a header.
//   kInternal: libcurl could not be initialised or ran out of memory.
// Implementation: a pool of libcurl easy handles (at most max_idle_connections idle ones, each
// keeping its own live connections) sharing one DNS and TLS-session cache.
class HttpClient {
  public:
    struct Options {
        std::string user_agent = "hudhud/0.1.0";  // Meta's spec wants name/x.y.z
        std::size_t max_idle_connections = 16;
    };
    HttpClient();
    explicit HttpClient(Options options);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    Result<HttpResponse> Send(const HttpRequest& request) const;
    // POST multipart/form-data built from `parts` (request.body is ignored; request.method is
    // ignored too unless it is PUT or PATCH).
    Result<HttpResponse> SendMultipart(const HttpRequest& request,
                                       const std::vector<MultipartPart>& parts) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace hudhud::net
