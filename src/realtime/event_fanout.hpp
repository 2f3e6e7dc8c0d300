#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "core/result.hpp"
#include "realtime/event_journal.hpp"
#include "storage/database.hpp"

namespace hudhud::realtime {

// What a reconnecting client gets before live events (see EventFanout::Replay).
struct Replay {
    std::vector<JournalEntry> entries;  // the client's missed events, oldest first
    // The client missed more than can be replayed (too many, pruned, or its number is unknown
    // here): it must reload its state; `entries` is then empty.
    bool resync = false;
    // Every journal entry up to this number was delivered to the sink before the replay was
    // read, and every entry delivered after it has a larger number: live events with
    // seq <= through are duplicates of the replay, those above it are new.
    std::int64_t through = 0;
};

// Delivers journal entries to this node's sink (the agents' WebSocket hub) exactly once each,
// in sequence order, whichever node wrote them. It keeps a cursor: the highest number
// delivered. Entries this node appended are delivered from memory when nothing can lie between
// the cursor and them (AppendResult::previous_max); otherwise, and when another node's commit
// is announced, it reads the journal after the cursor. Thread-safe; the sink is called with an
// internal lock held, one entry at a time, and must not block or call back into the fan-out.
class EventFanout {
  public:
    using Sink = std::function<void(const JournalEntry&)>;
    struct Options {
        int read_batch = 1000;    // entries per journal read while catching up
        int replay_limit = 1000;  // more missed events than this: resync
    };

    EventFanout(storage::Database& db, Sink sink, Options options);

    // Puts the cursor at the end of the journal: what came before is history, for replay.
    // Call once, before appends or notifications arrive. Errors: the database's.
    Status Start();

    // This node's journal append committed.
    void OnAppended(const AppendResult& appended);

    // Delivers every entry committed after the cursor (another node's NOTIFY, a LISTEN
    // reconnect). With `known_seq`, does nothing when the cursor already reached it.
    Status CatchUp(std::int64_t known_seq = 0);

    // The events of `workspace` after `since` that a reconnecting client missed, bounded by
    // Options::replay_limit. Runs a read; call it off the I/O threads.
    Result<Replay> ReplayAfter(WorkspaceId workspace, std::int64_t since);

    std::int64_t cursor() const;

  private:
    Status CatchUpLocked();

    storage::Database& db_;
    const Sink sink_;
    const Options options_;
    mutable std::mutex mu_;
    std::int64_t cursor_ = 0;  // guarded by mu_
};

}  // namespace hudhud::realtime
