-- Inbox permissions (docs/api.md "Permissions"): agents see the conversations of the inboxes
-- they are members of. The journal keeps each event's inbox so a replay, like the live
-- fan-out, reaches only the agents who may see it (NULL: a workspace-wide event); the index
-- answers "which inboxes is this agent a member of".
ALTER TABLE event_journal ADD COLUMN inbox_id BIGINT;
CREATE INDEX inbox_members_user ON inbox_members(workspace_id, user_id);
