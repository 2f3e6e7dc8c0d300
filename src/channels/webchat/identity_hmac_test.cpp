#include "channels/webchat/identity_hmac.hpp"

#include <gtest/gtest.h>

namespace hudhud::channels::webchat {
namespace {

TEST(IdentityHmacTest, MatchesTheRfc4231Vector) {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    EXPECT_EQ(IdentityHash("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(IdentityHmacTest, VerifiesCaseInsensitivelyAndRejectsMismatches) {
    const std::string hash = IdentityHash("secret", "user-42");
    EXPECT_TRUE(VerifyIdentityHash("secret", "user-42", hash));
    std::string upper = hash;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(VerifyIdentityHash("secret", "user-42", upper));
    EXPECT_FALSE(VerifyIdentityHash("secret", "user-43", hash));
    EXPECT_FALSE(VerifyIdentityHash("other", "user-42", hash));
    EXPECT_FALSE(VerifyIdentityHash("secret", "user-42", hash.substr(1)));
    EXPECT_FALSE(VerifyIdentityHash("secret", "user-42", ""));
    EXPECT_FALSE(VerifyIdentityHash("", "user-42", IdentityHash("", "user-42")));
}

}  // namespace
}  // namespace hudhud::channels::webchat
