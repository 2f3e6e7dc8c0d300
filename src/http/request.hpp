#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace hudhud::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
inline constexpr std::size_t kRoutableMethodCount = 7;  // kGet .. kOptions

std::string_view MethodName(Method method);
// Exact, case-sensitive per RFC 9110 ("GET", not "get"); anything else is kOther.
Method ParseMethod(std::string_view name);

bool IEquals(std::string_view a, std::string_view b);

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// Header fields with case-insensitive names, in arrival order; repeated names are kept.
class Headers {
  public:
    // First value of `name`, or nullopt.
    std::optional<std::string_view> Get(std::string_view name) const;
    bool Has(std::string_view name) const { return Get(name).has_value(); }
    // Replaces every field called `name` with one field.
    void Set(std::string_view name, std::string_view value);
    // Appends a field (for fields that may repeat, such as Set-Cookie).
    void Add(std::string_view name, std::string_view value);
    void Remove(std::string_view name);

    const StringPairs& fields() const { return fields_; }
    bool empty() const { return fields_.empty(); }
    std::size_t size() const { return fields_.size(); }
    void Reserve(std::size_t n) { fields_.reserve(n); }

  private:
    StringPairs fields_;
};

// One HTTP request as a handler sees it. Built by the server; handlers may read and mutate it
// (e.g. to attach state for a wrapped handler) but it is owned by the connection and only valid
// during the handler call.
struct Request {
    Method method = Method::kGet;
    std::string method_name{};  // as sent, e.g. "GET" (useful when method == kOther)
    std::string target{};       // raw request target, e.g. "/api/v1/x%20y?limit=10"
    std::string path{};         // target without the query, still percent-encoded
    StringPairs query{};        // decoded ('+' is a space), in order; repeated keys are kept
    Headers headers{};
    std::string body{};
    std::string remote_address{};  // peer IP of the TCP connection (no proxy header handling)
    StringPairs path_params{};     // decoded values of {name} segments, set by the router
    std::string route{};           // matched route name (RouteOptions::name), "" when none
    std::string request_id{};      // accepted X-Request-Id or a generated one
    StringPairs cookies{};         // from the Cookie header(s), in order
    bool secure = false;           // arrived over TLS

    std::optional<std::string_view> Header(std::string_view name) const {
        return headers.Get(name);
    }
    std::optional<std::string_view> Query(std::string_view key) const;
    std::optional<std::string_view> PathParam(std::string_view name) const;
    std::optional<std::string_view> Cookie(std::string_view name) const;

    // The path parameter as a decimal int64; kInvalidArgument "path parameter 'id' must be an
    // integer" when missing or malformed.
    Result<std::int64_t> PathParamInt64(std::string_view name) const;
};

// Percent-decoding. `plus_as_space` is for query strings. Fails on a malformed escape ("%4",
// "%zz") and on an encoded NUL.
Result<std::string> PercentDecode(std::string_view in, bool plus_as_space);

// "a=1&b=x%20y&flag" -> {{"a","1"},{"b","x y"},{"flag",""}}.
Result<StringPairs> ParseQuery(std::string_view query);

// "sid=abc; theme=dark" -> {{"sid","abc"},{"theme","dark"}}; malformed pairs are skipped and
// surrounding double quotes are removed from values.
void ParseCookieHeader(std::string_view header, StringPairs& out);

}  // namespace hudhud::http
