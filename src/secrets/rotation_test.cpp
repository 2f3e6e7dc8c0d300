#include "secrets/rotation.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>

#include "secrets/master_key.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/testing/temp_dir.hpp"

namespace hudhud::secrets {
namespace {

namespace fs = std::filesystem;
using storage::Session;
using storage::testing::TempDir;

const std::map<std::string, std::string> kCredentials = {
    {"wa", R"({"access_token":"EAAG-واتساب-123","app_secret":"s3cr3t"})"},
    {"tg", R"({"bot_token":"123456:ABC-تيليجرام"})"},
};

class KeyRotationTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(dir_.path().empty());
        key_file_ = (dir_.path() / "keys" / "master.key").string();
        storage::sqlite::SqliteOptions options;
        options.path = (dir_.path() / "hudhud.db").string();
        auto db = storage::sqlite::SqliteDatabase::Open(std::move(options));
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(db).value();

        auto ring = Load();
        ASSERT_TRUE(ring.ok());
        old_key_id_ = ring->current_key_id();
        Status s = db_->Write([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(auto ws,
                                s.Query("INSERT INTO workspaces (name, created_at, updated_at) "
                                        "VALUES ('Acme', 1, 1) RETURNING id"));
            workspace_id_ = storage::AsInt(ws.rows[0][0]);
            for (const auto& [name, plain] : kCredentials) {
                HH_ASSIGN_OR_RETURN(std::string sealed, ring->Encrypt(plain));
                HH_RETURN_IF_ERROR(InsertInbox(s, name, sealed));
            }
            return InsertInbox(s, "widget", std::nullopt);
        });
        ASSERT_TRUE(s.ok()) << s.error().message;
    }

    Status InsertInbox(Session& s, const std::string& name,
                       const std::optional<std::string>& sealed) {
        return s.Exec(
                    "INSERT INTO inboxes (workspace_id, name, channel_kind, credentials_enc, "
                    "webhook_key, created_at, updated_at) VALUES ($1, $2, 'api', $3, $4, 1, 1)",
                    {workspace_id_, name,
                     sealed ? storage::Value(*sealed) : storage::Value(nullptr), "hook-" + name})
                       .ok()
                   ? Ok()
                   : Error::Internal("insert inbox " + name);
    }

    Result<Keyring> Load() { return LoadOrCreateMasterKey({key_file_, std::nullopt}); }

    // name -> sealed credentials, NULLs left out.
    std::map<std::string, std::string> SealedByInbox() {
        std::map<std::string, std::string> out;
        Status s = db_->Read([&](Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(auto rows, s.Query("SELECT name, credentials_enc FROM inboxes "
                                                   "WHERE credentials_enc IS NOT NULL"));
            for (const auto& r : rows.rows) out[storage::AsText(r[0])] = storage::AsText(r[1]);
            return Ok();
        });
        EXPECT_TRUE(s.ok());
        return out;
    }

    // Every stored credential opens with `ring` to its original plaintext.
    void ExpectAllDecrypt(const Keyring& ring, const std::map<std::string, std::string>& want) {
        auto sealed = SealedByInbox();
        ASSERT_EQ(sealed.size(), want.size());
        for (const auto& [name, value] : sealed) {
            auto plain = ring.Decrypt(value);
            ASSERT_TRUE(plain.ok()) << name << ": " << plain.error().message;
            EXPECT_EQ(*plain, want.at(name));
        }
    }

    void ExpectAllUnderKey(const std::string& key_id) {
        for (const auto& [name, value] : SealedByInbox()) {
            EXPECT_EQ(*Keyring::KeyIdOf(value), key_id) << name;
        }
    }

    TempDir dir_;
    std::string key_file_;
    std::unique_ptr<storage::sqlite::SqliteDatabase> db_;
    std::int64_t workspace_id_ = 0;
    std::string old_key_id_;
};

TEST_F(KeyRotationTest, RotatesEveryCredentialToANewKey) {
    auto old_ring = Load();
    ASSERT_TRUE(old_ring.ok());

    ASSERT_TRUE(RotateMasterKey(*db_, key_file_).ok());
    EXPECT_FALSE(fs::exists(key_file_ + ".next"));

    auto ring = Load();
    ASSERT_TRUE(ring.ok());
    EXPECT_NE(ring->current_key_id(), old_key_id_);
    EXPECT_EQ(ring->key_ids().size(), 1u);  // the old key is gone from disk
    ExpectAllUnderKey(ring->current_key_id());
    ExpectAllDecrypt(*ring, kCredentials);

    // The old key alone no longer opens anything.
    for (const auto& [name, value] : SealedByInbox()) {
        auto r = old_ring->Decrypt(value);
        ASSERT_FALSE(r.ok()) << name;
        EXPECT_EQ(r.error().code, ErrorCode::kInternal);
    }

    // NULL credentials stay NULL.
    auto nulls = db_->ReadValue([](Session& s) {
        return s.Query("SELECT COUNT(*) FROM inboxes WHERE credentials_enc IS NULL");
    });
    ASSERT_TRUE(nulls.ok());
    EXPECT_EQ(storage::AsInt(nulls->rows[0][0]), 1);
}

TEST_F(KeyRotationTest, CrashAfterWritingNextBeforeTheTransaction) {
    auto prepared = PrepareKeyRotation(key_file_);
    ASSERT_TRUE(prepared.ok());
    const std::string new_id = prepared->current_key_id();
    ASSERT_TRUE(fs::exists(key_file_ + ".next"));
    // -- crash --

    auto ring = Load();
    ASSERT_TRUE(ring.ok());
    EXPECT_EQ(ring->current_key_id(), new_id);
    ExpectAllDecrypt(*ring, kCredentials);

    // A server running in this window seals new values with the pending key.
    auto extra = kCredentials;
    extra["ig"] = R"({"token":"instagram"})";
    ASSERT_TRUE(
        db_->Write([&](Session& s) { return InsertInbox(s, "ig", *ring->Encrypt(extra["ig"])); })
            .ok());

    ASSERT_TRUE(RotateMasterKey(*db_, key_file_).ok());
    auto after = Load();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->current_key_id(), new_id);  // the pending key was reused, not replaced
    EXPECT_EQ(after->key_ids().size(), 1u);
    ExpectAllUnderKey(new_id);
    ExpectAllDecrypt(*after, extra);
}

TEST_F(KeyRotationTest, CrashAfterTheTransactionBeforeTheRename) {
    auto prepared = PrepareKeyRotation(key_file_);
    ASSERT_TRUE(prepared.ok());
    const std::string new_id = prepared->current_key_id();
    auto rewritten = ReencryptColumns(*db_, *prepared, DefaultEncryptedColumns());
    ASSERT_TRUE(rewritten.ok()) << rewritten.error().message;
    EXPECT_EQ(*rewritten, 2);
    // -- crash --

    auto ring = Load();
    ASSERT_TRUE(ring.ok());
    ExpectAllUnderKey(new_id);
    ExpectAllDecrypt(*ring, kCredentials);

    // Re-running finds nothing left to rewrite and completes the rename.
    EXPECT_EQ(*ReencryptColumns(*db_, *ring, DefaultEncryptedColumns()), 0);
    ASSERT_TRUE(RotateMasterKey(*db_, key_file_).ok());
    auto after = Load();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->current_key_id(), new_id);
    EXPECT_EQ(after->key_ids().size(), 1u);
    EXPECT_FALSE(fs::exists(key_file_ + ".next"));
    ExpectAllDecrypt(*after, kCredentials);
}

TEST_F(KeyRotationTest, AValueUnderAnUnknownKeyAbortsWithoutChangingAnything) {
    auto stranger = Keyring::Create(std::string(kMasterKeyBytes, 's'));
    ASSERT_TRUE(stranger.ok());
    ASSERT_TRUE(db_->Write([&](Session& s) {
                       return InsertInbox(s, "lost", *stranger->Encrypt("unreadable"));
                   })
                    .ok());
    auto before = SealedByInbox();

    Status s = RotateMasterKey(*db_, key_file_);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("unknown key"), std::string::npos) << s.error().message;
    EXPECT_EQ(SealedByInbox(), before);  // the transaction rolled back as a whole
    auto ring = Load();
    ASSERT_TRUE(ring.ok());
    EXPECT_TRUE(ring->HasKey(old_key_id_));  // the old key is still on disk
}

TEST_F(KeyRotationTest, NeedsAnExistingKeyFile) {
    auto r = RotateMasterKey(*db_, (dir_.path() / "nope.key").string());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace hudhud::secrets
