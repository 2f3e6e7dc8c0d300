#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "llm/chat.hpp"
#include "llm/openai_wire.hpp"
#include "net/http_client.hpp"

namespace hudhud::llm {

// A client for an OpenAI-compatible HTTP API (OpenAI itself, or a compatible server such as a
// local model runner): chat completions and embeddings, over net::HttpClient.
//
// Retries: a transport failure that is retryable (refused, reset, timeout) and the statuses 408,
// 409, 429 and 5xx are retried up to max_retries times, waiting what the server asked for
// (`retry-after-ms`, `retry-after` in seconds) or else exponential backoff with jitter. A wait
// the server asks for that is longer than max_retry_after is not done in-line: the call fails at
// once with a retryable error so a job can come back later.
//
// Errors (Error::message names the API's origin and endpoint, never the key; for 4xx it carries
// the API's error.message, which is returned but never logged):
//   kInvalidArgument   400/422, or a request this module refuses before sending (no messages,
//                      bad temperature, empty text to embed, ...)
//   kUnauthenticated   401 (key missing, wrong or revoked)
//   kPermissionDenied  403 (key lacks access to the model, region or project)
//   kNotFound          404 (wrong base_url or unknown model)
//   kPayloadTooLarge   413, or a response over max_response_bytes
//   kRateLimited       429 after the retries (retryable); 429 insufficient_quota at once (not
//                      retryable: the account has no credit)
//   kUnavailable       5xx/409 or a transport failure after the retries (retryable)
//   kTimeout           408 or a timeout after the retries (retryable)
//   kExternalRejected  any other status, a redirect, or a 2xx body that is not what the endpoint
//                      returns
//   kFailedPrecondition  the Options are invalid (see Validate), on every call
//
// Logging: one line per call ("llm.chat", "llm.embed"; "llm.retry" per retry, "llm.failed" on
// failure) with sizes, status, attempts, latency, model, token counts and the server's request
// id. Never the key, never message contents, never the API's error message.
//
// Thread safety: Chat and Embed may be called from any number of threads at once.
class OpenAiClient {
  public:
    struct Options {
        // e.g. "https://api.openai.com/v1" or "http://127.0.0.1:4010/v1"; endpoints are
        // appended ("/chat/completions", "/embeddings"). A trailing '/' is ignored.
        std::string base_url = "https://api.openai.com/v1";
        // Sent as "Authorization: Bearer <key>"; empty: no Authorization header (local servers).
        std::string api_key{};
        std::string chat_model{};                   // used when ChatRequest::model is empty
        std::string embedding_model{};              // empty: Embed fails with kInvalidArgument
        std::optional<int> embedding_dimensions{};  // text-embedding-3 models can shorten vectors
        std::string organization{};                 // OpenAI-Organization header when set
        std::string project{};                      // OpenAI-Project header when set
        std::chrono::milliseconds connect_timeout{5'000};
        std::chrono::milliseconds timeout{60'000};  // per attempt, the whole request
        int max_retries = 2;                        // retries after the first attempt, 0..10
        std::chrono::milliseconds initial_backoff{500};
        std::chrono::milliseconds max_backoff{8'000};
        std::chrono::milliseconds max_retry_after{30'000};
        TokenLimitField token_limit_field = TokenLimitField::kMaxCompletionTokens;
        std::size_t max_response_bytes = 64u << 20;  // 2048 vectors of 3072 floats fit
        std::size_t embedding_batch_size = 256;      // texts per embeddings request, 1..2048
        // How the client waits between attempts; empty: std::this_thread::sleep_for. Tests
        // record the waits instead of sleeping.
        std::function<void(std::chrono::milliseconds)> sleep{};
    };

    // kInvalidArgument naming the first bad option: base_url not http(s)://host[...] or with a
    // query/fragment, a key or header value with control characters, timeouts not positive,
    // max_retries outside 0..10, embedding_batch_size outside 1..2048, dimensions < 1.
    static Status Validate(const Options& options);

    // `http` must outlive the client. Invalid options are not fatal here (app/ should call
    // Validate at start-up and exit); every call then fails with kFailedPrecondition.
    OpenAiClient(const net::HttpClient& http, Options options);

    // POST {base}/chat/completions; the first choice. finish_reason kLength means the content
    // was cut off; kContentFilter that the provider withheld it.
    Result<ChatResult> Chat(const ChatRequest& request) const;

    // POST {base}/embeddings, in batches of embedding_batch_size; one vector per text, in order.
    Result<EmbeddingResult> Embed(const std::vector<std::string>& texts) const;

    const Options& options() const { return options_; }

  private:
    struct Exchange {
        net::HttpResponse response;
        int attempts = 0;
        std::chrono::milliseconds latency{0};
    };
    Result<Exchange> Post(std::string_view endpoint, std::string body) const;
    Error StatusError(std::string_view endpoint, const net::HttpResponse& response) const;
    void Wait(std::chrono::milliseconds delay) const;

    const net::HttpClient& http_;
    Options options_;
    std::string origin_;  // scheme://host[:port] of base_url, for messages and logs
    std::optional<Error> config_error_;
};

}  // namespace hudhud::llm
