#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// A reply an agent inserts by its short code (`/thanks` in the composer).
struct CannedResponse {
    std::int64_t id = 0;
    WorkspaceId workspace_id;
    std::string short_code;  // lower case, unique in the workspace
    std::string content;     // may hold {{contact.name}}-style variables
    Timestamp created_at;
    Timestamp updated_at;
};

// Canned responses of a workspace. A short code the workspace already has is kConflict.
class CannedResponseRepository {
public:
    static Result<CannedResponse> Create(Session& s, WorkspaceId ws, const std::string& short_code,
                                         const std::string& content, Timestamp now);
    static Result<CannedResponse> Get(Session& s, WorkspaceId ws, std::int64_t id);
    // Ordered by short code; with `prefix`, only short codes starting with it (at most `limit`).
    static Result<std::vector<CannedResponse>> List(Session& s, WorkspaceId ws,
                                                    const std::optional<std::string>& prefix,
                                                    int limit);
    static Status Update(Session& s, WorkspaceId ws, std::int64_t id,
                         const std::optional<std::string>& short_code,
                         const std::optional<std::string>& content, Timestamp now);
    static Status Delete(Session& s, WorkspaceId ws, std::int64_t id);
};

}  // namespace hudhud::storage
