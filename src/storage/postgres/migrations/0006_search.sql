-- Full-text search over messages and contacts (issue 4). The words are normalized in C++
-- (src/search: ICU case folding, Arabic letter unification, Snowball stems) and stored as a
-- tsvector of ready lexemes (no text search configuration parses them), each prefixed with its
-- workspace: "w<workspace>_<word>". A GIN lookup thus reads only its own tenant's posting lists
-- (and the planner's statistics are per tenant), and no word a customer writes can name another
-- workspace's lexeme (words never contain '_'). Reserved lexemes in the same namespace:
-- "w<ws>_i_<inbox>" (a message's inbox, a contact's identities' inboxes) and "w<ws>_p_<digits>"
-- (a contact's phone number and its suffixes).
CREATE TABLE message_search (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    terms tsvector NOT NULL
);
CREATE INDEX message_search_terms ON message_search USING gin (terms);

CREATE TABLE contact_search (
    contact_id BIGINT PRIMARY KEY REFERENCES contacts(id) ON DELETE CASCADE,
    terms tsvector NOT NULL
);
CREATE INDEX contact_search_terms ON contact_search USING gin (terms);

-- Rows that existed before this migration are indexed from C++ at start-up
-- (SearchService::Backfill), in id order up to until_id; the row goes when done.
CREATE TABLE search_backfill (
    kind TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL,
    until_id BIGINT NOT NULL
);
INSERT INTO search_backfill (kind, last_id, until_id)
    SELECT 'messages', 0, (SELECT MAX(id) FROM messages) WHERE EXISTS (SELECT 1 FROM messages);
INSERT INTO search_backfill (kind, last_id, until_id)
    SELECT 'contacts', 0, (SELECT MAX(id) FROM contacts) WHERE EXISTS (SELECT 1 FROM contacts);
