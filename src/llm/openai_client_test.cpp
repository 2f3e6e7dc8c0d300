#include "llm/openai_client.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "llm/grounded_prompt.hpp"
#include "llm/testing/fake_openai_server.hpp"
#include "llm/token_budget.hpp"
#include "log/log.hpp"

namespace hudhud::llm {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::FakeOpenAiServer;
using Endpoint = FakeOpenAiServer::Endpoint;

constexpr std::string_view kKey = "sk-test-SECRET-KEY-0123456789";

class OpenAiClientTest : public ::testing::Test {
  protected:
    void SetUp() override { log::SetLevel(log::Level::kError); }
    void TearDown() override { log::SetLevel(log::Level::kInfo); }

    OpenAiClient::Options Options() {
        OpenAiClient::Options o;
        o.base_url = fake_.base_url();
        o.api_key = std::string(kKey);
        o.chat_model = "gpt-4o-mini";
        o.embedding_model = "text-embedding-3-small";
        o.timeout = 5s;
        o.max_retries = 2;
        o.sleep = [this](std::chrono::milliseconds d) {
            std::lock_guard lock(mutex_);
            sleeps_.push_back(d);
        };
        return o;
    }

    std::vector<std::chrono::milliseconds> Sleeps() {
        std::lock_guard lock(mutex_);
        return sleeps_;
    }

    static ChatRequest Hello(std::string text = "hello") {
        ChatRequest r;
        r.messages = {{Role::kSystem, "be brief"}, {Role::kUser, std::move(text)}};
        return r;
    }

    FakeOpenAiServer fake_{4};
    net::HttpClient http_;
    std::mutex mutex_;
    std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(OpenAiClientTest, ChatSendsTheRequestAndParsesTheAnswer) {
    auto o = Options();
    o.organization = "org-123";
    o.project = "proj_abc";
    o.base_url += "/";  // a trailing slash is ignored
    OpenAiClient client(http_, o);
    ChatRequest request = Hello("ما هي مواعيد العمل؟");
    request.temperature = 0.2;
    request.max_output_tokens = 200;
    request.response_format = ResponseFormat::kJsonObject;
    auto r = client.Chat(request);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->content, "echo: ما هي مواعيد العمل؟");
    EXPECT_EQ(r->finish_reason, FinishReason::kStop);
    EXPECT_EQ(r->model, "gpt-4o-mini");
    EXPECT_EQ(r->attempts, 1);
    EXPECT_TRUE(r->usage.reported);
    EXPECT_GT(r->usage.prompt_tokens, 0);
    EXPECT_EQ(r->usage.total_tokens, r->usage.prompt_tokens + r->usage.completion_tokens);

    const auto requests = fake_.Requests();
    ASSERT_EQ(requests.size(), 1u);
    const auto& sent = requests[0];
    EXPECT_EQ(sent.path, "/v1/chat/completions");
    EXPECT_EQ(sent.authorization, "Bearer " + std::string(kKey));
    EXPECT_EQ(sent.organization, "org-123");
    EXPECT_EQ(sent.project, "proj_abc");
    EXPECT_EQ(sent.content_type, "application/json");
    EXPECT_EQ(sent.accept, "application/json");
    const json body = sent.json();
    EXPECT_EQ(body["model"], "gpt-4o-mini");
    EXPECT_EQ(body["messages"].size(), 2u);
    EXPECT_EQ(body["max_completion_tokens"], 200);
    EXPECT_EQ(body["response_format"]["type"], "json_object");
    EXPECT_TRUE(Sleeps().empty());
}

TEST_F(OpenAiClientTest, RequestModelOverridesAndNoKeyMeansNoAuthorization) {
    auto o = Options();
    o.api_key.clear();
    o.token_limit_field = TokenLimitField::kMaxTokens;
    OpenAiClient client(http_, o);
    ChatRequest request = Hello();
    request.model = "llama3.1:8b";
    request.max_output_tokens = 50;
    ASSERT_TRUE(client.Chat(request).ok());
    const auto sent = fake_.Requests().at(0);
    EXPECT_EQ(sent.authorization, "");
    EXPECT_EQ(sent.json()["model"], "llama3.1:8b");
    EXPECT_EQ(sent.json()["max_tokens"], 50);
}

TEST_F(OpenAiClientTest, Retries429And503HonouringRetryAfter) {
    fake_.Queue(Endpoint::kChat, {.status = 429,
                                  .body = FakeOpenAiServer::ErrorBody(
                                      "Rate limit reached", "requests", "rate_limit_exceeded"),
                                  .headers = {{"Retry-After", "2"}}});
    fake_.Queue(Endpoint::kChat, {.status = 503,
                                  .body = FakeOpenAiServer::ErrorBody("overloaded", "server_error"),
                                  .headers = {{"retry-after-ms", "300"}}});
    OpenAiClient client(http_, Options());
    auto r = client.Chat(Hello());
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->content, "echo: hello");
    EXPECT_EQ(r->attempts, 3);
    EXPECT_EQ(fake_.RequestCount(), 3u);
    EXPECT_EQ(Sleeps(), (std::vector<std::chrono::milliseconds>{2000ms, 300ms}));
}

TEST_F(OpenAiClientTest, BackoffWithoutRetryAfterGrowsExponentially) {
    for (int i = 0; i < 2; ++i) fake_.Queue(Endpoint::kChat, {.status = 500, .body = "{}"});
    auto o = Options();
    o.initial_backoff = 400ms;
    OpenAiClient client(http_, o);
    ASSERT_TRUE(client.Chat(Hello()).ok());
    const auto sleeps = Sleeps();
    ASSERT_EQ(sleeps.size(), 2u);
    EXPECT_GE(sleeps[0], 200ms);
    EXPECT_LE(sleeps[0], 400ms);
    EXPECT_GE(sleeps[1], 400ms);
    EXPECT_LE(sleeps[1], 800ms);
}

TEST_F(OpenAiClientTest, RetriesExhaustedGiveRateLimitedOrUnavailable) {
    for (int i = 0; i < 3; ++i) {
        fake_.Queue(Endpoint::kChat, {.status = 429,
                                      .body = FakeOpenAiServer::ErrorBody("slow down", "requests",
                                                                          "rate_limit_exceeded"),
                                      .headers = {{"retry-after", "1"}}});
    }
    OpenAiClient client(http_, Options());
    auto r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
    EXPECT_TRUE(r.error().retryable);
    EXPECT_NE(r.error().message.find("429"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("slow down"), std::string::npos) << r.error().message;
    EXPECT_EQ(fake_.RequestCount(), 3u);
    EXPECT_EQ(Sleeps().size(), 2u);

    for (int i = 0; i < 3; ++i) fake_.Queue(Endpoint::kChat, {.status = 502, .body = "<html/>"});
    r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_TRUE(r.error().retryable);
    EXPECT_EQ(fake_.RequestCount(), 6u);
}

TEST_F(OpenAiClientTest, ClientErrorsAreNotRetried) {
    struct Case {
        int status;
        std::string type;
        ErrorCode code;
    };
    const std::vector<Case> cases = {
        {400, "invalid_request_error", ErrorCode::kInvalidArgument},
        {401, "invalid_request_error", ErrorCode::kUnauthenticated},
        {403, "permission_error", ErrorCode::kPermissionDenied},
        {404, "invalid_request_error", ErrorCode::kNotFound},
        {422, "invalid_request_error", ErrorCode::kInvalidArgument},
    };
    OpenAiClient client(http_, Options());
    std::size_t expected_requests = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.status);
        fake_.Queue(Endpoint::kChat,
                    {.status = c.status,
                     .body = FakeOpenAiServer::ErrorBody("Invalid value for 'temperature'", c.type,
                                                         "invalid_value")});
        auto r = client.Chat(Hello());
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, c.code) << r.error().message;
        EXPECT_FALSE(r.error().retryable);
        EXPECT_NE(r.error().message.find("Invalid value for 'temperature'"), std::string::npos)
            << r.error().message;
        EXPECT_EQ(r.error().message.find(kKey), std::string::npos);
        EXPECT_EQ(fake_.RequestCount(), ++expected_requests);
    }
    EXPECT_TRUE(Sleeps().empty());
}

TEST_F(OpenAiClientTest, InsufficientQuotaAndShouldRetryFalseStopAtOnce) {
    fake_.Queue(Endpoint::kChat,
                {.status = 429,
                 .body = FakeOpenAiServer::ErrorBody("You exceeded your current quota",
                                                     "insufficient_quota", "insufficient_quota")});
    OpenAiClient client(http_, Options());
    auto r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
    EXPECT_FALSE(r.error().retryable);
    EXPECT_NE(r.error().message.find("quota"), std::string::npos);

    fake_.Queue(Endpoint::kChat,
                {.status = 503, .body = "{}", .headers = {{"x-should-retry", "false"}}});
    r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable);
    EXPECT_FALSE(r.error().retryable);
    EXPECT_EQ(fake_.RequestCount(), 2u);
    EXPECT_TRUE(Sleeps().empty());
}

TEST_F(OpenAiClientTest, ARetryAfterLongerThanTheCapIsNotWaitedFor) {
    fake_.Queue(Endpoint::kChat,
                {.status = 429, .body = "{}", .headers = {{"retry-after", "120"}}});
    OpenAiClient client(http_, Options());
    auto r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kRateLimited);
    EXPECT_TRUE(r.error().retryable);  // a job may come back later
    EXPECT_NE(r.error().message.find("120000 ms"), std::string::npos) << r.error().message;
    EXPECT_EQ(fake_.RequestCount(), 1u);
    EXPECT_TRUE(Sleeps().empty());
}

TEST_F(OpenAiClientTest, ATimeoutIsRetriedAndThenReported) {
    auto o = Options();
    o.timeout = 300ms;
    o.max_retries = 1;
    OpenAiClient client(http_, o);

    fake_.Queue(Endpoint::kChat, {.status = 200, .body = "{}", .delay = 1200ms});
    auto r = client.Chat(Hello());
    ASSERT_TRUE(r.ok()) << r.error().message;  // the retry got the default answer
    EXPECT_EQ(r->attempts, 2);

    fake_.Queue(Endpoint::kChat, {.status = 200, .body = "{}", .delay = 1200ms});
    fake_.Queue(Endpoint::kChat, {.status = 200, .body = "{}", .delay = 1200ms});
    const auto start = std::chrono::steady_clock::now();
    r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kTimeout) << r.error().message;
    EXPECT_TRUE(r.error().retryable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1100ms);
}

TEST_F(OpenAiClientTest, ConnectionRefusedIsUnavailableAfterRetries) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);  // nothing listens there now
    auto o = Options();
    o.base_url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/v1";
    OpenAiClient client(http_, o);
    auto r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kUnavailable) << r.error().message;
    EXPECT_EQ(Sleeps().size(), 2u);
}

TEST_F(OpenAiClientTest, MalformedSuccessIsExternalRejected) {
    fake_.Queue(Endpoint::kChat, {.status = 200, .body = R"({"choices":[]})"});
    fake_.Queue(Endpoint::kChat, {.status = 302, .body = ""});
    OpenAiClient client(http_, Options());
    auto r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected);
    r = client.Chat(Hello());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected);
    EXPECT_NE(r.error().message.find("redirect"), std::string::npos);
}

TEST_F(OpenAiClientTest, EmbedReturnsVectorsInOrderAcrossBatches) {
    auto o = Options();
    o.embedding_batch_size = 2;
    o.embedding_dimensions = 4;
    OpenAiClient client(http_, o);
    const std::vector<std::string> texts = {"shipping", "الشحن", "returns", "الإرجاع", "hours"};
    auto r = client.Embed(texts);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->vectors.size(), texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i)
        EXPECT_EQ(r->vectors[i], FakeOpenAiServer::VectorFor(texts[i], 4)) << i;
    EXPECT_EQ(r->model, "text-embedding-3-small");
    EXPECT_GT(r->usage.prompt_tokens, 0);
    EXPECT_EQ(r->usage.total_tokens, r->usage.prompt_tokens);

    const auto requests = fake_.Requests();
    ASSERT_EQ(requests.size(), 3u);
    for (const auto& req : requests) {
        EXPECT_EQ(req.path, "/v1/embeddings");
        EXPECT_EQ(req.authorization, "Bearer " + std::string(kKey));
        EXPECT_EQ(req.json()["model"], "text-embedding-3-small");
        EXPECT_EQ(req.json()["encoding_format"], "float");
        EXPECT_EQ(req.json()["dimensions"], 4);
    }
    EXPECT_EQ(requests[2].json()["input"], (json{"hours"}));
}

TEST_F(OpenAiClientTest, EmbedRefusesBeforeSending) {
    OpenAiClient client(http_, Options());
    auto r = client.Embed({"a", "b", ""});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("text 2"), std::string::npos) << r.error().message;
    EXPECT_FALSE(client.Embed({}).ok());
    auto o = Options();
    o.embedding_model.clear();
    EXPECT_EQ(OpenAiClient(http_, o).Embed({"a"}).error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(fake_.RequestCount(), 0u);
}

TEST_F(OpenAiClientTest, EmbedRetriesAndMapsErrors) {
    fake_.Queue(Endpoint::kEmbeddings, {.status = 503, .body = "{}"});
    fake_.Queue(Endpoint::kEmbeddings,
                {.status = 400,
                 .body = FakeOpenAiServer::ErrorBody("input too long", "invalid_request_error")});
    OpenAiClient client(http_, Options());
    auto r = client.Embed({"a"});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(r.error().message.find("input too long"), std::string::npos);
    EXPECT_EQ(fake_.RequestCount(), 2u);
}

TEST_F(OpenAiClientTest, InvalidOptionsFailEveryCall) {
    const std::vector<std::function<void(OpenAiClient::Options&)>> breakers = {
        [](auto& o) { o.base_url = "ftp://x/v1"; },
        [](auto& o) { o.base_url = "https:///v1"; },
        [](auto& o) { o.base_url = "https://user:pw@api.example.com/v1"; },
        [](auto& o) { o.base_url = "https://api.example.com/v1?x=1"; },
        [](auto& o) { o.api_key = "sk-\nX-Injected: 1"; },
        [](auto& o) { o.timeout = 0ms; },
        [](auto& o) { o.max_retries = 11; },
        [](auto& o) { o.embedding_batch_size = 0; },
        [](auto& o) { o.embedding_dimensions = 0; },
    };
    for (std::size_t i = 0; i < breakers.size(); ++i) {
        SCOPED_TRACE(i);
        auto o = Options();
        breakers[i](o);
        EXPECT_EQ(OpenAiClient::Validate(o).error().code, ErrorCode::kInvalidArgument);
        OpenAiClient client(http_, o);
        EXPECT_EQ(client.Chat(Hello()).error().code, ErrorCode::kFailedPrecondition);
        EXPECT_EQ(client.Embed({"a"}).error().code, ErrorCode::kFailedPrecondition);
    }
    EXPECT_TRUE(OpenAiClient::Validate(Options()).ok());
    EXPECT_EQ(fake_.RequestCount(), 0u);
}

TEST_F(OpenAiClientTest, NeitherTheKeyNorMessageContentsAreLogged) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("hudhud_llm_log_" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(path);
    ASSERT_TRUE(log::Init({.level = log::Level::kDebug, .file = path.string()}).ok());

    const std::string secret_question = "my card number is 4111-SECRET-QUESTION";
    const std::string secret_instructions = "PERSONA-SECRET-INSTRUCTIONS";
    fake_.Queue(Endpoint::kChat, {.status = 503, .body = "{}"});
    fake_.Queue(Endpoint::kChat, {.status = 400,
                                  .body = FakeOpenAiServer::ErrorBody(
                                      "bad content: " + secret_question, "invalid_request_error")});
    {
        OpenAiClient client(http_, Options());
        ChatRequest request;
        request.messages = {{Role::kSystem, secret_instructions}, {Role::kUser, secret_question}};
        EXPECT_FALSE(client.Chat(request).ok());  // 503, retry, 400
        EXPECT_TRUE(client.Chat(request).ok());
        EXPECT_TRUE(client.Embed({secret_question}).ok());
        auto o = Options();
        o.base_url = "http://api.example.invalid/v1";  // the insecure-URL warning
        OpenAiClient insecure(http_, o);
    }
    log::Flush();
    std::ifstream in(path);
    const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(log::Init({}).ok());
    std::filesystem::remove(path);

    EXPECT_NE(all.find("\"event\":\"llm.chat\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"event\":\"llm.retry\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"event\":\"llm.failed\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"event\":\"llm.embed\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"event\":\"llm.insecure_base_url\""), std::string::npos) << all;
    EXPECT_NE(all.find("\"latency_ms\""), std::string::npos) << all;
    EXPECT_EQ(all.find(kKey), std::string::npos) << all;
    EXPECT_EQ(all.find("SECRET-KEY"), std::string::npos) << all;
    EXPECT_EQ(all.find("SECRET-QUESTION"), std::string::npos) << all;
    EXPECT_EQ(all.find(secret_instructions), std::string::npos) << all;
    EXPECT_EQ(all.find("echo:"), std::string::npos) << all;
}

TEST_F(OpenAiClientTest, ABudgetWrapsCallsAndRefusesWhenSpent) {
    FakeClock clock;
    TokenBudget budget(clock, {.default_daily_limit = 1000});
    OpenAiClient client(http_, Options());
    const WorkspaceId ws(7);

    GroundedPromptInput input;
    input.reply_language = "English";
    input.passages = {{.id = "kb-1", .title = "Hours", .text = "We open 9 to 5."}};
    input.customer_text = "When do you open?";
    ChatRequest request;
    request.messages = BuildGroundedMessages(input);
    request.max_output_tokens = 100;

    int calls = 0;
    std::int64_t spent = 0;
    while (true) {
        auto reservation = budget.Reserve(ws, EstimateChatTokens(request.messages, 100));
        if (!reservation.ok()) {
            EXPECT_EQ(reservation.error().code, ErrorCode::kRateLimited);
            EXPECT_FALSE(reservation.error().retryable);
            break;
        }
        auto r = client.Chat(request);
        ASSERT_TRUE(r.ok()) << r.error().message;
        reservation->Commit(r->usage.total_tokens);
        spent += r->usage.total_tokens;
        ++calls;
        ASSERT_LT(calls, 100);
    }
    EXPECT_GE(calls, 1);
    EXPECT_EQ(fake_.RequestCount(), static_cast<std::size_t>(calls));  // refused before sending
    EXPECT_EQ(budget.UsageOf(ws).used, spent);
    EXPECT_EQ(budget.UsageOf(ws).reserved, 0);
}

}  // namespace
}  // namespace hudhud::llm
