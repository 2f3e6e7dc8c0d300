#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/audit.hpp"
#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/page.hpp"

namespace hudhud::services {

// Appends audit entries, inside the caller's transaction where the audited change is written so
// the two commit together. Thread-safe.
class AuditLog {
public:
    AuditLog(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

    AuditEntry Make(std::optional<WorkspaceId> ws, const Principal* actor, std::string action,
                    std::string target_type, std::string target_id, const RequestContext& ctx,
                    nlohmann::json details = nlohmann::json::object()) const;

    Status Append(storage::Session& s, const AuditEntry& e) const;
    Status Append(const AuditEntry& e);

    Result<storage::Page<AuditEntry>> List(WorkspaceId ws, const storage::PageRequest& page);

private:
    storage::Database& db_;
    const Clock& clock_;
};

}  // namespace hudhud::services
