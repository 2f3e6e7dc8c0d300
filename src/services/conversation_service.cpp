#include "services/conversation_service.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "log/log.hpp"
#include "services/message_events.hpp"
#include "services/inbox_routing.hpp"
#include "storage/repositories/inbox_member_repository.hpp"
#include "storage/repositories/team_repository.hpp"
#include "storage/repositories/workspace_repository.hpp"

namespace hudhud::services {
namespace {

using storage::ConversationListRepository;
using storage::ConversationStateRepository;
using storage::Session;

std::string Dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json OptJson(const std::optional<std::int64_t>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

bool ConversationService::IsStatus(std::string_view s) {
    return s == "open" || s == "pending" || s == "snoozed" || s == "resolved";
}

bool ConversationService::IsPriority(std::string_view s) {
    return s == "none" || s == "low" || s == "medium" || s == "high" || s == "urgent";
}

namespace {

// The conversation, if the caller may see it; kNotFound otherwise (as for another workspace).
Result<storage::ConversationRow> GetVisible(Session& s, const WorkspaceAccess& a,
                                            ConversationId id) {
    HH_ASSIGN_OR_RETURN(auto c, storage::ConversationRepository::Get(s, a.workspace(), id));
    if (!a.sees_every_inbox()) {
        HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
        if (!scope.Allows(c.inbox_id)) return Error::NotFound("conversation not found");
    }
    return c;
}

}  // namespace

Result<storage::ConversationListPage> ConversationService::List(
    const WorkspaceAccess& a, storage::ConversationFilter f,
    const std::optional<storage::ConversationCursor>& after, int limit) {
    for (const auto& s : f.statuses) {
        if (!IsStatus(s)) return Error::InvalidArgument("unknown status '" + s + "'");
    }
    if (f.priority && !IsPriority(*f.priority)) {
        return Error::InvalidArgument("unknown priority '" + *f.priority + "'");
    }
    if (f.assignee && f.unassigned) {
        return Error::InvalidArgument("assignee is either a user or unassigned");
    }
    return db_.ReadValue([&](Session& s) -> Result<storage::ConversationListPage> {
        HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
        if (!scope.all) {
            if (f.inbox && !scope.Allows(*f.inbox)) return storage::ConversationListPage{};
            if (scope.inboxes.empty()) return storage::ConversationListPage{};
            f.visible_inboxes = scope.inboxes;
        }
        return ConversationListRepository::List(s, a.workspace(), f, after, limit);
    });
}

Result<storage::ConversationCounts> ConversationService::Counts(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) -> Result<storage::ConversationCounts> {
        HH_ASSIGN_OR_RETURN(auto scope, InboxScopeOf(s, a));
        std::optional<std::vector<InboxId>> visible;
        if (!scope.all) visible = scope.inboxes;
        return ConversationListRepository::Counts(s, a.workspace(), a.user(), visible);
    });
}

Result<storage::ConversationRow> ConversationService::Get(const WorkspaceAccess& a,
                                                          ConversationId id) {
    return db_.ReadValue([&](Session& s) -> Result<storage::ConversationRow> {
        HH_RETURN_IF_ERROR(GetVisible(s, a, id));
        return ConversationListRepository::GetWithLabels(s, a.workspace(), id);
    });
}

Result<storage::Page<Message>> ConversationService::Messages(const WorkspaceAccess& a,
                                                             ConversationId id,
                                                             const storage::PageRequest& page) {
    return db_.ReadValue([&](Session& s) -> Result<storage::Page<Message>> {
        HH_RETURN_IF_ERROR(GetVisible(s, a, id));
        return storage::ConversationRepository::ListMessages(s, a.workspace(), id, page);
    });
}

Status ConversationService::RequireVisible(const WorkspaceAccess& a, ConversationId id) {
    return db_.Read([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(GetVisible(s, a, id));
        return Ok();
    });
}

Result<storage::ConversationRow> ConversationService::Update(const WorkspaceAccess& a,
                                                             ConversationId id,
                                                             const ConversationUpdate& u,
                                                             const RequestContext& ctx) {
    const Timestamp now = clock_.Now();
    storage::ConversationChange change;
    if (u.status && !IsStatus(*u.status)) {
        return Error::InvalidArgument("status must be open, pending, snoozed or resolved");
    }
    if (u.snoozed_until || u.status == "snoozed") {
        if (u.status && *u.status != "snoozed") {
            return Error::InvalidArgument("snoozed_until goes with status snoozed");
        }
        if (!u.snoozed_until || *u.snoozed_until <= now) {
            return Error::InvalidArgument("snoozing needs snoozed_until in the future");
        }
        if (jobs_ == nullptr) return Error::Internal("snoozing needs the job queue");
        change.status = "snoozed";
        change.snoozed_until = u.snoozed_until;
    } else if (u.status) {
        change.status = u.status;
    }
    if (u.priority) {
        if (!IsPriority(*u.priority)) {
            return Error::InvalidArgument("priority must be none, low, medium, high or urgent");
        }
        change.priority = u.priority;
    }
    change.assignee = u.assignee_id;
    change.team = u.team_id;
    if (!change.status && !change.priority && !change.assignee && !change.team) {
        return Error::InvalidArgument("nothing to change");
    }

    bool assigned = false;
    HH_ASSIGN_OR_RETURN(auto after, db_.WriteValue([&](Session& s)
                                                       -> Result<storage::ConversationRow> {
        assigned = false;
        HH_ASSIGN_OR_RETURN(auto before, GetVisible(s, a, id));
        if (change.assignee && *change.assignee) {
            HH_ASSIGN_OR_RETURN(auto member, storage::MembershipRepository::Find(
                                                 s, a.workspace(), UserId(**change.assignee)));
            if (!member) {
                return Error::InvalidArgument("assignee_id is not a member of the workspace");
            }
            if (!RoleAtLeast(member->role, Role::kAdmin)) {
                HH_ASSIGN_OR_RETURN(auto theirs, storage::InboxMemberRepository::InboxesOf(
                                                     s, a.workspace(), member->user_id));
                if (!std::binary_search(theirs.begin(), theirs.end(), before.inbox_id)) {
                    return Error::InvalidArgument(
                        "assignee_id is not a member of the conversation's inbox");
                }
            }
        }
        if (change.team && *change.team) {
            auto team = storage::TeamRepository::Get(s, a.workspace(), TeamId(**change.team));
            if (!team.ok()) {
                if (team.error().code != ErrorCode::kNotFound) return std::move(team).error();
                return Error::InvalidArgument("team_id is not a team of the workspace");
            }
        }
        HH_RETURN_IF_ERROR(ConversationStateRepository::Apply(s, a.workspace(), id, change, now));
        const bool assignee_changed = change.assignee && *change.assignee != before.assignee_id;
        const bool team_changed = change.team && *change.team != before.team_id;
        if (assignee_changed || team_changed) {
            assigned = true;
            HH_ASSIGN_OR_RETURN(auto current,
                                storage::ConversationRepository::Get(s, a.workspace(), id));
            HH_RETURN_IF_ERROR(audit_.Append(
                s, audit_.Make(a.workspace(), &a.principal, "conversation.assigned",
                               "conversation", id.str(), ctx,
                               {{"assignee_id", OptJson(current.assignee_id)},
                                {"team_id", OptJson(current.team_id)},
                                {"previous_assignee_id", OptJson(before.assignee_id)},
                                {"previous_team_id", OptJson(before.team_id)}})));
        }
        if (change.snoozed_until) {
            jobs::NewJob job;
            job.workspace = a.workspace();
            job.type = std::string(kUnsnoozeJob);
            job.run_at = *change.snoozed_until;
            const auto until = ToMicros(*change.snoozed_until);
            job.payload_json =
                nlohmann::json{{"conversation_id", id.value()}, {"snoozed_until", until}}.dump();
            job.unique_key = "unsnooze:" + id.str() + ":" + std::to_string(until);
            // Delayed: the workers' poll finds it when it is due, no notification needed.
            HH_RETURN_IF_ERROR(jobs_->Enqueue(s, job));
        }
        return ConversationListRepository::GetWithLabels(s, a.workspace(), id);
    }));
    Publish(after, assigned);
    return after;
}

Result<std::vector<std::string>> ConversationService::AddLabels(
    const WorkspaceAccess& a, ConversationId id, const std::vector<std::string>& names) {
    if (names.empty()) return Error::InvalidArgument("labels must name at least one label");
    if (names.size() > 100) return Error::InvalidArgument("at most 100 labels at once");
    HH_ASSIGN_OR_RETURN(auto after, db_.WriteValue([&](Session& s)
                                                       -> Result<storage::ConversationRow> {
        HH_RETURN_IF_ERROR(GetVisible(s, a, id));
        HH_ASSIGN_OR_RETURN(auto unknown,
                            ConversationStateRepository::UnknownLabels(s, a.workspace(), names));
        if (!unknown.empty()) {
            return Error::InvalidArgument("unknown label '" + unknown.front() +
                                          "' (create it under /labels first)");
        }
        HH_RETURN_IF_ERROR(ConversationStateRepository::AddLabels(s, a.workspace(), id, names));
        return ConversationListRepository::GetWithLabels(s, a.workspace(), id);
    }));
    Publish(after, false);
    return after.labels;
}

Result<std::vector<std::string>> ConversationService::RemoveLabel(const WorkspaceAccess& a,
                                                                  ConversationId id,
                                                                  const std::string& name) {
    HH_ASSIGN_OR_RETURN(auto after, db_.WriteValue([&](Session& s)
                                                       -> Result<storage::ConversationRow> {
        HH_RETURN_IF_ERROR(GetVisible(s, a, id));
        HH_RETURN_IF_ERROR(ConversationStateRepository::RemoveLabel(s, a.workspace(), id, name));
        return ConversationListRepository::GetWithLabels(s, a.workspace(), id);
    }));
    Publish(after, false);
    return after.labels;
}

Status ConversationService::ProcessUnsnooze(const jobs::JobContext& job) {
    auto payload = nlohmann::json::parse(job.payload, nullptr, false);
    if (!payload.is_object() || !payload.contains("conversation_id") ||
        !payload["conversation_id"].is_number_integer() || !payload.contains("snoozed_until") ||
        !payload["snoozed_until"].is_number_integer()) {
        return Error::InvalidArgument("conversation.unsnooze payload is malformed");
    }
    const ConversationId id(payload["conversation_id"].get<std::int64_t>());
    const Timestamp until = FromMicros(payload["snoozed_until"].get<std::int64_t>());
    const Timestamp now = clock_.Now();
    std::optional<storage::ConversationRow> reopened;
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) -> Status {
        reopened.reset();
        HH_ASSIGN_OR_RETURN(auto changed,
                            ConversationStateRepository::Unsnooze(s, job.workspace, id, until, now));
        if (!changed) return Ok();
        HH_ASSIGN_OR_RETURN(reopened,
                            ConversationListRepository::GetWithLabels(s, job.workspace, id));
        return Ok();
    }));
    if (reopened) Publish(*reopened, false);
    return Ok();
}

void ConversationService::Publish(const storage::ConversationRow& c, bool assigned) const {
    if (events_ == nullptr) return;
    events::Event e;
    e.workspace_id = c.workspace_id;
    e.type = "conversation.updated";
    e.data_json = Dump(ConversationJson(c));
    e.inbox_id = c.inbox_id;
    e.conversation_id = c.id;
    events_->Publish(e);
    if (assigned) {
        e.type = "conversation.assigned";
        events_->Publish(e);
    }
}

}  // namespace hudhud::services
