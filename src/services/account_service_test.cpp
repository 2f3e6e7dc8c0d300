#include "services/account_service.hpp"

#include <gtest/gtest.h>

#include "services/contact_service.hpp"
#include "services/workspace_service.hpp"
#include "storage/sqlite/sqlite_database.hpp"

namespace hudhud::services {
namespace {

using namespace std::chrono_literals;

class AccountServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        storage::sqlite::SqliteOptions o;
        o.path = ":memory:";
        auto db = storage::sqlite::SqliteDatabase::Open(o);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(db).value();
        audit_ = std::make_unique<AuditLog>(*db_, clock_);
        throttle_ = std::make_unique<LoginThrottle>(clock_, LoginThrottle::Options{});
        AccountService::Options ao;
        ao.password_hash = secrets::kPasswordHashMinimum;
        accounts_ = std::make_unique<AccountService>(*db_, clock_, *audit_, *throttle_, ao);
        workspaces_ = std::make_unique<WorkspaceService>(*db_, clock_, *audit_, *accounts_,
                                                         WorkspaceService::Options{});
    }

    SignedIn SetupOwner() {
        auto r = accounts_->SetupFirstOwner(
            {"Qahwa", "Mona", " Mona@Example.com ", "correct horse", "en"}, ctx_);
        EXPECT_TRUE(r.ok()) << r.error().message;
        return *r;
    }

    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<AuditLog> audit_;
    std::unique_ptr<LoginThrottle> throttle_;
    std::unique_ptr<AccountService> accounts_;
    std::unique_ptr<WorkspaceService> workspaces_;
    RequestContext ctx_{"127.0.0.1", "test"};
};

TEST_F(AccountServiceTest, FirstRunSetupHappensOnce) {
    EXPECT_TRUE(*accounts_->NeedsSetup());
    SignedIn s = SetupOwner();
    EXPECT_EQ(s.user.email, "mona@example.com");
    EXPECT_TRUE(s.user.password_hash.empty()) << "hash never leaves the service";
    ASSERT_EQ(s.workspaces.size(), 1u);
    EXPECT_EQ(s.workspaces[0].role, Role::kOwner);
    EXPECT_FALSE(*accounts_->NeedsSetup());
    auto again = accounts_->SetupFirstOwner({"X", "Y", "y@x.io", "password1", "en"}, ctx_);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST_F(AccountServiceTest, LoginSessionAndLogout) {
    SetupOwner();
    auto bad = accounts_->Login("mona@example.com", "wrong password", ctx_);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kUnauthenticated);
    auto unknown = accounts_->Login("nobody@example.com", "whatever1", ctx_);
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().message, bad.error().message) << "no account enumeration";

    auto ok = accounts_->Login("MONA@example.com", "correct horse", ctx_);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    auto p = accounts_->AuthenticateSession(ok->session_token);
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->user.email, "mona@example.com");
    EXPECT_EQ(p->session->csrf_token, ok->csrf_token);

    ASSERT_TRUE(accounts_->Logout(ok->session_token, ctx_).ok());
    EXPECT_FALSE(accounts_->AuthenticateSession(ok->session_token).ok());
}

TEST_F(AccountServiceTest, SessionsExpire) {
    SignedIn s = SetupOwner();
    clock_.Advance(15 * 24h);
    auto p = accounts_->AuthenticateSession(s.session_token);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AccountServiceTest, ThrottlesRepeatedFailures) {
    SetupOwner();
    for (int i = 0; i < 5; ++i) (void)accounts_->Login("mona@example.com", "nope-nope", ctx_);
    auto r = accounts_->Login("mona@example.com", "correct horse", ctx_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
    clock_.Advance(16min);
    EXPECT_TRUE(accounts_->Login("mona@example.com", "correct horse", ctx_).ok());
}

TEST_F(AccountServiceTest, AuditRecordsSignInsAndFailures) {
    SignedIn s = SetupOwner();
    (void)accounts_->Login("mona@example.com", "bad-password", ctx_);
    auto p = accounts_->AuthenticateSession(s.session_token);
    ASSERT_TRUE(p.ok());
    auto access = accounts_->Authorize(*p, s.workspaces[0].workspace.id, Role::kAdmin);
    ASSERT_TRUE(access.ok());
    auto page = workspaces_->ListAudit(*access, {});
    ASSERT_TRUE(page.ok());
    std::vector<std::string> actions;
    for (const auto& e : page->items) actions.push_back(e.action);
    EXPECT_NE(std::find(actions.begin(), actions.end(), "auth.sign_in_failed"), actions.end());
    EXPECT_NE(std::find(actions.begin(), actions.end(), "auth.sign_in"), actions.end());
    EXPECT_EQ(page->items.front().ip, "127.0.0.1");
}

TEST_F(AccountServiceTest, AuthorizeHidesOtherWorkspacesAndChecksRoles) {
    SignedIn owner = SetupOwner();
    const WorkspaceId ws = owner.workspaces[0].workspace.id;
    auto other = accounts_->CreateOwner({"Other", "Omar", "omar@x.io", "password-2", "ar"});
    ASSERT_TRUE(other.ok());
    auto p = *accounts_->AuthenticateSession(owner.session_token);
    auto denied = accounts_->Authorize(p, other->workspace.id, Role::kAgent);
    ASSERT_FALSE(denied.ok());
    EXPECT_EQ(denied.error().code, ErrorCode::kNotFound);

    // An invited agent cannot do admin work.
    auto admin = *accounts_->Authorize(p, ws, Role::kAdmin);
    auto inv = workspaces_->Invite(admin, "agent@x.io", Role::kAgent, ctx_);
    ASSERT_TRUE(inv.ok()) << inv.error().message;
    auto agent = workspaces_->AcceptInvitation(inv->token, "Aisha", "agent-pass", ctx_);
    ASSERT_TRUE(agent.ok()) << agent.error().message;
    auto ap = *accounts_->AuthenticateSession(agent->session_token);
    EXPECT_TRUE(accounts_->Authorize(ap, ws, Role::kAgent).ok());
    auto r = accounts_->Authorize(ap, ws, Role::kAdmin);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied);
    // An invitation is single-use.
    EXPECT_FALSE(workspaces_->AcceptInvitation(inv->token, "Aisha", "agent-pass", ctx_).ok());
}

TEST_F(AccountServiceTest, ApiTokensAreBoundToTheirWorkspace) {
    SignedIn owner = SetupOwner();
    const WorkspaceId ws = owner.workspaces[0].workspace.id;
    auto p = *accounts_->AuthenticateSession(owner.session_token);
    auto other = accounts_->CreateWorkspace(p, "Second", ctx_);
    ASSERT_TRUE(other.ok());
    auto access = *accounts_->Authorize(p, ws, Role::kAgent);
    auto tok = workspaces_->CreateApiToken(access, "ci", ctx_);
    ASSERT_TRUE(tok.ok());
    EXPECT_EQ(tok->token.rfind("hh_", 0), 0u);
    auto tp = accounts_->AuthenticateApiToken(tok->token);
    ASSERT_TRUE(tp.ok());
    EXPECT_TRUE(accounts_->Authorize(*tp, ws, Role::kAgent).ok());
    auto cross = accounts_->Authorize(*tp, other->id, Role::kAgent);
    ASSERT_FALSE(cross.ok()) << "token of workspace A must not open workspace B";
    EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
    ASSERT_TRUE(workspaces_->RevokeApiToken(access, tok->record.id, ctx_).ok());
    EXPECT_FALSE(accounts_->AuthenticateApiToken(tok->token).ok());
}

TEST_F(AccountServiceTest, AuthCacheIsDroppedLocallyAndBoundedAcrossNodes) {
    SignedIn s = SetupOwner();
    // A second service on the same database plays another node.
    AccountService::Options ao;
    ao.password_hash = secrets::kPasswordHashMinimum;
    AccountService other_node(*db_, clock_, *audit_, *throttle_, ao);
    ASSERT_TRUE(other_node.AuthenticateSession(s.session_token).ok());
    ASSERT_TRUE(accounts_->AuthenticateSession(s.session_token).ok());
    ASSERT_TRUE(accounts_->Logout(s.session_token, ctx_).ok());
    EXPECT_FALSE(accounts_->AuthenticateSession(s.session_token).ok()) << "same node: at once";
    EXPECT_TRUE(other_node.AuthenticateSession(s.session_token).ok()) << "other node: cached";
    clock_.Advance(3s);
    EXPECT_FALSE(other_node.AuthenticateSession(s.session_token).ok()) << "other node: bounded";
}

TEST_F(AccountServiceTest, LastOwnerCannotBeDemoted) {
    SignedIn owner = SetupOwner();
    auto p = *accounts_->AuthenticateSession(owner.session_token);
    auto a = *accounts_->Authorize(p, owner.workspaces[0].workspace.id, Role::kOwner);
    auto r = workspaces_->ChangeRole(a, p.user.id, Role::kAgent, ctx_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kConflict);
}

TEST_F(AccountServiceTest, ContactsAreScopedToTheWorkspace) {
    SignedIn owner = SetupOwner();
    auto p = *accounts_->AuthenticateSession(owner.session_token);
    auto a = *accounts_->Authorize(p, owner.workspaces[0].workspace.id, Role::kAgent);
    auto other_ws = *accounts_->CreateWorkspace(p, "Second", ctx_);
    auto b = *accounts_->Authorize(p, other_ws.id, Role::kAgent);
    ContactService contacts(*db_, clock_, *audit_);
    storage::ContactFields f;
    f.name = "سارة";
    f.phone_e164 = "+971501234567";
    auto c = contacts.Create(a, f, ctx_);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_TRUE(contacts.Get(a, c->id).ok());
    auto cross = contacts.Get(b, c->id);
    ASSERT_FALSE(cross.ok());
    EXPECT_EQ(cross.error().code, ErrorCode::kNotFound);
    EXPECT_FALSE(contacts.Delete(b, c->id, ctx_).ok());
    EXPECT_FALSE(contacts.AddNote(b, c->id, "x").ok());
    f.phone_e164 = "0501234567";
    EXPECT_EQ(contacts.Create(a, f, ctx_).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace hudhud::services
