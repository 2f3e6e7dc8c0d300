#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "events/event_bus.hpp"
#include "storage/sql.hpp"

namespace hudhud::realtime {

// The PostgreSQL channel a journal commit notifies, with the highest sequence number it wrote
// as the payload. Every node LISTENs on it.
inline constexpr const char* kNotifyChannel = "hudhud_events";

// One row of the `event_journal` table: an event and its sequence number, which is global
// (one counter for every workspace), increases in commit order and is never reused.
struct JournalEntry {
    std::int64_t seq = 0;
    WorkspaceId workspace_id;
    std::string type;
    std::string data_json;
    // The inbox the event is about (its conversation's); 0 for a workspace-wide event. Only
    // agents who may see that inbox receive it (docs/api.md "Permissions").
    std::int64_t inbox_id = 0;
};

// What one Append wrote.
struct AppendResult {
    // The highest sequence number committed before this append (0 for none). Every number up to
    // it that will ever exist was already visible when the append ran, so a node whose
    // fan-out cursor equals it can deliver `entries` without reading the journal.
    std::int64_t previous_max = 0;
    std::vector<JournalEntry> entries;  // in the order given, numbers increasing
};

// The smallest and largest sequence numbers still in the journal.
struct JournalBounds {
    std::int64_t min_seq = 0;  // 0 when the journal is empty
    std::int64_t max_seq = 0;
};

// SQL for the `event_journal` table, one text for both dialects. Functions take a Session, so
// the caller chooses the transaction; none keeps state.
class EventJournal {
  public:
    // Appends `events` in order. On PostgreSQL it first takes a transaction-scoped advisory lock
    // shared by every node's journal writer, so appends commit one at a time in sequence order
    // (a reader never sees number N+1 before N), and notifies kNotifyChannel with the highest
    // number on commit. Run it in a transaction of its own (Database::WriteAlone): the lock is
    // held until that transaction ends. Errors: the session's.
    static Result<AppendResult> Append(storage::Session& s,
                                       const std::vector<events::Event>& events, Timestamp now);

    // Entries with seq > after, of every workspace, oldest first, at most `limit`.
    static Result<std::vector<JournalEntry>> ReadAfter(storage::Session& s, std::int64_t after,
                                                       int limit);

    // Entries of `workspace` with after < seq <= through, oldest first, at most `limit`.
    static Result<std::vector<JournalEntry>> ReadWorkspace(storage::Session& s,
                                                           WorkspaceId workspace,
                                                           std::int64_t after, std::int64_t through,
                                                           int limit);

    static Result<JournalBounds> Bounds(storage::Session& s);

    // Deletes entries created before `cutoff`, but always keeps the newest one, so that the
    // bounds tell a client how far back replay reaches. Returns how many rows went.
    static Result<std::int64_t> Prune(storage::Session& s, Timestamp cutoff);
};

// Whether an event type is sent live only, never journaled: typing indicators are worthless a
// few seconds later, and there are many of them.
bool IsEphemeral(const std::string& type);

// The agents' WebSocket frame for an event:
// {"type":"event","event":T,"workspace_id":N,"seq":S,"data":{...}}; `seq` is left out when 0
// (an ephemeral event).
std::string EventFrame(const std::string& type, WorkspaceId workspace, std::int64_t seq,
                       const std::string& data_json);

}  // namespace hudhud::realtime
