#include "services/contact_service.hpp"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::services {
namespace {

class ContactPhoneTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = std::move(storage::sqlite::SqliteDatabase::Open({})).value();
        ASSERT_TRUE(db_->Write([](storage::Session& s) -> Status {
                           HH_RETURN_IF_ERROR(s.Exec("INSERT INTO workspaces (name, created_at, "
                                                     "updated_at) VALUES ('a', 1, 1)"));
                           return Ok();
                       })
                        .ok());
        audit_ = std::make_unique<AuditLog>(*db_, clock_);
        contacts_ = std::make_unique<ContactService>(*db_, clock_, *audit_);
        access_.membership.workspace_id = WorkspaceId(1);
    }

    Result<Contact> CreateWithPhone(const std::string& phone) {
        storage::ContactFields f;
        f.name = "Customer";
        f.phone_e164 = phone;
        return contacts_->Create(access_, f, {});
    }

    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<ContactService> contacts_;
    WorkspaceAccess access_;
};

TEST_F(ContactPhoneTest, PhonesAreStoredInE164) {
    for (const char* raw : {"+971 50 123 4567", "00971501234567", "971501234567",
                            "+\xd9\xa9\xd9\xa7\xd9\xa1\xd9\xa5\xd9\xa0\xd9\xa1\xd9\xa2\xd9\xa3"
                            "\xd9\xa4\xd9\xa5\xd9\xa6\xd9\xa7"}) {
        auto c = CreateWithPhone(raw);
        ASSERT_TRUE(c.ok()) << raw << ": " << c.error().message;
        EXPECT_EQ(c->phone_e164.value_or(""), "+971501234567") << raw;
    }
}

TEST_F(ContactPhoneTest, JunkIsRefusedAndEmptyClears) {
    for (const char* raw : {"0501234567", "call me", "+971 50 123 4567 ext 9", "+12"}) {
        auto c = CreateWithPhone(raw);
        ASSERT_FALSE(c.ok()) << raw;
        EXPECT_EQ(c.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(c.error().message.find("phone"), std::string::npos);
    }
    auto c = CreateWithPhone("+44 7911 123456");
    ASSERT_TRUE(c.ok());
    storage::ContactFields update;
    update.phone_e164 = "(+44) 7911-123-457";
    auto u = contacts_->Update(access_, c->id, update, {});
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(u->phone_e164.value_or(""), "+447911123457");
    update.phone_e164 = "";
    u = contacts_->Update(access_, c->id, update, {});
    ASSERT_TRUE(u.ok());
    EXPECT_FALSE(u->phone_e164.has_value() && !u->phone_e164->empty());
}

}  // namespace
}  // namespace hudhud::services
