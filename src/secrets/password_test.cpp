#include "secrets/password.hpp"

#include <gtest/gtest.h>

namespace hudhud::secrets {
namespace {

TEST(PasswordTest, VerifiesTheRightPasswordOnly) {
    auto hash = HashPassword("correct horse كلمة السر", kPasswordHashMinimum);
    ASSERT_TRUE(hash.ok()) << hash.error().message;
    EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
    EXPECT_TRUE(VerifyPassword(*hash, "correct horse كلمة السر"));
    EXPECT_FALSE(VerifyPassword(*hash, "correct horse"));
    EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordTest, SaltsEveryHash) {
    EXPECT_NE(*HashPassword("pw", kPasswordHashMinimum), *HashPassword("pw", kPasswordHashMinimum));
}

TEST(PasswordTest, MalformedHashNeverVerifies) {
    EXPECT_FALSE(VerifyPassword("", "pw"));
    EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "pw"));
    EXPECT_FALSE(VerifyPassword(std::string(500, 'x'), "pw"));
}

TEST(PasswordTest, NeedsRehashWhenParametersOrAlgorithmDiffer) {
    auto hash = HashPassword("pw", kPasswordHashMinimum);
    ASSERT_TRUE(hash.ok());
    EXPECT_FALSE(NeedsRehash(*hash, kPasswordHashMinimum));
    EXPECT_TRUE(NeedsRehash(*hash, PasswordHashOptions{}));
    EXPECT_TRUE(NeedsRehash("$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA", kPasswordHashMinimum));
    EXPECT_TRUE(NeedsRehash("not a hash"));
}

TEST(PasswordTest, DefaultsAreInteractive) {
    // One real-cost hash, so the defaults are known to work on this machine.
    auto hash = HashPassword("pw");
    ASSERT_TRUE(hash.ok());
    EXPECT_NE(hash->find("m=65536,t=2"), std::string::npos) << *hash;
    EXPECT_TRUE(VerifyPassword(*hash, "pw"));
    EXPECT_FALSE(NeedsRehash(*hash));
}

TEST(PasswordTest, RejectsLimitsOutOfRange) {
    auto hash = HashPassword("pw", PasswordHashOptions{0, 8192});
    ASSERT_FALSE(hash.ok());
    EXPECT_EQ(hash.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace hudhud::secrets
