#include "services/inbox_routing.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "storage/repositories/auth_repository.hpp"
#include "storage/repositories/conversation_state_repository.hpp"
#include "storage/repositories/inbox_member_repository.hpp"
#include "storage/repositories/inbox_repository.hpp"

namespace hudhud::services {

using storage::InboxMemberRepository;
using storage::Session;

Result<AutoAssignmentSettings> ParseAutoAssignment(const std::string& settings_json) {
    AutoAssignmentSettings out;
    auto j = nlohmann::json::parse(settings_json, nullptr, false);
    if (!j.is_object() || !j.contains("auto_assignment")) return out;
    const auto& a = j["auto_assignment"];
    const auto bad = [] {
        return Error::InvalidArgument("settings.auto_assignment must be {enabled: bool, "
                                      "max_open_per_agent: integer from 0 to 10000}");
    };
    if (!a.is_object()) return bad();
    for (const auto& [key, value] : a.items()) {
        if (key == "enabled") {
            if (!value.is_boolean()) return bad();
            out.enabled = value.get<bool>();
        } else if (key == "max_open_per_agent") {
            if (!value.is_number_integer()) return bad();
            const auto n = value.get<std::int64_t>();
            if (n < 0 || n > 10000) return bad();
            out.max_open_per_agent = static_cast<int>(n);
        } else {
            return bad();
        }
    }
    return out;
}

std::optional<UserId> PickNextAgent(const std::vector<UserId>& online, std::int64_t last,
                                    const std::map<std::int64_t, std::int64_t>& open_counts,
                                    int max_open) {
    if (online.empty()) return std::nullopt;
    // Start after `last` in id order and wrap round once.
    auto start = std::upper_bound(online.begin(), online.end(), last,
                                  [](std::int64_t v, UserId u) { return v < u.value(); });
    const std::size_t n = online.size();
    const std::size_t first = static_cast<std::size_t>(start - online.begin());
    for (std::size_t k = 0; k < n; ++k) {
        const UserId candidate = online[(first + k) % n];
        if (max_open > 0) {
            auto it = open_counts.find(candidate.value());
            if (it != open_counts.end() && it->second >= max_open) continue;
        }
        return candidate;
    }
    return std::nullopt;
}

Result<std::optional<UserId>> AutoAssignNewConversation(Session& s, WorkspaceId ws,
                                                        InboxId inbox,
                                                        ConversationId conversation,
                                                        Timestamp now) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT settings FROM inboxes WHERE workspace_id = $1 "
                                           "AND id = $2",
                                           {ws.value(), inbox.value()}));
    if (rows.empty()) return std::optional<UserId>();
    auto settings = ParseAutoAssignment(storage::AsText(rows.rows[0][0]));
    // Settings are validated when saved; an unreadable one just means no auto-assignment.
    if (!settings.ok() || !settings->enabled) return std::optional<UserId>();
    HH_ASSIGN_OR_RETURN(auto online, InboxMemberRepository::Online(s, ws, inbox));
    if (online.empty()) return std::optional<UserId>();
    HH_ASSIGN_OR_RETURN(auto last, InboxMemberRepository::LockRotation(s, ws, inbox));
    std::map<std::int64_t, std::int64_t> open;
    if (settings->max_open_per_agent > 0) {
        HH_ASSIGN_OR_RETURN(open, InboxMemberRepository::OpenCounts(s, ws, online));
    }
    auto pick = PickNextAgent(online, last, open, settings->max_open_per_agent);
    if (!pick) return std::optional<UserId>();
    storage::ConversationChange change;
    change.assignee = std::optional<std::int64_t>(pick->value());
    HH_RETURN_IF_ERROR(
        storage::ConversationStateRepository::Apply(s, ws, conversation, change, now));
    HH_RETURN_IF_ERROR(InboxMemberRepository::SetRotation(s, ws, inbox, *pick));
    AuditEntry e;
    e.workspace_id = ws;
    e.actor_kind = "system";
    e.action = "conversation.assigned";
    e.target_type = "conversation";
    e.target_id = conversation.str();
    nlohmann::json details = nlohmann::json::object();
    details["assignee_id"] = pick->value();
    details["previous_assignee_id"] = nullptr;
    details["inbox_id"] = inbox.value();
    details["auto"] = true;
    e.details_json = details.dump();
    e.created_at = now;
    HH_RETURN_IF_ERROR(storage::AuditRepository::Append(s, e));
    return pick;
}

Result<InboxScope> InboxScopeOf(Session& s, const WorkspaceAccess& a) {
    InboxScope scope;
    if (a.sees_every_inbox()) return scope;
    scope.all = false;
    HH_ASSIGN_OR_RETURN(scope.inboxes, InboxMemberRepository::InboxesOf(s, a.workspace(), a.user()));
    return scope;
}

Result<std::vector<UserId>> InboxRoutingService::Members(const WorkspaceAccess& a,
                                                         InboxId inbox) {
    return db_.ReadValue([&](Session& s) -> Result<std::vector<UserId>> {
        HH_RETURN_IF_ERROR(storage::InboxRepository::Get(s, a.workspace(), inbox));
        HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
        if (!scope.Allows(inbox)) return Error::NotFound("inbox not found");
        return InboxMemberRepository::List(s, a.workspace(), inbox);
    });
}

Result<std::vector<UserId>> InboxRoutingService::SetMembers(const WorkspaceAccess& a,
                                                            InboxId inbox,
                                                            const std::vector<UserId>& users,
                                                            const RequestContext& ctx) {
    if (!RoleAtLeast(a.membership.role, Role::kAdmin)) {
        return Error::PermissionDenied("this action needs the admin role");
    }
    if (users.size() > 1000) return Error::InvalidArgument("at most 1000 user_ids");
    auto members = db_.WriteValue([&](Session& s) -> Result<std::vector<UserId>> {
        HH_RETURN_IF_ERROR(storage::InboxRepository::Get(s, a.workspace(), inbox));
        HH_RETURN_IF_ERROR(InboxMemberRepository::Set(s, a.workspace(), inbox, users));
        HH_ASSIGN_OR_RETURN(auto now_members, InboxMemberRepository::List(s, a.workspace(), inbox));
        nlohmann::json ids = nlohmann::json::array();
        for (auto u : now_members) ids.push_back(u.value());
        HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                                        "inbox.members_changed", "inbox",
                                                        inbox.str(), ctx, {{"user_ids", ids}})));
        return now_members;
    });
    if (members.ok() && events_ != nullptr) {
        // Journaled for every node: caches of who sees this inbox are dropped, and the agents
        // who joined or left reload their lists.
        events::Event e;
        e.workspace_id = a.workspace();
        e.type = "inbox.members_changed";
        nlohmann::json ids = nlohmann::json::array();
        for (auto u : *members) ids.push_back(u.value());
        e.data_json = nlohmann::json{{"inbox_id", inbox.value()}, {"user_ids", ids}}.dump();
        events_->Publish(e);
    }
    return members;
}

}  // namespace hudhud::services
