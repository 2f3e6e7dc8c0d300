#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hudhud::llm {

// The roles this module sends. (The API also knows "developer" and "tool"; we need neither.)
enum class Role { kSystem, kUser, kAssistant };

std::string_view RoleName(Role role);  // "system" / "user" / "assistant"

struct ChatMessage {
    Role role = Role::kUser;
    std::string content;

    friend bool operator==(const ChatMessage&, const ChatMessage&) = default;
};

// What the model must answer with. kText sends no response_format at all.
enum class ResponseFormat {
    kText,
    kJsonObject,  // {"type":"json_object"}: valid JSON, shape described in the prompt
    kJsonSchema,  // {"type":"json_schema", ...}: ChatRequest::json_schema must be set
};

// Structured Outputs: the model's reply must follow `schema_json` (a JSON Schema object).
struct JsonSchemaFormat {
    std::string name;         // [A-Za-z0-9_-]{1,64}
    std::string schema_json;  // a JSON object, sent as-is
    bool strict = true;
};

struct ChatRequest {
    std::vector<ChatMessage> messages;  // at least one
    std::string model;                  // empty: OpenAiClient::Options::chat_model
    std::optional<double> temperature;  // 0..2; unset: the server's default
    // Upper bound on generated tokens, sent as max_completion_tokens (or max_tokens, see
    // OpenAiClient::Options::token_limit_field). Unset: the server's default.
    std::optional<std::int64_t> max_output_tokens;
    ResponseFormat response_format = ResponseFormat::kText;
    std::optional<JsonSchemaFormat> json_schema;  // for kJsonSchema
};

// Why the model stopped.
enum class FinishReason {
    kStop,           // natural end or a stop sequence
    kLength,         // hit max_output_tokens or the context window: the answer is cut off
    kContentFilter,  // the provider withheld content
    kToolCalls,      // (tool_calls / function_call) not used by us
    kOther,          // missing or unknown to us
};

std::string_view FinishReasonName(FinishReason reason);

struct TokenUsage {
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    std::int64_t total_tokens = 0;
    bool reported = false;  // false: the server sent no usage (some compatible servers omit it)
};

struct ChatResult {
    std::string content;  // choices[0].message.content ("" when null)
    std::string refusal;  // choices[0].message.refusal, when the model refused
    FinishReason finish_reason = FinishReason::kOther;
    std::string model;  // the model that answered, as reported (may be empty)
    std::string id;     // the completion id, as reported (may be empty)
    TokenUsage usage;
    int attempts = 1;  // HTTP attempts it took (1 + retries)
};

struct EmbeddingResult {
    std::vector<std::vector<float>> vectors;  // one per input text, in input order
    std::string model;
    TokenUsage usage;  // summed over batches; completion_tokens is always 0
};

}  // namespace hudhud::llm
