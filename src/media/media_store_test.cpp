#include "media/media_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "storage/testing/temp_dir.hpp"

namespace hudhud::media {
namespace {

namespace fs = std::filesystem;

// Files under the root other than blobs (leftover temporaries would show up here).
std::vector<fs::path> AllFiles(const fs::path& root) {
    std::vector<fs::path> out;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (e.is_regular_file()) out.push_back(e.path());
    }
    return out;
}

class MediaStoreTest : public ::testing::Test {
  protected:
    storage::testing::TempDir dir_;
    MediaStore store_{dir_.path() / "media"};
};

TEST(Sha256HexTest, KnownVectors) {
    EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(MediaStoreTest, PutWritesUnderTheContentAddressAndReadsBack) {
    const std::string bytes = std::string("\x89PNG\r\n\x1a\n", 8) + std::string(1000, '\0') + "end";
    auto put = store_.Put(bytes);
    ASSERT_TRUE(put.ok()) << put.error().message;
    EXPECT_EQ(put->sha256_hex, Sha256Hex(bytes));
    EXPECT_EQ(put->size, bytes.size());
    const std::string& h = put->sha256_hex;
    const fs::path expected = store_.root() / h.substr(0, 2) / h.substr(2, 2) / h;
    EXPECT_TRUE(fs::is_regular_file(expected));
    EXPECT_EQ(fs::status(expected).permissions() & fs::perms::others_all, fs::perms::none);
    auto path = store_.PathOf(h);
    ASSERT_TRUE(path.ok());
    EXPECT_EQ(*path, expected);
    auto read = store_.Read(h);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, bytes);
    EXPECT_TRUE(store_.Exists(h));
    // Only the blob: the temporary file was renamed into place.
    EXPECT_EQ(AllFiles(store_.root()).size(), 1u);
}

TEST_F(MediaStoreTest, UpperCaseKeysAreTheSameBlob) {
    auto put = store_.Put("hello");
    ASSERT_TRUE(put.ok());
    std::string upper = put->sha256_hex;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto read = store_.Read(upper);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, "hello");
}

TEST_F(MediaStoreTest, IdenticalBytesAreStoredOnce) {
    auto a = store_.Put("same bytes");
    auto b = store_.Put("same bytes");
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->sha256_hex, b->sha256_hex);
    EXPECT_EQ(AllFiles(store_.root()).size(), 1u);
    ASSERT_TRUE(store_.Put("other bytes").ok());
    EXPECT_EQ(AllFiles(store_.root()).size(), 2u);
}

TEST_F(MediaStoreTest, EmptyBlobIsAllowed) {
    auto put = store_.Put("");
    ASSERT_TRUE(put.ok());
    EXPECT_EQ(put->size, 0u);
    auto read = store_.Read(put->sha256_hex);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, "");
}

TEST_F(MediaStoreTest, ExpectedChecksumIsEnforced) {
    const std::string bytes = "the real image";
    auto ok = store_.Put(bytes, Sha256Hex(bytes));
    EXPECT_TRUE(ok.ok());

    auto mismatch = store_.Put("tampered image", Sha256Hex(bytes));
    ASSERT_FALSE(mismatch.ok());
    EXPECT_EQ(mismatch.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(mismatch.error().message, "checksum mismatch");
    EXPECT_FALSE(store_.Exists(Sha256Hex("tampered image")));

    auto malformed = store_.Put("x", "not-a-hash");
    ASSERT_FALSE(malformed.ok());
    EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(AllFiles(store_.root()).size(), 1u);
}

TEST_F(MediaStoreTest, MalformedKeysAreRefusedBeforeTouchingTheDisk) {
    // A file outside the store that a path-traversing key would reach.
    ASSERT_TRUE(fs::create_directories(store_.root()));
    const fs::path outside = dir_.path() / "x";
    { std::ofstream(outside) << "secret"; }
    for (std::string_view bad :
         {std::string_view("../x"), std::string_view(""), std::string_view("/etc/passwd"),
          std::string_view("ab/../../x"), std::string_view("e3b0c44298fc1c149afbf4c8996fb924"),
          std::string_view("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
          std::string_view("../../../../../../../../../../../../../../../../../../../../x.x"),
          std::string_view("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\0",
                           65)}) {
        auto read = store_.Read(bad);
        ASSERT_FALSE(read.ok()) << bad;
        EXPECT_EQ(read.error().code, ErrorCode::kInvalidArgument) << bad;
        EXPECT_EQ(store_.PathOf(bad).error().code, ErrorCode::kInvalidArgument) << bad;
        EXPECT_FALSE(store_.Exists(bad));
        EXPECT_EQ(store_.Remove(bad).error().code, ErrorCode::kInvalidArgument) << bad;
    }
    EXPECT_TRUE(fs::exists(outside));
}

TEST_F(MediaStoreTest, MissingBlobIsNotFound) {
    const std::string h = Sha256Hex("never stored");
    EXPECT_EQ(store_.Read(h).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(store_.PathOf(h).error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(store_.Exists(h));
}

TEST_F(MediaStoreTest, RemoveDeletesAndIsIdempotent) {
    auto put = store_.Put("to be erased");
    ASSERT_TRUE(put.ok());
    EXPECT_TRUE(store_.Remove(put->sha256_hex).ok());
    EXPECT_FALSE(store_.Exists(put->sha256_hex));
    EXPECT_EQ(store_.Read(put->sha256_hex).error().code, ErrorCode::kNotFound);
    EXPECT_TRUE(store_.Remove(put->sha256_hex).ok()) << "already gone is fine";
    // Stored again after erasure, it comes back.
    ASSERT_TRUE(store_.Put("to be erased").ok());
    EXPECT_TRUE(store_.Exists(put->sha256_hex));
}

TEST_F(MediaStoreTest, ConcurrentPutsOfTheSameBytesLeaveOneCompleteBlob) {
    const std::string bytes(256 * 1024, 'z');
    constexpr int kThreads = 8;
    std::vector<std::thread> threads;
    std::vector<int> ok(kThreads, 0);
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            for (int round = 0; round < 10; ++round) {
                auto put = store_.Put(bytes);
                if (put.ok() && put->size == bytes.size()) ++ok[i];
                auto read = store_.Read(Sha256Hex(bytes));
                // A reader never sees a partial file.
                if (read.ok() && *read != bytes) ok[i] = -1000;
            }
        });
    }
    for (auto& t : threads) t.join();
    for (int i = 0; i < kThreads; ++i) EXPECT_EQ(ok[i], 10) << "thread " << i;
    EXPECT_EQ(AllFiles(store_.root()).size(), 1u) << "no temporary files left behind";
    auto read = store_.Read(Sha256Hex(bytes));
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(*read, bytes);
}

TEST_F(MediaStoreTest, UnwritableRootIsUnavailable) {
    MediaStore bad(dir_.path() / "file-not-dir" / "media");
    { std::ofstream(dir_.path() / "file-not-dir") << "x"; }
    auto put = bad.Put("bytes");
    ASSERT_FALSE(put.ok());
    EXPECT_EQ(put.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(put.error().retryable);
}

}  // namespace
}  // namespace hudhud::media
