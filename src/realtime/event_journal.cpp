#include "realtime/event_journal.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace hudhud::realtime {
namespace {

// Any constant works as long as every node uses the same one and nothing else takes it.
constexpr std::int64_t kJournalLockKey = 0x68756468756445;  // "hudhudE"

// Rows per INSERT: 5 parameters each, far below SQLite's limit of 32766.
constexpr std::size_t kRowsPerInsert = 200;

constexpr const char* kColumns = "SELECT id, workspace_id, type, data, inbox_id FROM event_journal ";

std::vector<JournalEntry> ToEntries(const storage::Rows& rows) {
    std::vector<JournalEntry> out;
    out.reserve(rows.size());
    for (const auto& r : rows.rows) {
        out.push_back(JournalEntry{storage::AsInt(r[0]), WorkspaceId(storage::AsInt(r[1])),
                                   storage::AsText(r[2]), storage::AsText(r[3]),
                                   storage::AsOptInt(r[4]).value_or(0)});
    }
    return out;
}

}  // namespace

Result<AppendResult> EventJournal::Append(storage::Session& s,
                                          const std::vector<events::Event>& events, Timestamp now) {
    const bool postgres = s.dialect() == storage::Dialect::kPostgres;
    if (postgres) {
        HH_RETURN_IF_ERROR(s.Query("SELECT pg_advisory_xact_lock($1)", {kJournalLockKey}));
    }
    AppendResult out;
    HH_ASSIGN_OR_RETURN(auto max, s.Query("SELECT MAX(id) FROM event_journal"));
    out.previous_max = max.empty() ? 0 : storage::AsOptInt(max.rows[0][0]).value_or(0);
    out.entries.reserve(events.size());
    for (std::size_t start = 0; start < events.size(); start += kRowsPerInsert) {
        const std::size_t end = std::min(events.size(), start + kRowsPerInsert);
        std::string sql =
            "INSERT INTO event_journal (workspace_id, type, data, created_at, inbox_id) VALUES ";
        storage::Params params;
        params.reserve((end - start) * 5);
        for (std::size_t i = start; i < end; ++i) {
            const std::size_t p = params.size();
            if (i > start) sql += ", ";
            sql += "($" + std::to_string(p + 1) + ", $" + std::to_string(p + 2) + ", $" +
                   std::to_string(p + 3) + ", $" + std::to_string(p + 4) + ", $" +
                   std::to_string(p + 5) + ")";
            params.emplace_back(events[i].workspace_id.value());
            params.emplace_back(events[i].type);
            params.emplace_back(events[i].data_json);
            params.emplace_back(ToMicros(now));
            if (events[i].inbox_id) {
                params.emplace_back(events[i].inbox_id->value());
            } else {
                params.emplace_back(nullptr);
            }
        }
        sql += " RETURNING id";
        HH_ASSIGN_OR_RETURN(auto ids, s.Query(sql, params));
        if (ids.size() != end - start) return Error::Internal("event journal: insert lost rows");
        // Rows get their numbers in VALUES order; RETURNING's order is not promised, so sort.
        std::vector<std::int64_t> seqs;
        seqs.reserve(ids.size());
        for (const auto& r : ids.rows) seqs.push_back(storage::AsInt(r[0]));
        std::sort(seqs.begin(), seqs.end());
        for (std::size_t i = start; i < end; ++i) {
            out.entries.push_back(JournalEntry{
                seqs[i - start], events[i].workspace_id, events[i].type, events[i].data_json,
                events[i].inbox_id ? events[i].inbox_id->value() : 0});
        }
    }
    if (postgres && !out.entries.empty()) {
        HH_RETURN_IF_ERROR(
            s.Query("SELECT pg_notify($1, $2)",
                    {std::string(kNotifyChannel), std::to_string(out.entries.back().seq)}));
    }
    return out;
}

Result<std::vector<JournalEntry>> EventJournal::ReadAfter(storage::Session& s, std::int64_t after,
                                                          int limit) {
    HH_ASSIGN_OR_RETURN(auto rows,
                        s.Query(std::string(kColumns) + "WHERE id > $1 ORDER BY id LIMIT $2",
                                {after, std::int64_t{limit}}));
    return ToEntries(rows);
}

Result<std::vector<JournalEntry>> EventJournal::ReadWorkspace(storage::Session& s,
                                                              WorkspaceId workspace,
                                                              std::int64_t after,
                                                              std::int64_t through, int limit) {
    HH_ASSIGN_OR_RETURN(
        auto rows,
        s.Query(std::string(kColumns) +
                    "WHERE workspace_id = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $4",
                {workspace.value(), after, through, std::int64_t{limit}}));
    return ToEntries(rows);
}

Result<JournalBounds> EventJournal::Bounds(storage::Session& s) {
    HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT MIN(id), MAX(id) FROM event_journal"));
    JournalBounds b;
    if (!rows.empty()) {
        b.min_seq = storage::AsOptInt(rows.rows[0][0]).value_or(0);
        b.max_seq = storage::AsOptInt(rows.rows[0][1]).value_or(0);
    }
    return b;
}

Result<std::int64_t> EventJournal::Prune(storage::Session& s, Timestamp cutoff) {
    return s.Exec(
        "DELETE FROM event_journal WHERE created_at < $1 "
        "AND id < (SELECT MAX(id) FROM event_journal)",
        {ToMicros(cutoff)});
}

bool IsEphemeral(const std::string& type) {
    return type == "conversation.typing_on" || type == "conversation.typing_off";
}

std::string EventFrame(const std::string& type, WorkspaceId workspace, std::int64_t seq,
                       const std::string& data_json) {
    std::string frame = R"({"type":"event","event":)" + nlohmann::json(type).dump() +
                        R"(,"workspace_id":)" + std::to_string(workspace.value());
    if (seq > 0) frame += R"(,"seq":)" + std::to_string(seq);
    frame += R"(,"data":)" + data_json + "}";
    return frame;
}

}  // namespace hudhud::realtime
