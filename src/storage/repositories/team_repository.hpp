#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

struct Team {
    TeamId id;
    WorkspaceId workspace_id;
    std::string name;
    std::string description;
    std::vector<UserId> member_ids;
    Timestamp created_at;
};

class TeamRepository {
public:
    static Result<Team> Create(Session& s, WorkspaceId ws, const std::string& name,
                               const std::string& description, Timestamp now);
    static Result<Team> Get(Session& s, WorkspaceId ws, TeamId id);
    static Result<std::vector<Team>> List(Session& s, WorkspaceId ws);
    static Status Update(Session& s, WorkspaceId ws, TeamId id,
                         const std::optional<std::string>& name,
                         const std::optional<std::string>& description);
    static Status Delete(Session& s, WorkspaceId ws, TeamId id);
    // Replaces the member list; every user must be a member of the workspace (kInvalidArgument).
    static Status SetMembers(Session& s, WorkspaceId ws, TeamId id,
                             const std::vector<UserId>& users);
};

struct Label {
    std::int64_t id = 0;
    WorkspaceId workspace_id;
    std::string name;
    std::string color;
    std::string description;
};

class LabelRepository {
public:
    static Result<Label> Create(Session& s, WorkspaceId ws, const std::string& name,
                                const std::string& color, const std::string& description);
    static Result<Label> Get(Session& s, WorkspaceId ws, std::int64_t id);
    static Result<std::vector<Label>> List(Session& s, WorkspaceId ws);
    // A new name follows to the conversations that carry the label (they hold it by name).
    static Status Update(Session& s, WorkspaceId ws, std::int64_t id,
                         const std::optional<std::string>& name,
                         const std::optional<std::string>& color,
                         const std::optional<std::string>& description);
    // Also takes the label off every conversation.
    static Status Delete(Session& s, WorkspaceId ws, std::int64_t id);
};

}  // namespace hudhud::storage
