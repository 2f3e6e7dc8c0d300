#include "http/request.hpp"

#include <charconv>

namespace hudhud::http {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::optional<std::string_view> FindPair(const StringPairs& pairs, std::string_view key) {
    for (const auto& [k, v] : pairs) {
        if (k == key) return std::string_view(v);
    }
    return std::nullopt;
}

}  // namespace

std::string_view MethodName(Method method) {
    switch (method) {
        case Method::kGet:
            return "GET";
        case Method::kHead:
            return "HEAD";
        case Method::kPost:
            return "POST";
        case Method::kPut:
            return "PUT";
        case Method::kPatch:
            return "PATCH";
        case Method::kDelete:
            return "DELETE";
        case Method::kOptions:
            return "OPTIONS";
        case Method::kOther:
            return "OTHER";
    }
    return "OTHER";
}

Method ParseMethod(std::string_view name) {
    if (name == "GET") return Method::kGet;
    if (name == "POST") return Method::kPost;
    if (name == "HEAD") return Method::kHead;
    if (name == "PUT") return Method::kPut;
    if (name == "PATCH") return Method::kPatch;
    if (name == "DELETE") return Method::kDelete;
    if (name == "OPTIONS") return Method::kOptions;
    return Method::kOther;
}

bool IEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (Lower(a[i]) != Lower(b[i])) return false;
    }
    return true;
}

std::optional<std::string_view> Headers::Get(std::string_view name) const {
    for (const auto& [k, v] : fields_) {
        if (IEquals(k, name)) return std::string_view(v);
    }
    return std::nullopt;
}

void Headers::Set(std::string_view name, std::string_view value) {
    Remove(name);
    Add(name, value);
}

void Headers::Add(std::string_view name, std::string_view value) {
    fields_.emplace_back(std::string(name), std::string(value));
}

void Headers::Remove(std::string_view name) {
    std::erase_if(fields_, [&](const auto& f) { return IEquals(f.first, name); });
}

std::optional<std::string_view> Request::Query(std::string_view key) const {
    return FindPair(query, key);
}

std::optional<std::string_view> Request::PathParam(std::string_view name) const {
    return FindPair(path_params, name);
}

std::optional<std::string_view> Request::Cookie(std::string_view name) const {
    return FindPair(cookies, name);
}

Result<std::int64_t> Request::PathParamInt64(std::string_view name) const {
    auto value = PathParam(name);
    std::int64_t out = 0;
    if (value && !value->empty()) {
        auto [ptr, ec] = std::from_chars(value->data(), value->data() + value->size(), out);
        if (ec == std::errc() && ptr == value->data() + value->size()) return out;
    }
    return Error::InvalidArgument("path parameter '" + std::string(name) + "' must be an integer");
}

Result<std::string> PercentDecode(std::string_view in, bool plus_as_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (i + 2 >= in.size()) return Error::InvalidArgument("malformed percent-encoding");
            int hi = HexValue(in[i + 1]);
            int lo = HexValue(in[i + 2]);
            if (hi < 0 || lo < 0) return Error::InvalidArgument("malformed percent-encoding");
            char decoded = static_cast<char>(hi * 16 + lo);
            if (decoded == '\0') return Error::InvalidArgument("encoded NUL is not allowed");
            out += decoded;
            i += 2;
        } else if (c == '+' && plus_as_space) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

Result<StringPairs> ParseQuery(std::string_view query) {
    StringPairs out;
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        if (part.empty()) continue;
        std::size_t eq = part.find('=');
        std::string_view key = part.substr(0, eq);
        std::string_view value =
            eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
        HH_ASSIGN_OR_RETURN(std::string k, PercentDecode(key, true));
        HH_ASSIGN_OR_RETURN(std::string v, PercentDecode(value, true));
        out.emplace_back(std::move(k), std::move(v));
    }
    return out;
}

void ParseCookieHeader(std::string_view header, StringPairs& out) {
    while (!header.empty()) {
        std::size_t semi = header.find(';');
        std::string_view part = Trim(header.substr(0, semi));
        header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
        std::size_t eq = part.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        std::string_view name = Trim(part.substr(0, eq));
        std::string_view value = Trim(part.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (name.empty()) continue;
        out.emplace_back(std::string(name), std::string(value));
    }
}

}  // namespace hudhud::http
