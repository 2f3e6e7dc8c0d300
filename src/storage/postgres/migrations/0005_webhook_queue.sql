-- Webhook deliveries are their own queue (no jobs row per delivery): a drainer claims due
-- 'received' rows in batches by setting locked_until (a lease), processes them in one
-- transaction, and marks them processed; a failed attempt sets next_attempt_at (backoff).
ALTER TABLE webhook_events ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE webhook_events ADD COLUMN locked_until BIGINT;
CREATE INDEX webhook_events_due ON webhook_events(status, next_attempt_at, id);
