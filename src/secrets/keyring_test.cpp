#include "secrets/keyring.hpp"

#include <gtest/gtest.h>

#include <string>

namespace hudhud::secrets {
namespace {

const std::string kArabic = "مرحبا بكم في هدهد — رمز الوصول: EAAG٣٤٥";

std::string KeyOf(char fill) { return std::string(kMasterKeyBytes, fill); }

TEST(KeyringTest, RoundTripsArabicText) {
    auto ring = Keyring::Create(KeyOf('a'));
    ASSERT_TRUE(ring.ok());
    auto sealed = ring->Encrypt(kArabic);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->rfind("v1." + ring->current_key_id() + ".", 0), 0u) << *sealed;
    EXPECT_EQ(sealed->find("مرحبا"), std::string::npos);
    auto opened = ring->Decrypt(*sealed);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    EXPECT_EQ(*opened, kArabic);
}

TEST(KeyringTest, RoundTripsEmptyAndBinary) {
    auto ring = Keyring::Generate();
    ASSERT_TRUE(ring.ok());
    std::string binary("\0\x01\xff\x80", 4);
    for (const std::string& plain : {std::string(), binary}) {
        auto sealed = ring->Encrypt(plain);
        ASSERT_TRUE(sealed.ok());
        auto opened = ring->Decrypt(*sealed);
        ASSERT_TRUE(opened.ok());
        EXPECT_EQ(*opened, plain);
    }
}

TEST(KeyringTest, EachEncryptionUsesAFreshNonce) {
    auto ring = Keyring::Create(KeyOf('a'));
    ASSERT_TRUE(ring.ok());
    EXPECT_NE(*ring->Encrypt("same"), *ring->Encrypt("same"));
}

TEST(KeyringTest, KeyIdIsEightHexCharsOfTheKeyHash) {
    std::string id = Keyring::ComputeKeyId(KeyOf('a'));
    EXPECT_EQ(id.size(), 8u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(id, Keyring::ComputeKeyId(KeyOf('b')));
    EXPECT_EQ(Keyring::Create(KeyOf('a'))->current_key_id(), id);
}

TEST(KeyringTest, RejectsKeysOfTheWrongSize) {
    auto ring = Keyring::Create("short");
    ASSERT_FALSE(ring.ok());
    EXPECT_EQ(ring.error().code, ErrorCode::kInvalidArgument);
}

TEST(KeyringTest, DetectsTampering) {
    auto ring = Keyring::Create(KeyOf('a'));
    ASSERT_TRUE(ring.ok());
    std::string sealed = *ring->Encrypt(kArabic);

    // Flip one bit of the ciphertext: re-encode so only authentication can notice.
    std::string body = sealed.substr(sealed.rfind('.') + 1);
    std::string flipped = sealed;
    std::size_t pos = sealed.size() - body.size() + body.size() / 2;
    flipped[pos] = flipped[pos] == 'A' ? 'B' : 'A';
    auto r = ring->Decrypt(flipped);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);

    for (const std::string& bad :
         {std::string("garbage"), std::string("v2.") + sealed.substr(3), sealed + "!",
          sealed.substr(0, sealed.size() - 8), std::string("v1.") + ring->current_key_id() + ".",
          std::string("v1.XYZ.abc")}) {
        auto res = ring->Decrypt(bad);
        ASSERT_FALSE(res.ok()) << bad;
        EXPECT_EQ(res.error().code, ErrorCode::kInvalidArgument) << bad;
    }
}

TEST(KeyringTest, HeaderIsAuthenticated) {
    // Relabel a value sealed with key A as if sealed with key B, both in the ring: the
    // associated data no longer matches, so it fails instead of decrypting with the wrong key.
    auto ring = Keyring::Create(KeyOf('a'));
    ASSERT_TRUE(ring.ok());
    ASSERT_TRUE(ring->AddDecryptionKey(KeyOf('b')).ok());
    std::string sealed = *ring->Encrypt("secret");
    std::string id_b = Keyring::ComputeKeyId(KeyOf('b'));
    std::string relabeled = "v1." + id_b + sealed.substr(3 + 8);
    auto r = ring->Decrypt(relabeled);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(KeyringTest, UnknownKeyIdIsInternal) {
    auto a = Keyring::Create(KeyOf('a'));
    auto b = Keyring::Create(KeyOf('b'));
    ASSERT_TRUE(a.ok() && b.ok());
    auto r = b->Decrypt(*a->Encrypt("secret"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInternal);
    EXPECT_NE(r.error().message.find("unknown key " + a->current_key_id()), std::string::npos);
}

TEST(KeyringTest, OlderKeysDecryptButDoNotEncrypt) {
    auto old_ring = Keyring::Create(KeyOf('a'));
    ASSERT_TRUE(old_ring.ok());
    std::string sealed_old = *old_ring->Encrypt("from before");

    auto ring = Keyring::Create(KeyOf('b'));
    ASSERT_TRUE(ring.ok());
    ASSERT_TRUE(ring->AddDecryptionKey(KeyOf('a')).ok());
    ASSERT_TRUE(ring->AddDecryptionKey(KeyOf('a')).ok());  // duplicates are ignored
    EXPECT_EQ(ring->key_ids().size(), 2u);
    EXPECT_EQ(ring->key_ids().front(), Keyring::ComputeKeyId(KeyOf('b')));
    EXPECT_EQ(*ring->Decrypt(sealed_old), "from before");
    EXPECT_EQ(*Keyring::KeyIdOf(*ring->Encrypt("new")), Keyring::ComputeKeyId(KeyOf('b')));
}

TEST(KeyringTest, SurvivesMoves) {
    auto ring = Keyring::Create(KeyOf('a'));
    ASSERT_TRUE(ring.ok());
    std::string sealed = *ring->Encrypt("x");
    Keyring moved = std::move(ring).value();
    Keyring again = std::move(moved);
    EXPECT_EQ(*again.Decrypt(sealed), "x");
}

}  // namespace
}  // namespace hudhud::secrets
