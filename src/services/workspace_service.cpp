#include "services/workspace_service.hpp"

#include <nlohmann/json.hpp>
#include <regex>

#include "secrets/token.hpp"

namespace hudhud::services {
namespace {

using storage::ApiTokenRepository;
using storage::AuditRepository;
using storage::InvitationRepository;
using storage::LabelRepository;
using storage::MembershipRepository;
using storage::Session;
using storage::TeamRepository;
using storage::WorkspaceRepository;

Status ValidateText(const std::optional<std::string>& v, const char* field, std::size_t max,
                    bool allow_empty = false) {
    if (!v) return Ok();
    if (!allow_empty && v->empty()) {
        return Error::InvalidArgument(std::string(field) + " must not be empty");
    }
    if (v->size() > max) return Error::InvalidArgument(std::string(field) + " is too long");
    return Ok();
}

Status ValidateColor(const std::optional<std::string>& c) {
    static const std::regex kHex("^#[0-9a-fA-F]{6}$");
    if (c && !std::regex_match(*c, kHex)) {
        return Error::InvalidArgument("color must look like #1f93ff");
    }
    return Ok();
}

}  // namespace

WorkspaceService::WorkspaceService(storage::Database& db, const Clock& clock, AuditLog& audit,
                                   AccountService& accounts, Options options,
                                   const events::EventBus* events)
    : db_(db),
      clock_(clock),
      audit_(audit),
      accounts_(accounts),
      options_(options),
      events_(events) {}

Status WorkspaceService::Require(const WorkspaceAccess& a, Role role) const {
    if (!RoleAtLeast(a.membership.role, role)) {
        return Error::PermissionDenied("this action needs the " + std::string(RoleName(role)) +
                                       " role");
    }
    return Ok();
}

Result<Workspace> WorkspaceService::Get(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) { return WorkspaceRepository::Get(s, a.workspace()); });
}

Result<Workspace> WorkspaceService::Update(const WorkspaceAccess& a,
                                           const std::optional<std::string>& name,
                                           const std::optional<std::string>& locale,
                                           const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    HH_RETURN_IF_ERROR(ValidateText(name, "name", 200));
    if (locale && *locale != "en" && *locale != "ar") {
        return Error::InvalidArgument("locale must be \"en\" or \"ar\"");
    }
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) -> Result<Workspace> {
        HH_RETURN_IF_ERROR(WorkspaceRepository::Update(s, a.workspace(), name, locale, now));
        nlohmann::json d = nlohmann::json::object();
        if (name) d["name"] = *name;
        if (locale) d["locale"] = *locale;
        HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                                        "workspace.settings_changed", "workspace",
                                                        a.workspace().str(), ctx, d)));
        return WorkspaceRepository::Get(s, a.workspace());
    });
}

Result<std::vector<Member>> WorkspaceService::ListMembers(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) { return MembershipRepository::List(s, a.workspace()); });
}

Status WorkspaceService::ChangeRole(const WorkspaceAccess& a, UserId user, Role role,
                                    const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    Status st = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto target, MembershipRepository::Find(s, a.workspace(), user));
        if (!target) return Error::NotFound("member not found");
        // Only an owner may make or unmake owners, and the last owner stays an owner.
        if ((role == Role::kOwner || target->role == Role::kOwner) &&
            a.membership.role != Role::kOwner) {
            return Error::PermissionDenied("only an owner can change owners");
        }
        if (target->role == Role::kOwner && role != Role::kOwner) {
            HH_ASSIGN_OR_RETURN(auto owners, MembershipRepository::CountOwners(s, a.workspace()));
            if (owners <= 1) return Error::Conflict("a workspace needs at least one owner");
        }
        HH_RETURN_IF_ERROR(MembershipRepository::UpdateRole(s, a.workspace(), user, role));
        return audit_.Append(
            s, audit_.Make(a.workspace(), &a.principal, "member.role_changed", "user", user.str(),
                           ctx,
                           {{"from", RoleName(target->role)}, {"to", RoleName(role)}}));
    });
    accounts_.InvalidateAuthCache();
    // Who sees which inbox changes with the role: every node drops its cached audiences.
    if (st.ok()) PublishMemberEvent(a.workspace(), "member.updated", user, role);
    return st;
}

void WorkspaceService::PublishMemberEvent(WorkspaceId ws, const char* type, UserId user,
                                          std::optional<Role> role) const {
    if (events_ == nullptr) return;
    events::Event e;
    e.workspace_id = ws;
    e.type = type;
    nlohmann::json data{{"user_id", user.value()}};
    if (role) data["role"] = RoleName(*role);
    e.data_json = data.dump();
    events_->Publish(e);
}

Status WorkspaceService::SetAvailability(const WorkspaceAccess& a, Availability availability) {
    HH_RETURN_IF_ERROR(db_.Write([&](Session& s) {
        return MembershipRepository::UpdateAvailability(s, a.workspace(), a.user(), availability);
    }));
    if (events_ != nullptr) {
        events::Event e;
        e.workspace_id = a.workspace();
        e.type = "presence.updated";
        e.data_json = nlohmann::json{{"user_id", a.user().value()},
                                     {"availability", AvailabilityName(availability)}}
                          .dump();
        events_->Publish(e);
    }
    return Ok();
}

Status WorkspaceService::RemoveMember(const WorkspaceAccess& a, UserId user,
                                      const RequestContext& ctx) {
    if (user != a.user()) HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    Status st = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto target, MembershipRepository::Find(s, a.workspace(), user));
        if (!target) return Error::NotFound("member not found");
        if (target->role == Role::kOwner) {
            if (a.membership.role != Role::kOwner) {
                return Error::PermissionDenied("only an owner can remove an owner");
            }
            HH_ASSIGN_OR_RETURN(auto owners, MembershipRepository::CountOwners(s, a.workspace()));
            if (owners <= 1) return Error::Conflict("a workspace needs at least one owner");
        }
        HH_RETURN_IF_ERROR(MembershipRepository::Remove(s, a.workspace(), user));
        HH_RETURN_IF_ERROR(s.Exec("UPDATE conversations SET assignee_id = NULL WHERE "
                                  "workspace_id = $1 AND assignee_id = $2",
                                  {a.workspace().value(), user.value()}));
        HH_RETURN_IF_ERROR(s.Exec("DELETE FROM api_tokens WHERE workspace_id = $1 AND user_id = $2",
                                  {a.workspace().value(), user.value()}));
        HH_RETURN_IF_ERROR(s.Exec("DELETE FROM inbox_members WHERE workspace_id = $1 AND "
                                  "user_id = $2",
                                  {a.workspace().value(), user.value()}));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "member.removed", "user",
                                            user.str(), ctx));
    });
    accounts_.InvalidateAuthCache();
    if (st.ok()) PublishMemberEvent(a.workspace(), "member.removed", user, std::nullopt);
    return st;
}

Result<CreatedInvitation> WorkspaceService::Invite(const WorkspaceAccess& a,
                                                   const std::string& email_in, Role role,
                                                   const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    if (role == Role::kOwner && a.membership.role != Role::kOwner) {
        return Error::PermissionDenied("only an owner can invite an owner");
    }
    auto email = AccountService::NormalizeEmail(email_in);
    if (!email) return Error::InvalidArgument("email is not a valid address");
    CreatedInvitation out;
    out.token = secrets::RandomToken(32);
    const std::string hash = secrets::HashToken(out.token);
    const Timestamp now = clock_.Now();
    Status st = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto existing,
                            s.Query("SELECT 1 FROM memberships m JOIN users u ON u.id = "
                                    "m.user_id WHERE m.workspace_id = $1 AND u.email = $2",
                                    {a.workspace().value(), *email}));
        if (!existing.empty()) return Error::Conflict("this person is already a member");
        HH_ASSIGN_OR_RETURN(out.record,
                            InvitationRepository::Create(s, a.workspace(), *email, role, hash,
                                                         a.user(), now,
                                                         now + options_.invitation_ttl));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "invitation.created",
                                            "invitation", out.record.id.str(), ctx,
                                            {{"email", *email}, {"role", RoleName(role)}}));
    });
    if (!st.ok()) return std::move(st).error();
    return out;
}

Result<std::vector<storage::InvitationRecord>> WorkspaceService::ListInvitations(
    const WorkspaceAccess& a) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    return db_.ReadValue(
        [&](Session& s) { return InvitationRepository::ListPending(s, a.workspace()); });
}

Status WorkspaceService::RevokeInvitation(const WorkspaceAccess& a, InvitationId id,
                                          const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    return db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(InvitationRepository::Delete(s, a.workspace(), id));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "invitation.revoked",
                                            "invitation", id.str(), ctx));
    });
}

Result<SignedIn> WorkspaceService::AcceptInvitation(const std::string& token,
                                                    const std::string& name,
                                                    const std::string& password,
                                                    const RequestContext& ctx) {
    const std::string hash = secrets::HashToken(token);
    const Timestamp now = clock_.Now();
    HH_ASSIGN_OR_RETURN(auto inv, db_.ReadValue([&](Session& s) {
        return InvitationRepository::FindPendingByToken(s, hash, now);
    }));
    if (!inv) return Error::NotFound("invitation not found or expired");
    HH_ASSIGN_OR_RETURN(User user, accounts_.FindOrCreateUserForInvite(inv->email, name, password));
    Status st = db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(InvitationRepository::MarkAccepted(s, inv->id, now));
        HH_ASSIGN_OR_RETURN(auto existing, MembershipRepository::Find(s, inv->workspace_id, user.id));
        if (!existing) {
            HH_RETURN_IF_ERROR(
                MembershipRepository::Add(s, inv->workspace_id, user.id, inv->role, now));
        }
        Principal p{user, std::nullopt, std::nullopt};
        return audit_.Append(s, audit_.Make(inv->workspace_id, &p, "invitation.accepted", "user",
                                            user.id.str(), ctx,
                                            {{"role", RoleName(inv->role)}}));
    });
    if (!st.ok()) return std::move(st).error();
    accounts_.InvalidateAuthCache();
    return accounts_.SignInNewSession(user, ctx);
}

Result<CreatedApiToken> WorkspaceService::CreateApiToken(const WorkspaceAccess& a,
                                                         const std::string& name,
                                                         const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(ValidateText(name, "name", 100));
    if (a.principal.via_api_token()) {
        return Error::PermissionDenied("API tokens cannot create API tokens");
    }
    CreatedApiToken out;
    out.token = "hh_" + secrets::RandomToken(32);
    const std::string prefix = out.token.substr(0, 10);
    const std::string hash = secrets::HashToken(out.token);
    const Timestamp now = clock_.Now();
    Status st = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(out.record, ApiTokenRepository::Create(s, a.workspace(), a.user(),
                                                                   name, hash, prefix, now));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "api_token.created",
                                            "api_token", out.record.id.str(), ctx,
                                            {{"name", name}}));
    });
    if (!st.ok()) return std::move(st).error();
    return out;
}

Result<std::vector<storage::ApiTokenRecord>> WorkspaceService::ListApiTokens(
    const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) -> Result<std::vector<storage::ApiTokenRecord>> {
        HH_ASSIGN_OR_RETURN(auto all, ApiTokenRepository::List(s, a.workspace()));
        if (RoleAtLeast(a.membership.role, Role::kAdmin)) return all;
        std::erase_if(all, [&](const auto& t) { return t.user_id != a.user(); });
        return all;
    });
}

Status WorkspaceService::RevokeApiToken(const WorkspaceAccess& a, ApiTokenId id,
                                        const RequestContext& ctx) {
    const Timestamp now = clock_.Now();
    Status st = db_.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto all, ApiTokenRepository::List(s, a.workspace()));
        auto it = std::find_if(all.begin(), all.end(), [&](const auto& t) { return t.id == id; });
        if (it == all.end()) return Error::NotFound("api token not found");
        if (it->user_id != a.user() && !RoleAtLeast(a.membership.role, Role::kAdmin)) {
            return Error::NotFound("api token not found");
        }
        HH_RETURN_IF_ERROR(ApiTokenRepository::Revoke(s, a.workspace(), id, now));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "api_token.revoked",
                                            "api_token", id.str(), ctx));
    });
    accounts_.InvalidateAuthCache();
    return st;
}

Result<storage::Page<AuditEntry>> WorkspaceService::ListAudit(const WorkspaceAccess& a,
                                                              const storage::PageRequest& page) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    return audit_.List(a.workspace(), page);
}

Result<storage::Team> WorkspaceService::CreateTeam(const WorkspaceAccess& a,
                                                   const std::string& name,
                                                   const std::string& description,
                                                   const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    HH_RETURN_IF_ERROR(ValidateText(name, "name", 100));
    HH_RETURN_IF_ERROR(ValidateText(description, "description", 1000, true));
    const Timestamp now = clock_.Now();
    return db_.WriteValue([&](Session& s) -> Result<storage::Team> {
        HH_ASSIGN_OR_RETURN(auto t, TeamRepository::Create(s, a.workspace(), name, description, now));
        HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                                        "team.created", "team", t.id.str(), ctx)));
        return t;
    });
}

Result<std::vector<storage::Team>> WorkspaceService::ListTeams(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) { return TeamRepository::List(s, a.workspace()); });
}

Result<storage::Team> WorkspaceService::GetTeam(const WorkspaceAccess& a, TeamId id) {
    return db_.ReadValue([&](Session& s) { return TeamRepository::Get(s, a.workspace(), id); });
}

Result<storage::Team> WorkspaceService::UpdateTeam(
    const WorkspaceAccess& a, TeamId id, const std::optional<std::string>& name,
    const std::optional<std::string>& description,
    const std::optional<std::vector<UserId>>& members, const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    HH_RETURN_IF_ERROR(ValidateText(name, "name", 100));
    HH_RETURN_IF_ERROR(ValidateText(description, "description", 1000, true));
    return db_.WriteValue([&](Session& s) -> Result<storage::Team> {
        HH_RETURN_IF_ERROR(TeamRepository::Update(s, a.workspace(), id, name, description));
        if (members) HH_RETURN_IF_ERROR(TeamRepository::SetMembers(s, a.workspace(), id, *members));
        HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                                        "team.updated", "team", id.str(), ctx)));
        return TeamRepository::Get(s, a.workspace(), id);
    });
}

Status WorkspaceService::DeleteTeam(const WorkspaceAccess& a, TeamId id,
                                    const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    return db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(TeamRepository::Delete(s, a.workspace(), id));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "team.deleted", "team",
                                            id.str(), ctx));
    });
}

Result<storage::Label> WorkspaceService::CreateLabel(const WorkspaceAccess& a,
                                                     const std::string& name,
                                                     const std::string& color,
                                                     const std::string& description,
                                                     const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    HH_RETURN_IF_ERROR(ValidateText(name, "name", 64));
    HH_RETURN_IF_ERROR(ValidateColor(color));
    HH_RETURN_IF_ERROR(ValidateText(description, "description", 1000, true));
    return db_.WriteValue([&](Session& s) -> Result<storage::Label> {
        HH_ASSIGN_OR_RETURN(auto l,
                            LabelRepository::Create(s, a.workspace(), name, color, description));
        HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                                        "label.created", "label",
                                                        std::to_string(l.id), ctx)));
        return l;
    });
}

Result<std::vector<storage::Label>> WorkspaceService::ListLabels(const WorkspaceAccess& a) {
    return db_.ReadValue([&](Session& s) { return LabelRepository::List(s, a.workspace()); });
}

Result<storage::Label> WorkspaceService::GetLabel(const WorkspaceAccess& a, std::int64_t id) {
    return db_.ReadValue([&](Session& s) { return LabelRepository::Get(s, a.workspace(), id); });
}

Result<storage::Label> WorkspaceService::UpdateLabel(const WorkspaceAccess& a, std::int64_t id,
                                                     const std::optional<std::string>& name,
                                                     const std::optional<std::string>& color,
                                                     const std::optional<std::string>& description,
                                                     const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    HH_RETURN_IF_ERROR(ValidateText(name, "name", 64));
    HH_RETURN_IF_ERROR(ValidateColor(color));
    HH_RETURN_IF_ERROR(ValidateText(description, "description", 1000, true));
    return db_.WriteValue([&](Session& s) -> Result<storage::Label> {
        HH_RETURN_IF_ERROR(LabelRepository::Update(s, a.workspace(), id, name, color, description));
        HH_RETURN_IF_ERROR(audit_.Append(s, audit_.Make(a.workspace(), &a.principal,
                                                        "label.updated", "label",
                                                        std::to_string(id), ctx)));
        return LabelRepository::Get(s, a.workspace(), id);
    });
}

Status WorkspaceService::DeleteLabel(const WorkspaceAccess& a, std::int64_t id,
                                     const RequestContext& ctx) {
    HH_RETURN_IF_ERROR(Require(a, Role::kAdmin));
    return db_.Write([&](Session& s) -> Status {
        HH_RETURN_IF_ERROR(LabelRepository::Delete(s, a.workspace(), id));
        return audit_.Append(s, audit_.Make(a.workspace(), &a.principal, "label.deleted", "label",
                                            std::to_string(id), ctx));
    });
}

}  // namespace hudhud::services
