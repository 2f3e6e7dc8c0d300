#include "channels/whatsapp/whatsapp_errors.hpp"

#include <gtest/gtest.h>

#include <string>

#include "channels/whatsapp/whatsapp_test_util.hpp"

namespace hudhud::channels::whatsapp {
namespace {

struct CodeCase {
    std::int64_t code;
    int http_status;
    ErrorCode expected;
    bool retryable;
    bool needs_reconnect;
    ErrorHint hint;
};

void PrintTo(const CodeCase& c, std::ostream* os) {
    *os << "code " << c.code << " http " << c.http_status;
}

class ErrorCodeTest : public ::testing::TestWithParam<CodeCase> {};

TEST_P(ErrorCodeTest, Classifies) {
    const CodeCase& c = GetParam();
    ErrorClass e = ClassifyErrorCode(c.code, c.http_status, "details");
    EXPECT_EQ(e.code, c.expected) << c.code << " " << ErrorCodeName(e.code);
    EXPECT_EQ(e.retryable, c.retryable) << c.code;
    EXPECT_EQ(e.needs_reconnect, c.needs_reconnect) << c.code;
    EXPECT_EQ(e.hint, c.hint) << c.code << " " << ErrorHintName(e.hint);
    EXPECT_EQ(e.platform_code, c.code);
    EXPECT_NE(e.message.find("details"), std::string::npos) << e.message;
    EXPECT_EQ(e.ToError().retryable, c.retryable);
}

using C = ErrorCode;
using H = ErrorHint;

INSTANTIATE_TEST_SUITE_P(
    Table, ErrorCodeTest,
    ::testing::Values(
        // Retry: throughput, pair limit, temporary, maintenance.
        CodeCase{130429, 400, C::kRateLimited, true, false, H::kNone},
        CodeCase{131056, 400, C::kRateLimited, true, false, H::kRecipientRateLimited},
        CodeCase{4, 400, C::kRateLimited, true, false, H::kNone},
        CodeCase{80007, 400, C::kRateLimited, true, false, H::kNone},
        CodeCase{1, 500, C::kUnavailable, true, false, H::kNone},
        CodeCase{2, 503, C::kUnavailable, true, false, H::kNone},
        CodeCase{131000, 500, C::kUnavailable, true, false, H::kNone},
        CodeCase{131016, 503, C::kUnavailable, true, false, H::kNone},
        CodeCase{131057, 400, C::kUnavailable, true, false, H::kNone},
        // Never retry policy errors, even on a 5xx.
        CodeCase{131047, 400, C::kExternalRejected, false, false, H::kReplyWindowClosed},
        CodeCase{131047, 500, C::kExternalRejected, false, false, H::kReplyWindowClosed},
        CodeCase{131026, 400, C::kExternalRejected, false, false, H::kRecipientUnreachable},
        CodeCase{131026, 0, C::kExternalRejected, false, false, H::kRecipientUnreachable},
        CodeCase{131050, 400, C::kExternalRejected, false, false, H::kMarketingOptOut},
        CodeCase{131049, 400, C::kExternalRejected, false, false, H::kNone},
        CodeCase{132000, 400, C::kExternalRejected, false, false, H::kTemplateProblem},
        CodeCase{132001, 503, C::kExternalRejected, false, false, H::kTemplateProblem},
        CodeCase{132012, 400, C::kExternalRejected, false, false, H::kTemplateProblem},
        CodeCase{132016, 400, C::kExternalRejected, false, false, H::kTemplateProblem},
        CodeCase{130403, 400, C::kExternalRejected, false, false, H::kRecipientUnreachable},
        CodeCase{131048, 400, C::kExternalRejected, false, false, H::kAccountRestricted},
        CodeCase{368, 400, C::kExternalRejected, false, false, H::kAccountRestricted},
        // Credentials and permissions.
        CodeCase{190, 401, C::kUnauthenticated, false, true, H::kNone},
        CodeCase{0, 400, C::kUnauthenticated, false, true, H::kNone},
        CodeCase{10, 403, C::kPermissionDenied, false, true, H::kNone},
        CodeCase{200, 403, C::kPermissionDenied, false, true, H::kNone},
        CodeCase{131045, 400, C::kExternalRejected, false, true, H::kNone},
        CodeCase{33, 400, C::kExternalRejected, false, true, H::kAccountRestricted},
        // Our mistakes.
        CodeCase{100, 400, C::kInvalidArgument, false, false, H::kFixRequest},
        CodeCase{131008, 400, C::kInvalidArgument, false, false, H::kFixRequest},
        CodeCase{131062, 400, C::kInvalidArgument, false, false, H::kFixRequest},
        // Unknown codes fall back to the HTTP status.
        CodeCase{999999, 500, C::kUnavailable, true, false, H::kNone},
        CodeCase{999999, 429, C::kRateLimited, true, false, H::kNone},
        CodeCase{999999, 400, C::kExternalRejected, false, false, H::kNone}));

TEST(GraphErrorTest, FixtureBodies) {
    ErrorClass throughput =
        ClassifyGraphError(400, testing::ReadTestData("outbound_error_130429.json"));
    EXPECT_EQ(throughput.code, ErrorCode::kRateLimited);
    EXPECT_TRUE(throughput.retryable);
    EXPECT_EQ(throughput.platform_code, 130429);
    EXPECT_NE(throughput.message.find("throughput has been reached"), std::string::npos);

    ErrorClass window =
        ClassifyGraphError(400, testing::ReadTestData("outbound_error_131047.json"));
    EXPECT_EQ(window.code, ErrorCode::kExternalRejected);
    EXPECT_FALSE(window.retryable);
    EXPECT_EQ(window.hint, ErrorHint::kReplyWindowClosed);
    EXPECT_NE(window.message.find("template"), std::string::npos);

    ErrorClass token =
        ClassifyGraphError(401, testing::ReadTestData("outbound_error_190_expired_token.json"));
    EXPECT_EQ(token.code, ErrorCode::kUnauthenticated);
    EXPECT_TRUE(token.needs_reconnect);
    EXPECT_FALSE(token.retryable);
    EXPECT_EQ(token.platform_code, 190);
    EXPECT_NE(token.message.find("Session has expired"), std::string::npos);
}

TEST(GraphErrorTest, UnreadableBodiesUseTheStatus) {
    EXPECT_EQ(ClassifyGraphError(503, "<html>bad gateway</html>").code, ErrorCode::kUnavailable);
    EXPECT_TRUE(ClassifyGraphError(502, "").retryable);
    EXPECT_EQ(ClassifyGraphError(429, "").code, ErrorCode::kRateLimited);
    EXPECT_TRUE(ClassifyGraphError(429, "").retryable);
    EXPECT_EQ(ClassifyGraphError(408, "").code, ErrorCode::kTimeout);
    EXPECT_TRUE(ClassifyGraphError(401, "{}").needs_reconnect);
    EXPECT_EQ(ClassifyGraphError(400, R"({"error":{"message":"no code"}})").code,
              ErrorCode::kExternalRejected);
    EXPECT_FALSE(ClassifyGraphError(400, R"({"error":"text"})").retryable);
    EXPECT_EQ(ClassifyGraphError(200, R"({"messages":[]})").code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace hudhud::channels::whatsapp
