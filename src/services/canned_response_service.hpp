#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "services/audit_log.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/canned_response_repository.hpp"

namespace hudhud::services {

// The values a canned response's variables take in one conversation.
struct CannedVariables {
    std::string contact_name;
    std::string contact_email;
    std::string contact_phone;
    std::string agent_name;
};

// Fills {{contact.name}}, {{contact.email}}, {{contact.phone}} and {{agent.name}} (spaces inside
// the braces allowed). Unknown {{...}} and unclosed braces are kept as written. Pure.
std::string RenderCannedResponse(const std::string& content, const CannedVariables& vars);

// Checks and normalizes a short code: 1-50 of [A-Za-z0-9_.-], lowered. kInvalidArgument.
Result<std::string> NormalizeShortCode(const std::string& short_code);

struct RenderedCannedResponse {
    storage::CannedResponse response;
    std::string rendered;
};

// Canned responses of a workspace: read by agents, written by admins (audited). Thread-safe.
class CannedResponseService {
public:
    CannedResponseService(storage::Database& db, const Clock& clock, AuditLog& audit)
        : db_(db), clock_(clock), audit_(audit) {}

    // With `search`, those whose short code starts with it (case-insensitive), at most 50.
    Result<std::vector<storage::CannedResponse>> List(const WorkspaceAccess& a,
                                                      const std::optional<std::string>& search);
    Result<storage::CannedResponse> Get(const WorkspaceAccess& a, std::int64_t id);
    // kConflict for a short code the workspace already has.
    Result<storage::CannedResponse> Create(const WorkspaceAccess& a, const std::string& short_code,
                                           const std::string& content, const RequestContext& ctx);
    Result<storage::CannedResponse> Update(const WorkspaceAccess& a, std::int64_t id,
                                           const std::optional<std::string>& short_code,
                                           const std::optional<std::string>& content,
                                           const RequestContext& ctx);
    Status Delete(const WorkspaceAccess& a, std::int64_t id, const RequestContext& ctx);
    // The response with the variables of `conversation`'s contact and the calling agent.
    // kNotFound when either is outside the workspace.
    Result<RenderedCannedResponse> Render(const WorkspaceAccess& a, ConversationId conversation,
                                          std::int64_t id);

private:
    storage::Database& db_;
    const Clock& clock_;
    AuditLog& audit_;
};

}  // namespace hudhud::services
