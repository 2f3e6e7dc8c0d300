-- The real-time event journal (docs/decisions/0005-realtime-journal.md): every committed event
-- agents see, except typing, with its sequence number (id). A reconnecting client replays the
-- rows of its workspace after the last number it saw. AUTOINCREMENT: a number is never reused,
-- even after pruning emptied the table.
CREATE TABLE event_journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX event_journal_workspace ON event_journal(workspace_id, id);
CREATE INDEX event_journal_created ON event_journal(created_at);
