#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/contact.hpp"
#include "core/message.hpp"
#include "core/result.hpp"
#include "services/principal.hpp"
#include "storage/database.hpp"
#include "storage/repositories/page.hpp"

namespace hudhud::services {

enum class SearchKind { kAll, kMessages, kContacts };

// Where the next page of each list starts; a list without a position is exhausted. As text (the
// API's opaque cursor): "m<message id>", "c<contact id>" or both joined by '.'.
struct SearchCursor {
    std::optional<std::int64_t> messages;
    std::optional<std::int64_t> contacts;

    static Result<SearchCursor> Parse(const std::string& text);  // kInvalidArgument
    std::string ToString() const;
    bool empty() const { return !messages && !contacts; }
};

struct SearchRequest {
    std::string query;
    SearchKind kind = SearchKind::kAll;
    std::optional<InboxId> inbox;        // only this inbox's messages and contacts
    std::optional<SearchCursor> cursor;  // a previous answer's next_cursor
    int limit = 20;                      // per list, 1..100
};

struct SearchResults {
    std::vector<Message> messages;  // newest first
    std::vector<Contact> contacts;  // newest first
    std::optional<SearchCursor> next_cursor;
};

// Full-text search over a workspace's messages and contacts (storage::SearchRepository; words
// normalized by search/tokenizer). Every member of the workspace (agent and up) sees every
// inbox, as in the conversation list, so the scope is the workspace, narrowed to one inbox on
// request; the repository takes a set of allowed inboxes for when per-inbox access arrives.
// Thread-safe.
class SearchService {
  public:
    explicit SearchService(storage::Database& db) : db_(db) {}
    ~SearchService() { StopIndexer(); }
    SearchService(const SearchService&) = delete;
    SearchService& operator=(const SearchService&) = delete;

    // kInvalidArgument for a blank query, one over kMaxQueryBytes, or one with no searchable
    // word; kNotFound for an inbox outside the workspace.
    Result<SearchResults> Search(const WorkspaceAccess& a, const SearchRequest& r);

    // Indexes the rows that existed before the index did (migration 0006), in batches of its
    // own transactions; returns when none is left. Run once at start-up.
    Status Backfill(int batch = 500);

    // Indexes up to `limit` queued messages (storage::SearchRepository::QueueMessage): reads
    // them, builds their documents outside any transaction, and writes them in one transaction
    // of its own. Returns how many it took (0: the queue was empty).
    Result<int> IndexQueuedOnce(int limit = 1000);
    // A thread that keeps the queue drained: a batch after another while there is work, else a
    // look every `idle` (search lags ingestion by about that much). Stop before the database.
    void StartIndexer(std::chrono::milliseconds idle = std::chrono::milliseconds(100));
    void StopIndexer();

    static constexpr std::size_t kMaxQueryBytes = 512;

  private:
    storage::Database& db_;
    std::mutex indexer_mu_;
    std::condition_variable indexer_cv_;
    bool indexer_stop_ = false;
    std::thread indexer_;
};

}  // namespace hudhud::services
