-- Full-text search over messages and contacts (issue 4). The words are normalized in C++
-- (src/search: ICU case folding, Arabic letter unification, Snowball stems) and stored as
-- space-separated terms, each prefixed with its workspace: "w<workspace>_<word>". A lookup thus
-- reads only its own tenant's posting lists, and no word a customer writes can name another
-- workspace's term (words never contain '_'). Reserved terms in the same namespace:
-- "w<ws>_i_<inbox>" (a message's inbox, a contact's identities' inboxes) and "w<ws>_p_<digits>"
-- (a contact's phone number and its suffixes). rowid = the message's / contact's id, so results
-- come newest first straight from the index (ORDER BY rowid DESC). detail=none: only rowids are
-- kept per term (no phrase queries needed), the smallest index FTS5 can build.
CREATE VIRTUAL TABLE message_search USING fts5(
    terms, tokenize = "ascii tokenchars '_'", detail = none);
CREATE VIRTUAL TABLE contact_search USING fts5(
    terms, tokenize = "ascii tokenchars '_'", detail = none);

-- Virtual tables take no foreign keys: erasure (a contact, an inbox with its history, a
-- workspace) reaches the index through these triggers, cascaded deletes included.
CREATE TRIGGER message_search_erase AFTER DELETE ON messages BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;
CREATE TRIGGER contact_search_erase AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_search WHERE rowid = old.id;
END;

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
