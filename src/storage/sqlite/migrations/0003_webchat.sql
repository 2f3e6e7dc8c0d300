-- Web Chat visitors: one row per browser that opened a widget (its signed token names the row by
-- source_id). A visitor becomes a contact identity when it first writes: "v:<source_id>" while
-- anonymous, "u:<identifier>" once its identity is HMAC-verified (so history follows the person
-- across devices). Pre-chat answers and the consent text and time are kept here as given.
CREATE TABLE webchat_visitors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
    source_id TEXT NOT NULL,
    identifier TEXT,
    hmac_verified INTEGER NOT NULL DEFAULT 0,
    name TEXT,
    email TEXT,
    phone TEXT,
    consent_text TEXT,
    consent_at BIGINT,
    locale TEXT,
    user_agent TEXT NOT NULL DEFAULT '',
    referer TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    UNIQUE (inbox_id, source_id)
);
CREATE INDEX webchat_visitors_identifier ON webchat_visitors(workspace_id, inbox_id, identifier);
