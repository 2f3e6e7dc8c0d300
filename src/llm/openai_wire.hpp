#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "llm/chat.hpp"

// The JSON shapes of OpenAI's chat completions and embeddings APIs (openai/openai-openapi), pure:
// no I/O, no logging. Bodies are written with nlohmann-json and read with simdjson.
namespace hudhud::llm {

// Which field carries ChatRequest::max_output_tokens. The official spec prefers
// max_completion_tokens and marks max_tokens deprecated (o-series models refuse it); some
// OpenAI-compatible servers only know max_tokens.
enum class TokenLimitField { kMaxCompletionTokens, kMaxTokens };

// The body of POST {base}/chat/completions. Invalid UTF-8 in message text is replaced by U+FFFD.
// kInvalidArgument: no messages, empty model, temperature outside 0..2, max_output_tokens < 1,
// kJsonSchema without a json_schema, a schema name outside [A-Za-z0-9_-]{1,64}, or schema_json
// that is not a JSON object.
Result<std::string> BuildChatBody(const ChatRequest& request, std::string_view model,
                                  TokenLimitField token_limit_field);

// Reads choices[0] (message.content, message.refusal, finish_reason), id, model and usage of a
// chat completion. kExternalRejected when the body is not a chat completion (not JSON, no
// choices, a choice without a message).
Result<ChatResult> ParseChatResponse(std::string_view body);

// The body of POST {base}/embeddings with input as an array of strings and encoding_format
// "float". kInvalidArgument: no texts, an empty text (the API refuses those), more than 2048
// texts, empty model, dimensions < 1.
Result<std::string> BuildEmbeddingsBody(const std::vector<std::string>& texts,
                                        std::string_view model,
                                        std::optional<int> dimensions = std::nullopt);

// Reads data[].embedding by data[].index, model and usage. kExternalRejected when the body is not
// an embeddings list, an index is missing, repeated or out of range, the count differs from
// `expected_count`, a vector is empty or not numbers, or the vectors differ in length.
Result<EmbeddingResult> ParseEmbeddingsResponse(std::string_view body, std::size_t expected_count);

// An API error body, as far as it could be read. OpenAI sends
// {"error":{"message","type","param","code"}}; for other shapes (e.g. an RFC 7807
// application/problem+json from a proxy or a mock) `message` falls back to "detail" or "title".
// All fields are empty when the body has none of these.
struct ApiError {
    std::string message;
    std::string type;
    std::string code;
    std::string param;
};
ApiError ParseApiError(std::string_view body);

}  // namespace hudhud::llm
