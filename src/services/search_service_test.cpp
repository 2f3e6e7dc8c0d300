#include "services/search_service.hpp"

#include <gtest/gtest.h>

#include "storage/repositories/contact_repository.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::services {
namespace {

TEST(SearchCursorTest, RoundTrips) {
    for (const char* text : {"m12", "c7", "m12.c7"}) {
        auto c = SearchCursor::Parse(text);
        ASSERT_TRUE(c.ok()) << text;
        EXPECT_EQ(c->ToString(), text);
    }
    auto both = SearchCursor::Parse("c7.m12");
    ASSERT_TRUE(both.ok());
    EXPECT_EQ(both->messages.value_or(0), 12);
    EXPECT_EQ(both->contacts.value_or(0), 7);
}

TEST(SearchCursorTest, RefusesMalformed) {
    for (const char* text : {"", "m", "x1", "m0", "m-1", "m1.m2", "m1.", "12", "m1x", "m1.c"}) {
        auto c = SearchCursor::Parse(text);
        ASSERT_FALSE(c.ok()) << text;
        EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument) << text;
    }
}

SearchRequest Query(std::string q, int limit = 20) {
    SearchRequest r;
    r.query = std::move(q);
    r.limit = limit;
    return r;
}

class SearchServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        db_ = std::move(storage::sqlite::SqliteDatabase::Open({})).value();
        ASSERT_TRUE(
            db_->Write([](storage::Session& s) -> Status {
                   HH_RETURN_IF_ERROR(
                       s.Exec("INSERT INTO workspaces (name, created_at, "
                              "updated_at) VALUES ('a', 1, 1), ('b', 1, 1)"));
                   HH_RETURN_IF_ERROR(
                       s.Exec("INSERT INTO inboxes (workspace_id, name, channel_kind, webhook_key, "
                              "created_at, updated_at) VALUES (2, 'other', 'api', 'k2', 1, 1)"));
                   for (int i = 0; i < 3; ++i) {
                       storage::ContactFields f;
                       f.name = "Layla " + std::to_string(i);
                       HH_RETURN_IF_ERROR(
                           storage::ContactRepository::Create(s, WorkspaceId(1), f, FromMicros(1)));
                   }
                   return Ok();
               })
                .ok());
        search_ = std::make_unique<SearchService>(*db_);
        access_.membership.workspace_id = WorkspaceId(1);
    }

    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<SearchService> search_;
    WorkspaceAccess access_;
};

TEST_F(SearchServiceTest, RefusesQueriesWithoutWords) {
    for (const char* q : {"", "   ", "?!", "..."}) {
        auto r = search_->Search(access_, Query(q));
        ASSERT_FALSE(r.ok()) << q;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << q;
    }
    auto r = search_->Search(access_, Query(std::string(SearchService::kMaxQueryBytes + 1, 'a')));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SearchServiceTest, AnotherWorkspacesInboxIsNotFound) {
    auto q = Query("layla");
    q.inbox = InboxId(1);
    auto r = search_->Search(access_, q);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

TEST_F(SearchServiceTest, PagesContactsWithTheCursor) {
    auto first = search_->Search(access_, Query("layla", 2));
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_TRUE(first->messages.empty());
    ASSERT_EQ(first->contacts.size(), 2u);
    EXPECT_EQ(first->contacts[0].name, "Layla 2");
    ASSERT_TRUE(first->next_cursor.has_value());
    EXPECT_FALSE(first->next_cursor->messages.has_value());
    auto next = Query("layla", 2);
    next.cursor = first->next_cursor;
    auto second = search_->Search(access_, next);
    ASSERT_TRUE(second.ok());
    ASSERT_EQ(second->contacts.size(), 1u);
    EXPECT_EQ(second->contacts[0].name, "Layla 0");
    EXPECT_FALSE(second->next_cursor.has_value());

    auto messages = Query("layla");
    messages.kind = SearchKind::kMessages;
    auto messages_only = search_->Search(access_, messages);
    ASSERT_TRUE(messages_only.ok());
    EXPECT_TRUE(messages_only->contacts.empty());

    WorkspaceAccess other;
    other.membership.workspace_id = WorkspaceId(2);
    auto theirs = search_->Search(other, Query("layla"));
    ASSERT_TRUE(theirs.ok());
    EXPECT_TRUE(theirs->contacts.empty());
}

TEST_F(SearchServiceTest, BackfillWithNothingToDoReturns) { EXPECT_TRUE(search_->Backfill().ok()); }

}  // namespace
}  // namespace hudhud::services
