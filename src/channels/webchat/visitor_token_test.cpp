#include "channels/webchat/visitor_token.hpp"

#include <gtest/gtest.h>

#include <set>

namespace hudhud::channels::webchat {
namespace {

using namespace std::chrono_literals;

secrets::Keyring MakeKeyring() { return std::move(secrets::Keyring::Generate()).value(); }

TEST(VisitorTokenTest, RoundTripsClaims) {
    auto keyring = MakeKeyring();
    FakeClock clock;
    VisitorTokenSigner signer(keyring);
    auto claims = signer.Claims(WorkspaceId(7), InboxId(3), NewSourceId(), clock.Now());
    auto token = signer.Issue(claims);
    ASSERT_TRUE(token.ok());
    EXPECT_TRUE(token->starts_with("hv1."));
    EXPECT_EQ(token->find_first_of("+/= "), std::string::npos);  // query-string safe
    auto back = signer.Verify(*token, clock.Now());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(back->workspace_id, WorkspaceId(7));
    EXPECT_EQ(back->inbox_id, InboxId(3));
    EXPECT_EQ(back->source_id, claims.source_id);
}

TEST(VisitorTokenTest, ExpiresAndRefreshesWithinTheWindow) {
    auto keyring = MakeKeyring();
    FakeClock clock;
    VisitorTokenSigner signer(keyring, {.lifetime = 1h, .refresh_window = 48h});
    auto token = signer.Issue(signer.Claims(WorkspaceId(1), InboxId(1), "s", clock.Now())).value();
    clock.Advance(2h);
    auto expired = signer.Verify(token, clock.Now());
    ASSERT_FALSE(expired.ok());
    EXPECT_EQ(expired.error().code, ErrorCode::kUnauthenticated);
    EXPECT_TRUE(signer.Verify(token, clock.Now(), /*allow_expired=*/true).ok());
    clock.Advance(47h);
    EXPECT_FALSE(signer.Verify(token, clock.Now(), true).ok());
}

TEST(VisitorTokenTest, RefusesForgedTamperedAndForeignTokens) {
    auto keyring = MakeKeyring();
    auto other = MakeKeyring();
    FakeClock clock;
    VisitorTokenSigner signer(keyring);
    VisitorTokenSigner stranger(other);
    auto token = signer.Issue(signer.Claims(WorkspaceId(1), InboxId(1), "s", clock.Now())).value();
    std::string tampered = token;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    const std::string forged =
        stranger.Issue(stranger.Claims(WorkspaceId(1), InboxId(1), "s", clock.Now())).value();
    // A value sealed by the same keyring for another purpose (inbox credentials) is no token.
    std::string sealed = keyring.Encrypt(R"({"w":1,"i":1,"s":"s","iat":0,"exp":9e9})").value();
    for (const std::string& bad : {tampered, forged, std::string("hv1.") + sealed,
                                   std::string("hv1.x"), std::string("garbage"), std::string()}) {
        auto r = signer.Verify(bad, clock.Now());
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, ErrorCode::kUnauthenticated);
    }
}

TEST(VisitorTokenTest, SurvivesKeyRotation) {
    auto old_key = MakeKeyring();
    FakeClock clock;
    auto token = VisitorTokenSigner(old_key)
                     .Issue(VisitorTokenSigner(old_key).Claims(WorkspaceId(1), InboxId(2), "s",
                                                               clock.Now()))
                     .value();
    auto rotated = MakeKeyring();
    ASSERT_TRUE(rotated.AddDecryptionKey(old_key.current_key_bytes()).ok());
    EXPECT_TRUE(VisitorTokenSigner(rotated).Verify(token, clock.Now()).ok());
}

TEST(VisitorTokenTest, SourceIdsAreRandomUuids) {
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto id = NewSourceId();
        ASSERT_EQ(id.size(), 36u);
        EXPECT_EQ(id[14], '4');
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace hudhud::channels::webchat
