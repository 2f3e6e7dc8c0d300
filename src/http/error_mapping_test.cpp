#include "http/error_mapping.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hudhud::http {
namespace {

TEST(ErrorMappingTest, EveryCodeHasItsStatus) {
    EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kUnauthenticated), 401);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kPayloadTooLarge), 413);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kFailedPrecondition), 422);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kRateLimited), 429);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kExternalRejected), 502);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
    EXPECT_EQ(HttpStatusFor(ErrorCode::kTimeout), 504);
}

TEST(ErrorMappingTest, BodyCarriesCodeAndMessage) {
    Response r = ErrorResponse(Error::NotFound("contact 7 not found"));
    EXPECT_EQ(r.status, 404);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["error"]["code"], "not_found");
    EXPECT_EQ(j["error"]["message"], "contact 7 not found");
    EXPECT_EQ(ErrorResponse(Error::RateLimited("slow down")).headers.Get("Retry-After"), "1");
}

TEST(ErrorMappingTest, InternalMessagesAreNotLeaked) {
    Request req;
    req.request_id = "rid";
    Response r = ErrorResponse(Error::Internal("sqlite: disk I/O error at /var/db"), &req);
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["message"], "internal error");
    EXPECT_EQ(r.log_detail, "sqlite: disk I/O error at /var/db");
}

TEST(ErrorMappingTest, RespondWith) {
    Result<int> ok = 5;
    Result<int> bad = Error::Conflict("taken");
    auto f = [](int v) { return Response::Json(200, {{"v", v}}); };
    EXPECT_EQ(RespondWith(ok, f).body, R"({"v":5})");
    EXPECT_EQ(RespondWith(bad, f).status, 409);
}

}  // namespace
}  // namespace hudhud::http
