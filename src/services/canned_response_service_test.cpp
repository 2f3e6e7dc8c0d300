#include "services/canned_response_service.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::services {
namespace {

TEST(RenderCannedResponseTest, FillsTheFourVariables) {
    CannedVariables v{"Sara", "sara@example.com", "+971501234567", "Omar"};
    EXPECT_EQ(RenderCannedResponse("Hi {{contact.name}}, this is {{agent.name}}. We wrote to "
                                   "{{contact.email}} and {{ contact.phone }}.",
                                   v),
              "Hi Sara, this is Omar. We wrote to sara@example.com and +971501234567.");
}

TEST(RenderCannedResponseTest, MissingValuesBecomeEmptyAndUnknownStay) {
    CannedVariables v;
    v.contact_name = "Sara";
    EXPECT_EQ(RenderCannedResponse("{{contact.email}}|{{order.id}}|{{contact.name}}", v),
              "|{{order.id}}|Sara");
    EXPECT_EQ(RenderCannedResponse("no variables", v), "no variables");
    EXPECT_EQ(RenderCannedResponse("broken {{contact.name", v), "broken {{contact.name");
    EXPECT_EQ(RenderCannedResponse("{{contact.name}}{{contact.name}}", v), "SaraSara");
    EXPECT_EQ(RenderCannedResponse("", v), "");
    // A value that looks like a variable is not expanded again.
    v.contact_name = "{{agent.name}}";
    v.agent_name = "Omar";
    EXPECT_EQ(RenderCannedResponse("{{contact.name}} / {{agent.name}}", v), "{{agent.name}} / Omar");
}

TEST(NormalizeShortCodeTest, LowersAndRefusesOtherCharacters) {
    EXPECT_EQ(NormalizeShortCode("Thanks_2.b-c").value(), "thanks_2.b-c");
    EXPECT_FALSE(NormalizeShortCode("").ok());
    EXPECT_FALSE(NormalizeShortCode("with space").ok());
    EXPECT_FALSE(NormalizeShortCode("/slash").ok());
    EXPECT_FALSE(NormalizeShortCode(std::string(51, 'a')).ok());
    // Letters and digits of any script: Arabic shortcuts, Arabic-Indic digits, Greek lower-cased.
    EXPECT_EQ(NormalizeShortCode("شكرا_٢").value(), "شكرا_٢");
    EXPECT_EQ(NormalizeShortCode("ΩMEGA").value(), "ωmega");
    EXPECT_FALSE(NormalizeShortCode("سلام عليكم").ok());
    EXPECT_FALSE(NormalizeShortCode("\xff\xfe").ok());  // not UTF-8
}

class CannedResponseServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = std::move(storage::sqlite::SqliteDatabase::Open({})).value();
        ASSERT_TRUE(db_->Write([](storage::Session& s) -> Status {
                           HH_RETURN_IF_ERROR(s.Exec("INSERT INTO workspaces (name, created_at, "
                                                     "updated_at) VALUES ('a', 1, 1), ('b', 1, 1)"));
                           return Ok();
                       })
                        .ok());
        audit_ = std::make_unique<AuditLog>(*db_, clock_);
        service_ = std::make_unique<CannedResponseService>(*db_, clock_, *audit_);
        admin_.membership.workspace_id = WorkspaceId(1);
        admin_.membership.role = Role::kAdmin;
        other_ = admin_;
        other_.membership.workspace_id = WorkspaceId(2);
    }

    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<CannedResponseService> service_;
    WorkspaceAccess admin_;
    WorkspaceAccess other_;
};

TEST_F(CannedResponseServiceTest, SearchIsAPrefixMatchWithinTheWorkspace) {
    ASSERT_TRUE(service_->Create(admin_, "Thanks", "Thank you!", {}).ok());
    ASSERT_TRUE(service_->Create(admin_, "thank_you_long", "Many thanks", {}).ok());
    ASSERT_TRUE(service_->Create(admin_, "hours", "We open at 9", {}).ok());
    ASSERT_TRUE(service_->Create(other_, "thanks_other", "x", {}).ok());
    ASSERT_TRUE(service_->Create(admin_, "a_b", "underscore", {}).ok());
    ASSERT_TRUE(service_->Create(admin_, "axb", "x", {}).ok());

    auto found = service_->List(admin_, std::string("THA"));
    ASSERT_TRUE(found.ok());
    ASSERT_EQ(found->size(), 2u);
    EXPECT_EQ((*found)[0].short_code, "thank_you_long");
    EXPECT_EQ((*found)[1].short_code, "thanks");
    EXPECT_EQ(service_->List(admin_, std::nullopt)->size(), 5u);
    EXPECT_EQ(service_->List(admin_, std::string("zzz"))->size(), 0u);
    // "_" in the search is a character, not a LIKE wildcard.
    auto underscore = service_->List(admin_, std::string("a_"));
    ASSERT_EQ(underscore->size(), 1u);
    EXPECT_EQ((*underscore)[0].short_code, "a_b");
    // Arabic shortcuts are found by their first letters, as the composer's "/" types them.
    ASSERT_TRUE(service_->Create(admin_, "شكرا", "شكراً لتواصلك معنا", {}).ok());
    auto arabic = service_->List(admin_, std::string("شك"));
    ASSERT_TRUE(arabic.ok());
    ASSERT_EQ(arabic->size(), 1u);
    EXPECT_EQ((*arabic)[0].short_code, "شكرا");
}

TEST_F(CannedResponseServiceTest, DuplicatesConflictAndOtherWorkspacesAreNotFound) {
    auto c = service_->Create(admin_, "hi", "Hello", {});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(service_->Create(admin_, "HI", "again", {}).error().code, ErrorCode::kConflict);
    EXPECT_TRUE(service_->Create(other_, "hi", "theirs", {}).ok());
    EXPECT_EQ(service_->Get(other_, c->id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(service_->Update(other_, c->id, std::nullopt, std::string("x"), {}).error().code,
              ErrorCode::kNotFound);
    EXPECT_EQ(service_->Delete(other_, c->id, {}).error().code, ErrorCode::kNotFound);
    auto updated = service_->Update(admin_, c->id, std::string("hello"), std::nullopt, {});
    ASSERT_TRUE(updated.ok());
    EXPECT_EQ(updated->short_code, "hello");
    EXPECT_EQ(updated->content, "Hello");
    WorkspaceAccess agent = admin_;
    agent.membership.role = Role::kAgent;
    EXPECT_EQ(service_->Create(agent, "x", "y", {}).error().code, ErrorCode::kPermissionDenied);
    EXPECT_TRUE(service_->Delete(admin_, c->id, {}).ok());
    EXPECT_EQ(service_->Get(admin_, c->id).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace hudhud::services
