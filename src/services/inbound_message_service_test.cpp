#include "services/inbound_message_service.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "channels/whatsapp/whatsapp_webhook.hpp"
#include "events/event_bus.hpp"
#include "storage/repositories/conversation_repository.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::services {
namespace {

using storage::ConversationRepository;
using storage::Session;

std::string Fixture(const std::string& name) {
    std::ifstream in(std::string(HUDHUD_SOURCE_DIR) + "/src/channels/whatsapp/testdata/" + name);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::int64_t Count(storage::Database& db, const std::string& sql) {
    auto n = db.ReadValue([&](Session& s) -> Result<std::int64_t> {
        HH_ASSIGN_OR_RETURN(auto rows, s.Query(sql));
        return storage::AsInt(rows.rows.at(0).at(0));
    });
    return n.ok() ? *n : -1;
}

class InboundMessageServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        storage::sqlite::SqliteOptions o;
        o.path = ":memory:";
        db_ = std::move(storage::sqlite::SqliteDatabase::Open(o)).value();
        ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                           HH_RETURN_IF_ERROR(s.Exec("INSERT INTO workspaces (name, created_at, "
                                                     "updated_at) VALUES ('a', 1, 1), ('b', 1, 1)"));
                           HH_RETURN_IF_ERROR(s.Exec(
                               "INSERT INTO inboxes (workspace_id, name, channel_kind, "
                               "webhook_key, created_at, updated_at) VALUES (1, 'wa', "
                               "'whatsapp', 'k1', 1, 1), (2, 'wa', 'whatsapp', 'k2', 1, 1)"));
                           return Ok();
                       })
                        .ok());
        service_ = std::make_unique<InboundMessageService>(*db_, clock_);
    }

    Result<IngestSummary> IngestFixture(const std::string& name, WorkspaceId ws = WorkspaceId(1),
                                        InboxId inbox = InboxId(1)) {
        auto events = channels::whatsapp::ParseWebhook(Fixture(name));
        if (!events.ok()) return std::move(events).error();
        return service_->Ingest(ws, inbox, *events);
    }

    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<InboundMessageService> service_;
};

TEST_F(InboundMessageServiceTest, TextCreatesContactConversationAndMessageOnce) {
    auto first = IngestFixture("text.json");
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->messages_created, 1);
    EXPECT_EQ(first->contacts_created, 1);
    EXPECT_EQ(first->conversations_created, 1);
    // Meta retries the same delivery: nothing new.
    auto retry = IngestFixture("text.json");
    ASSERT_TRUE(retry.ok());
    EXPECT_EQ(retry->messages_created, 0);
    EXPECT_EQ(retry->duplicates, 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM messages"), 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM contacts"), 1);
    EXPECT_EQ(Count(*db_, "SELECT unread_count FROM conversations"), 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM contact_identities WHERE external_id = "
                          "'12025550143'"),
              1);
}

TEST_F(InboundMessageServiceTest, BatchStoresEveryMessageInOneConversation) {
    auto r = IngestFixture("batch_three_messages.json");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->messages_created, 3);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM messages"), 3);
    EXPECT_EQ(Count(*db_, "SELECT count(DISTINCT conversation_id) FROM messages"),
              Count(*db_, "SELECT count(DISTINCT contact_id) FROM contact_identities"));
}

TEST_F(InboundMessageServiceTest, EveryMessageFixtureIsStored) {
    for (const char* f : {"audio_voice_note.json", "contacts.json", "ctwa_referral.json",
                          "document.json", "image.json", "interactive_button_reply.json",
                          "interactive_list_reply.json", "location.json", "order.json",
                          "sticker.json", "template_quick_reply_button.json", "text_arabic.json",
                          "unknown_type.json", "unsupported.json", "video.json",
                          "reaction.json"}) {
        auto r = IngestFixture(f);
        ASSERT_TRUE(r.ok()) << f << ": " << r.error().message;
        EXPECT_GE(r->messages_created, 1) << f << ": nothing is dropped, unknown types included";
    }
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM conversations WHERE referral IS NOT NULL"), 1)
        << "the click-to-WhatsApp ad is kept on the conversation";
}

TEST_F(InboundMessageServiceTest, DeliveryStatusesOnlyMoveForward) {
    const std::string wamid = "wamid.GAsxMjAyNTU1MDE0MxUCABIYFEZBS0VPVVQwMDAzMDAwMDAwMDAwAA==";
    ASSERT_TRUE(db_->Write([&](Session& s) -> Status {
                       HH_ASSIGN_OR_RETURN(auto c, ConversationRepository::ResolveContact(
                                                       s, WorkspaceId(1), InboxId(1),
                                                       "12025550143", std::nullopt, "x",
                                                       clock_.Now()));
                       HH_ASSIGN_OR_RETURN(auto conv, ConversationRepository::Create(
                                                          s, WorkspaceId(1), InboxId(1),
                                                          c.contact_id, c.identity_id,
                                                          std::nullopt, clock_.Now()));
                       storage::NewMessage m;
                       m.direction = MessageDirection::kOutgoing;
                       m.sender_kind = SenderKind::kAgent;
                       m.content = "hello";
                       m.external_id = wamid;
                       m.status = DeliveryStatus::kPending;
                       m.created_at = clock_.Now();
                       HH_RETURN_IF_ERROR(ConversationRepository::AppendMessage(
                           s, WorkspaceId(1), conv.id, InboxId(1), m));
                       return Ok();
                   })
                    .ok());
    auto status = [&] {
        auto v = db_->ReadValue([&](Session& s) -> Result<std::string> {
            HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT status FROM messages"));
            return storage::AsText(rows.rows.at(0).at(0));
        });
        return v.ok() ? *v : std::string("?");
    };
    ASSERT_TRUE(IngestFixture("status_read.json").ok());
    EXPECT_EQ(status(), "read");
    auto late = IngestFixture("status_delivered.json");
    ASSERT_TRUE(late.ok());
    EXPECT_EQ(late->statuses_ignored, 1);
    EXPECT_EQ(status(), "read") << "read never goes back to delivered";
    ASSERT_TRUE(IngestFixture("status_sent.json").ok());
    EXPECT_EQ(status(), "read");
    // A status for a message sent by another tool is ignored, not an error.
    auto unknown = IngestFixture("status_failed_131026.json");
    ASSERT_TRUE(unknown.ok());
    EXPECT_EQ(unknown->statuses_ignored, 1);
}

TEST_F(InboundMessageServiceTest, MarketingOptOutAndChangedNumber) {
    ASSERT_TRUE(IngestFixture("text.json").ok());
    auto pref = IngestFixture("user_preferences.json");
    ASSERT_TRUE(pref.ok()) << pref.error().message;
    EXPECT_EQ(pref->consent_changes, 2) << "stop, then resume, in one delivery";
    EXPECT_EQ(Count(*db_, "SELECT marketing_consent FROM contacts"), 1) << "the last one wins";
    auto changed = IngestFixture("system_changed_number.json");
    ASSERT_TRUE(changed.ok()) << changed.error().message;
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM contacts"),
              Count(*db_, "SELECT count(DISTINCT contact_id) FROM contact_identities"))
        << "a changed number re-keys the contact instead of duplicating it";
}

TEST_F(InboundMessageServiceTest, WorkspacesNeverMix) {
    ASSERT_TRUE(IngestFixture("text.json", WorkspaceId(1), InboxId(1)).ok());
    auto other = IngestFixture("text.json", WorkspaceId(2), InboxId(2));
    ASSERT_TRUE(other.ok());
    EXPECT_EQ(other->messages_created, 1) << "the same wamid on another inbox is another message";
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM contacts WHERE workspace_id = 2"), 1);
    EXPECT_EQ(Count(*db_, "SELECT count(*) FROM messages m JOIN conversations c ON c.id = "
                          "m.conversation_id WHERE m.workspace_id <> c.workspace_id"),
              0);
}

TEST_F(InboundMessageServiceTest, ACustomerMessageReopeningASnoozedConversationIsPublished) {
    events::EventBus bus;
    std::vector<events::Event> seen;
    bus.Subscribe([&](const events::Event& e) { seen.push_back(e); });
    InboundMessageService with_events(*db_, clock_, &bus);
    auto events = channels::whatsapp::ParseWebhook(Fixture("text.json"));
    ASSERT_TRUE(events.ok());
    ASSERT_TRUE(with_events.Ingest(WorkspaceId(1), InboxId(1), *events).ok());
    ASSERT_EQ(Count(*db_, "SELECT count(*) FROM conversations"), 1);
    ASSERT_TRUE(db_->Write([](Session& s) -> Status {
                       HH_RETURN_IF_ERROR(s.Exec("UPDATE conversations SET status = 'snoozed', "
                                                 "snoozed_until = 4102444800000000"));
                       return Ok();
                   })
                    .ok());
    seen.clear();
    // The customer writes again (a new message id): the conversation reopens, and says so.
    auto again = channels::whatsapp::ParseWebhook(Fixture("image.json"));
    ASSERT_TRUE(again.ok());
    ASSERT_TRUE(with_events.Ingest(WorkspaceId(1), InboxId(1), *again).ok());
    std::vector<std::string> types;
    for (const auto& e : seen) types.push_back(e.type);
    ASSERT_NE(std::find(types.begin(), types.end(), "conversation.updated"), types.end())
        << ::testing::PrintToString(types);
    for (const auto& e : seen) {
        if (e.type != "conversation.updated") continue;
        EXPECT_NE(e.data_json.find("\"status\":\"open\""), std::string::npos) << e.data_json;
    }
    // Writing again to an open conversation changes no conversation state.
    seen.clear();
    auto third = channels::whatsapp::ParseWebhook(Fixture("document.json"));
    ASSERT_TRUE(third.ok());
    ASSERT_TRUE(with_events.Ingest(WorkspaceId(1), InboxId(1), *third).ok());
    for (const auto& e : seen) EXPECT_NE(e.type, "conversation.updated");
}

}  // namespace
}  // namespace hudhud::services
