#include "secrets/master_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "storage/testing/temp_dir.hpp"

namespace hudhud::secrets {
namespace {

namespace fs = std::filesystem;
using storage::testing::TempDir;

unsigned ModeOf(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 07777;
}

void WriteFile(const fs::path& p, const std::string& text, unsigned mode) {
    std::ofstream(p) << text;
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
}

const std::string kHexKey = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
// The same 32 bytes in base64.
const std::string kBase64Key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

TEST(MasterKeyTest, CreatesKeyFile0600InA0700DirectoryAndReusesIt) {
    TempDir dir;
    fs::path file = dir.path() / "conf" / "keys" / "master.key";
    auto first = LoadOrCreateMasterKey({file.string(), std::nullopt});
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(ModeOf(file), 0600u);
    EXPECT_EQ(ModeOf(file.parent_path()), 0700u);
    EXPECT_EQ(ModeOf(file.parent_path().parent_path()), 0700u);
    // No temporary file is left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(file.parent_path()), fs::directory_iterator()),
              1);

    std::string sealed = *first->Encrypt("token");
    auto second = LoadOrCreateMasterKey({file.string(), std::nullopt});
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->current_key_id(), first->current_key_id());
    EXPECT_EQ(*second->Decrypt(sealed), "token");
}

TEST(MasterKeyTest, ConcurrentCreatorsAgreeOnOneKey) {
    TempDir dir;
    std::string file = (dir.path() / "master.key").string();
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto ring = LoadOrCreateMasterKey({file, std::nullopt});
            if (ring.ok()) ids[i] = ring->current_key_id();
        });
    }
    for (auto& t : threads) t.join();
    for (const auto& id : ids) EXPECT_EQ(id, ids[0]);
    EXPECT_FALSE(ids[0].empty());
}

TEST(MasterKeyTest, RefusesGroupOrWorldAccessibleKeyFile) {
    TempDir dir;
    fs::path file = dir.path() / "master.key";
    WriteFile(file, kHexKey + "\n", 0644);
    auto r = LoadOrCreateMasterKey({file.string(), std::nullopt});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
    EXPECT_NE(r.error().message.find("0644"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().message.find(kHexKey), std::string::npos);

    ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
    EXPECT_FALSE(LoadOrCreateMasterKey({file.string(), std::nullopt}).ok());
    ASSERT_EQ(::chmod(file.c_str(), 0400), 0);
    EXPECT_TRUE(LoadOrCreateMasterKey({file.string(), std::nullopt}).ok());
}

TEST(MasterKeyTest, RefusesMalformedKeyFile) {
    TempDir dir;
    fs::path file = dir.path() / "master.key";
    for (const std::string& bad : {std::string(""), std::string("not a key"), kHexKey + "00",
                                   kHexKey.substr(0, 62) + "zz", std::string("AAECAw==")}) {
        WriteFile(file, bad, 0600);
        auto r = LoadOrCreateMasterKey({file.string(), std::nullopt});
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << bad;
    }
    // A directory where the key file should be.
    fs::path as_dir = dir.path() / "dir.key";
    fs::create_directory(as_dir);
    fs::permissions(as_dir, fs::perms::owner_all);
    EXPECT_FALSE(LoadOrCreateMasterKey({as_dir.string(), std::nullopt}).ok());
}

TEST(MasterKeyTest, AcceptsHexAndBase64Files) {
    TempDir dir;
    fs::path hex = dir.path() / "hex.key";
    fs::path b64 = dir.path() / "b64.key";
    WriteFile(hex, "  " + kHexKey + "\n", 0600);
    WriteFile(b64, kBase64Key + "\n", 0600);
    auto a = LoadOrCreateMasterKey({hex.string(), std::nullopt});
    auto b = LoadOrCreateMasterKey({b64.string(), std::nullopt});
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->current_key_id(), b->current_key_id());
}

TEST(MasterKeyTest, EnvironmentWinsOverTheFile) {
    TempDir dir;
    fs::path file = dir.path() / "master.key";
    auto from_file = LoadOrCreateMasterKey({file.string(), std::nullopt});
    ASSERT_TRUE(from_file.ok());

    auto hex = LoadOrCreateMasterKey({file.string(), kHexKey});
    auto b64 = LoadOrCreateMasterKey({file.string(), kBase64Key});
    auto urlsafe = LoadOrCreateMasterKey({"", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"});
    ASSERT_TRUE(hex.ok() && b64.ok() && urlsafe.ok());
    EXPECT_NE(hex->current_key_id(), from_file->current_key_id());
    EXPECT_EQ(hex->current_key_id(), b64->current_key_id());
    EXPECT_EQ(hex->current_key_id(), urlsafe->current_key_id());
    EXPECT_EQ(hex->key_ids().size(), 1u);

    // The file is not even looked at: a bad one does not matter.
    fs::path bad = dir.path() / "bad.key";
    WriteFile(bad, "junk", 0644);
    EXPECT_TRUE(LoadOrCreateMasterKey({bad.string(), kHexKey}).ok());
}

TEST(MasterKeyTest, RejectsMalformedOrEmptyEnvironmentValue) {
    for (const std::string& bad :
         {std::string(""), std::string("  "), std::string("short"), kHexKey.substr(2)}) {
        auto r = LoadOrCreateMasterKey({"", bad});
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        EXPECT_NE(r.error().message.find("HUDHUD_MASTER_KEY"), std::string::npos);
    }
    EXPECT_FALSE(LoadOrCreateMasterKey({"", std::nullopt}).ok());
}

TEST(MasterKeyTest, PendingRotationLoadsBothKeysWithTheNextOneCurrent) {
    TempDir dir;
    fs::path file = dir.path() / "master.key";
    WriteFile(file, kHexKey, 0600);
    std::string next_key(kMasterKeyBytes, '\x42');
    ASSERT_TRUE(detail::WriteKeyFileExclusive(file.string() + ".next", next_key).ok());
    EXPECT_EQ(ModeOf(file.string() + ".next"), 0600u);

    auto ring = LoadOrCreateMasterKey({file.string(), std::nullopt});
    ASSERT_TRUE(ring.ok()) << ring.error().message;
    EXPECT_EQ(ring->current_key_id(), Keyring::ComputeKeyId(next_key));
    EXPECT_EQ(ring->key_ids().size(), 2u);
    EXPECT_TRUE(ring->HasKey(ParseMasterKey(kHexKey)->current_key_id()));

    // An exclusive write never replaces an existing file.
    auto again = detail::WriteKeyFileExclusive(file.string() + ".next", std::string(32, 'z'));
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST(MasterKeyTest, RefusesToInventAKeyWhenOnlyTheNextFileExists) {
    TempDir dir;
    fs::path file = dir.path() / "master.key";
    ASSERT_TRUE(detail::WriteKeyFileExclusive(file.string() + ".next", std::string(32, 'n')).ok());
    auto r = LoadOrCreateMasterKey({file.string(), std::nullopt});
    ASSERT_FALSE(r.ok());
    EXPECT_FALSE(fs::exists(file));
}

}  // namespace
}  // namespace hudhud::secrets
