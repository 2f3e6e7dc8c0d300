#include "channels/whatsapp/whatsapp_graph.hpp"

#include <simdjson.h>

#include <algorithm>

#include "channels/whatsapp/whatsapp_outbound.hpp"

namespace hudhud::channels::whatsapp {
namespace {

// RFC 3986 unreserved characters stay; everything else is %XX. Cursors are base64-like and may
// carry '=' or '+'.
std::string PercentEncode(std::string_view in) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(in.size());
    for (char ch : in) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        }
    }
    return out;
}

std::string StringAt(simdjson::dom::object o, std::string_view key) {
    std::string_view s;
    if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS) return {};
    return std::string(s);
}

bool IsToken(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return std::isalnum(c) || c == '.' || c == '-' || c == '+' || c == '_';
    });
}

}  // namespace

Result<PlatformCall> BuildListTemplates(const ChannelAccount& account,
                                        std::string_view after_cursor) {
    if (account.account_group_id.empty())
        return Error::InvalidArgument(
            "WhatsApp channel account has no WhatsApp Business Account id; templates cannot be "
            "listed");
    HH_ASSIGN_OR_RETURN(std::string url,
                        GraphUrl(account, account.account_group_id, "message_templates"));
    url += "?fields=name,language,status,category,components&limit=100";
    if (!after_cursor.empty()) url += "&after=" + PercentEncode(after_cursor);
    PlatformCall call;
    call.method = "GET";
    call.url = std::move(url);
    call.headers = {{"Authorization", "Bearer " + account.access_token}};
    return call;
}

Result<TemplatesPage> ParseTemplatesPage(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
        return Error::ExternalRejected("templates response is not a JSON object");
    simdjson::dom::array data;
    if (root.at_key("data").get_array().get(data) != simdjson::SUCCESS)
        return Error::ExternalRejected("templates response has no data array");
    TemplatesPage page;
    for (simdjson::dom::element e : data) {
        simdjson::dom::object t;
        if (e.get_object().get(t) != simdjson::SUCCESS) continue;
        TemplateInfo info;
        info.name = StringAt(t, "name");
        if (info.name.empty()) continue;
        info.id = StringAt(t, "id");
        info.language = StringAt(t, "language");
        info.status = StringAt(t, "status");
        info.category = StringAt(t, "category");
        simdjson::dom::array components;
        info.components_json =
            t.at_key("components").get_array().get(components) == simdjson::SUCCESS
                ? simdjson::minify(components)
                : "[]";
        page.templates.push_back(std::move(info));
    }
    std::string_view next;
    std::string_view after;
    if (root.at_pointer("/paging/next").get_string().get(next) == simdjson::SUCCESS &&
        !next.empty() &&
        root.at_pointer("/paging/cursors/after").get_string().get(after) == simdjson::SUCCESS &&
        !after.empty())
        page.next_after = std::string(after);
    return page;
}

Result<MediaUploadCall> BuildMediaUpload(const ChannelAccount& account, std::string_view mime_type,
                                         std::string_view filename) {
    HH_ASSIGN_OR_RETURN(std::string url, GraphUrl(account, account.account_id, "media"));
    const auto slash = mime_type.find('/');
    if (slash == std::string_view::npos || !IsToken(mime_type.substr(0, slash)) ||
        !IsToken(mime_type.substr(slash + 1)))
        return Error::InvalidArgument("media upload needs a MIME type such as image/jpeg, got '" +
                                      std::string(mime_type.substr(0, 64)) + "'");
    const bool bad_name = std::any_of(filename.begin(), filename.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c < 0x20 || c == 0x7f || ch == '"' || ch == '/' || ch == '\\';
    });
    if (bad_name || !CountCodePoints(filename) || filename.size() > 255)
        return Error::InvalidArgument(
            "media upload filename must be a plain file name (no quotes, slashes or control "
            "characters, at most 255 bytes)");
    MediaUploadCall upload;
    upload.call.method = "POST";
    upload.call.url = std::move(url);
    upload.call.headers = {{"Authorization", "Bearer " + account.access_token}};
    upload.fields = {{"messaging_product", "whatsapp"}, {"type", std::string(mime_type)}};
    upload.filename = filename.empty() ? "file" : std::string(filename);
    upload.mime_type = std::string(mime_type);
    return upload;
}

Result<std::string> ParseMediaUploadResponse(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
        return Error::ExternalRejected("media upload response is not a JSON object");
    std::string id = StringAt(root, "id");
    if (id.empty()) return Error::ExternalRejected("media upload response has no id");
    return id;
}

}  // namespace hudhud::channels::whatsapp
