#include "http/request.hpp"

#include <gtest/gtest.h>

#include "http/request_id.hpp"
#include "http/response.hpp"

namespace hudhud::http {
namespace {

TEST(RequestTest, HeadersAreCaseInsensitive) {
    Request req;
    req.headers.Add("Content-Type", "application/json");
    req.headers.Add("X-Thing", "1");
    req.headers.Add("x-thing", "2");
    EXPECT_EQ(req.Header("content-type"), "application/json");
    EXPECT_EQ(req.Header("X-THING"), "1");
    EXPECT_FALSE(req.Header("Missing").has_value());
    req.headers.Set("X-Thing", "3");
    EXPECT_EQ(req.headers.size(), 2u);
    EXPECT_EQ(req.Header("x-thing"), "3");
}

TEST(RequestTest, ParsesQuery) {
    auto q = ParseQuery("a=1&b=x%20y+z&flag&&c=%D9%85%D8%B1%D8%AD%D8%A8%D8%A7&a=2");
    ASSERT_TRUE(q.ok());
    ASSERT_EQ(q->size(), 5u);
    EXPECT_EQ((*q)[1].second, "x y z");
    EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"flag", ""}));
    EXPECT_EQ((*q)[3].second, "مرحبا");
    Request req;
    req.query = *q;
    EXPECT_EQ(req.Query("a"), "1");
    EXPECT_FALSE(ParseQuery("a=%G1").ok());
    EXPECT_FALSE(ParseQuery("a=%4").ok());
}

TEST(RequestTest, ParsesCookies) {
    StringPairs cookies;
    ParseCookieHeader("hudhud_session=abc.def; theme=\"dark\";bad; =x;  lang = ar ", cookies);
    ASSERT_EQ(cookies.size(), 3u);
    Request req;
    req.cookies = cookies;
    EXPECT_EQ(req.Cookie("hudhud_session"), "abc.def");
    EXPECT_EQ(req.Cookie("theme"), "dark");
    EXPECT_EQ(req.Cookie("lang"), "ar");
}

TEST(RequestTest, PathParamInt64) {
    Request req;
    req.path_params = {{"id", "42"}, {"bad", "4x"}, {"neg", "-3"}};
    EXPECT_EQ(*req.PathParamInt64("id"), 42);
    EXPECT_EQ(*req.PathParamInt64("neg"), -3);
    EXPECT_FALSE(req.PathParamInt64("bad").ok());
    auto missing = req.PathParamInt64("nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().message, "path parameter 'nope' must be an integer");
}

TEST(RequestTest, MethodNames) {
    EXPECT_EQ(ParseMethod("PATCH"), Method::kPatch);
    EXPECT_EQ(ParseMethod("get"), Method::kOther);
    EXPECT_EQ(MethodName(Method::kDelete), "DELETE");
}

TEST(RequestIdTest, AcceptsSaneIdsOnly) {
    EXPECT_TRUE(IsAcceptableRequestId("abc-DEF_1.2"));
    EXPECT_FALSE(IsAcceptableRequestId(""));
    EXPECT_FALSE(IsAcceptableRequestId(std::string(65, 'a')));
    EXPECT_TRUE(IsAcceptableRequestId(std::string(64, 'a')));
    EXPECT_FALSE(IsAcceptableRequestId("a b"));
    EXPECT_FALSE(IsAcceptableRequestId("a\r\nX: y"));
    std::string a = GenerateRequestId();
    EXPECT_EQ(a.size(), 24u);
    EXPECT_TRUE(IsAcceptableRequestId(a));
    EXPECT_NE(a, GenerateRequestId());
}

TEST(ResponseTest, HelpersAndCookies) {
    auto r = Response::Error(404, "not_found", "no \"such\" thing");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, R"({"error":{"code":"not_found","message":"no \"such\" thing"}})");
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
    EXPECT_EQ(Response::NoContent().status, 204);

    Response c;
    c.SetCookie(
        {.name = "sid", .value = "v;x", .max_age = std::chrono::seconds(3600), .secure = true});
    c.SetCookie({.name = "gone",
                 .value = "",
                 .max_age = std::chrono::seconds(0),
                 .same_site = SameSite::kStrict});
    ASSERT_EQ(c.headers.size(), 2u);
    EXPECT_EQ(c.headers.fields()[0].second,
              "sid=vx; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax");
    EXPECT_EQ(c.headers.fields()[1].second, "gone=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    c.SetHeader("X-Evil", "a\r\nSet-Cookie: x=y");
    EXPECT_EQ(c.headers.Get("X-Evil"), "a  Set-Cookie: x=y");
}

}  // namespace
}  // namespace hudhud::http
