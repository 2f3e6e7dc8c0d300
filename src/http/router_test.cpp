#include "http/router.hpp"

#include <gtest/gtest.h>

namespace hudhud::http {
namespace {

Handler Named(std::string name) {
    return [name](Request&) { return Response::Text(200, name); };
}

std::string Call(const Router::Match& m) {
    Request req;
    return m.route->handler(req).body;
}

TEST(RouterTest, MatchesLiteralsAndParams) {
    Router r;
    r.Get("/api/v1/workspaces/{workspace_id}/contacts/{id}", Named("contact"));
    r.Get("/api/v1/workspaces/{workspace_id}/contacts", Named("contacts"));
    r.Get("/", Named("root"));

    auto m = r.Find(Method::kGet, "/api/v1/workspaces/7/contacts/42");
    ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
    EXPECT_EQ(Call(m), "contact");
    ASSERT_EQ(m.params.size(), 2u);
    EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"workspace_id", "7"}));
    EXPECT_EQ(m.params[1], (std::pair<std::string, std::string>{"id", "42"}));
    EXPECT_EQ(m.route->options.name, "/api/v1/workspaces/{workspace_id}/contacts/{id}");

    EXPECT_EQ(Call(r.Find(Method::kGet, "/api/v1/workspaces/7/contacts")), "contacts");
    EXPECT_EQ(Call(r.Find(Method::kGet, "/")), "root");
    EXPECT_EQ(r.Find(Method::kGet, "/api/v1/workspaces/7/contacts/").kind,
              Router::Match::Kind::kNotFound);
    EXPECT_EQ(r.Find(Method::kGet, "/api/v1/workspaces//contacts").kind,
              Router::Match::Kind::kNotFound);
    EXPECT_EQ(r.Find(Method::kGet, "/nope").kind, Router::Match::Kind::kNotFound);
}

TEST(RouterTest, LiteralBeatsParamAndBacktracks) {
    Router r;
    r.Get("/a/{x}/c", Named("param"));
    r.Get("/a/b/c", Named("literal"));
    r.Get("/a/b/d", Named("literal-d"));
    r.Get("/a/{x}/e", Named("param-e"));
    EXPECT_EQ(Call(r.Find(Method::kGet, "/a/b/c")), "literal");
    EXPECT_EQ(Call(r.Find(Method::kGet, "/a/z/c")), "param");
    // The literal "b" branch has no "e": the parameter branch must still be tried.
    auto m = r.Find(Method::kGet, "/a/b/e");
    ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
    EXPECT_EQ(Call(m), "param-e");
    EXPECT_EQ(m.params[0].second, "b");
}

TEST(RouterTest, MethodNotAllowedListsAllow) {
    Router r;
    r.Get("/items/{id}", Named("get"));
    r.Patch("/items/{id}", Named("patch"));
    r.Delete("/items/{id}", Named("delete"));
    auto m = r.Find(Method::kPost, "/items/1");
    EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
    EXPECT_EQ(m.allow, "GET, HEAD, PATCH, DELETE");
    // HEAD is served by GET.
    EXPECT_EQ(Call(r.Find(Method::kHead, "/items/1")), "get");
    EXPECT_EQ(r.Find(Method::kOther, "/items/1").kind, Router::Match::Kind::kMethodNotAllowed);
}

TEST(RouterTest, MethodMatchOnAnotherBranchWins) {
    Router r;
    r.Post("/a/b", Named("post-literal"));
    r.Get("/a/{x}", Named("get-param"));
    EXPECT_EQ(Call(r.Find(Method::kGet, "/a/b")), "get-param");
    EXPECT_EQ(Call(r.Find(Method::kPost, "/a/b")), "post-literal");
    auto m = r.Find(Method::kPut, "/a/b");
    EXPECT_EQ(m.kind, Router::Match::Kind::kMethodNotAllowed);
    EXPECT_EQ(m.allow, "GET, HEAD, POST");
}

TEST(RouterTest, WildcardTakesTheRest) {
    Router r;
    r.Get("/static/{*path}", Named("static"));
    r.Get("/static/special", Named("special"));
    auto m = r.Find(Method::kGet, "/static/js/app%20x.js");
    ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
    EXPECT_EQ(Call(m), "static");
    EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"path", "js/app x.js"}));
    EXPECT_EQ(Call(r.Find(Method::kGet, "/static/special")), "special");
    EXPECT_EQ(r.Find(Method::kGet, "/static/").params[0].second, "");
    EXPECT_EQ(r.Find(Method::kGet, "/static").kind, Router::Match::Kind::kNotFound);
}

TEST(RouterTest, ParamsArePercentDecodedWithoutSplitting) {
    Router r;
    r.Get("/files/{name}/meta", Named("meta"));
    auto m = r.Find(Method::kGet, "/files/a%2Fb%20%D8%B3/meta");
    ASSERT_EQ(m.kind, Router::Match::Kind::kFound);
    EXPECT_EQ(m.params[0].second, "a/b \xD8\xB3");
    EXPECT_EQ(r.Find(Method::kGet, "/files/%zz/meta").kind, Router::Match::Kind::kBadPath);
    EXPECT_EQ(r.Find(Method::kGet, "/files/%00/meta").kind, Router::Match::Kind::kBadPath);
}

TEST(RouterTest, FallbackOnlyWhenNoPathMatches) {
    Router r;
    r.Get("/api/v1/me", Named("me"));
    r.SetFallback(Named("spa"));
    EXPECT_EQ(Call(r.Find(Method::kGet, "/inbox/3")), "spa");
    EXPECT_EQ(r.Find(Method::kGet, "/inbox/3").route->options.name, "fallback");
    EXPECT_EQ(r.Find(Method::kPost, "/api/v1/me").kind, Router::Match::Kind::kMethodNotAllowed);
    EXPECT_EQ(r.routes().size(), 2u);
    EXPECT_EQ(r.fallback()->index, 1u);
}

TEST(RouterTest, RejectsBadPatternsAndDuplicates) {
    Router r;
    Handler h = Named("x");
    EXPECT_TRUE(r.TryAdd(Method::kGet, "/a/{id}", h).ok());
    EXPECT_FALSE(r.TryAdd(Method::kGet, "/a/{other}", h).ok());  // same shape
    EXPECT_TRUE(r.TryAdd(Method::kPost, "/a/{other}", h).ok());  // other method, other name ok
    EXPECT_FALSE(r.TryAdd(Method::kGet, "a/b", h).ok());
    EXPECT_FALSE(r.TryAdd(Method::kGet, "/a/{1x}", h).ok());
    EXPECT_FALSE(r.TryAdd(Method::kGet, "/a/{x}/{x}", h).ok());
    EXPECT_FALSE(r.TryAdd(Method::kGet, "/a/{*rest}/b", h).ok());
    EXPECT_FALSE(r.TryAdd(Method::kGet, "/a/x{y}", h).ok());
    EXPECT_FALSE(r.TryAdd(Method::kGet, "/b", Handler()).ok());
    EXPECT_FALSE(r.TryAdd(Method::kOther, "/c", h).ok());
    auto s = r.TryAdd(Method::kGet, "/a/{zzz}", h);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("conflicts with existing route /a/{id}"), std::string::npos);
}

TEST(RouterDeathTest, AddAbortsOnProgrammingError) {
    Router r;
    EXPECT_DEATH(r.Add(Method::kGet, "no-slash", Named("x")), "invalid route table");
}

TEST(RouterTest, RouteOptionsArePreserved) {
    Router r;
    r.Get("/healthz", Named("ok"), {.inline_handler = true, .name = "healthz"});
    r.Post("/upload", Named("up"), {.max_body = 10u << 20});
    auto m = r.Find(Method::kGet, "/healthz");
    EXPECT_TRUE(m.route->options.inline_handler);
    EXPECT_EQ(m.route->options.name, "healthz");
    EXPECT_EQ(r.Find(Method::kPost, "/upload").route->options.max_body, 10u << 20);
}

}  // namespace
}  // namespace hudhud::http
