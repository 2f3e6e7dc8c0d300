#include "channels/webhook_request.hpp"

#include <simdjson.h>

#include <cstddef>

namespace hudhud::channels {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        char y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

}  // namespace

std::optional<std::string_view> WebhookRequest::Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
        if (EqualsIgnoreCase(n, name)) return v;
    }
    return std::nullopt;
}

std::optional<std::string_view> WebhookRequest::Query(std::string_view name) const {
    for (const auto& [n, v] : query) {
        if (n == name) return v;
    }
    return std::nullopt;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    // Lengths of signatures and tokens are not secret; the contents are.
    if (a.size() != b.size()) return false;
    volatile unsigned char diff = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        diff = static_cast<unsigned char>(
            diff | (static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i])));
    }
    return diff == 0;
}

bool IsJsonObject(std::string_view body) {
    // One parser per thread: webhooks arrive on many handler threads at once.
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(body.data(), body.size()).get(root) != simdjson::SUCCESS) return false;
    return root.type() == simdjson::dom::element_type::OBJECT;
}

}  // namespace hudhud::channels
