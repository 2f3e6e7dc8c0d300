-- Shared inbox (issue 4): canned responses and the auto-assignment rotation. Inbox membership
-- (inbox_members) exists since 0001.

CREATE TABLE canned_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    short_code TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (workspace_id, short_code)
);

-- Where each inbox's round-robin stands: the user who got the last conversation. Moved in the
-- transaction that assigns, so every node continues the same rotation.
CREATE TABLE inbox_assignment_state (
    inbox_id BIGINT PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
    workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    last_user_id BIGINT NOT NULL DEFAULT 0
);
