#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "services/account_service.hpp"
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/auth_repository.hpp"
#include "storage/repositories/team_repository.hpp"
#include "storage/repositories/workspace_repository.hpp"

namespace hudhud::services {

struct CreatedApiToken {
    storage::ApiTokenRecord record;
    std::string token;  // shown once; only its hash is stored
};

struct CreatedInvitation {
    storage::InvitationRecord record;
    std::string token;  // goes into the accept link; only its hash is stored
};

// Workspace administration: settings, members and roles, invitations, API tokens, teams and
// labels. Every call takes the caller's WorkspaceAccess (from AccountService::Authorize), checks
// the role the action needs, scopes every query to that workspace and writes the audit entry in
// the same transaction as the change. Thread-safe.
class WorkspaceService {
public:
    struct Options {
        std::chrono::seconds invitation_ttl{7 * 24 * 3600};
    };

    // With `events`, availability changes are published as "presence.updated".
    WorkspaceService(storage::Database& db, const Clock& clock, AuditLog& audit,
                     AccountService& accounts, Options options,
                     const events::EventBus* events = nullptr);

    Result<Workspace> Get(const WorkspaceAccess& a);
    Result<Workspace> Update(const WorkspaceAccess& a, const std::optional<std::string>& name,
                             const std::optional<std::string>& locale, const RequestContext& ctx);

    Result<std::vector<Member>> ListMembers(const WorkspaceAccess& a);
    Status ChangeRole(const WorkspaceAccess& a, UserId user, Role role, const RequestContext& ctx);
    // Publishes "presence.updated" {user_id, availability} once committed.
    Status SetAvailability(const WorkspaceAccess& a, Availability availability);
    Status RemoveMember(const WorkspaceAccess& a, UserId user, const RequestContext& ctx);

    Result<CreatedInvitation> Invite(const WorkspaceAccess& a, const std::string& email, Role role,
                                     const RequestContext& ctx);
    Result<std::vector<storage::InvitationRecord>> ListInvitations(const WorkspaceAccess& a);
    Status RevokeInvitation(const WorkspaceAccess& a, InvitationId id, const RequestContext& ctx);
    // Not workspace-scoped by the caller: the token identifies the workspace.
    Result<SignedIn> AcceptInvitation(const std::string& token, const std::string& name,
                                      const std::string& password, const RequestContext& ctx);

    Result<CreatedApiToken> CreateApiToken(const WorkspaceAccess& a, const std::string& name,
                                           const RequestContext& ctx);
    Result<std::vector<storage::ApiTokenRecord>> ListApiTokens(const WorkspaceAccess& a);
    Status RevokeApiToken(const WorkspaceAccess& a, ApiTokenId id, const RequestContext& ctx);

    Result<storage::Page<AuditEntry>> ListAudit(const WorkspaceAccess& a,
                                                const storage::PageRequest& page);

    Result<storage::Team> CreateTeam(const WorkspaceAccess& a, const std::string& name,
                                     const std::string& description, const RequestContext& ctx);
    Result<std::vector<storage::Team>> ListTeams(const WorkspaceAccess& a);
    Result<storage::Team> GetTeam(const WorkspaceAccess& a, TeamId id);
    Result<storage::Team> UpdateTeam(const WorkspaceAccess& a, TeamId id,
                                     const std::optional<std::string>& name,
                                     const std::optional<std::string>& description,
                                     const std::optional<std::vector<UserId>>& members,
                                     const RequestContext& ctx);
    Status DeleteTeam(const WorkspaceAccess& a, TeamId id, const RequestContext& ctx);

    Result<storage::Label> CreateLabel(const WorkspaceAccess& a, const std::string& name,
                                       const std::string& color, const std::string& description,
                                       const RequestContext& ctx);
    Result<std::vector<storage::Label>> ListLabels(const WorkspaceAccess& a);
    Result<storage::Label> GetLabel(const WorkspaceAccess& a, std::int64_t id);
    Result<storage::Label> UpdateLabel(const WorkspaceAccess& a, std::int64_t id,
                                       const std::optional<std::string>& name,
                                       const std::optional<std::string>& color,
                                       const std::optional<std::string>& description,
                                       const RequestContext& ctx);
    Status DeleteLabel(const WorkspaceAccess& a, std::int64_t id, const RequestContext& ctx);

private:
    Status Require(const WorkspaceAccess& a, Role role) const;
    // member.updated / member.removed: {user_id[, role]}.
    void PublishMemberEvent(WorkspaceId ws, const char* type, UserId user,
                            std::optional<Role> role) const;

    storage::Database& db_;
    const Clock& clock_;
    AuditLog& audit_;
    AccountService& accounts_;
    Options options_;
    const events::EventBus* events_;
};

}  // namespace hudhud::services
