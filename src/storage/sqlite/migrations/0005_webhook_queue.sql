-- Webhook deliveries are their own queue (no jobs row per delivery): a drainer claims due
-- 'received' rows in batches by setting locked_until (a lease), processes them in one
-- transaction, and marks them processed; a failed attempt sets next_attempt_at (backoff).
ALTER TABLE webhook_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN locked_until BIGINT;
-- Only waiting rows are indexed, in claim order, so a claim reads just the rows it takes
-- (plus those other nodes hold), however long the table grows.
CREATE INDEX webhook_events_due ON webhook_events(next_attempt_at, id) WHERE status = 'received';
