#include "llm/openai_wire.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace hudhud::llm {
namespace {

using nlohmann::json;

ChatRequest Simple() {
    ChatRequest r;
    r.messages = {{Role::kSystem, "rules"}, {Role::kUser, "مرحبا"}, {Role::kAssistant, "hi"}};
    return r;
}

TEST(OpenAiWireTest, ChatBodyHasModelMessagesAndOnlyTheFieldsSet) {
    auto body = BuildChatBody(Simple(), "gpt-4o-mini", TokenLimitField::kMaxCompletionTokens);
    ASSERT_TRUE(body.ok()) << body.error().message;
    const json j = json::parse(*body);
    EXPECT_EQ(j["model"], "gpt-4o-mini");
    ASSERT_EQ(j["messages"].size(), 3u);
    EXPECT_EQ(j["messages"][0], (json{{"role", "system"}, {"content", "rules"}}));
    EXPECT_EQ(j["messages"][1], (json{{"role", "user"}, {"content", "مرحبا"}}));
    EXPECT_EQ(j["messages"][2]["role"], "assistant");
    EXPECT_EQ(j.size(), 2u) << j.dump();  // nothing unset is sent
}

TEST(OpenAiWireTest, ChatBodyOptionalFields) {
    ChatRequest r = Simple();
    r.temperature = 0.2;
    r.max_output_tokens = 300;
    r.response_format = ResponseFormat::kJsonObject;
    json j = json::parse(*BuildChatBody(r, "m", TokenLimitField::kMaxCompletionTokens));
    EXPECT_DOUBLE_EQ(j["temperature"].get<double>(), 0.2);
    EXPECT_EQ(j["max_completion_tokens"], 300);
    EXPECT_FALSE(j.contains("max_tokens"));
    EXPECT_EQ(j["response_format"], (json{{"type", "json_object"}}));

    j = json::parse(*BuildChatBody(r, "m", TokenLimitField::kMaxTokens));
    EXPECT_EQ(j["max_tokens"], 300);
    EXPECT_FALSE(j.contains("max_completion_tokens"));

    r.response_format = ResponseFormat::kJsonSchema;
    r.json_schema = JsonSchemaFormat{.name = "grounded_answer",
                                     .schema_json = R"({"type":"object","properties":{}})"};
    j = json::parse(*BuildChatBody(r, "m", TokenLimitField::kMaxCompletionTokens));
    EXPECT_EQ(j["response_format"]["type"], "json_schema");
    EXPECT_EQ(j["response_format"]["json_schema"]["name"], "grounded_answer");
    EXPECT_EQ(j["response_format"]["json_schema"]["schema"]["type"], "object");
    EXPECT_EQ(j["response_format"]["json_schema"]["strict"], true);
}

TEST(OpenAiWireTest, ChatBodyRefusesWhatTheApiWouldRefuse) {
    auto refused = [](ChatRequest r, std::string model = "m") {
        auto b = BuildChatBody(r, model, TokenLimitField::kMaxCompletionTokens);
        return !b.ok() && b.error().code == ErrorCode::kInvalidArgument;
    };
    EXPECT_TRUE(refused(ChatRequest{}));
    EXPECT_TRUE(refused(Simple(), ""));
    ChatRequest r = Simple();
    r.temperature = 2.5;
    EXPECT_TRUE(refused(r));
    r = Simple();
    r.max_output_tokens = 0;
    EXPECT_TRUE(refused(r));
    r = Simple();
    r.response_format = ResponseFormat::kJsonSchema;
    EXPECT_TRUE(refused(r));
    r.json_schema = JsonSchemaFormat{.name = "bad name", .schema_json = "{}"};
    EXPECT_TRUE(refused(r));
    r.json_schema = JsonSchemaFormat{.name = "ok", .schema_json = "[1]"};
    EXPECT_TRUE(refused(r));
}

TEST(OpenAiWireTest, InvalidUtf8BecomesReplacementCharacter) {
    ChatRequest r;
    r.messages = {{Role::kUser, std::string("a\xff"
                                            "b")}};
    auto body = BuildChatBody(r, "m", TokenLimitField::kMaxCompletionTokens);
    ASSERT_TRUE(body.ok());
    EXPECT_EQ(json::parse(*body)["messages"][0]["content"],
              "a\xEF\xBF\xBD"
              "b");
}

TEST(OpenAiWireTest, ParsesTheSpecExampleChatCompletion) {
    // The shape of the spec's example (CreateChatCompletionResponse).
    const std::string body = R"({
      "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG", "object": "chat.completion",
      "created": 1741570283, "model": "gpt-4o-2024-08-06",
      "choices": [{"index": 0, "message": {"role": "assistant", "content": "الشحن مجاني",
                   "refusal": null, "annotations": []}, "logprobs": null,
                   "finish_reason": "stop"}],
      "usage": {"prompt_tokens": 1117, "completion_tokens": 46, "total_tokens": 1163,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0}},
      "service_tier": "default", "system_fingerprint": "fp_fc9f1d7035"})";
    auto r = ParseChatResponse(body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->content, "الشحن مجاني");
    EXPECT_EQ(r->refusal, "");
    EXPECT_EQ(r->finish_reason, FinishReason::kStop);
    EXPECT_EQ(r->model, "gpt-4o-2024-08-06");
    EXPECT_EQ(r->id, "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
    EXPECT_TRUE(r->usage.reported);
    EXPECT_EQ(r->usage.prompt_tokens, 1117);
    EXPECT_EQ(r->usage.completion_tokens, 46);
    EXPECT_EQ(r->usage.total_tokens, 1163);
}

TEST(OpenAiWireTest, ParsesLenientCompatibleServersAndRefusals) {
    // mock-llm and other compatible servers omit usage, index and created.
    auto r = ParseChatResponse(
        R"({"choices":[{"message":{"role":"assistant","content":"hi"},"finish_reason":"length"}]})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->content, "hi");
    EXPECT_EQ(r->finish_reason, FinishReason::kLength);
    EXPECT_FALSE(r->usage.reported);

    r = ParseChatResponse(
        R"({"choices":[{"message":{"content":null,"refusal":"I can't help with that."},)"
        R"("finish_reason":"content_filter"}],"usage":{"prompt_tokens":5,"completion_tokens":2}})");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->content, "");
    EXPECT_EQ(r->refusal, "I can't help with that.");
    EXPECT_EQ(r->finish_reason, FinishReason::kContentFilter);
    EXPECT_EQ(r->usage.total_tokens, 7);  // summed when the server leaves it out
}

TEST(OpenAiWireTest, MalformedChatResponsesAreExternalRejected) {
    for (std::string body :
         {"", "not json", "[]", R"({"choices":[]})", R"({"choices":[1]})",
          R"({"choices":[{"finish_reason":"stop"}]})", R"({"error":{"message":"overloaded"}})"}) {
        auto r = ParseChatResponse(body);
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected) << body;
    }
    EXPECT_NE(ParseChatResponse(R"({"error":{"message":"overloaded"}})")
                  .error()
                  .message.find("overloaded"),
              std::string::npos);
}

TEST(OpenAiWireTest, EmbeddingsBody) {
    auto body = BuildEmbeddingsBody({"one", "اثنان"}, "text-embedding-3-small", 256);
    ASSERT_TRUE(body.ok());
    const json j = json::parse(*body);
    EXPECT_EQ(j, (json{{"model", "text-embedding-3-small"},
                       {"input", {"one", "اثنان"}},
                       {"encoding_format", "float"},
                       {"dimensions", 256}}));
    EXPECT_FALSE(BuildEmbeddingsBody({}, "m").ok());
    EXPECT_FALSE(BuildEmbeddingsBody({"a", ""}, "m").ok());
    EXPECT_FALSE(BuildEmbeddingsBody({"a"}, "").ok());
    EXPECT_FALSE(BuildEmbeddingsBody(std::vector<std::string>(2049, "x"), "m").ok());
    EXPECT_FALSE(BuildEmbeddingsBody({"a"}, "m", 0).ok());
}

TEST(OpenAiWireTest, ParsesEmbeddingsByIndex) {
    const std::string body = R"({"object":"list","model":"text-embedding-3-small",
      "data":[{"object":"embedding","index":1,"embedding":[0.5,-1]},
              {"object":"embedding","index":0,"embedding":[0.25,2]}],
      "usage":{"prompt_tokens":8,"total_tokens":8}})";
    auto r = ParseEmbeddingsResponse(body, 2);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->vectors.size(), 2u);
    EXPECT_EQ(r->vectors[0], (std::vector<float>{0.25f, 2.0f}));
    EXPECT_EQ(r->vectors[1], (std::vector<float>{0.5f, -1.0f}));
    EXPECT_EQ(r->model, "text-embedding-3-small");
    EXPECT_EQ(r->usage.prompt_tokens, 8);
    EXPECT_EQ(r->usage.total_tokens, 8);
    EXPECT_EQ(r->usage.completion_tokens, 0);
}

TEST(OpenAiWireTest, MalformedEmbeddingsAreExternalRejected) {
    const std::vector<std::pair<std::string, std::size_t>> cases = {
        {"nope", 1},
        {R"({"data":[]})", 1},                                                         // count
        {R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[1]}]})", 2},  // repeat
        {R"({"data":[{"index":3,"embedding":[1]}]})", 1},     // out of range
        {R"({"data":[{"index":0,"embedding":"AAAA"}]})", 1},  // base64
        {R"({"data":[{"index":0,"embedding":[]}]})", 1},      // empty
        {R"({"data":[{"index":0,"embedding":["x"]}]})", 1},   // not numbers
        {R"({"data":[{"index":0,"embedding":[1,2]},{"index":1,"embedding":[1]}]})", 2},  // length
    };
    for (const auto& [body, n] : cases) {
        auto r = ParseEmbeddingsResponse(body, n);
        ASSERT_FALSE(r.ok()) << body;
        EXPECT_EQ(r.error().code, ErrorCode::kExternalRejected) << body;
    }
}

TEST(OpenAiWireTest, ApiErrorShapes) {
    ApiError e = ParseApiError(
        R"({"error":{"message":"Incorrect API key provided.","type":"invalid_request_error",)"
        R"("param":null,"code":"invalid_api_key"}})");
    EXPECT_EQ(e.message, "Incorrect API key provided.");
    EXPECT_EQ(e.type, "invalid_request_error");
    EXPECT_EQ(e.code, "invalid_api_key");
    EXPECT_EQ(e.param, "");

    e = ParseApiError(R"({"error":{"message":"x","type":"t","code":429}})");
    EXPECT_EQ(e.code, "429");
    e = ParseApiError(
        R"({"type":"https://stoplight.io/prism/errors#UNPROCESSABLE_ENTITY",)"
        R"("title":"Invalid request","status":422,"detail":"Your request is not valid"})");
    EXPECT_EQ(e.message, "Your request is not valid");
    e = ParseApiError(R"({"error":"model not loaded"})");
    EXPECT_EQ(e.message, "model not loaded");
    e = ParseApiError("<html>bad gateway</html>");
    EXPECT_EQ(e.message, "");
}

}  // namespace
}  // namespace hudhud::llm
