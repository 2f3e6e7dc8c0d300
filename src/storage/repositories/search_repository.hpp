#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/contact.hpp"
#include "core/ids.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "storage/repositories/page.hpp"
#include "storage/sql.hpp"

namespace hudhud::storage {

// What a contact is found by.
struct ContactSearchFields {
    std::string name;
    std::optional<std::string> email;
    std::optional<std::string> phone_e164;
    std::vector<InboxId> inboxes;  // the inboxes it has identities on
};

// Which documents a search may return. `inboxes`: when set, only messages of those inboxes and
// contacts with an identity on one of them (an empty set finds nothing).
struct SearchScope {
    WorkspaceId workspace;
    std::optional<std::vector<InboxId>> inboxes;
};

// A message waiting in search_queue, with its text (absent once the message was erased).
struct QueuedMessage {
    MessageId id;
    WorkspaceId workspace;
    InboxId inbox;
    std::optional<std::string> content;
};

// A queued message's index document, prepared outside any transaction (MessageDocumentText);
// empty text: nothing to index, only the queue row goes.
struct MessageDocument {
    MessageId id;
    std::string text;
};

// The full-text index of messages and contacts (migration 0006; words from search::IndexTerms).
// Every term carries its workspace, so the tenant is part of the index lookup itself, never a
// filter applied to another tenant's matches. Contacts are indexed in the transaction that
// writes them; new messages are queued there (search_queue, migration 0009) and indexed in
// batches by SearchService's indexer, off the ingest path. Erasing a message or contact
// (directly or by cascade) removes its entry in the same statement (SQLite triggers, PostgreSQL
// foreign keys); a queued message erased before indexing is skipped.
class SearchRepository {
  public:
    // Indexes (or re-indexes) a message's text; an empty or wordless text is not indexed. Uses
    // Session::ExecDeferred: the result is not read, so PostgreSQL may pipeline it.
    static Status IndexMessage(Session& s, WorkspaceId ws, InboxId inbox, MessageId id,
                               std::string_view text);
    // Queues a stored message for the indexer: one small row in the transaction that stores the
    // message, so ingestion pays neither the tokenizer nor the full-text write. An empty text is
    // not queued.
    static Status QueueMessage(Session& s, WorkspaceId ws, InboxId inbox, MessageId id,
                               std::string_view text);
    // The oldest `limit` queued messages with their text.
    static Result<std::vector<QueuedMessage>> ReadQueue(Session& s, int limit);
    // A message's index document in `d`'s input form; empty when the text has no word. Pure.
    static std::string MessageDocumentText(Dialect d, WorkspaceId ws, InboxId inbox,
                                           std::string_view text);
    // Writes prepared documents of queued messages that still exist and removes them from the
    // queue. Idempotent, so nodes draining the same queue at once only repeat work.
    static Status StoreQueued(Session& s, const std::vector<MessageDocument>& docs);
    // ReadQueue, MessageDocumentText and StoreQueued in one session; how many it took.
    static Result<int> IndexQueued(Session& s, int limit);

    // Indexes (or re-indexes) a contact from the given fields.
    static Status IndexContact(Session& s, WorkspaceId ws, ContactId id,
                               const ContactSearchFields& f);
    // Re-indexes a contact from its stored row and identities; kNotFound when absent.
    static Status ReindexContact(Session& s, WorkspaceId ws, ContactId id);
    static Status RemoveMessage(Session& s, WorkspaceId ws, MessageId id);
    static Status RemoveContact(Session& s, WorkspaceId ws, ContactId id);

    // Messages holding every word of `query` (search::QueryWords), newest first. A query without
    // words finds nothing.
    static Result<Page<Message>> SearchMessages(Session& s, const SearchScope& scope,
                                                std::string_view query, const PageRequest& page);
    // Contacts whose name or e-mail hold every word of `query`, or whose phone number matches
    // it (search::PhoneQuery), newest first.
    static Result<Page<Contact>> SearchContacts(Session& s, const SearchScope& scope,
                                                std::string_view query, const PageRequest& page);

    // Indexes up to `batch` rows that existed before migration 0006 (the search_backfill
    // table); true when nothing is left. Safe to run on several nodes at once.
    static Result<bool> BackfillStep(Session& s, int batch);
};

}  // namespace hudhud::storage
