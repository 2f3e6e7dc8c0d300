#include "services/conversation_service.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "services/inbox_routing.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::services {
namespace {

using storage::ConversationFilter;
using storage::Session;

std::vector<std::int64_t> Ids(const storage::ConversationListPage& page) {
    std::vector<std::int64_t> out;
    for (const auto& item : page.items) out.push_back(item.conversation.id.value());
    return out;
}

// Workspace 1: users 1 (owner, online) and 2 (agent, online), 4 (agent, offline); inboxes 1
// (whatsapp) and 2 (webchat); a team 1. Workspace 2: user 3, inbox 3, team 2.
class ConversationServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = std::move(storage::sqlite::SqliteDatabase::Open({})).value();
        Exec("INSERT INTO workspaces (name, created_at, updated_at) VALUES ('a', 1, 1), ('b', 1, "
             "1)");
        Exec("INSERT INTO users (email, name, password_hash, created_at, updated_at) VALUES "
             "('a@x', 'Ann', '', 1, 1), ('b@x', 'Bob', '', 1, 1), ('c@x', 'Cid', '', 1, 1), "
             "('d@x', 'Dee', '', 1, 1)");
        Exec("INSERT INTO memberships (workspace_id, user_id, role, availability, created_at) "
             "VALUES (1, 1, 'owner', 'online', 1), (1, 2, 'agent', 'online', 1), (2, 3, "
             "'owner', 'online', 1), (1, 4, 'agent', 'offline', 1)");
        Exec("INSERT INTO inboxes (workspace_id, name, channel_kind, webhook_key, created_at, "
             "updated_at) VALUES (1, 'wa', 'whatsapp', 'k1', 1, 1), (1, 'web', 'webchat', 'k2', "
             "1, 1), (2, 'wa', 'whatsapp', 'k3', 1, 1)");
        Exec("INSERT INTO teams (workspace_id, name, created_at) VALUES (1, 'sales', 1), (2, "
             "'theirs', 1)");
        Exec("INSERT INTO labels (workspace_id, name) VALUES (1, 'vip'), (1, 'billing'), (2, "
             "'theirs')");
        audit_ = std::make_unique<AuditLog>(*db_, clock_);
        jobs_ = std::make_unique<jobs::JobQueue>(*db_, clock_);
        service_ = std::make_unique<ConversationService>(*db_, clock_, *audit_, jobs_.get(),
                                                         &bus_);
        bus_.Subscribe([this](const events::Event& e) { events_.push_back(e); });
        owner_.membership.workspace_id = WorkspaceId(1);
        owner_.membership.role = Role::kOwner;
        owner_.principal.user.id = UserId(1);
    }

    void Exec(const std::string& sql) {
        auto st = db_->Write([&](Session& s) -> Status {
            HH_RETURN_IF_ERROR(s.Exec(sql));
            return Ok();
        });
        ASSERT_TRUE(st.ok()) << st.error().message << " in " << sql;
    }

    std::int64_t Count(const std::string& sql) {
        auto n = db_->ReadValue([&](Session& s) -> Result<std::int64_t> {
            HH_ASSIGN_OR_RETURN(auto rows, s.Query(sql));
            return storage::AsInt(rows.rows.at(0).at(0));
        });
        return n.ok() ? *n : -1;
    }

    // A conversation with one contact of its own and `messages` messages; returns its id.
    std::int64_t AddConversation(std::int64_t ws, std::int64_t inbox, const std::string& status,
                                 std::int64_t activity, std::optional<std::int64_t> assignee = {},
                                 const std::string& priority = "none", int unread = 0,
                                 int messages = 1, std::optional<std::int64_t> team = {}) {
        std::int64_t id = 0;
        auto st = db_->Write([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(auto c, s.Query("INSERT INTO contacts (workspace_id, name, "
                                                "created_at, updated_at) VALUES ($1, $2, 1, 1) "
                                                "RETURNING id",
                                                {ws, "Customer " + std::to_string(activity)}));
            HH_ASSIGN_OR_RETURN(
                auto r,
                s.Query("INSERT INTO conversations (workspace_id, inbox_id, contact_id, status, "
                        "assignee_id, priority, unread_count, last_activity_at, team_id, "
                        "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, "
                        "1) RETURNING id",
                        {ws, inbox, storage::AsInt(c.rows[0][0]), status,
                         assignee ? storage::Value(*assignee) : storage::Value(nullptr), priority,
                         std::int64_t{unread}, activity,
                         team ? storage::Value(*team) : storage::Value(nullptr)}));
            id = storage::AsInt(r.rows[0][0]);
            for (int i = 0; i < messages; ++i) {
                HH_RETURN_IF_ERROR(s.Exec(
                    "INSERT INTO messages (workspace_id, conversation_id, inbox_id, direction, "
                    "sender_kind, content, created_at, updated_at) VALUES ($1, $2, $3, "
                    "'incoming', 'contact', $4, 1, 1)",
                    {ws, id, inbox, "message " + std::to_string(i)}));
            }
            return Ok();
        });
        EXPECT_TRUE(st.ok()) << st.error().message;
        return id;
    }

    storage::ConversationListPage List(const ConversationFilter& f, int limit = 50) {
        auto page = service_->List(owner_, f, std::nullopt, limit);
        EXPECT_TRUE(page.ok()) << page.error().message;
        return page.ok() ? *page : storage::ConversationListPage{};
    }

    std::string Plan(const ConversationFilter& f, bool with_cursor) {
        storage::Params params;
        std::optional<storage::ConversationCursor> after;
        if (with_cursor) after = storage::ConversationCursor{FromMicros(100), ConversationId(5)};
        const std::string sql =
            storage::ConversationListRepository::ListSql(WorkspaceId(1), f, after, 51, params);
        auto plan = db_->ReadValue([&](Session& s) -> Result<std::string> {
            HH_ASSIGN_OR_RETURN(auto rows, s.Query("EXPLAIN QUERY PLAN " + sql, params));
            // "<parent>: <detail>" per line; parent 0 is the outer query.
            std::string out;
            for (const auto& row : rows.rows) {
                out += std::to_string(storage::AsInt(row.at(1))) + ": " +
                       storage::AsText(row.back()) + "\n";
            }
            return out;
        });
        EXPECT_TRUE(plan.ok()) << plan.error().message;
        return plan.ok() ? *plan : "";
    }

    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<jobs::JobQueue> jobs_;
    events::EventBus bus_;
    std::vector<events::Event> events_;
    std::unique_ptr<ConversationService> service_;
    WorkspaceAccess owner_;
};

TEST_F(ConversationServiceTest, FiltersNarrowAndOrderIsNewestActivityFirst) {
    const auto a = AddConversation(1, 1, "open", 100, 1, "high", 2, 3);
    const auto b = AddConversation(1, 1, "pending", 200, std::nullopt, "none", 0, 1, 1);
    const auto c = AddConversation(1, 2, "open", 300, 2, "urgent", 1, 2);
    const auto d = AddConversation(1, 2, "resolved", 400);
    const auto e = AddConversation(1, 1, "snoozed", 500, 1);
    AddConversation(2, 3, "open", 600);  // another workspace's
    Exec("INSERT INTO conversation_labels (workspace_id, conversation_id, label) VALUES (1, " +
         std::to_string(c) + ", 'vip'), (1, " + std::to_string(a) + ", 'vip'), (1, " +
         std::to_string(a) + ", 'billing')");

    EXPECT_EQ(Ids(List({})), (std::vector<std::int64_t>{e, d, c, b, a}));
    ConversationFilter f;
    f.statuses = {"open"};
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{c, a}));
    f = {};
    f.inbox = InboxId(1);
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{e, b, a}));
    f.statuses = {"pending"};
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{b}));
    f = {};
    f.assignee = 1;
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{e, a}));
    f = {};
    f.unassigned = true;
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{d, b}));
    f = {};
    f.team = 1;
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{b}));
    f = {};
    f.label = "vip";
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{c, a}));
    f = {};
    f.priority = "urgent";
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{c}));
    f = {};
    f.unread_only = true;
    EXPECT_EQ(Ids(List(f)), (std::vector<std::int64_t>{c, a}));
    f = {};
    f.statuses = {"closed"};
    EXPECT_EQ(service_->List(owner_, f, std::nullopt, 10).error().code,
              ErrorCode::kInvalidArgument);

    // Each row carries its newest message, the contact's name, the channel and its labels.
    auto all = List({});
    const auto& row_a = all.items.back();
    ASSERT_TRUE(row_a.last_message.has_value());
    EXPECT_EQ(row_a.last_message->content, "message 2");
    EXPECT_EQ(row_a.contact_name, "Customer 100");
    EXPECT_EQ(row_a.channel_kind, "whatsapp");
    EXPECT_EQ(row_a.conversation.labels, (std::vector<std::string>{"billing", "vip"}));
    EXPECT_EQ(row_a.conversation.priority, "high");
    EXPECT_EQ(all.items[2].channel_kind, "webchat");
}

TEST_F(ConversationServiceTest, PagesWalkEveryRowOnceWithEqualActivityTimes) {
    std::vector<std::int64_t> expected;
    const char* statuses[] = {"open", "pending", "snoozed", "resolved"};
    for (int i = 0; i < 23; ++i) {
        // Pairs share an activity time, so the id breaks ties.
        expected.push_back(AddConversation(1, 1 + i % 2, statuses[i % 4], 1000 + i / 2,
                                           i % 3 == 0 ? std::optional<std::int64_t>(1)
                                                      : std::nullopt));
    }
    for (int variant = 0; variant < 3; ++variant) {
        ConversationFilter f;
        if (variant == 1) f.inbox = InboxId(1);  // status=all over the inbox index: merged
        if (variant == 2) f.assignee = 1;
        std::vector<std::int64_t> want;
        for (auto it = expected.rbegin(); it != expected.rend(); ++it) {
            const int i = static_cast<int>(expected.rend() - it) - 1;
            if (variant == 1 && i % 2 != 0) continue;
            if (variant == 2 && i % 3 != 0) continue;
            want.push_back(*it);
        }
        // Newest first: activity desc, then id desc.
        std::sort(want.begin(), want.end(), [&](std::int64_t x, std::int64_t y) {
            auto at = [&](std::int64_t id) {
                auto pos = std::find(expected.begin(), expected.end(), id) - expected.begin();
                return 1000 + pos / 2;
            };
            return at(x) != at(y) ? at(x) > at(y) : x > y;
        });
        std::vector<std::int64_t> got;
        std::optional<storage::ConversationCursor> after;
        int pages = 0;
        do {
            auto page = service_->List(owner_, f, after, 4);
            ASSERT_TRUE(page.ok()) << page.error().message;
            for (auto id : Ids(*page)) got.push_back(id);
            after = page->next;
            ASSERT_LT(++pages, 20);
        } while (after);
        EXPECT_EQ(got, want) << "variant " << variant;
    }
}

TEST_F(ConversationServiceTest, QueriesWalkTheIndexesWithoutSortingTheTable) {
    ConversationFilter by_inbox_status;
    by_inbox_status.inbox = InboxId(1);
    by_inbox_status.statuses = {"open"};
    ConversationFilter by_status;
    by_status.statuses = {"pending"};
    ConversationFilter by_assignee;
    by_assignee.assignee = 1;
    by_assignee.statuses = {"open"};
    ConversationFilter unassigned;
    unassigned.unassigned = true;
    ConversationFilter by_inbox_all;
    by_inbox_all.inbox = InboxId(2);
    ConversationFilter by_label;
    by_label.label = "vip";
    // An agent's scope: each visible inbox's status slices, or a filter under the assignee.
    ConversationFilter scoped;
    scoped.visible_inboxes = std::vector<InboxId>{InboxId(1), InboxId(2)};
    ConversationFilter scoped_unassigned = scoped;
    scoped_unassigned.unassigned = true;
    struct Case {
        ConversationFilter f;
        const char* index;
    };
    for (const auto& [f, index] : {Case{by_inbox_status, "conversations_inbox_status"},
                                   Case{by_status, "conversations_status"},
                                   Case{by_assignee, "conversations_assignee"},
                                   Case{unassigned, "conversations_assignee"},
                                   Case{by_inbox_all, "conversations_inbox_status"},
                                   Case{by_label, "conversations_list"}, Case{{}, "conversations_list"},
                                   Case{scoped, "conversations_inbox_status"},
                                   Case{scoped_unassigned, "conversations_assignee"}}) {
        for (bool cursor : {false, true}) {
            const std::string plan = Plan(f, cursor);
            SCOPED_TRACE(plan);
            EXPECT_NE(plan.find(std::string("USING INDEX ") + index), std::string::npos);
            EXPECT_EQ(plan.find("SCAN conversations"), std::string::npos);
            EXPECT_NE(plan.find("messages_conversation"), std::string::npos);
            // The query levels that read conversations walk an index in order and never sort;
            // sorts happen only above them, over at most limit + 1 rows per status slice.
            std::set<std::string> walkers;
            std::istringstream lines(plan);
            std::vector<std::pair<std::string, std::string>> rows;
            for (std::string line; std::getline(lines, line);) {
                const auto colon = line.find(": ");
                rows.emplace_back(line.substr(0, colon), line.substr(colon + 2));
                if (rows.back().second.find("conversations USING") != std::string::npos) {
                    walkers.insert(rows.back().first);
                }
            }
            for (const auto& [parent, detail] : rows) {
                if (detail.find("TEMP B-TREE") != std::string::npos) {
                    EXPECT_EQ(walkers.count(parent), 0u) << detail;
                }
            }
        }
    }
}

TEST_F(ConversationServiceTest, AssignmentIsCheckedAuditedAndPublished) {
    const auto id = ConversationId(AddConversation(1, 1, "open", 100));
    ConversationUpdate u;
    u.assignee_id = std::optional<std::int64_t>(3);  // a member of workspace 2 only
    EXPECT_EQ(service_->Update(owner_, id, u, {}).error().code, ErrorCode::kInvalidArgument);
    u.assignee_id = std::optional<std::int64_t>(2);
    u.team_id = std::optional<std::int64_t>(2);  // workspace 2's team
    EXPECT_EQ(service_->Update(owner_, id, u, {}).error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(events_.empty());

    u.team_id = std::optional<std::int64_t>(1);
    // Agent 2 is not a member of the conversation's inbox yet: it would not see it.
    EXPECT_EQ(service_->Update(owner_, id, u, {}).error().code, ErrorCode::kInvalidArgument);
    Exec("INSERT INTO inbox_members (workspace_id, inbox_id, user_id) VALUES (1, 1, 2)");
    auto c = service_->Update(owner_, id, u, {});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->assignee_id, 2);
    EXPECT_EQ(c->team_id, 1);
    ASSERT_EQ(events_.size(), 2u);
    EXPECT_EQ(events_[0].type, "conversation.updated");
    EXPECT_EQ(events_[1].type, "conversation.assigned");
    EXPECT_NE(events_[1].data_json.find("\"assignee_id\":2"), std::string::npos);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.assigned'"), 1);

    // Priority alone is no assignment.
    events_.clear();
    ConversationUpdate p;
    p.priority = "high";
    ASSERT_TRUE(service_->Update(owner_, id, p, {}).ok());
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].type, "conversation.updated");
    p.priority = "extreme";
    EXPECT_EQ(service_->Update(owner_, id, p, {}).error().code, ErrorCode::kInvalidArgument);

    ConversationUpdate unassign;
    unassign.assignee_id = std::optional<std::int64_t>();
    auto after = service_->Update(owner_, id, unassign, {});
    ASSERT_TRUE(after.ok());
    EXPECT_FALSE(after->assignee_id.has_value());
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.assigned'"), 2);

    WorkspaceAccess other = owner_;
    other.membership.workspace_id = WorkspaceId(2);
    EXPECT_EQ(service_->Update(other, id, p, {}).error().code, ErrorCode::kInvalidArgument);
    p.priority = "low";
    EXPECT_EQ(service_->Update(other, id, p, {}).error().code, ErrorCode::kNotFound);
}

TEST_F(ConversationServiceTest, AnAgentSeesAndActsOnlyInTheInboxesItIsAMemberOf) {
    const auto in_wa = ConversationId(AddConversation(1, 1, "open", 100));
    const auto in_web = ConversationId(AddConversation(1, 2, "open", 200));
    Exec("INSERT INTO inbox_members (workspace_id, inbox_id, user_id) VALUES (1, 2, 2)");
    WorkspaceAccess agent;
    agent.membership.workspace_id = WorkspaceId(1);
    agent.membership.user_id = UserId(2);
    agent.membership.role = Role::kAgent;
    agent.principal.user.id = UserId(2);

    storage::ConversationFilter all;
    auto page = service_->List(agent, all, std::nullopt, 50);
    ASSERT_TRUE(page.ok()) << page.error().message;
    ASSERT_EQ(page->items.size(), 1u);
    EXPECT_EQ(page->items[0].conversation.id, in_web);
    // Asking for the other inbox by name finds nothing rather than leaking it.
    storage::ConversationFilter wa;
    wa.inbox = InboxId(1);
    EXPECT_TRUE(service_->List(agent, wa, std::nullopt, 50)->items.empty());
    EXPECT_EQ(service_->List(owner_, wa, std::nullopt, 50)->items.size(), 1u);
    // Unassigned (the assignee index leads; visibility is a filter) and status filters too.
    storage::ConversationFilter nobody;
    nobody.unassigned = true;
    EXPECT_EQ(service_->List(agent, nobody, std::nullopt, 50)->items.size(), 1u);
    storage::ConversationFilter open;
    open.statuses = {"open"};
    EXPECT_EQ(service_->List(agent, open, std::nullopt, 50)->items.size(), 1u);

    EXPECT_EQ(service_->Get(agent, in_wa).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(service_->Get(agent, in_web).ok());
    EXPECT_EQ(service_->Messages(agent, in_wa, {}).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->RequireVisible(agent, in_wa).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(service_->RequireVisible(agent, in_web).ok());
    ConversationUpdate resolve;
    resolve.status = "resolved";
    EXPECT_EQ(service_->Update(agent, in_wa, resolve, {}).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->AddLabels(agent, in_wa, {"vip"}).error().code, ErrorCode::kNotFound);

    auto counts = service_->Counts(agent);
    ASSERT_TRUE(counts.ok());
    EXPECT_EQ(counts->by_status["open"], 1);
    EXPECT_EQ(counts->unassigned, 1);
    EXPECT_EQ(counts->unread_by_inbox.count(1), 0u);
    EXPECT_EQ(counts->unread_by_inbox.count(2), 1u);
    EXPECT_EQ(service_->Counts(owner_)->by_status["open"], 2);

    // An agent in no inbox sees nothing at all.
    agent.membership.user_id = UserId(4);
    agent.principal.user.id = UserId(4);
    EXPECT_TRUE(service_->List(agent, all, std::nullopt, 50)->items.empty());
    EXPECT_EQ(service_->Counts(agent)->by_status["open"], 0);
}

TEST_F(ConversationServiceTest, SnoozeReopensThroughItsJobOnlyIfStillSnoozedThen) {
    const auto id = ConversationId(AddConversation(1, 1, "open", 100));
    ConversationUpdate u;
    u.status = "snoozed";
    EXPECT_EQ(service_->Update(owner_, id, u, {}).error().code, ErrorCode::kInvalidArgument);
    u.snoozed_until = clock_.Now() - std::chrono::seconds(1);
    EXPECT_EQ(service_->Update(owner_, id, u, {}).error().code, ErrorCode::kInvalidArgument);
    const Timestamp until = clock_.Now() + std::chrono::hours(1);
    u.snoozed_until = until;
    auto c = service_->Update(owner_, id, u, {});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->status, "snoozed");
    EXPECT_EQ(c->snoozed_until, until);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM jobs WHERE type = 'conversation.unsnooze' AND run_at = " +
                    std::to_string(ToMicros(until))),
              1);

    auto job = [&](Timestamp t) {
        jobs::JobContext j;
        j.workspace = WorkspaceId(1);
        j.type = "conversation.unsnooze";
        j.payload = nlohmann::json{{"conversation_id", id.value()},
                                   {"snoozed_until", ToMicros(t)}}
                        .dump();
        return j;
    };
    events_.clear();
    // A job from an earlier snooze changes nothing.
    ASSERT_TRUE(service_->ProcessUnsnooze(job(until - std::chrono::minutes(5))).ok());
    EXPECT_EQ(service_->Get(owner_, id)->status, "snoozed");
    EXPECT_TRUE(events_.empty());
    clock_.Advance(std::chrono::hours(1));
    ASSERT_TRUE(service_->ProcessUnsnooze(job(until)).ok());
    auto reopened = service_->Get(owner_, id);
    EXPECT_EQ(reopened->status, "open");
    EXPECT_FALSE(reopened->snoozed_until.has_value());
    ASSERT_EQ(events_.size(), 1u);
    EXPECT_EQ(events_[0].type, "conversation.updated");
    // Run twice (at-least-once delivery): nothing more.
    ASSERT_TRUE(service_->ProcessUnsnooze(job(until)).ok());
    EXPECT_EQ(events_.size(), 1u);
    jobs::JobContext bad = job(until);
    bad.payload = "{}";
    EXPECT_FALSE(service_->ProcessUnsnooze(bad).ok());
}

TEST_F(ConversationServiceTest, AnIncomingMessageReopensSnoozedAndPendingNotResolved) {
    const auto snoozed = AddConversation(1, 1, "snoozed", 100);
    const auto pending = AddConversation(1, 1, "pending", 100);
    Exec("UPDATE conversations SET snoozed_until = 999999 WHERE id = " + std::to_string(snoozed));
    for (auto id : {snoozed, pending}) {
        ASSERT_TRUE(db_->Write([&](Session& s) {
                           return storage::ConversationRepository::NoteIncoming(
                               s, WorkspaceId(1), ConversationId(id), clock_.Now());
                       })
                        .ok());
        auto c = service_->Get(owner_, ConversationId(id));
        EXPECT_EQ(c->status, "open");
        EXPECT_FALSE(c->snoozed_until.has_value());
        EXPECT_EQ(c->unread_count, 1);
    }
}

TEST_F(ConversationServiceTest, LabelsMustExistInTheWorkspace) {
    const auto id = ConversationId(AddConversation(1, 1, "open", 100));
    EXPECT_EQ(service_->AddLabels(owner_, id, {"theirs"}).error().code,
              ErrorCode::kInvalidArgument);
    auto labels = service_->AddLabels(owner_, id, {"vip", "billing", "vip"});
    ASSERT_TRUE(labels.ok()) << labels.error().message;
    EXPECT_EQ(*labels, (std::vector<std::string>{"billing", "vip"}));
    labels = service_->RemoveLabel(owner_, id, "vip");
    EXPECT_EQ(*labels, (std::vector<std::string>{"billing"}));
    EXPECT_EQ(service_->Get(owner_, id)->labels, (std::vector<std::string>{"billing"}));
    ASSERT_FALSE(events_.empty());
    EXPECT_NE(events_.back().data_json.find("\"labels\":[\"billing\"]"), std::string::npos);
}

TEST_F(ConversationServiceTest, CountsByStatusInboxAndAgent) {
    AddConversation(1, 1, "open", 100, 1, "none", 2);
    AddConversation(1, 1, "open", 100, 1);
    AddConversation(1, 2, "open", 100, std::nullopt, "none", 1);
    AddConversation(1, 2, "pending", 100, std::nullopt, "none", 3);
    AddConversation(1, 2, "resolved", 100, std::nullopt, "none", 3);
    AddConversation(2, 3, "open", 100, 3, "none", 1);
    auto c = service_->Counts(owner_);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->by_status.at("open"), 3);
    EXPECT_EQ(c->by_status.at("pending"), 1);
    EXPECT_EQ(c->by_status.at("snoozed"), 0);
    EXPECT_EQ(c->by_status.at("resolved"), 1);
    EXPECT_EQ(c->unread_by_inbox.at(1), 1);
    EXPECT_EQ(c->unread_by_inbox.at(2), 2);
    EXPECT_EQ(c->unread_by_inbox.count(3), 0u);
    EXPECT_EQ(c->mine, 2);
    EXPECT_EQ(c->mine_unread, 1);
    EXPECT_EQ(c->unassigned, 1);
    EXPECT_EQ(c->unassigned_unread, 1);
}

TEST_F(ConversationServiceTest, AutoAssignmentRotatesAmongOnlineMembersUnderTheLimit) {
    Exec("UPDATE inboxes SET settings = '{\"auto_assignment\":{\"enabled\":true,"
         "\"max_open_per_agent\":2}}' WHERE id = 1");
    Exec("INSERT INTO inbox_members (workspace_id, inbox_id, user_id) VALUES (1, 1, 1), (1, 1, "
         "2), (1, 1, 4)");
    auto assign = [&]() -> std::optional<std::int64_t> {
        const auto id = AddConversation(1, 1, "open", 100);
        auto r = db_->WriteValue([&](Session& s) {
            return AutoAssignNewConversation(s, WorkspaceId(1), InboxId(1), ConversationId(id),
                                             clock_.Now());
        });
        EXPECT_TRUE(r.ok()) << r.error().message;
        auto stored = service_->Get(owner_, ConversationId(id));
        EXPECT_EQ(stored->assignee_id, (r.ok() && *r) ? std::optional<std::int64_t>((*r)->value())
                                                      : std::nullopt);
        if (!r.ok() || !*r) return std::nullopt;
        return (*r)->value();
    };
    // User 4 is offline: 1, 2, 1, 2, then both are at 2 open conversations.
    EXPECT_EQ(assign(), 1);
    EXPECT_EQ(assign(), 2);
    EXPECT_EQ(assign(), 1);
    EXPECT_EQ(assign(), 2);
    EXPECT_EQ(assign(), std::nullopt);
    EXPECT_EQ(Count("SELECT last_user_id FROM inbox_assignment_state WHERE inbox_id = 1"), 2);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'conversation.assigned' AND "
                    "actor_kind = 'system'"),
              4);
    // A resolved conversation frees a slot; an agent coming online joins the rotation.
    Exec("UPDATE conversations SET status = 'resolved' WHERE assignee_id = 1 AND id = (SELECT "
         "MIN(id) FROM conversations WHERE assignee_id = 1)");
    EXPECT_EQ(assign(), 1);
    Exec("UPDATE memberships SET availability = 'online' WHERE user_id = 4");
    EXPECT_EQ(assign(), 4);
    // Disabled: nobody is assigned.
    Exec("UPDATE inboxes SET settings = '{}' WHERE id = 1");
    EXPECT_EQ(assign(), std::nullopt);
}

}  // namespace
}  // namespace hudhud::services
