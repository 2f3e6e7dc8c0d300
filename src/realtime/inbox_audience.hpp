#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "storage/database.hpp"

namespace hudhud::realtime {

// Sorted user ids; null means everyone subscribed to the workspace.
using Audience = std::shared_ptr<const std::vector<std::int64_t>>;

// Who receives the real-time events of an inbox (docs/api.md "Permissions"): the inbox's
// members and the workspace's owners and admins. Looked up once per inbox and cached, so the
// fan-out of an event to thousands of connections costs one lookup. A change of inbox members
// or of a member's role or membership (the events for which Invalidates() is true, seen by
// every node through the journal) drops the workspace's entries; entries also expire after
// `ttl` as a backstop. Thread-safe.
class InboxAudience {
  public:
    InboxAudience(storage::Database& db, const Clock& clock,
                  std::chrono::seconds ttl = std::chrono::seconds(60))
        : db_(db), clock_(clock), ttl_(ttl) {}

    // The audience of `inbox` (0: a workspace-wide event, null audience). Reads the database
    // on a miss.
    Result<Audience> For(WorkspaceId ws, std::int64_t inbox);
    // Whether `user_id` is in the audience of an event about `inbox`.
    Result<bool> Admits(WorkspaceId ws, std::int64_t inbox, std::int64_t user_id);

    void Invalidate(WorkspaceId ws);
    // Events after which who-sees-what may have changed.
    static bool Invalidates(std::string_view event_type);

  private:
    struct Entry {
        Audience users;
        Timestamp expires;
    };
    storage::Database& db_;
    const Clock& clock_;
    const std::chrono::seconds ttl_;
    std::mutex mu_;
    // workspace -> inbox -> entry
    std::unordered_map<std::int64_t, std::unordered_map<std::int64_t, Entry>> cache_;
};

}  // namespace hudhud::realtime
