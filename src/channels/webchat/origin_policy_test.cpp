#include "channels/webchat/origin_policy.hpp"

#include <gtest/gtest.h>

namespace hudhud::channels::webchat {
namespace {

TEST(OriginPolicyTest, PatternForms) {
    for (const char* ok : {"shop.example", "*.example.com", "shop.example:8080",
                           "https://shop.example", "http://127.0.0.1:8081"}) {
        EXPECT_TRUE(ValidDomainPattern(ok)) << ok;
    }
    for (const char* bad : {"", "ftp://x.example", "https://x.example/path", "x.example:",
                            "x.example:99999a", "*", "https://user@x.example", ".example"}) {
        EXPECT_FALSE(ValidDomainPattern(bad)) << bad;
    }
}

struct Case {
    const char* origin;
    bool allowed;
};

TEST(OriginPolicyTest, MatchesOrigins) {
    const std::vector<std::string> patterns = {"shop.example", "*.brand.example",
                                               "https://secure.example",
                                               "http://127.0.0.1:8081"};
    const Case cases[] = {
        {"https://shop.example", true},
        {"http://SHOP.example:3000", true},   // scheme-less: any scheme and port
        {"https://a.brand.example", true},
        {"https://a.b.brand.example", true},
        {"https://brand.example", false},     // the wildcard is for sub-domains only
        {"https://evilbrand.example", false},
        {"https://secure.example", true},
        {"https://secure.example:443", true},  // default port
        {"http://secure.example", false},      // scheme given: must match
        {"https://secure.example:8443", false},
        {"http://127.0.0.1:8081", true},
        {"http://127.0.0.1:8082", false},
        {"https://shop.example.evil.test", false},
        {"null", false},
        {"", false},
    };
    for (const auto& c : cases) EXPECT_EQ(OriginAllowed(c.origin, patterns), c.allowed) << c.origin;
    EXPECT_TRUE(OriginAllowed("https://anything.test", {}));
}

TEST(OriginPolicyTest, SameOriginComparesHostAndPort) {
    EXPECT_TRUE(SameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
    EXPECT_TRUE(SameOrigin("https://chat.example", "chat.example:443"));
    EXPECT_TRUE(SameOrigin("https://Chat.Example", "chat.example"));
    EXPECT_FALSE(SameOrigin("http://127.0.0.1:8081", "127.0.0.1:8080"));
    EXPECT_FALSE(SameOrigin("null", "127.0.0.1:8080"));
    EXPECT_FALSE(SameOrigin("http://a.example", ""));
}

TEST(OriginPolicyTest, FrameAncestors) {
    EXPECT_EQ(FrameAncestors({}), "frame-ancestors *");
    EXPECT_EQ(FrameAncestors({"https://shop.example", "*.brand.example", "http://127.0.0.1:81"}),
              "frame-ancestors 'self' https://shop.example http://*.brand.example:* "
              "https://*.brand.example:* http://127.0.0.1:81");
}

}  // namespace
}  // namespace hudhud::channels::webchat
