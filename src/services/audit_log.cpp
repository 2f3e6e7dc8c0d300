#include "services/audit_log.hpp"

#include "storage/repositories/auth_repository.hpp"

namespace hudhud::services {

AuditEntry AuditLog::Make(std::optional<WorkspaceId> ws, const Principal* actor,
                          std::string action, std::string target_type, std::string target_id,
                          const RequestContext& ctx, nlohmann::json details) const {
    AuditEntry e;
    e.workspace_id = ws;
    if (actor != nullptr) {
        e.actor_user_id = actor->user.id;
        e.actor_kind = actor->actor_kind();
        if (actor->api_token) details["api_token_id"] = actor->api_token->id.value();
    } else {
        e.actor_kind = "system";
    }
    e.action = std::move(action);
    e.target_type = std::move(target_type);
    e.target_id = std::move(target_id);
    e.ip = ctx.ip;
    e.user_agent = ctx.user_agent.substr(0, 512);
    e.details_json = details.dump();
    e.created_at = clock_.Now();
    return e;
}

Status AuditLog::Append(storage::Session& s, const AuditEntry& e) const {
    return storage::AuditRepository::Append(s, e);
}

Status AuditLog::Append(const AuditEntry& e) {
    return db_.Write([&](storage::Session& s) { return storage::AuditRepository::Append(s, e); });
}

Result<storage::Page<AuditEntry>> AuditLog::List(WorkspaceId ws,
                                                 const storage::PageRequest& page) {
    return db_.ReadValue(
        [&](storage::Session& s) { return storage::AuditRepository::List(s, ws, page); });
}

}  // namespace hudhud::services
