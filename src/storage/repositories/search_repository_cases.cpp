#include "storage/repositories/search_repository_cases.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "storage/repositories/contact_repository.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/repositories/inbox_repository.hpp"
#include "storage/repositories/row.hpp"
#include "storage/repositories/search_repository.hpp"

namespace hudhud::storage::testing {

void SearchRepositoryTest::SetUp() {
    std::string skip;
    storage_ = GetParam().make(&skip);
    if (storage_ == nullptr) {
        if (!skip.empty()) GTEST_SKIP() << skip;
        FAIL() << "could not create storage";
    }
    db_ = &storage_->db();
}

void SearchRepositoryTest::TearDown() {
    if (db_ != nullptr) db_->Close();
    storage_.reset();
}

std::string SearchBackendName(const ::testing::TestParamInfo<SearchBackend>& info) {
    return info.param.name;
}

namespace {

std::vector<std::int64_t> MessageIds(const Page<Message>& page) {
    std::vector<std::int64_t> ids;
    for (const auto& m : page.items) ids.push_back(m.id.value());
    return ids;
}

std::vector<std::int64_t> ContactIds(const Page<Contact>& page) {
    std::vector<std::int64_t> ids;
    for (const auto& c : page.items) ids.push_back(c.id.value());
    return ids;
}

// Two workspaces: ws1 with inboxes a and b, ws2 with inbox c; one conversation on each inbox.
class SearchWorld {
  public:
    explicit SearchWorld(Database& db) : db_(db) {}

    void Build() {
        ws1 = Workspace("one");
        ws2 = Workspace("two");
        a = Inbox(ws1, "a");
        b = Inbox(ws1, "b");
        c = Inbox(ws2, "c");
        conv_a = Conversation(ws1, a, "customer-a", "Customer A");
        conv_b = Conversation(ws1, b, "customer-b", "Customer B");
        conv_c = Conversation(ws2, c, "customer-c", "Customer C");
    }

    WorkspaceId Workspace(const std::string& name) {
        std::int64_t id = 0;
        EXPECT_TRUE(db_.Write([&](Session& s) -> Status {
                           HH_ASSIGN_OR_RETURN(auto rows,
                                               s.Query("INSERT INTO workspaces (name, created_at, "
                                                       "updated_at) VALUES ($1, 1, 1) RETURNING id",
                                                       {name}));
                           id = AsInt(rows.rows[0][0]);
                           return Ok();
                       })
                        .ok());
        return WorkspaceId(id);
    }

    InboxId Inbox(WorkspaceId ws, const std::string& name) {
        std::int64_t id = 0;
        EXPECT_TRUE(db_.Write([&](Session& s) -> Status {
                           HH_ASSIGN_OR_RETURN(
                               auto rows,
                               s.Query("INSERT INTO inboxes (workspace_id, name, channel_kind, "
                                       "webhook_key, created_at, updated_at) VALUES ($1, $2, "
                                       "'api', $3, 1, 1) RETURNING id",
                                       {ws.value(), name,
                                        "key-" + std::to_string(ws.value()) + "-" + name}));
                           id = AsInt(rows.rows[0][0]);
                           return Ok();
                       })
                        .ok());
        return InboxId(id);
    }

    ConversationId Conversation(WorkspaceId ws, InboxId inbox, const std::string& external_id,
                                const std::string& profile_name) {
        std::int64_t id = 0;
        Status st = db_.Write([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(
                auto rc, ConversationRepository::ResolveContact(
                             s, ws, inbox, external_id, std::nullopt, profile_name, FromMicros(1)));
            HH_ASSIGN_OR_RETURN(auto conv, ConversationRepository::Create(
                                               s, ws, inbox, rc.contact_id, rc.identity_id,
                                               std::nullopt, FromMicros(1)));
            id = conv.id.value();
            return Ok();
        });
        EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
        return ConversationId(id);
    }

    MessageId Append(WorkspaceId ws, ConversationId conv, InboxId inbox, const std::string& text) {
        NewMessage m;
        m.content = text;
        m.external_id = "ext-" + std::to_string(++counter_);
        m.created_at = FromMicros(1'000 + counter_);
        std::int64_t id = 0;
        Status st = db_.Write([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(auto mid,
                                ConversationRepository::AppendMessage(s, ws, conv, inbox, m));
            if (!mid) return Error::Internal("duplicate");
            id = mid->value();
            // Stored messages are queued; the indexer (SearchService) indexes the queue.
            HH_RETURN_IF_ERROR(SearchRepository::IndexQueued(s, 1000));
            return Ok();
        });
        EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
        return MessageId(id);
    }

    ContactId CreateContact(WorkspaceId ws, const std::string& name,
                            std::optional<std::string> email, std::optional<std::string> phone) {
        ContactFields f;
        f.name = name;
        f.email = std::move(email);
        f.phone_e164 = std::move(phone);
        std::int64_t id = 0;
        Status st = db_.Write([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(auto contact, ContactRepository::Create(s, ws, f, FromMicros(1)));
            id = contact.id.value();
            return Ok();
        });
        EXPECT_TRUE(st.ok()) << (st.ok() ? "" : st.error().message);
        return ContactId(id);
    }

    Page<Message> Find(WorkspaceId ws, const std::string& q,
                       std::optional<std::vector<InboxId>> inboxes = std::nullopt,
                       PageRequest page = {}) {
        auto r = db_.ReadValue([&](Session& s) {
            return SearchRepository::SearchMessages(s, SearchScope{ws, inboxes}, q, page);
        });
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? *r : Page<Message>{};
    }

    std::vector<std::int64_t> FindIds(WorkspaceId ws, const std::string& q,
                                      std::optional<std::vector<InboxId>> inboxes = std::nullopt) {
        return MessageIds(Find(ws, q, std::move(inboxes)));
    }

    std::vector<std::int64_t> FindContacts(
        WorkspaceId ws, const std::string& q,
        std::optional<std::vector<InboxId>> inboxes = std::nullopt) {
        auto r = db_.ReadValue([&](Session& s) {
            return SearchRepository::SearchContacts(s, SearchScope{ws, inboxes}, q, {});
        });
        EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
        return r.ok() ? ContactIds(*r) : std::vector<std::int64_t>{};
    }

    std::int64_t Count(const std::string& sql) {
        std::int64_t n = -1;
        EXPECT_TRUE(db_.Read([&](Session& s) -> Status {
                           HH_ASSIGN_OR_RETURN(auto rows, s.Query(sql));
                           n = AsInt(rows.rows[0][0]);
                           return Ok();
                       })
                        .ok());
        return n;
    }

    Status Write(const std::function<Status(Session&)>& work) { return db_.Write(work); }

    WorkspaceId ws1, ws2;
    InboxId a, b, c;
    ConversationId conv_a, conv_b, conv_c;

  private:
    Database& db_;
    int counter_ = 0;
};

using Ids = std::vector<std::int64_t>;

TEST_P(SearchRepositoryTest, FindsArabicWrittenDifferently) {
    SearchWorld w(*db_);
    w.Build();
    const auto m = w.Append(w.ws1, w.conv_a, w.a, "أريد إلغاء الطلبية رقم ٤٥ من فضلك، شُكْرًا");
    w.Append(w.ws1, w.conv_a, w.a, "موعد التسليم غدا");
    const Ids want{m.value()};
    EXPECT_EQ(w.FindIds(w.ws1, "اريد الغاء"), want);
    EXPECT_EQ(w.FindIds(w.ws1, "الطلبيه"), want);
    EXPECT_EQ(w.FindIds(w.ws1, "طلبية 45"), want);
    EXPECT_EQ(w.FindIds(w.ws1, "رقم ٤٥"), want);
    EXPECT_EQ(w.FindIds(w.ws1, "شكـــرا"), want);
    EXPECT_EQ(w.FindIds(w.ws1, "أُرِيدُ"), want);
    EXPECT_TRUE(w.FindIds(w.ws1, "رقم 46").empty());

    auto page = w.Find(w.ws1, "الغاء");
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_EQ(page.items[0].content, "أريد إلغاء الطلبية رقم ٤٥ من فضلك، شُكْرًا");
    EXPECT_EQ(page.items[0].conversation_id, w.conv_a);
    EXPECT_EQ(page.items[0].inbox_id, w.a);
    EXPECT_FALSE(page.next_cursor.has_value());
}

TEST_P(SearchRepositoryTest, FindsEnglishInflectionsAndPrefixes) {
    SearchWorld w(*db_);
    w.Build();
    const auto m1 = w.Append(w.ws1, w.conv_a, w.a, "I ordered two shirts");
    const auto m2 = w.Append(w.ws1, w.conv_b, w.b, "Where is my ORDER? It has not shipped");
    w.Append(w.ws1, w.conv_b, w.b, "thanks!");
    EXPECT_EQ(w.FindIds(w.ws1, "orders"), (Ids{m2.value(), m1.value()}));
    EXPECT_EQ(w.FindIds(w.ws1, "ordering shipping"), (Ids{m2.value()}));
    EXPECT_EQ(w.FindIds(w.ws1, "order shipp"), (Ids{m2.value()}));  // type-ahead
    EXPECT_EQ(w.FindIds(w.ws1, "shir"), (Ids{m1.value()}));
    EXPECT_TRUE(w.FindIds(w.ws1, "refund").empty());
    EXPECT_TRUE(w.FindIds(w.ws1, "!!! ...").empty());
}

TEST_P(SearchRepositoryTest, NeverReturnsAnotherWorkspacesMessages) {
    SearchWorld w(*db_);
    w.Build();
    const auto mine = w.Append(w.ws1, w.conv_a, w.a, "refund my order please");
    const auto theirs = w.Append(w.ws2, w.conv_c, w.c, "refund my order please");
    // Words that look like index terms are just words.
    const auto tricky = w.Append(w.ws2, w.conv_c, w.c,
                                 "w" + std::to_string(w.ws1.value()) + "_refund w" +
                                     std::to_string(w.ws1.value()) + " i_1 refund");
    EXPECT_EQ(w.FindIds(w.ws1, "refund"), (Ids{mine.value()}));
    EXPECT_EQ(w.FindIds(w.ws2, "refund"), (Ids{tricky.value(), theirs.value()}));
    EXPECT_EQ(w.FindIds(w.ws1, "w" + std::to_string(w.ws1.value()) + "_refund").size(), 0u);
    // An inbox of another workspace in the scope finds nothing there.
    EXPECT_TRUE(w.FindIds(w.ws1, "refund", std::vector<InboxId>{w.c}).empty());
    // Another workspace's conversation id does not help either.
    EXPECT_TRUE(w.FindIds(WorkspaceId(w.ws2.value() + 100), "refund").empty());
}

TEST_P(SearchRepositoryTest, ScopesByInbox) {
    SearchWorld w(*db_);
    w.Build();
    const auto in_a = w.Append(w.ws1, w.conv_a, w.a, "invoice attached");
    const auto in_b = w.Append(w.ws1, w.conv_b, w.b, "invoice attached");
    EXPECT_EQ(w.FindIds(w.ws1, "invoice", std::vector<InboxId>{w.a}), (Ids{in_a.value()}));
    EXPECT_EQ(w.FindIds(w.ws1, "invoice", std::vector<InboxId>{w.b}), (Ids{in_b.value()}));
    EXPECT_EQ(w.FindIds(w.ws1, "invoice", std::vector<InboxId>{w.a, w.b}),
              (Ids{in_b.value(), in_a.value()}));
    EXPECT_TRUE(w.FindIds(w.ws1, "invoice", std::vector<InboxId>{}).empty());
}

TEST_P(SearchRepositoryTest, PagesNewestFirst) {
    SearchWorld w(*db_);
    w.Build();
    Ids all;
    for (int i = 0; i < 5; ++i) {
        all.insert(all.begin(),
                   w.Append(w.ws1, w.conv_a, w.a, "payment " + std::to_string(i)).value());
        w.Append(w.ws1, w.conv_a, w.a, "unrelated chatter");
    }
    Ids seen;
    PageRequest page{std::nullopt, 2};
    int pages = 0;
    while (true) {
        auto p = w.Find(w.ws1, "payments", std::nullopt, page);
        for (auto id : MessageIds(p)) seen.push_back(id);
        ++pages;
        if (!p.next_cursor) break;
        page.cursor = p.next_cursor;
        ASSERT_LT(pages, 10);
    }
    EXPECT_EQ(pages, 3);
    EXPECT_EQ(seen, all);
}

TEST_P(SearchRepositoryTest, EmptyAndWordlessMessagesAreNotIndexed) {
    SearchWorld w(*db_);
    w.Build();
    w.Append(w.ws1, w.conv_a, w.a, "");
    w.Append(w.ws1, w.conv_a, w.a, "👍 !!!");
    EXPECT_EQ(w.Count("SELECT count(*) FROM message_search"), 0);
    w.Append(w.ws1, w.conv_a, w.a, "ok 👍");
    EXPECT_EQ(w.Count("SELECT count(*) FROM message_search"), 1);
}

TEST_P(SearchRepositoryTest, FindsContactsByNameEmailAndPhone) {
    SearchWorld w(*db_);
    w.Build();
    const auto mohammed =
        w.CreateContact(w.ws1, "مُحَمَّد أحمد", "m.ahmed@example.com", "+971501234567");
    const auto sara = w.CreateContact(w.ws1, "Sara Williams", std::nullopt, "+447911123456");
    const auto other = w.CreateContact(w.ws2, "محمد احمد", std::nullopt, "+971501234567");
    EXPECT_EQ(w.FindContacts(w.ws1, "محمد احمد"), (Ids{mohammed.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "أحمد"), (Ids{mohammed.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "m.ahmed@example.com"), (Ids{mohammed.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "william"), (Ids{sara.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "sa"), (Ids{sara.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "+971 50 123 4567"), (Ids{mohammed.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "0501234567"), (Ids{mohammed.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "٠٥٠١٢٣٤٥٦٧"), (Ids{mohammed.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "07911 123"), (Ids{sara.value()}));
    EXPECT_TRUE(w.FindContacts(w.ws1, "0509999999").empty());
    EXPECT_EQ(w.FindContacts(w.ws2, "محمد"), (Ids{other.value()}));
    // Contacts made by inbound messages are found by their profile name, and by inbox.
    const Ids customer_a = w.FindContacts(w.ws1, "customer", std::vector<InboxId>{w.a});
    ASSERT_EQ(customer_a.size(), 1u);
    EXPECT_EQ(w.FindContacts(w.ws1, "customer").size(), 2u);
    EXPECT_EQ(w.FindContacts(w.ws2, "customer").size(), 1u);
    EXPECT_TRUE(w.FindContacts(w.ws1, "sara", std::vector<InboxId>{w.a}).empty());
}

TEST_P(SearchRepositoryTest, ContactUpdatesReindex) {
    SearchWorld w(*db_);
    w.Build();
    const auto id = w.CreateContact(w.ws1, "Old Name", std::nullopt, std::nullopt);
    EXPECT_EQ(w.FindContacts(w.ws1, "old"), (Ids{id.value()}));
    ASSERT_TRUE(w.Write([&](Session& s) {
                     ContactFields f;
                     f.name = "فاطمة الزهراء";
                     f.phone_e164 = "+966512345678";
                     return ContactRepository::Update(s, w.ws1, id, f, FromMicros(2));
                 }).ok());
    EXPECT_TRUE(w.FindContacts(w.ws1, "old").empty());
    EXPECT_EQ(w.FindContacts(w.ws1, "فاطمه"), (Ids{id.value()}));
    EXPECT_EQ(w.FindContacts(w.ws1, "0512345678"), (Ids{id.value()}));
}

TEST_P(SearchRepositoryTest, StoredMessagesAreQueuedAndIndexedByTheIndexer) {
    SearchWorld w(*db_);
    w.Build();
    NewMessage m;
    m.content = "queued parcel";
    m.created_at = FromMicros(5'000);
    std::vector<MessageId> ids;
    for (const char* ext : {"q-1", "q-2"}) {
        m.external_id = ext;
        auto st = w.Write([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(auto id,
                                ConversationRepository::AppendMessage(s, w.ws1, w.conv_a, w.a, m));
            if (!id) return Error::Internal("duplicate");
            ids.push_back(*id);
            return Ok();
        });
        ASSERT_TRUE(st.ok()) << st.error().message;
    }
    // Stored, queued, not yet searchable.
    EXPECT_EQ(w.Count("SELECT count(*) FROM search_queue"), 2);
    EXPECT_TRUE(w.FindIds(w.ws1, "parcel").empty());
    // One is erased before the indexer runs: it is skipped, and its queue row goes too.
    ASSERT_TRUE(w.Write([&](Session& s) -> Status {
                     HH_RETURN_IF_ERROR(s.Exec("DELETE FROM messages WHERE id = $1",
                                               {ids[0].value()}));
                     return Ok();
                 }).ok());
    int taken = 0;
    ASSERT_TRUE(w.Write([&](Session& s) -> Status {
                     HH_ASSIGN_OR_RETURN(taken, SearchRepository::IndexQueued(s, 1000));
                     return Ok();
                 }).ok());
    EXPECT_EQ(taken, 2);
    EXPECT_EQ(w.FindIds(w.ws1, "parcel"), (Ids{ids[1].value()}));
    EXPECT_EQ(w.Count("SELECT count(*) FROM search_queue"), 0);
    EXPECT_EQ(w.Count("SELECT count(*) FROM message_search"), 1);
    // Indexing the same document again (another node draining at once) changes nothing.
    ASSERT_TRUE(w.Write([&](Session& s) {
                     return SearchRepository::StoreQueued(
                         s, {{ids[1], SearchRepository::MessageDocumentText(
                                          s.dialect(), w.ws1, w.a, "queued parcel")}});
                 }).ok());
    EXPECT_EQ(w.FindIds(w.ws1, "parcel"), (Ids{ids[1].value()}));
}

TEST_P(SearchRepositoryTest, ErasureRemovesIndexEntries) {
    SearchWorld w(*db_);
    w.Build();
    w.Append(w.ws1, w.conv_a, w.a, "secret delivery address");
    w.Append(w.ws1, w.conv_b, w.b, "secret delivery address");
    w.Append(w.ws2, w.conv_c, w.c, "secret delivery address");
    ASSERT_EQ(w.FindIds(w.ws1, "secret").size(), 2u);
    const auto contacts_before = w.Count("SELECT count(*) FROM contact_search");

    // The contact of conversation a goes with its conversations and messages.
    auto conv = w.Write([&](Session& s) -> Status {
        HH_ASSIGN_OR_RETURN(auto row, ConversationRepository::Get(s, w.ws1, w.conv_a));
        return ContactRepository::Delete(s, w.ws1, row.contact_id);
    });
    ASSERT_TRUE(conv.ok()) << conv.error().message;
    EXPECT_EQ(w.FindIds(w.ws1, "secret").size(), 1u);
    EXPECT_EQ(w.Count("SELECT count(*) FROM contact_search"), contacts_before - 1);

    // An inbox deleted with its history takes its messages out of the index.
    ASSERT_TRUE(w.Write([&](Session& s) { return InboxRepository::Delete(s, w.ws1, w.b); }).ok());
    EXPECT_TRUE(w.FindIds(w.ws1, "secret").empty());
    EXPECT_EQ(w.Count("SELECT count(*) FROM message_search"), 1);
    EXPECT_EQ(w.FindIds(w.ws2, "secret").size(), 1u);

    // Explicit removal, checked against the tenant.
    const auto last = w.FindIds(w.ws2, "secret").at(0);
    ASSERT_TRUE(w.Write([&](Session& s) {
                     return SearchRepository::RemoveMessage(s, w.ws1, MessageId(last));
                 }).ok());
    EXPECT_EQ(w.FindIds(w.ws2, "secret").size(), 1u);
    ASSERT_TRUE(w.Write([&](Session& s) {
                     return SearchRepository::RemoveMessage(s, w.ws2, MessageId(last));
                 }).ok());
    EXPECT_TRUE(w.FindIds(w.ws2, "secret").empty());
}

TEST_P(SearchRepositoryTest, BackfillIndexesRowsFromBeforeTheMigration) {
    SearchWorld w(*db_);
    w.Build();
    // Rows written around the index, as before migration 0006.
    ASSERT_TRUE(w.Write([&](Session& s) -> Status {
                     for (int i = 0; i < 7; ++i) {
                         HH_RETURN_IF_ERROR(s.Exec(
                             "INSERT INTO messages (workspace_id, conversation_id, inbox_id, "
                             "direction, sender_kind, content, created_at, updated_at) VALUES "
                             "($1, $2, $3, 'incoming', 'contact', $4, 5, 5)",
                             {w.ws1.value(), w.conv_a.value(), w.a.value(),
                              "legacy shipment " + std::to_string(i)}));
                     }
                     HH_RETURN_IF_ERROR(
                         s.Exec("INSERT INTO contacts (workspace_id, name, phone_e164, created_at, "
                                "updated_at) VALUES ($1, 'Legacy Customer', '+12025550123', 5, 5)",
                                {w.ws1.value()}));
                     HH_RETURN_IF_ERROR(s.Exec("DELETE FROM search_backfill"));
                     HH_RETURN_IF_ERROR(
                         s.Exec("INSERT INTO search_backfill (kind, last_id, until_id) SELECT "
                                "'messages', 0, MAX(id) FROM messages"));
                     return detail::Discard(
                         s.Exec("INSERT INTO search_backfill (kind, last_id, "
                                "until_id) SELECT 'contacts', 0, MAX(id) FROM contacts"));
                 }).ok());
    EXPECT_TRUE(w.FindIds(w.ws1, "shipment").empty());
    EXPECT_TRUE(w.FindContacts(w.ws1, "legacy").empty());

    int steps = 0;
    bool done = false;
    while (!done && steps < 20) {
        ASSERT_TRUE(w.Write([&](Session& s) -> Status {
                         HH_ASSIGN_OR_RETURN(done, SearchRepository::BackfillStep(s, 3));
                         return Ok();
                     }).ok());
        ++steps;
    }
    EXPECT_TRUE(done);
    EXPECT_GE(steps, 4);  // 7 messages in batches of 3, then the contacts
    EXPECT_EQ(w.FindIds(w.ws1, "shipments").size(), 7u);
    EXPECT_EQ(w.FindContacts(w.ws1, "legacy").size(), 1u);
    EXPECT_EQ(w.FindContacts(w.ws1, "2025550123").size(), 1u);
    EXPECT_EQ(w.Count("SELECT count(*) FROM search_backfill"), 0);
}

}  // namespace
}  // namespace hudhud::storage::testing
