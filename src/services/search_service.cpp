#include "services/search_service.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "log/log.hpp"
#include "search/tokenizer.hpp"
#include "storage/repositories/inbox_repository.hpp"
#include "storage/repositories/search_repository.hpp"

namespace hudhud::services {
namespace {

using storage::Session;

std::optional<std::int64_t> ParseId(std::string_view digits) {
    std::int64_t v = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc() || end != digits.data() + digits.size() || v <= 0) return std::nullopt;
    return v;
}

}  // namespace

Result<SearchCursor> SearchCursor::Parse(const std::string& text) {
    SearchCursor c;
    const std::string_view all = text;
    for (std::size_t start = 0;;) {
        const auto dot = all.find('.', start);
        const std::string_view part =
            all.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (part.size() < 2 || (part[0] != 'm' && part[0] != 'c')) {
            return Error::InvalidArgument("malformed cursor");
        }
        auto& slot = part[0] == 'm' ? c.messages : c.contacts;
        auto id = ParseId(part.substr(1));
        if (!id || slot) return Error::InvalidArgument("malformed cursor");
        slot = id;
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return c;
}

std::string SearchCursor::ToString() const {
    std::string out;
    if (messages) out = "m" + std::to_string(*messages);
    if (contacts) out += (out.empty() ? "c" : ".c") + std::to_string(*contacts);
    return out;
}

Result<SearchResults> SearchService::Search(const WorkspaceAccess& a, const SearchRequest& r) {
    const auto first = r.query.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return Error::InvalidArgument("q must not be empty");
    if (r.query.size() > kMaxQueryBytes) {
        return Error::InvalidArgument("q is longer than " + std::to_string(kMaxQueryBytes) +
                                      " bytes");
    }
    if (search::QueryWords(r.query).empty() && !search::PhoneQuery(r.query)) {
        return Error::InvalidArgument("q has no searchable words");
    }
    const bool want_messages = r.kind != SearchKind::kContacts && (!r.cursor || r.cursor->messages);
    const bool want_contacts = r.kind != SearchKind::kMessages && (!r.cursor || r.cursor->contacts);
    const int limit = std::clamp(r.limit, 1, 100);

    storage::SearchScope scope{a.workspace(), std::nullopt};
    if (r.inbox) scope.inboxes = std::vector<InboxId>{*r.inbox};

    SearchResults out;
    SearchCursor next;
    HH_RETURN_IF_ERROR(db_.Read([&](Session& s) -> Status {
        if (r.inbox) {
            // 404 for an inbox of another workspace, as for any object outside the path's.
            HH_RETURN_IF_ERROR(storage::InboxRepository::Get(s, a.workspace(), *r.inbox));
        }
        if (want_messages) {
            storage::PageRequest page{r.cursor ? r.cursor->messages : std::nullopt, limit};
            HH_ASSIGN_OR_RETURN(auto found,
                                storage::SearchRepository::SearchMessages(s, scope, r.query, page));
            out.messages = std::move(found.items);
            next.messages = found.next_cursor;
        }
        if (want_contacts) {
            storage::PageRequest page{r.cursor ? r.cursor->contacts : std::nullopt, limit};
            HH_ASSIGN_OR_RETURN(auto found,
                                storage::SearchRepository::SearchContacts(s, scope, r.query, page));
            out.contacts = std::move(found.items);
            next.contacts = found.next_cursor;
        }
        return Ok();
    }));
    if (!next.empty()) out.next_cursor = next;
    return out;
}

Status SearchService::Backfill(int batch) {
    int steps = 0;
    for (bool done = false; !done; ++steps) {
        HH_RETURN_IF_ERROR(db_.WriteAlone([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(done, storage::SearchRepository::BackfillStep(s, batch));
            return Ok();
        }));
        if (steps > 0 && steps % 100 == 0) log::Info("search.backfill", {{"batches", steps}});
    }
    if (steps > 1) log::Info("search.backfill_done", {{"batches", steps - 1}});
    return Ok();
}

Result<int> SearchService::IndexQueuedOnce(int limit) {
    HH_ASSIGN_OR_RETURN(auto queued, db_.ReadValue([&](Session& s) {
        return storage::SearchRepository::ReadQueue(s, limit);
    }));
    if (queued.empty()) return 0;
    std::vector<storage::MessageDocument> docs;
    docs.reserve(queued.size());
    for (const auto& q : queued) {
        docs.push_back({q.id, q.content ? storage::SearchRepository::MessageDocumentText(
                                              db_.dialect(), q.workspace, q.inbox, *q.content)
                                        : std::string()});
    }
    HH_RETURN_IF_ERROR(db_.WriteAlone(
        [&](Session& s) { return storage::SearchRepository::StoreQueued(s, docs); }));
    return static_cast<int>(docs.size());
}

void SearchService::StartIndexer(std::chrono::milliseconds idle) {
    StopIndexer();
    {
        std::lock_guard lock(indexer_mu_);
        indexer_stop_ = false;
    }
    indexer_ = std::thread([this, idle] {
        // Search freshness yields to ingestion under load: tokenizing runs at a lower priority
        // (Linux: per-thread nice), so a burst of deliveries is accepted first, indexed after.
        (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
        constexpr int kBatch = 1000;
        for (;;) {
            auto n = IndexQueuedOnce(kBatch);
            if (!n.ok()) log::Warn("search.index_failed", {{"error", n.error().message}});
            const bool more = n.ok() && *n == kBatch;
            std::unique_lock lock(indexer_mu_);
            if (indexer_stop_) return;
            if (more) continue;
            indexer_cv_.wait_for(lock, n.ok() ? idle : std::chrono::milliseconds(1000),
                                 [&] { return indexer_stop_; });
            if (indexer_stop_) return;
        }
    });
}

void SearchService::StopIndexer() {
    {
        std::lock_guard lock(indexer_mu_);
        indexer_stop_ = true;
    }
    indexer_cv_.notify_all();
    if (indexer_.joinable()) indexer_.join();
}

}  // namespace hudhud::services
