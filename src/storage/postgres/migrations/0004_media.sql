-- Media (docs/architecture.md, src/media). An agent's upload is stored before any message carries
-- it, so attachments.message_id becomes nullable; the row is bound to its message when the upload
-- is sent. One table keeps one id space and one download route for inbound media and uploads.
-- Also: why a download failed (error), who uploaded (uploaded_by), and updated_at.
ALTER TABLE attachments ALTER COLUMN message_id DROP NOT NULL;
ALTER TABLE attachments ADD COLUMN error TEXT;
ALTER TABLE attachments ADD COLUMN uploaded_by BIGINT;
ALTER TABLE attachments ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE attachments SET updated_at = created_at;
-- Erasing a blob must first know that no row of any workspace still points at it.
CREATE INDEX attachments_storage_key ON attachments(storage_key);
