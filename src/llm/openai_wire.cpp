#include "llm/openai_wire.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <nlohmann/json.hpp>

namespace hudhud::llm {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxEmbeddingInputs = 2048;  // the spec's maxItems

std::string Dump(const json& j) {
    // Customer text may carry invalid UTF-8; the API needs valid JSON, so it becomes U+FFFD
    // rather than failing the request.
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

bool IsSchemaName(std::string_view name) {
    return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return std::isalnum(c) || c == '_' || c == '-';
    });
}

std::string StringAt(simdjson::dom::object o, std::string_view key) {
    std::string_view s;
    if (o.at_key(key).get_string().get(s) != simdjson::SUCCESS) return {};
    return std::string(s);
}

std::int64_t IntAt(simdjson::dom::object o, std::string_view key) {
    simdjson::dom::element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS) return 0;
    std::int64_t i = 0;
    if (e.get_int64().get(i) == simdjson::SUCCESS) return i;
    double d = 0;
    if (e.get_double().get(d) == simdjson::SUCCESS && std::isfinite(d)) {
        return static_cast<std::int64_t>(d);
    }
    return 0;
}

TokenUsage ReadUsage(simdjson::dom::object root) {
    TokenUsage usage;
    simdjson::dom::object u;
    if (root.at_key("usage").get_object().get(u) != simdjson::SUCCESS) return usage;
    usage.reported = true;
    usage.prompt_tokens = IntAt(u, "prompt_tokens");
    usage.completion_tokens = IntAt(u, "completion_tokens");
    usage.total_tokens = IntAt(u, "total_tokens");
    if (usage.total_tokens == 0) usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    return usage;
}

FinishReason ParseFinishReason(std::string_view s) {
    if (s == "stop") return FinishReason::kStop;
    if (s == "length") return FinishReason::kLength;
    if (s == "content_filter") return FinishReason::kContentFilter;
    if (s == "tool_calls" || s == "function_call") return FinishReason::kToolCalls;
    return FinishReason::kOther;
}

// A 2xx body that is an error object after all (some compatible servers do that).
std::string EmbeddedErrorMessage(simdjson::dom::object root) {
    simdjson::dom::object error;
    if (root.at_key("error").get_object().get(error) != simdjson::SUCCESS) return {};
    std::string message = StringAt(error, "message");
    return message.empty() ? "(no message)" : message;
}

}  // namespace

std::string_view RoleName(Role role) {
    switch (role) {
        case Role::kSystem:
            return "system";
        case Role::kUser:
            return "user";
        case Role::kAssistant:
            return "assistant";
    }
    return "user";
}

std::string_view FinishReasonName(FinishReason reason) {
    switch (reason) {
        case FinishReason::kStop:
            return "stop";
        case FinishReason::kLength:
            return "length";
        case FinishReason::kContentFilter:
            return "content_filter";
        case FinishReason::kToolCalls:
            return "tool_calls";
        case FinishReason::kOther:
            return "other";
    }
    return "other";
}

Result<std::string> BuildChatBody(const ChatRequest& request, std::string_view model,
                                  TokenLimitField token_limit_field) {
    if (request.messages.empty())
        return Error::InvalidArgument("a chat request needs at least one message");
    if (model.empty()) return Error::InvalidArgument("no chat model configured or requested");
    json body = json::object();
    body["model"] = model;
    json messages = json::array();
    for (const ChatMessage& m : request.messages) {
        messages.push_back({{"role", RoleName(m.role)}, {"content", m.content}});
    }
    body["messages"] = std::move(messages);
    if (request.temperature) {
        const double t = *request.temperature;
        if (!std::isfinite(t) || t < 0 || t > 2)
            return Error::InvalidArgument("temperature must be between 0 and 2");
        body["temperature"] = t;
    }
    if (request.max_output_tokens) {
        if (*request.max_output_tokens < 1)
            return Error::InvalidArgument("max_output_tokens must be at least 1");
        body[token_limit_field == TokenLimitField::kMaxTokens ? "max_tokens"
                                                              : "max_completion_tokens"] =
            *request.max_output_tokens;
    }
    switch (request.response_format) {
        case ResponseFormat::kText:
            break;
        case ResponseFormat::kJsonObject:
            body["response_format"] = {{"type", "json_object"}};
            break;
        case ResponseFormat::kJsonSchema: {
            if (!request.json_schema)
                return Error::InvalidArgument("response format json_schema needs a json_schema");
            const JsonSchemaFormat& f = *request.json_schema;
            if (!IsSchemaName(f.name))
                return Error::InvalidArgument(
                    "json_schema name must be 1-64 characters of A-Z, a-z, 0-9, _ or -");
            json schema = json::parse(f.schema_json, nullptr, false);
            if (!schema.is_object())
                return Error::InvalidArgument("json_schema schema must be a JSON object");
            body["response_format"] = {
                {"type", "json_schema"},
                {"json_schema",
                 {{"name", f.name}, {"schema", std::move(schema)}, {"strict", f.strict}}}};
            break;
        }
    }
    return Dump(body);
}

Result<ChatResult> ParseChatResponse(std::string_view body) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
        return Error::ExternalRejected("chat completion response is not a JSON object");
    simdjson::dom::array choices;
    if (root.at_key("choices").get_array().get(choices) != simdjson::SUCCESS) {
        const std::string embedded = EmbeddedErrorMessage(root);
        if (!embedded.empty())
            return Error::ExternalRejected("chat completion response is an error: " + embedded);
        return Error::ExternalRejected("chat completion response has no choices array");
    }
    simdjson::dom::object choice;
    if (choices.at(0).get_object().get(choice) != simdjson::SUCCESS)
        return Error::ExternalRejected("chat completion response has no choice");
    simdjson::dom::object message;
    if (choice.at_key("message").get_object().get(message) != simdjson::SUCCESS)
        return Error::ExternalRejected("chat completion choice has no message");
    ChatResult result;
    result.content = StringAt(message, "content");  // null or absent: ""
    result.refusal = StringAt(message, "refusal");
    result.finish_reason = ParseFinishReason(StringAt(choice, "finish_reason"));
    result.id = StringAt(root, "id");
    result.model = StringAt(root, "model");
    result.usage = ReadUsage(root);
    return result;
}

Result<std::string> BuildEmbeddingsBody(const std::vector<std::string>& texts,
                                        std::string_view model, std::optional<int> dimensions) {
    if (texts.empty()) return Error::InvalidArgument("nothing to embed: no texts");
    if (texts.size() > kMaxEmbeddingInputs)
        return Error::InvalidArgument("at most 2048 texts per embeddings request");
    if (model.empty()) return Error::InvalidArgument("no embedding model configured");
    if (dimensions && *dimensions < 1)
        return Error::InvalidArgument("embedding dimensions must be at least 1");
    json input = json::array();
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (texts[i].empty())
            return Error::InvalidArgument("text " + std::to_string(i) +
                                          " to embed is empty; the API refuses empty input");
        input.push_back(texts[i]);
    }
    json body = {{"model", model}, {"input", std::move(input)}, {"encoding_format", "float"}};
    if (dimensions) body["dimensions"] = *dimensions;
    return Dump(body);
}

Result<EmbeddingResult> ParseEmbeddingsResponse(std::string_view body, std::size_t expected_count) {
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
        return Error::ExternalRejected("embeddings response is not a JSON object");
    simdjson::dom::array data;
    if (root.at_key("data").get_array().get(data) != simdjson::SUCCESS) {
        const std::string embedded = EmbeddedErrorMessage(root);
        if (!embedded.empty())
            return Error::ExternalRejected("embeddings response is an error: " + embedded);
        return Error::ExternalRejected("embeddings response has no data array");
    }
    if (data.size() != expected_count)
        return Error::ExternalRejected("embeddings response has " + std::to_string(data.size()) +
                                       " vectors for " + std::to_string(expected_count) + " texts");
    EmbeddingResult result;
    result.vectors.resize(expected_count);
    std::vector<bool> seen(expected_count, false);
    std::size_t position = 0;
    for (simdjson::dom::element item : data) {
        simdjson::dom::object o;
        if (item.get_object().get(o) != simdjson::SUCCESS)
            return Error::ExternalRejected("embeddings response item is not an object");
        std::int64_t index = static_cast<std::int64_t>(position);
        simdjson::dom::element index_element;
        if (o.at_key("index").get(index_element) == simdjson::SUCCESS &&
            index_element.get_int64().get(index) != simdjson::SUCCESS)
            return Error::ExternalRejected("embeddings response item has a non-integer index");
        ++position;
        if (index < 0 || static_cast<std::size_t>(index) >= expected_count || seen[index])
            return Error::ExternalRejected(
                "embeddings response has a missing, repeated or "
                "out-of-range index");
        seen[index] = true;
        simdjson::dom::array values;
        if (o.at_key("embedding").get_array().get(values) != simdjson::SUCCESS)
            return Error::ExternalRejected(
                "embeddings response item has no embedding array (base64 is not read)");
        std::vector<float>& v = result.vectors[index];
        v.reserve(values.size());
        for (simdjson::dom::element x : values) {
            double d = 0;
            if (x.get_double().get(d) != simdjson::SUCCESS) {
                std::int64_t i = 0;
                if (x.get_int64().get(i) != simdjson::SUCCESS)
                    return Error::ExternalRejected("embedding holds a value that is not a number");
                d = static_cast<double>(i);
            }
            v.push_back(static_cast<float>(d));
        }
        if (v.empty()) return Error::ExternalRejected("embeddings response has an empty vector");
    }
    for (const auto& v : result.vectors) {
        if (v.size() != result.vectors[0].size())
            return Error::ExternalRejected("embeddings response vectors differ in length");
    }
    result.model = StringAt(root, "model");
    result.usage = ReadUsage(root);
    result.usage.completion_tokens = 0;
    return result;
}

ApiError ParseApiError(std::string_view body) {
    ApiError error;
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (parser.parse(body.data(), body.size()).get_object().get(root) != simdjson::SUCCESS)
        return error;
    simdjson::dom::object e;
    if (root.at_key("error").get_object().get(e) == simdjson::SUCCESS) {
        error.message = StringAt(e, "message");
        error.type = StringAt(e, "type");
        error.param = StringAt(e, "param");
        error.code = StringAt(e, "code");
        if (error.code.empty()) {
            std::int64_t numeric = 0;
            if (e.at_key("code").get_int64().get(numeric) == simdjson::SUCCESS)
                error.code = std::to_string(numeric);
        }
        return error;
    }
    // Some servers send {"error":"text"}.
    error.message = StringAt(root, "error");
    if (error.message.empty()) error.message = StringAt(root, "detail");
    if (error.message.empty()) error.message = StringAt(root, "title");
    if (error.message.empty()) error.message = StringAt(root, "message");
    error.type = StringAt(root, "type");
    return error;
}

}  // namespace hudhud::llm
