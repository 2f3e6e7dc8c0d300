#include "channels/whatsapp/whatsapp_webhook.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <array>
#include <charconv>
#include <optional>
#include <string>
#include <utility>

#include "channels/webhook_request.hpp"
#include "channels/whatsapp/whatsapp_wire.hpp"

namespace hudhud::channels::whatsapp {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::size_t kSha256Size = 32;

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<element> Field(object o, std::string_view key) {
    element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS) return std::nullopt;
    return e;
}

std::optional<object> ObjectField(object o, std::string_view key) {
    object out;
    if (o.at_key(key).get_object().get(out) != simdjson::SUCCESS) return std::nullopt;
    return out;
}

std::optional<array> ArrayField(object o, std::string_view key) {
    array out;
    if (o.at_key(key).get_array().get(out) != simdjson::SUCCESS) return std::nullopt;
    return out;
}

std::string Str(object o, std::string_view key) {
    std::string_view s;
    if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS) return {};
    return std::string(s);
}

std::optional<std::string> OptStr(object o, std::string_view key) {
    std::string_view s;
    if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS || s.empty()) return std::nullopt;
    return std::string(s);
}

bool Bool(object o, std::string_view key) {
    bool b = false;
    if (o.at_key(key).get_bool().get(b) != simdjson::SUCCESS) return false;
    return b;
}

double Double(object o, std::string_view key) {
    double d = 0;
    if (o.at_key(key).get_double().get(d) == simdjson::SUCCESS) return d;
    // Coordinates occasionally arrive as strings.
    std::string_view s;
    if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS) return 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    return ec == std::errc() && ptr == s.data() + s.size() ? d : 0;
}

std::int64_t Int(object o, std::string_view key) {
    std::int64_t v = 0;
    if (o.at_key(key).get_int64().get(v) == simdjson::SUCCESS) return v;
    std::string_view s;
    if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS) return 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && ptr == s.data() + s.size() ? v : 0;
}

// WhatsApp sends Unix seconds as strings; user_preferences sends numbers. Accept both.
std::optional<Timestamp> Seconds(object o, std::string_view key) {
    const std::int64_t s = Int(o, key);
    if (s <= 0) return std::nullopt;
    return Timestamp(std::chrono::seconds(s));
}

template <typename T>
std::string Compact(T json) {
    return simdjson::minify(json);
}

std::string CompactField(object o, std::string_view key) {
    auto e = Field(o, key);
    return e ? Compact(*e) : std::string();
}

std::vector<PlatformErrorDetail> ParseErrors(object o) {
    std::vector<PlatformErrorDetail> out;
    auto errors = ArrayField(o, "errors");
    if (!errors) return out;
    for (element e : *errors) {
        object err;
        if (e.get_object().get(err) != simdjson::SUCCESS) continue;
        PlatformErrorDetail d;
        d.code = Int(err, "code");
        d.title = Str(err, "title");
        d.message = Str(err, "message");
        if (auto data = ObjectField(err, "error_data")) d.details = Str(*data, "details");
        d.href = Str(err, "href");
        out.push_back(std::move(d));
    }
    return out;
}

// value.contacts[] carries profile names and BSUIDs keyed by wa_id; messages carry only `from`.
struct ContactInfo {
    std::string wa_id;
    std::string user_id;
    std::string name;
};

std::vector<ContactInfo> ParseContacts(object value) {
    std::vector<ContactInfo> out;
    auto contacts = ArrayField(value, "contacts");
    if (!contacts) return out;
    for (element e : *contacts) {
        object c;
        if (e.get_object().get(c) != simdjson::SUCCESS) continue;
        ContactInfo info{Str(c, "wa_id"), Str(c, "user_id"), {}};
        if (auto profile = ObjectField(c, "profile")) info.name = Str(*profile, "name");
        out.push_back(std::move(info));
    }
    return out;
}

Sender MakeSender(std::string wa_id, std::string user_id,
                  const std::vector<ContactInfo>& contacts) {
    Sender s;
    const ContactInfo* match = nullptr;
    for (const auto& c : contacts) {
        if ((!wa_id.empty() && c.wa_id == wa_id) || (!user_id.empty() && c.user_id == user_id)) {
            match = &c;
            break;
        }
    }
    // A lone contact belongs to the sender even when `from` is empty (username-only users).
    if (match == nullptr && contacts.size() == 1 && wa_id.empty()) match = &contacts.front();
    if (match != nullptr) {
        if (wa_id.empty()) wa_id = match->wa_id;
        if (user_id.empty()) user_id = match->user_id;
        if (!match->name.empty()) s.profile_name = match->name;
    }
    s.external_id = std::move(wa_id);
    if (!user_id.empty()) s.secondary_id = std::move(user_id);
    return s;
}

struct ChangeContext {
    std::string account_id;
    std::string group_id;
    std::vector<InboundEvent>* out;

    void Emit(InboundEventBody body) const {
        out->push_back(InboundEvent{account_id, group_id, std::move(body)});
    }
};

bool ParseMedia(object msg, std::string_view key, InboundMessage& m) {
    auto obj = ObjectField(msg, key);
    if (!obj) return false;
    MediaDescriptor media;
    media.media_id = Str(*obj, "id");
    media.url = Str(*obj, "link");
    media.mime_type = Str(*obj, "mime_type");
    media.sha256 = Str(*obj, "sha256");
    media.caption = Str(*obj, "caption");
    media.filename = Str(*obj, "filename");
    media.voice = Bool(*obj, "voice");
    media.animated = Bool(*obj, "animated");
    m.media = std::move(media);
    return true;
}

bool ParseInteractive(object msg, InboundMessage& m) {
    auto obj = ObjectField(msg, "interactive");
    if (!obj) return false;
    const std::string kind = Str(*obj, "type");
    auto sel = ObjectField(*obj, kind);
    if (!sel) return false;
    ReplySelection r{kind, Str(*sel, "id"), Str(*sel, "title"), Str(*sel, "description")};
    if (kind == "nfm_reply") {
        // Flow replies carry a name, a body and a JSON string of answers instead of id/title.
        r.id = Str(*sel, "name");
        r.title = Str(*sel, "body");
        r.description = Str(*sel, "response_json");
    } else if (kind != "button_reply" && kind != "list_reply") {
        return false;
    }
    m.text = r.title;
    m.reply = std::move(r);
    m.type = ContentType::kInteractiveReply;
    return true;
}

// Fills the type-specific part of `m`; false when the type is unknown or its object is missing.
bool ParseContent(object msg, const std::string& type, InboundMessage& m) {
    if (type == "text") {
        auto obj = ObjectField(msg, "text");
        if (!obj) return false;
        m.type = ContentType::kText;
        m.text = Str(*obj, "body");
        return true;
    }
    static constexpr std::array<std::pair<std::string_view, ContentType>, 5> kMedia{{
        {"image", ContentType::kImage},
        {"audio", ContentType::kAudio},
        {"video", ContentType::kVideo},
        {"document", ContentType::kDocument},
        {"sticker", ContentType::kSticker},
    }};
    for (const auto& [name, content] : kMedia) {
        if (type == name) {
            if (!ParseMedia(msg, name, m)) return false;
            m.type = content;
            return true;
        }
    }
    if (type == "location") {
        auto obj = ObjectField(msg, "location");
        if (!obj) return false;
        m.type = ContentType::kLocation;
        m.location = Location{Double(*obj, "latitude"), Double(*obj, "longitude"),
                              Str(*obj, "name"), Str(*obj, "address"), Str(*obj, "url")};
        return true;
    }
    if (type == "contacts") {
        auto arr = ArrayField(msg, "contacts");
        if (!arr) return false;
        m.type = ContentType::kContacts;
        m.contacts_json = CompactField(msg, "contacts");
        return true;
    }
    if (type == "interactive") return ParseInteractive(msg, m);
    if (type == "button") {
        auto obj = ObjectField(msg, "button");
        if (!obj) return false;
        m.type = ContentType::kButtonReply;
        m.reply = ReplySelection{"button", Str(*obj, "payload"), Str(*obj, "text"), {}};
        m.text = m.reply->title;
        return true;
    }
    if (type == "order") {
        auto obj = ObjectField(msg, "order");
        if (!obj) return false;
        m.type = ContentType::kOrder;
        m.text = Str(*obj, "text");
        m.order_json = CompactField(msg, "order");
        return true;
    }
    if (type == "system") {
        auto obj = ObjectField(msg, "system");
        if (!obj) return false;
        m.type = ContentType::kSystem;
        m.text = Str(*obj, "body");
        return true;
    }
    return false;
}

void ParseMessage(object msg, const std::vector<ContactInfo>& contacts, const ChangeContext& ctx) {
    const std::string type = Str(msg, "type");
    Sender sender = MakeSender(Str(msg, "from"), Str(msg, "from_user_id"), contacts);

    if (type == "reaction") {
        if (auto obj = ObjectField(msg, "reaction")) {
            InboundReaction r;
            r.external_id = Str(msg, "id");
            r.sender = std::move(sender);
            r.sent_at = Seconds(msg, "timestamp");
            r.target_external_id = Str(*obj, "message_id");
            r.emoji = Str(*obj, "emoji");
            ctx.Emit(std::move(r));
            return;
        }
    }

    InboundMessage m;
    m.external_id = Str(msg, "id");
    m.sender = sender;
    m.sent_at = Seconds(msg, "timestamp");
    m.platform_type = type;
    if (!ParseContent(msg, type, m)) {
        InboundMessage unsupported;
        unsupported.external_id = std::move(m.external_id);
        unsupported.sender = std::move(m.sender);
        unsupported.sent_at = m.sent_at;
        unsupported.platform_type = type;
        m = std::move(unsupported);
    }
    if (auto context = ObjectField(msg, "context")) {
        m.reply_to_external_id = OptStr(*context, "id");
        m.forwarded = Bool(*context, "forwarded") || Bool(*context, "frequently_forwarded");
    }
    m.referral_json = CompactField(msg, "referral");
    m.errors = ParseErrors(msg);
    m.raw_json = Compact(msg);

    std::optional<ContactChange> change;
    if (m.type == ContentType::kSystem) {
        auto sys = ObjectField(msg, "system");
        ContactChange c;
        c.kind = Str(*sys, "type");
        c.previous = sender;
        c.new_external_id = Str(*sys, "wa_id");
        c.new_secondary_id = OptStr(*sys, "user_id");
        c.at = m.sent_at;
        c.description = m.text;
        if (!c.new_external_id.empty() || c.new_secondary_id) change = std::move(c);
    }
    ctx.Emit(std::move(m));
    if (change) ctx.Emit(std::move(*change));
}

void ParseStatus(object st, const ChangeContext& ctx) {
    static constexpr std::array<std::pair<std::string_view, DeliveryState>, 4> kStates{{
        {"sent", DeliveryState::kSent},
        {"delivered", DeliveryState::kDelivered},
        {"read", DeliveryState::kRead},
        {"failed", DeliveryState::kFailed},
    }};
    const std::string status = Str(st, "status");
    std::optional<DeliveryState> state;
    for (const auto& [name, s] : kStates) {
        if (status == name) state = s;
    }
    if (!state) {
        ctx.Emit(UnrecognizedEvent{"status:" + status, Compact(st)});
        return;
    }
    DeliveryStatus d;
    d.external_message_id = Str(st, "id");
    d.state = *state;
    d.at = Seconds(st, "timestamp");
    d.recipient.external_id = Str(st, "recipient_id");
    d.recipient.secondary_id = OptStr(st, "recipient_user_id");
    d.errors = ParseErrors(st);
    d.pricing_json = CompactField(st, "pricing");
    ctx.Emit(std::move(d));
}

void ParseUserPreference(object pref, const std::vector<ContactInfo>& contacts,
                         const ChangeContext& ctx) {
    const std::string value = Str(pref, "value");
    ConsentChange c;
    if (value == "stop") {
        c.action = ConsentAction::kStop;
    } else if (value == "resume") {
        c.action = ConsentAction::kResume;
    } else {
        ctx.Emit(UnrecognizedEvent{"user_preference:" + value, Compact(pref)});
        return;
    }
    c.sender = MakeSender(Str(pref, "wa_id"), Str(pref, "user_id"), contacts);
    c.category = Str(pref, "category");
    c.detail = Str(pref, "detail");
    c.at = Seconds(pref, "timestamp");
    ctx.Emit(std::move(c));
}

void ParseChange(object change, const std::string& group_id, std::vector<InboundEvent>& out) {
    const std::string field = Str(change, "field");
    auto value = ObjectField(change, "value");
    ChangeContext ctx{{}, group_id, &out};
    if (value) {
        if (auto metadata = ObjectField(*value, "metadata")) {
            ctx.account_id = Str(*metadata, "phone_number_id");
        }
    }
    if (!value || (field != wire::kFieldMessages && field != wire::kFieldUserPreferences)) {
        ctx.Emit(UnrecognizedEvent{"field:" + field, Compact(change)});
        return;
    }
    const std::vector<ContactInfo> contacts = ParseContacts(*value);
    if (auto messages = ArrayField(*value, "messages")) {
        for (element e : *messages) {
            object msg;
            if (e.get_object().get(msg) == simdjson::SUCCESS) {
                ParseMessage(msg, contacts, ctx);
            } else {
                ctx.Emit(UnrecognizedEvent{"message:not_an_object", Compact(e)});
            }
        }
    }
    if (auto statuses = ArrayField(*value, "statuses")) {
        for (element e : *statuses) {
            object st;
            if (e.get_object().get(st) == simdjson::SUCCESS) {
                ParseStatus(st, ctx);
            } else {
                ctx.Emit(UnrecognizedEvent{"status:not_an_object", Compact(e)});
            }
        }
    }
    for (auto& err : ParseErrors(*value)) ctx.Emit(AccountError{std::move(err)});
    if (auto prefs = ArrayField(*value, "user_preferences")) {
        for (element e : *prefs) {
            object pref;
            if (e.get_object().get(pref) == simdjson::SUCCESS)
                ParseUserPreference(pref, contacts, ctx);
        }
    }
}

}  // namespace

Status VerifySignature(std::string_view app_secret, std::string_view raw_body,
                       std::string_view header_value) {
    if (app_secret.empty()) return Error::Internal("WhatsApp app secret is not configured");
    if (header_value.empty()) return Error::Unauthenticated("missing X-Hub-Signature-256");
    if (!header_value.starts_with(wire::kSignaturePrefix)) {
        return Error::Unauthenticated("X-Hub-Signature-256 is not sha256=<hex>");
    }
    const std::string_view hex = header_value.substr(wire::kSignaturePrefix.size());
    if (hex.size() != kSha256Size * 2) {
        return Error::Unauthenticated("X-Hub-Signature-256 has the wrong length");
    }
    std::array<unsigned char, kSha256Size> given{};
    for (std::size_t i = 0; i < kSha256Size; ++i) {
        const int hi = HexValue(hex[2 * i]);
        const int lo = HexValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return Error::Unauthenticated("X-Hub-Signature-256 is not hex");
        given[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> expected{};
    unsigned int expected_len = 0;
    if (HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
             reinterpret_cast<const unsigned char*>(raw_body.data()), raw_body.size(),
             expected.data(), &expected_len) == nullptr ||
        expected_len != kSha256Size) {
        return Error::Internal("HMAC-SHA256 failed");
    }
    if (CRYPTO_memcmp(given.data(), expected.data(), kSha256Size) != 0) {
        return Error::Unauthenticated("X-Hub-Signature-256 does not match the body");
    }
    return Ok();
}

Status VerifyChallenge(std::string_view mode, std::string_view token,
                       std::string_view expected_token) {
    if (expected_token.empty()) return Error::Internal("WhatsApp verify token is not configured");
    if (mode != wire::kModeSubscribe) return Error::InvalidArgument("hub.mode is not subscribe");
    if (!ConstantTimeEquals(token, expected_token)) {
        return Error::PermissionDenied("hub.verify_token does not match");
    }
    return Ok();
}

Result<std::vector<InboundEvent>> ParseWebhook(std::string_view body) {
    simdjson::dom::parser parser;
    element root;
    if (auto err = parser.parse(body.data(), body.size()).get(root); err != simdjson::SUCCESS) {
        return Error::InvalidArgument(std::string("webhook body is not valid JSON: ") +
                                      simdjson::error_message(err));
    }
    object top;
    if (root.get_object().get(top) != simdjson::SUCCESS) {
        return Error::InvalidArgument("webhook body is not a JSON object");
    }
    if (auto type = OptStr(top, "object"); type && *type != wire::kObjectType) {
        return Error::InvalidArgument("webhook object is not " + std::string(wire::kObjectType));
    }
    std::vector<InboundEvent> out;
    auto entries = ArrayField(top, "entry");
    if (!entries) return out;
    for (element e : *entries) {
        object entry;
        if (e.get_object().get(entry) != simdjson::SUCCESS) continue;
        const std::string group_id = Str(entry, "id");
        auto changes = ArrayField(entry, "changes");
        if (!changes) continue;
        for (element c : *changes) {
            object change;
            if (c.get_object().get(change) == simdjson::SUCCESS) ParseChange(change, group_id, out);
        }
    }
    return out;
}

}  // namespace hudhud::channels::whatsapp
