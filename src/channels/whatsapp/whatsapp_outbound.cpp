#include "channels/whatsapp/whatsapp_outbound.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "channels/whatsapp/whatsapp_adapter.hpp"

namespace hudhud::channels::whatsapp {
namespace {

using nlohmann::json;

// Sanity bounds where Meta documents no tighter limit (template names are at most 512 characters).
constexpr std::size_t kMaxFilename = 240;
constexpr std::size_t kMaxLocationText = 1000;
constexpr std::size_t kMaxTemplateName = 512;
constexpr std::size_t kMaxEmoji = 10;  // one emoji may be several code points (skin tone, ZWJ)

nlohmann::json ToJson(simdjson::dom::element e) {
    using simdjson::dom::element_type;
    switch (e.type()) {
        case element_type::ARRAY: {
            json out = json::array();
            simdjson::dom::array array;
            if (e.get_array().get(array) != simdjson::SUCCESS) return out;
            for (simdjson::dom::element child : array) out.push_back(ToJson(child));
            return out;
        }
        case element_type::OBJECT: {
            json out = json::object();
            simdjson::dom::object object;
            if (e.get_object().get(object) != simdjson::SUCCESS) return out;
            for (simdjson::dom::key_value_pair kv : object)
                out[std::string(kv.key)] = ToJson(kv.value);
            return out;
        }
        case element_type::INT64:
            return e.get_int64().value_unsafe();
        case element_type::UINT64:
            return e.get_uint64().value_unsafe();
        case element_type::DOUBLE:
            return e.get_double().value_unsafe();
        case element_type::STRING:
            return std::string(e.get_string().value_unsafe());
        case element_type::BOOL:
            return e.get_bool().value_unsafe();
        case element_type::NULL_VALUE:
            return nullptr;
    }
    return nullptr;
}

// Parses caller-supplied JSON (simdjson validates it, UTF-8 included) into a writable value.
Result<json> ParseJsonValue(std::string_view text, std::string_view what) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS)
        return Error::InvalidArgument(std::string(what) + " is not valid JSON");
    return ToJson(root);
}

Result<std::string> DumpJson(const json& body) {
    try {
        return body.dump();
    } catch (const json::exception&) {
        // Every string was checked as UTF-8 above; this is the last line of defence.
        return Error::InvalidArgument("message contains text that is not valid UTF-8");
    }
}

std::string Ordinal(std::size_t index) { return std::to_string(index + 1); }

// Validates one user-visible string: valid UTF-8, not blank when required, at most `max` code
// points. `what` names it for the agent ("button 2 title").
Status CheckText(std::string_view what, std::string_view value, std::size_t max, bool required) {
    const auto chars = CountCodePoints(value);
    if (!chars) return Error::InvalidArgument(std::string(what) + " is not valid UTF-8 text");
    const bool blank = std::all_of(value.begin(), value.end(), [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    });
    if (required && blank) return Error::InvalidArgument(std::string(what) + " is empty");
    if (*chars > max)
        return Error::InvalidArgument(std::string(what) + " is " + std::to_string(*chars) +
                                      " characters; WhatsApp allows at most " +
                                      std::to_string(max));
    return Ok();
}

bool HasSpaceOrControl(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

bool IStartsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() &&
           std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) ==
                      std::tolower(static_cast<unsigned char>(b));
           });
}

bool IContains(std::string_view s, std::string_view needle) {
    for (std::size_t i = 0; i + needle.size() <= s.size(); ++i) {
        if (IStartsWith(s.substr(i), needle)) return true;
    }
    return false;
}

// WhatsApp renders a link preview only when asked; ask exactly when there is a link to preview.
bool HasUrl(std::string_view text) {
    return IContains(text, "http://") || IContains(text, "https://") || IContains(text, "www.");
}

// A platform id we put in the body (a wamid, a media id): non-empty, no spaces or controls.
Status CheckId(std::string_view what, std::string_view id) {
    if (id.empty()) return Error::InvalidArgument(std::string(what) + " is missing");
    if (HasSpaceOrControl(id) || !CountCodePoints(id))
        return Error::InvalidArgument(std::string(what) + " contains spaces or invalid characters");
    return Ok();
}

Status CheckRecipient(std::string_view to) {
    if (to.empty())
        return Error::InvalidArgument("recipient (WhatsApp number or user id) is missing");
    if (to.size() > kMaxRecipient || HasSpaceOrControl(to) || !CountCodePoints(to))
        return Error::InvalidArgument(
            "recipient must be a phone number in international format (digits, optional '+') or "
            "a WhatsApp business-scoped user id");
    return Ok();
}

json Envelope(const OutboundMessage& message, std::string_view type) {
    json body = {{"messaging_product", "whatsapp"},
                 // Optional for the real API, required by Meta's published spec (quirk 1).
                 {"recipient_type", "individual"},
                 {"to", message.recipient},
                 {"type", type}};
    if (message.reply_to_external_id && !message.reply_to_external_id->empty())
        body["context"] = {{"message_id", *message.reply_to_external_id}};
    return body;
}

Status CheckContext(const OutboundMessage& message) {
    if (message.reply_to_external_id && !message.reply_to_external_id->empty())
        return CheckId("quoted message id", *message.reply_to_external_id);
    return Ok();
}

Result<json> BuildText(const OutboundMessage& m) {
    HH_RETURN_IF_ERROR(CheckText("text body", m.text, kMaxTextBody, true));
    json body = Envelope(m, "text");
    body["text"] = {{"body", m.text}, {"preview_url", HasUrl(m.text)}};
    return body;
}

Result<json> BuildMedia(const OutboundMessage& m) {
    if (!m.media) return Error::InvalidArgument("media message has no media");
    const OutboundMedia& media = *m.media;
    static const std::set<std::string, std::less<>> kKinds = {"image", "video", "audio", "document",
                                                              "sticker"};
    if (!kKinds.contains(media.kind))
        return Error::InvalidArgument("media kind '" + media.kind.substr(0, 32) +
                                      "' is not one of image, video, audio, document, sticker");
    const bool by_link = !media.link.empty();
    const bool by_id = !media.media_id.empty();
    if (by_link == by_id)
        return Error::InvalidArgument(media.kind +
                                      " needs exactly one of a link or an uploaded "
                                      "media id");
    json object = json::object();
    if (by_link) {
        if (!(IStartsWith(media.link, "https://") || IStartsWith(media.link, "http://")) ||
            HasSpaceOrControl(media.link) || !CountCodePoints(media.link))
            return Error::InvalidArgument(media.kind + " link must be an http(s) URL");
        object["link"] = media.link;
    } else {
        HH_RETURN_IF_ERROR(CheckId(media.kind + " media id", media.media_id));
        object["id"] = media.media_id;
    }
    const bool caption_allowed =
        media.kind == "image" || media.kind == "video" || media.kind == "document";
    if (!media.caption.empty()) {
        if (!caption_allowed)
            return Error::InvalidArgument("WhatsApp does not show captions on " + media.kind +
                                          "; send the text as a separate message");
        HH_RETURN_IF_ERROR(CheckText(media.kind + " caption", media.caption, kMaxCaption, false));
        object["caption"] = media.caption;
    }
    if (!media.filename.empty()) {
        if (media.kind != "document")
            return Error::InvalidArgument("a filename can only be set on a document, not on " +
                                          media.kind);
        HH_RETURN_IF_ERROR(CheckText("document filename", media.filename, kMaxFilename, false));
        object["filename"] = media.filename;
    }
    json body = Envelope(m, media.kind);
    body[media.kind] = std::move(object);
    return body;
}

Result<json> BuildLocation(const OutboundMessage& m) {
    if (!m.location) return Error::InvalidArgument("location message has no location");
    const Location& loc = *m.location;
    if (!std::isfinite(loc.latitude) || loc.latitude < -90 || loc.latitude > 90)
        return Error::InvalidArgument("latitude must be between -90 and 90");
    if (!std::isfinite(loc.longitude) || loc.longitude < -180 || loc.longitude > 180)
        return Error::InvalidArgument("longitude must be between -180 and 180");
    HH_RETURN_IF_ERROR(CheckText("location name", loc.name, kMaxLocationText, false));
    HH_RETURN_IF_ERROR(CheckText("location address", loc.address, kMaxLocationText, false));
    json object = {{"latitude", loc.latitude}, {"longitude", loc.longitude}};
    if (!loc.name.empty()) object["name"] = loc.name;
    if (!loc.address.empty()) object["address"] = loc.address;
    json body = Envelope(m, "location");
    body["location"] = std::move(object);
    return body;
}

// header/body/footer shared by reply buttons and lists.
Result<json> InteractiveFrame(const OutboundMessage& m, std::string_view type) {
    HH_RETURN_IF_ERROR(CheckText("message body", m.text, kMaxInteractiveBody, true));
    HH_RETURN_IF_ERROR(CheckText("header", m.header, kMaxInteractiveHeader, false));
    HH_RETURN_IF_ERROR(CheckText("footer", m.footer, kMaxInteractiveFooter, false));
    json interactive = {{"type", type}, {"body", {{"text", m.text}}}};
    if (!m.header.empty()) interactive["header"] = {{"type", "text"}, {"text", m.header}};
    if (!m.footer.empty()) interactive["footer"] = {{"text", m.footer}};
    return interactive;
}

Result<json> BuildButtons(const OutboundMessage& m) {
    if (m.buttons.empty() || m.buttons.size() > kMaxButtons)
        return Error::InvalidArgument("reply buttons: WhatsApp needs 1 to 3 buttons, got " +
                                      std::to_string(m.buttons.size()));
    HH_ASSIGN_OR_RETURN(json interactive, InteractiveFrame(m, "button"));
    std::set<std::string, std::less<>> ids;
    std::set<std::string, std::less<>> titles;
    json buttons = json::array();
    for (std::size_t i = 0; i < m.buttons.size(); ++i) {
        const OutboundButton& b = m.buttons[i];
        const std::string name = "button " + Ordinal(i);
        HH_RETURN_IF_ERROR(CheckText(name + " title", b.title, kMaxButtonTitle, true));
        HH_RETURN_IF_ERROR(CheckText(name + " id", b.id, kMaxButtonId, true));
        if (b.id.front() == ' ' || b.id.back() == ' ')
            return Error::InvalidArgument(name + " id must not start or end with a space");
        if (!ids.insert(b.id).second)
            return Error::InvalidArgument(name + " id repeats an earlier button's id");
        if (!titles.insert(b.title).second)
            return Error::InvalidArgument(name + " title repeats an earlier button's title");
        buttons.push_back({{"type", "reply"}, {"reply", {{"id", b.id}, {"title", b.title}}}});
    }
    interactive["action"] = {{"buttons", std::move(buttons)}};
    json body = Envelope(m, "interactive");
    body["interactive"] = std::move(interactive);
    return body;
}

Result<json> BuildList(const OutboundMessage& m) {
    HH_RETURN_IF_ERROR(CheckText("list button label", m.list_button, kMaxListButton, true));
    if (m.sections.empty() || m.sections.size() > kMaxListSections)
        return Error::InvalidArgument("list: WhatsApp needs 1 to 10 sections, got " +
                                      std::to_string(m.sections.size()));
    HH_ASSIGN_OR_RETURN(json interactive, InteractiveFrame(m, "list"));
    std::size_t total_rows = 0;
    for (const auto& s : m.sections) total_rows += s.rows.size();
    if (total_rows > kMaxListRows)
        return Error::InvalidArgument(
            "list: WhatsApp allows at most 10 rows across all sections, "
            "got " +
            std::to_string(total_rows));
    std::set<std::string, std::less<>> ids;
    json sections = json::array();
    for (std::size_t i = 0; i < m.sections.size(); ++i) {
        const OutboundListSection& s = m.sections[i];
        const std::string sname = "section " + Ordinal(i);
        // A title is needed to tell sections apart; a single section may go without.
        HH_RETURN_IF_ERROR(
            CheckText(sname + " title", s.title, kMaxSectionTitle, m.sections.size() > 1));
        if (s.rows.empty()) return Error::InvalidArgument(sname + " has no rows");
        json rows = json::array();
        for (std::size_t j = 0; j < s.rows.size(); ++j) {
            const OutboundListRow& r = s.rows[j];
            const std::string rname = sname + " row " + Ordinal(j);
            HH_RETURN_IF_ERROR(CheckText(rname + " id", r.id, kMaxRowId, true));
            HH_RETURN_IF_ERROR(CheckText(rname + " title", r.title, kMaxRowTitle, true));
            HH_RETURN_IF_ERROR(
                CheckText(rname + " description", r.description, kMaxRowDescription, false));
            if (!ids.insert(r.id).second)
                return Error::InvalidArgument(rname + " id repeats an earlier row's id");
            json row = {{"id", r.id}, {"title", r.title}};
            if (!r.description.empty()) row["description"] = r.description;
            rows.push_back(std::move(row));
        }
        json section = {{"rows", std::move(rows)}};
        if (!s.title.empty()) section["title"] = s.title;
        sections.push_back(std::move(section));
    }
    interactive["action"] = {{"button", m.list_button}, {"sections", std::move(sections)}};
    json body = Envelope(m, "interactive");
    body["interactive"] = std::move(interactive);
    return body;
}

Result<json> BuildTemplate(const OutboundMessage& m) {
    if (!m.template_message) return Error::InvalidArgument("template message has no template");
    const OutboundTemplate& t = *m.template_message;
    HH_RETURN_IF_ERROR(CheckText("template name", t.name, kMaxTemplateName, true));
    if (t.language.empty() || HasSpaceOrControl(t.language) || t.language.size() > 16)
        return Error::InvalidArgument("template language must be a code such as en_US or ar");
    json object = {{"name", t.name},
                   // "deterministic" is the only policy; Meta's spec requires it (quirk 2).
                   {"language", {{"code", t.language}, {"policy", "deterministic"}}}};
    const std::string_view components = t.components_json;
    if (!components.empty()) {
        HH_ASSIGN_OR_RETURN(json parsed, ParseJsonValue(components, "template components"));
        if (!parsed.is_array())
            return Error::InvalidArgument("template components must be a JSON array");
        for (std::size_t i = 0; i < parsed.size(); ++i) {
            if (!parsed[i].is_object() || !parsed[i].contains("type"))
                return Error::InvalidArgument("template component " + Ordinal(i) +
                                              " must be an object with a \"type\"");
        }
        if (!parsed.empty()) object["components"] = std::move(parsed);
    }
    json body = Envelope(m, "template");
    body["template"] = std::move(object);
    return body;
}

Result<json> BuildReaction(const OutboundMessage& m) {
    HH_RETURN_IF_ERROR(CheckId("message to react to", m.target_external_id));
    // An empty emoji removes our reaction.
    HH_RETURN_IF_ERROR(CheckText("reaction emoji", m.emoji, kMaxEmoji, false));
    OutboundMessage no_quote = m;
    no_quote.reply_to_external_id.reset();
    json body = Envelope(no_quote, "reaction");
    body["reaction"] = {{"message_id", m.target_external_id}, {"emoji", m.emoji}};
    return body;
}

Result<json> BuildMarkRead(const OutboundMessage& m) {
    HH_RETURN_IF_ERROR(CheckId("message to mark as read", m.target_external_id));
    json body = {{"messaging_product", "whatsapp"},
                 {"status", "read"},
                 {"message_id", m.target_external_id}};
    if (m.typing_indicator) body["typing_indicator"] = {{"type", "text"}};
    return body;
}

Result<json> BuildBody(const OutboundMessage& m) {
    if (m.kind != OutboundKind::kMarkRead) HH_RETURN_IF_ERROR(CheckRecipient(m.recipient));
    if (m.kind != OutboundKind::kMarkRead && m.kind != OutboundKind::kReaction)
        HH_RETURN_IF_ERROR(CheckContext(m));
    switch (m.kind) {
        case OutboundKind::kText:
            return BuildText(m);
        case OutboundKind::kMedia:
            return BuildMedia(m);
        case OutboundKind::kLocation:
            return BuildLocation(m);
        case OutboundKind::kButtons:
            return BuildButtons(m);
        case OutboundKind::kList:
            return BuildList(m);
        case OutboundKind::kTemplate:
            return BuildTemplate(m);
        case OutboundKind::kReaction:
            return BuildReaction(m);
        case OutboundKind::kMarkRead:
            return BuildMarkRead(m);
    }
    return Error::InvalidArgument("unknown outbound message kind");
}

bool IsSafeSegment(std::string_view s) {
    return !s.empty() && !HasSpaceOrControl(s) && s.find_first_of("/?#%\\") == std::string::npos;
}

}  // namespace

std::optional<std::size_t> CountCodePoints(std::string_view s) {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        if (c < 0x80) {
            len = 1;
            cp = c;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return std::nullopt;
        }
        if (i + len > s.size()) return std::nullopt;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return std::nullopt;
        i += len;
        ++count;
    }
    return count;
}

Result<std::string> GraphUrl(const ChannelAccount& account, std::string_view node,
                             std::string_view edge) {
    std::string_view base = account.api_base_url;
    while (!base.empty() && base.back() == '/') base.remove_suffix(1);
    if (!(IStartsWith(base, "https://") || IStartsWith(base, "http://")) || HasSpaceOrControl(base))
        return Error::InvalidArgument(
            "WhatsApp channel account: api_base_url must be an http(s) URL");
    if (!IsSafeSegment(account.api_version))
        return Error::InvalidArgument(
            "WhatsApp channel account: api_version is missing or invalid");
    if (!IsSafeSegment(node))
        return Error::InvalidArgument(
            "WhatsApp channel account: the account id is missing or "
            "invalid");
    if (account.access_token.empty() || HasSpaceOrControl(account.access_token))
        return Error::InvalidArgument(
            "WhatsApp channel account: access token is missing or "
            "invalid");
    std::string url = std::string(base) + "/" + account.api_version + "/" + std::string(node);
    if (!edge.empty()) url += "/" + std::string(edge);
    return url;
}

Result<PlatformCall> BuildSendCall(const OutboundMessage& message, const ChannelAccount& account) {
    HH_ASSIGN_OR_RETURN(std::string url, GraphUrl(account, account.account_id, "messages"));
    HH_ASSIGN_OR_RETURN(json body, BuildBody(message));
    HH_ASSIGN_OR_RETURN(std::string text, DumpJson(body));
    PlatformCall call;
    call.method = "POST";
    call.url = std::move(url);
    call.headers = {{"Authorization", "Bearer " + account.access_token},
                    {"Content-Type", "application/json"}};
    call.body = std::move(text);
    return call;
}

Result<SendAccepted> ParseSendResult(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
        return Error::ExternalRejected("WhatsApp send response is not a JSON object");
    SendAccepted accepted;
    simdjson::dom::array messages;
    if (root.at_key("messages").get_array().get(messages) == simdjson::SUCCESS) {
        std::string_view id;
        if (messages.at(0).at_key("id").get_string().get(id) != simdjson::SUCCESS || id.empty())
            return Error::ExternalRejected("WhatsApp send response has no messages[0].id");
        accepted.external_id = std::string(id);
        simdjson::dom::object contact;
        if (root.at_pointer("/contacts/0").get_object().get(contact) == simdjson::SUCCESS) {
            std::string_view wa_id;
            if (contact.at_key("wa_id").get_string().get(wa_id) == simdjson::SUCCESS &&
                !wa_id.empty()) {
                accepted.recipient_id = std::string(wa_id);
            } else if (contact.at_key("user_id").get_string().get(wa_id) == simdjson::SUCCESS) {
                accepted.recipient_id = std::string(wa_id);
            }
        }
        return accepted;
    }
    bool success = false;
    if (root.at_key("success").get_bool().get(success) == simdjson::SUCCESS && success)
        return accepted;  // mark-as-read
    return Error::ExternalRejected("WhatsApp send response has neither messages[] nor success");
}

Result<PlatformCall> WhatsAppAdapter::BuildSend(const OutboundMessage& message,
                                                const ChannelAccount& account) const {
    return BuildSendCall(message, account);
}

Result<SendAccepted> WhatsAppAdapter::ParseSendResponse(std::string_view body) const {
    return ParseSendResult(body);
}

}  // namespace hudhud::channels::whatsapp
