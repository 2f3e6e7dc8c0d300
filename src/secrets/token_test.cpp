#include "secrets/token.hpp"

#include <gtest/gtest.h>

#include <set>

namespace hudhud::secrets {
namespace {

TEST(TokenTest, RandomTokensAreUrlSafeAndDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        std::string t = RandomToken();
        EXPECT_EQ(t.size(), 43u);
        EXPECT_EQ(
            t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos)
            << t;
        seen.insert(t);
    }
    EXPECT_EQ(seen.size(), 100u);
    EXPECT_EQ(RandomToken(16).size(), 22u);
}

TEST(TokenTest, HashTokenIsSha256Hex) {
    EXPECT_EQ(HashToken("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(HashToken("").size(), 64u);
    EXPECT_NE(HashToken("a"), HashToken("b"));
}

TEST(TokenTest, ConstantTimeEquals) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
    EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
    EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
    EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace hudhud::secrets
