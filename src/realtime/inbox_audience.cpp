#include "realtime/inbox_audience.hpp"

#include <algorithm>

#include "storage/repositories/inbox_member_repository.hpp"

namespace hudhud::realtime {

Result<Audience> InboxAudience::For(WorkspaceId ws, std::int64_t inbox) {
    if (inbox == 0) return Audience();
    const Timestamp now = clock_.Now();
    {
        std::lock_guard lock(mu_);
        auto w = cache_.find(ws.value());
        if (w != cache_.end()) {
            auto it = w->second.find(inbox);
            if (it != w->second.end() && now < it->second.expires) return it->second.users;
        }
    }
    HH_ASSIGN_OR_RETURN(auto users, db_.ReadValue([&](storage::Session& s) {
        return storage::InboxMemberRepository::Audience(s, ws, InboxId(inbox));
    }));
    auto ids = std::make_shared<std::vector<std::int64_t>>();
    ids->reserve(users.size());
    for (UserId u : users) ids->push_back(u.value());
    std::sort(ids->begin(), ids->end());
    Audience out = std::move(ids);
    std::lock_guard lock(mu_);
    std::size_t total = 0;
    for (const auto& [k, v] : cache_) total += v.size();
    if (total >= 100'000) cache_.clear();
    cache_[ws.value()][inbox] = Entry{out, now + ttl_};
    return out;
}

Result<bool> InboxAudience::Admits(WorkspaceId ws, std::int64_t inbox, std::int64_t user_id) {
    HH_ASSIGN_OR_RETURN(auto audience, For(ws, inbox));
    return !audience || std::binary_search(audience->begin(), audience->end(), user_id);
}

void InboxAudience::Invalidate(WorkspaceId ws) {
    std::lock_guard lock(mu_);
    cache_.erase(ws.value());
}

bool InboxAudience::Invalidates(std::string_view event_type) {
    return event_type == "inbox.members_changed" || event_type == "member.updated" ||
           event_type == "member.removed" || event_type == "member.added";
}

}  // namespace hudhud::realtime
