-- The real-time event journal (docs/decisions/0005-realtime-journal.md): every committed event
-- agents see, except typing, with its sequence number (id). Journal transactions of every node
-- take one advisory lock before inserting, so ids become visible in increasing order and a node
-- that read up to id N never later finds a smaller one. A reconnecting client replays the rows
-- of its workspace after the last number it saw.
CREATE TABLE event_journal (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workspace_id BIGINT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX event_journal_workspace ON event_journal(workspace_id, id);
CREATE INDEX event_journal_created ON event_journal(created_at);
