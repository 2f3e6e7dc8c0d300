#include "realtime/event_fanout.hpp"

#include "log/log.hpp"

namespace hudhud::realtime {

EventFanout::EventFanout(storage::Database& db, Sink sink, Options options)
    : db_(db), sink_(std::move(sink)), options_(options) {}

Status EventFanout::Start() {
    HH_ASSIGN_OR_RETURN(auto bounds,
                        db_.ReadValue([](storage::Session& s) { return EventJournal::Bounds(s); }));
    std::lock_guard lock(mu_);
    cursor_ = bounds.max_seq;
    return Ok();
}

void EventFanout::OnAppended(const AppendResult& appended) {
    if (appended.entries.empty()) return;
    std::lock_guard lock(mu_);
    if (cursor_ >= appended.entries.back().seq) return;
    if (cursor_ == appended.previous_max) {
        for (const auto& e : appended.entries) sink_(e);
        cursor_ = appended.entries.back().seq;
        return;
    }
    // Another node committed in between (or its notification is still on the way): read them
    // all in order, this node's entries included.
    Status st = CatchUpLocked();
    if (!st.ok()) {
        log::Error("realtime.catch_up_failed", {{"error", st.error().message}});
    }
}

Status EventFanout::CatchUp(std::int64_t known_seq) {
    std::lock_guard lock(mu_);
    if (known_seq > 0 && cursor_ >= known_seq) return Ok();
    return CatchUpLocked();
}

Status EventFanout::CatchUpLocked() {
    while (true) {
        HH_ASSIGN_OR_RETURN(auto entries, db_.ReadValue([&](storage::Session& s) {
            return EventJournal::ReadAfter(s, cursor_, options_.read_batch);
        }));
        for (const auto& e : entries) {
            sink_(e);
            cursor_ = e.seq;
        }
        if (entries.size() < static_cast<std::size_t>(options_.read_batch)) return Ok();
    }
}

std::int64_t EventFanout::cursor() const {
    std::lock_guard lock(mu_);
    return cursor_;
}

Result<Replay> EventFanout::ReplayAfter(WorkspaceId workspace, std::int64_t since) {
    Replay out;
    out.through = cursor();
    if (since > out.through) {
        // The client may have seen, on another node, entries this one has not read yet.
        HH_RETURN_IF_ERROR(CatchUp(since));
        out.through = cursor();
        if (since > out.through) {
            out.resync = true;  // a number this journal never gave (e.g. a restored database)
            return out;
        }
    }
    if (since == out.through) return out;
    JournalBounds bounds;
    std::vector<JournalEntry> entries;
    HH_RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(bounds, EventJournal::Bounds(s));
        HH_ASSIGN_OR_RETURN(entries, EventJournal::ReadWorkspace(s, workspace, since, out.through,
                                                                 options_.replay_limit + 1));
        return Ok();
    }));
    // Entries between `since` and the oldest one kept may have been pruned.
    const bool pruned = bounds.min_seq > since + 1;
    if (pruned || entries.size() > static_cast<std::size_t>(options_.replay_limit)) {
        out.resync = true;
        return out;
    }
    out.entries = std::move(entries);
    return out;
}

}  // namespace hudhud::realtime
