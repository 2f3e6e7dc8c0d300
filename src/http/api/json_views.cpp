#include "http/api/json_views.hpp"

namespace hudhud::http::api {
namespace {

nlohmann::json OptTime(const std::optional<Timestamp>& t) {
    return t ? nlohmann::json(ToMicros(*t)) : nlohmann::json(nullptr);
}

template <typename T>
nlohmann::json Opt(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ParseStored(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
    return j.is_discarded() ? nlohmann::json::object() : j;
}

nlohmann::json ToJson(const Workspace& w) {
    return {{"id", w.id.value()},
            {"name", w.name},
            {"locale", w.locale},
            {"created_at", ToMicros(w.created_at)},
            {"updated_at", ToMicros(w.updated_at)}};
}

nlohmann::json ToJson(const User& u) {
    return {{"id", u.id.value()}, {"name", u.name}, {"email", u.email}, {"locale", u.locale}};
}

nlohmann::json ToJson(const storage::UserWorkspace& uw) {
    return {{"id", uw.workspace.id.value()},
            {"name", uw.workspace.name},
            {"locale", uw.workspace.locale},
            {"role", RoleName(uw.role)}};
}

nlohmann::json ToJson(const Member& m) {
    return {{"user_id", m.user.id.value()},
            {"name", m.user.name},
            {"email", m.user.email},
            {"role", RoleName(m.membership.role)},
            {"availability", AvailabilityName(m.membership.availability)},
            {"joined_at", ToMicros(m.membership.created_at)}};
}

nlohmann::json ToJson(const storage::InvitationRecord& i) {
    return {{"id", i.id.value()},
            {"email", i.email},
            {"role", RoleName(i.role)},
            {"invited_by", i.invited_by ? nlohmann::json(i.invited_by->value()) : nullptr},
            {"created_at", ToMicros(i.created_at)},
            {"expires_at", ToMicros(i.expires_at)}};
}

nlohmann::json ToJson(const storage::ApiTokenRecord& t) {
    return {{"id", t.id.value()},
            {"name", t.name},
            {"prefix", t.prefix},
            {"user_id", t.user_id.value()},
            {"created_at", ToMicros(t.created_at)},
            {"last_used_at", OptTime(t.last_used_at)}};
}

nlohmann::json ToJson(const AuditEntry& e) {
    return {{"id", e.id.value()},
            {"action", e.action},
            {"actor_kind", e.actor_kind},
            {"actor_user_id", e.actor_user_id ? nlohmann::json(e.actor_user_id->value()) : nullptr},
            {"target_type", e.target_type},
            {"target_id", e.target_id},
            {"ip", e.ip},
            {"user_agent", e.user_agent},
            {"details", ParseStored(e.details_json)},
            {"created_at", ToMicros(e.created_at)}};
}

nlohmann::json ToJson(const Contact& c) {
    return {{"id", c.id.value()},
            {"name", c.name},
            {"email", Opt(c.email)},
            {"phone_e164", Opt(c.phone_e164)},
            {"avatar_url", Opt(c.avatar_url)},
            {"locale", Opt(c.locale)},
            {"custom_attributes", ParseStored(c.custom_attributes_json)},
            {"marketing_consent", c.marketing_consent},
            {"reachable", c.reachable},
            {"created_at", ToMicros(c.created_at)},
            {"updated_at", ToMicros(c.updated_at)},
            {"last_activity_at", OptTime(c.last_activity_at)}};
}

nlohmann::json ToJson(const ContactIdentity& ci) {
    return {{"id", ci.id.value()},
            {"inbox_id", ci.inbox_id.value()},
            {"external_id", ci.external_id},
            {"created_at", ToMicros(ci.created_at)}};
}

nlohmann::json ToJson(const ContactNote& n) {
    return {{"id", n.id},
            {"contact_id", n.contact_id.value()},
            {"author_id", n.author_id ? nlohmann::json(n.author_id->value()) : nullptr},
            {"content", n.content},
            {"created_at", ToMicros(n.created_at)}};
}

nlohmann::json ToJson(const Inbox& i, const std::string& public_url) {
    return {{"id", i.id.value()},
            {"name", i.name},
            {"channel_kind", ChannelKindName(i.channel_kind)},
            {"status", InboxStatusName(i.status)},
            {"settings", ParseStored(i.settings_json)},
            {"has_credentials", i.credentials_enc.has_value()},
            {"webhook_url", public_url + "/webhooks/" + std::string(ChannelKindName(i.channel_kind)) +
                                "/" + i.webhook_key},
            {"created_at", ToMicros(i.created_at)},
            {"updated_at", ToMicros(i.updated_at)},
            {"disconnected_at", OptTime(i.disconnected_at)}};
}

nlohmann::json ToJson(const storage::Team& t) {
    nlohmann::json members = nlohmann::json::array();
    for (auto u : t.member_ids) members.push_back(u.value());
    return {{"id", t.id.value()},
            {"name", t.name},
            {"description", t.description},
            {"member_ids", members},
            {"created_at", ToMicros(t.created_at)}};
}

nlohmann::json ToJson(const storage::Label& l) {
    return {{"id", l.id}, {"name", l.name}, {"color", l.color}, {"description", l.description}};
}

}  // namespace hudhud::http::api
