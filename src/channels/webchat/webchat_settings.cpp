#include "channels/webchat/webchat_settings.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "channels/webchat/origin_policy.hpp"

namespace hudhud::channels::webchat {
namespace {

using nlohmann::json;

const std::vector<std::string> kDefaultMimeTypes = {
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"};

// "Image/PNG; charset=x" -> "image/png".
std::string BaseType(std::string_view mime) {
    mime = mime.substr(0, mime.find(';'));
    while (!mime.empty() && (mime.front() == ' ' || mime.front() == '\t')) mime.remove_prefix(1);
    while (!mime.empty() && (mime.back() == ' ' || mime.back() == '\t')) mime.remove_suffix(1);
    std::string out(mime);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool IsHexColor(std::string_view c) {
    if (c.size() != 7 || c[0] != '#') return false;
    return std::all_of(c.begin() + 1, c.end(), [](char ch) {
        return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    });
}

Status ReadString(const json& j, const char* key, std::size_t max, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Ok();
    if (!it->is_string()) return Error::InvalidArgument(std::string(key) + " must be a string");
    auto v = it->get<std::string>();
    if (v.size() > max) {
        return Error::InvalidArgument(std::string(key) + " must be at most " +
                                      std::to_string(max) + " bytes");
    }
    out = std::move(v);
    return Ok();
}

Status ReadBool(const json& j, const char* key, bool& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Ok();
    if (!it->is_boolean()) return Error::InvalidArgument(std::string(key) + " must be a boolean");
    out = it->get<bool>();
    return Ok();
}

Status ReadStringList(const json& j, const char* key, std::size_t max_items,
                      std::vector<std::string>& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return Ok();
    std::vector<std::string> items;
    if (it->is_string()) {
        // Chatwoot stores allowed_domains as one comma-separated string; accept that form too.
        std::string s = it->get<std::string>();
        std::size_t start = 0;
        while (start <= s.size()) {
            auto comma = s.find(',', start);
            std::string part = s.substr(start, comma == std::string::npos ? std::string::npos
                                                                          : comma - start);
            part.erase(0, part.find_first_not_of(" \t"));
            part.erase(part.find_last_not_of(" \t") + 1);
            if (!part.empty()) items.push_back(part);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    } else if (it->is_array()) {
        for (const auto& e : *it) {
            if (!e.is_string()) {
                return Error::InvalidArgument(std::string(key) + " must hold strings");
            }
            items.push_back(e.get<std::string>());
        }
    } else {
        return Error::InvalidArgument(std::string(key) + " must be an array of strings");
    }
    if (items.size() > max_items) {
        return Error::InvalidArgument(std::string(key) + " has too many entries");
    }
    out = std::move(items);
    return Ok();
}

}  // namespace

Result<WebChatSettings> ParseSettings(std::string_view json_text) {
    WebChatSettings s;
    if (json_text.empty()) json_text = "{}";
    json j = json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return Error::InvalidArgument("settings must be a JSON object");
    }
    HH_RETURN_IF_ERROR(ReadString(j, "widget_color", 7, s.widget_color));
    if (!IsHexColor(s.widget_color)) {
        return Error::InvalidArgument("widget_color must look like #1f93ff");
    }
    HH_RETURN_IF_ERROR(ReadString(j, "locale", 8, s.locale));
    if (s.locale != "en" && s.locale != "ar") {
        return Error::InvalidArgument("locale must be en or ar");
    }
    HH_RETURN_IF_ERROR(ReadString(j, "welcome_title", 200, s.welcome_title));
    HH_RETURN_IF_ERROR(ReadString(j, "welcome_tagline", 500, s.welcome_tagline));
    HH_RETURN_IF_ERROR(ReadString(j, "reply_time", 32, s.reply_time));
    if (s.reply_time != "in_a_few_minutes" && s.reply_time != "in_a_few_hours" &&
        s.reply_time != "in_a_day") {
        return Error::InvalidArgument("reply_time must be in_a_few_minutes, in_a_few_hours or "
                                      "in_a_day");
    }
    HH_RETURN_IF_ERROR(ReadStringList(j, "allowed_domains", 50, s.allowed_domains));
    for (const auto& d : s.allowed_domains) {
        if (!ValidDomainPattern(d)) {
            return Error::InvalidArgument("allowed_domains: '" + d +
                                          "' is not a host, *.host or scheme://host[:port]");
        }
    }
    HH_RETURN_IF_ERROR(ReadBool(j, "hmac_mandatory", s.hmac_mandatory));
    HH_RETURN_IF_ERROR(ReadBool(j, "pre_chat_form_enabled", s.pre_chat_form_enabled));
    HH_RETURN_IF_ERROR(ReadString(j, "pre_chat_message", 500, s.pre_chat_message));
    HH_RETURN_IF_ERROR(ReadString(j, "consent_text", 2000, s.consent_text));
    HH_RETURN_IF_ERROR(ReadString(j, "offline_message", 500, s.offline_message));
    HH_RETURN_IF_ERROR(ReadBool(j, "attachments_enabled", s.attachments_enabled));
    if (auto it = j.find("max_attachment_bytes"); it != j.end() && !it->is_null()) {
        if (!it->is_number_integer() || it->get<std::int64_t>() < 1 ||
            it->get<std::int64_t>() > kMaxAttachmentBytesCeiling) {
            return Error::InvalidArgument("max_attachment_bytes must be 1 to " +
                                          std::to_string(kMaxAttachmentBytesCeiling));
        }
        s.max_attachment_bytes = it->get<std::int64_t>();
    }
    s.allowed_mime_types = kDefaultMimeTypes;
    HH_RETURN_IF_ERROR(ReadStringList(j, "allowed_mime_types", 50, s.allowed_mime_types));
    for (const auto& m : s.allowed_mime_types) {
        if (m.empty() || m.find('/') == std::string::npos || m.size() > 100) {
            return Error::InvalidArgument("allowed_mime_types: '" + m + "' is not a MIME type");
        }
    }

    s.pre_chat_fields = {{"name", true, false}, {"email", true, true}, {"phone", false, false}};
    if (auto it = j.find("pre_chat_fields"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) return Error::InvalidArgument("pre_chat_fields must be an array");
        std::vector<PreChatField> fields;
        for (const auto& f : *it) {
            if (!f.is_object() || !f.contains("name") || !f["name"].is_string()) {
                return Error::InvalidArgument("pre_chat_fields entries need a name");
            }
            PreChatField pf;
            pf.name = f["name"].get<std::string>();
            if (pf.name != "name" && pf.name != "email" && pf.name != "phone") {
                return Error::InvalidArgument("pre_chat_fields: name must be name, email or "
                                              "phone");
            }
            HH_RETURN_IF_ERROR(ReadBool(f, "enabled", pf.enabled));
            HH_RETURN_IF_ERROR(ReadBool(f, "required", pf.required));
            fields.push_back(std::move(pf));
        }
        s.pre_chat_fields = std::move(fields);
    }
    return s;
}

nlohmann::json PublicConfigJson(const WebChatSettings& s) {
    json fields = json::array();
    for (const auto& f : s.pre_chat_fields) {
        if (!f.enabled) continue;
        fields.push_back({{"name", f.name}, {"required", f.required}});
    }
    return {{"widget_color", s.widget_color},
            {"locale", s.locale},
            {"welcome_title", s.welcome_title},
            {"welcome_tagline", s.welcome_tagline},
            {"reply_time", s.reply_time},
            {"hmac_mandatory", s.hmac_mandatory},
            {"pre_chat_form_enabled", s.pre_chat_form_enabled},
            {"pre_chat_message", s.pre_chat_message},
            {"pre_chat_fields", fields},
            {"consent_text", s.consent_text},
            {"attachments_enabled", s.attachments_enabled},
            {"max_attachment_bytes", s.max_attachment_bytes},
            {"allowed_mime_types", s.allowed_mime_types},
            {"offline_message", s.offline_message}};
}

bool MimeTypeAllowed(const WebChatSettings& s, std::string_view mime_type) {
    const std::string base = BaseType(mime_type);
    for (std::string m : s.allowed_mime_types) {
        for (char& c : m) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (m == base) return true;
        if (m.size() > 2 && m.ends_with("/*") &&
            std::string_view(base).starts_with(std::string_view(m).substr(0, m.size() - 1))) {
            return true;
        }
    }
    return false;
}

UploadVerdict CheckUpload(const WebChatSettings& s, std::string_view mime_type,
                          std::uint64_t size_bytes) {
    if (!s.attachments_enabled) return UploadVerdict::kDisabled;
    if (size_bytes == 0) return UploadVerdict::kEmpty;
    if (size_bytes > static_cast<std::uint64_t>(s.max_attachment_bytes)) {
        return UploadVerdict::kTooLarge;
    }
    const std::string base = BaseType(mime_type);
    const auto slash = base.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == base.size() ||
        base.find_first_of(" \t\r\n\"") != std::string::npos) {
        return UploadVerdict::kUnsupportedType;
    }
    static const std::string_view kActive[] = {
        "text/html",       "application/xhtml+xml", "image/svg+xml",         "text/xml",
        "application/xml", "text/javascript",       "application/javascript"};
    for (auto a : kActive) {
        if (base == a) return UploadVerdict::kUnsupportedType;
    }
    if (base.ends_with("+xml")) return UploadVerdict::kUnsupportedType;
    return MimeTypeAllowed(s, base) ? UploadVerdict::kAllowed : UploadVerdict::kUnsupportedType;
}

}  // namespace hudhud::channels::webchat
