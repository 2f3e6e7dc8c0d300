-- Message templates approved on a platform account (WhatsApp: the WABA's templates), synced from
-- the platform on connect and on demand. Replaced wholesale by each sync.
CREATE TABLE message_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    external_id TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT '',
    components TEXT NOT NULL DEFAULT '[]',
    synced_at BIGINT NOT NULL,
    UNIQUE (inbox_id, name, language)
);
CREATE INDEX message_templates_inbox ON message_templates(workspace_id, inbox_id, name);

-- When the inbox's templates were last synced, and why the last sync failed (if it did).
ALTER TABLE inboxes ADD COLUMN templates_synced_at BIGINT;
ALTER TABLE inboxes ADD COLUMN templates_sync_error TEXT;
