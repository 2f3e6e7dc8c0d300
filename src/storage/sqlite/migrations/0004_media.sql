-- Media (docs/architecture.md, src/media). An agent's upload is stored before any message carries
-- it, so attachments.message_id becomes nullable; the row is bound to its message when the upload
-- is sent. One table keeps one id space and one download route for inbound media and uploads.
-- Also: why a download failed (error), who uploaded (uploaded_by), and updated_at.
-- SQLite cannot drop NOT NULL in place: the table is rebuilt (nothing references attachments).
CREATE TABLE attachments_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    message_id BIGINT REFERENCES messages(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    mime_type TEXT NOT NULL DEFAULT '',
    file_name TEXT NOT NULL DEFAULT '',
    size_bytes BIGINT NOT NULL DEFAULT 0,
    sha256 TEXT,
    storage_key TEXT,
    remote_url TEXT,
    external_media_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
    created_at BIGINT NOT NULL,
    error TEXT,
    uploaded_by BIGINT,
    updated_at BIGINT NOT NULL DEFAULT 0
);
INSERT INTO attachments_new (id, workspace_id, message_id, kind, mime_type, file_name, size_bytes,
                             sha256, storage_key, remote_url, external_media_id, status,
                             created_at, updated_at)
    SELECT id, workspace_id, message_id, kind, mime_type, file_name, size_bytes, sha256,
           storage_key, remote_url, external_media_id, status, created_at, created_at
    FROM attachments;
DROP TABLE attachments;
ALTER TABLE attachments_new RENAME TO attachments;
CREATE INDEX attachments_message ON attachments(workspace_id, message_id);
-- Erasing a blob must first know that no row of any workspace still points at it.
CREATE INDEX attachments_storage_key ON attachments(storage_key);
