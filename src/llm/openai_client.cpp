#include "llm/openai_client.hpp"

#include <algorithm>
#include <random>
#include <thread>

#include "llm/retry_policy.hpp"
#include "log/log.hpp"

namespace hudhud::llm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kMaxDetailBytes = 500;

bool HasControlChars(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// "https://user@api.openai.com:443/v1" -> "https://api.openai.com:443".
std::string OriginOf(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return "(malformed url)";
    const auto host_end = url.find_first_of("/?#", scheme_end + 3);
    std::string_view authority = url.substr(scheme_end + 3, host_end - (scheme_end + 3));
    if (const auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    return std::string(url.substr(0, scheme_end + 3)) + std::string(authority);
}

bool IsLoopbackOrigin(std::string_view origin) {
    std::string_view host = origin.substr(origin.find("://") + 3);
    if (host.starts_with("[::1]")) return true;
    host = host.substr(0, host.find(':'));
    return host == "localhost" || (host.starts_with("127.") &&
                                   host.find_first_not_of("0123456789.") == std::string_view::npos);
}

// Cuts at a UTF-8 character boundary so a shortened API message stays valid text.
std::string TruncateUtf8(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return std::string(s);
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    return std::string(s.substr(0, end)) + "...";
}

double Jitter() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

std::int64_t Millis(Clock::duration d) {
    return std::chrono::duration_cast<milliseconds>(d).count();
}

std::string RequestIdOf(const net::HttpResponse& response) {
    return std::string(response.Header("x-request-id").value_or(""));
}

}  // namespace

Status OpenAiClient::Validate(const Options& o) {
    const std::string_view url = o.base_url;
    const bool https = url.starts_with("https://");
    if (!https && !url.starts_with("http://"))
        return Error::InvalidArgument("llm base_url must start with http:// or https://");
    const std::size_t authority_start = https ? 8 : 7;
    const auto authority_end = url.find('/', authority_start);
    const std::string_view authority = url.substr(authority_start, authority_end - authority_start);
    if (authority.empty()) return Error::InvalidArgument("llm base_url has no host");
    if (authority.find('@') != std::string_view::npos)
        return Error::InvalidArgument("llm base_url must not carry credentials; use api_key");
    if (url.find_first_of("?# ") != std::string_view::npos || HasControlChars(url))
        return Error::InvalidArgument(
            "llm base_url must not have a query, a fragment, spaces or control characters");
    if (HasControlChars(o.api_key) || HasControlChars(o.organization) || HasControlChars(o.project))
        return Error::InvalidArgument(
            "llm api_key, organization and project must not contain control characters");
    if (o.connect_timeout.count() <= 0 || o.timeout.count() <= 0)
        return Error::InvalidArgument("llm timeouts must be positive");
    if (o.max_retries < 0 || o.max_retries > 10)
        return Error::InvalidArgument("llm max_retries must be between 0 and 10");
    if (o.initial_backoff.count() < 0 || o.max_backoff.count() < 0 || o.max_retry_after.count() < 0)
        return Error::InvalidArgument("llm backoff settings must not be negative");
    if (o.embedding_batch_size < 1 || o.embedding_batch_size > 2048)
        return Error::InvalidArgument("llm embedding_batch_size must be between 1 and 2048");
    if (o.embedding_dimensions && *o.embedding_dimensions < 1)
        return Error::InvalidArgument("llm embedding_dimensions must be at least 1");
    return Ok();
}

OpenAiClient::OpenAiClient(const net::HttpClient& http, Options options)
    : http_(http), options_(std::move(options)) {
    while (options_.base_url.ends_with('/')) options_.base_url.pop_back();
    if (auto valid = Validate(options_); !valid.ok()) {
        config_error_ = Error::FailedPrecondition("llm client misconfigured: " +
                                                  std::move(valid).error().message);
        origin_ = "(invalid base_url)";
        return;
    }
    origin_ = OriginOf(options_.base_url);
    if (!options_.base_url.starts_with("https://") && !options_.api_key.empty() &&
        !IsLoopbackOrigin(origin_)) {
        log::Warn("llm.insecure_base_url",
                  {{"origin", origin_}, {"note", "the API key travels unencrypted"}});
    }
}

void OpenAiClient::Wait(milliseconds delay) const {
    if (options_.sleep) {
        options_.sleep(delay);
    } else {
        std::this_thread::sleep_for(delay);
    }
}

Error OpenAiClient::StatusError(std::string_view endpoint, const net::HttpResponse& r) const {
    const ApiError api = ParseApiError(r.body);
    std::string what = "LLM API " + origin_ + " " + std::string(endpoint) + " answered HTTP " +
                       std::to_string(r.status);
    if (!api.type.empty() || !api.code.empty()) {
        what +=
            " (" + api.type + (api.type.empty() || api.code.empty() ? "" : "/") + api.code + ")";
    }
    if (!api.message.empty()) what += ": " + TruncateUtf8(api.message, kMaxDetailBytes);
    const int s = r.status;
    if (s == 400 || s == 422) return Error::InvalidArgument("request refused: " + what);
    if (s == 401) return Error::Unauthenticated("API key missing, wrong or revoked: " + what);
    if (s == 403) return Error::PermissionDenied("access denied: " + what);
    if (s == 404) return Error::NotFound("not found (check base_url and model): " + what);
    if (s == 413) return Error::PayloadTooLarge("request too large: " + what);
    if (s == 429) {
        if (api.code == "insufficient_quota")
            return Error{ErrorCode::kRateLimited, "quota exhausted: " + what, false};
        return Error::RateLimited("rate limited: " + what);
    }
    if (s == 408) return Error::Timeout("server timed out: " + what);
    if (s >= 500 || s == 409) return Error::Unavailable("server unavailable: " + what);
    if (s >= 300 && s < 400)
        return Error::ExternalRejected("unexpected redirect (check base_url): " + what);
    return Error::ExternalRejected("request rejected: " + what);
}

Result<OpenAiClient::Exchange> OpenAiClient::Post(std::string_view endpoint,
                                                  std::string body) const {
    net::HttpRequest request;
    request.method = "POST";
    request.url = options_.base_url + std::string(endpoint);
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!options_.api_key.empty())
        request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    if (!options_.organization.empty())
        request.headers.emplace_back("OpenAI-Organization", options_.organization);
    if (!options_.project.empty()) request.headers.emplace_back("OpenAI-Project", options_.project);
    request.body = std::move(body);
    request.timeout = options_.timeout;
    request.connect_timeout = options_.connect_timeout;
    request.max_response_bytes = options_.max_response_bytes;

    const auto start = Clock::now();
    Exchange exchange;
    for (int attempt = 0;; ++attempt) {
        exchange.attempts = attempt + 1;
        const bool last = attempt >= options_.max_retries;
        auto sent = http_.Send(request);
        std::optional<Error> failure;
        milliseconds delay{0};
        int status = 0;
        std::string request_id;
        if (!sent.ok()) {
            failure = std::move(sent).error();
            failure->message = "LLM API " + std::string(endpoint) + ": " + failure->message;
            delay = BackoffDelay(attempt, options_.initial_backoff, options_.max_backoff, Jitter());
            if (!failure->retryable || last) {
                HH_LOG_AT(log::Level::kWarn, "llm.failed",
                          {{"endpoint", endpoint},
                           {"code", ErrorCodeName(failure->code)},
                           {"attempts", exchange.attempts},
                           {"latency_ms", Millis(Clock::now() - start)}});
                return *std::move(failure);
            }
        } else if (sent->status >= 200 && sent->status < 300) {
            exchange.response = std::move(sent).value();
            exchange.latency = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
            return exchange;
        } else {
            status = sent->status;
            request_id = RequestIdOf(*sent);
            failure = StatusError(endpoint, *sent);
            const bool retry = ShouldRetryStatus(*sent);
            const auto asked = RetryAfter(*sent);
            delay = asked.value_or(
                BackoffDelay(attempt, options_.initial_backoff, options_.max_backoff, Jitter()));
            const bool too_long = asked && *asked > options_.max_retry_after;
            if (too_long) {
                failure->message +=
                    " (the server asked to retry after " + std::to_string(asked->count()) + " ms)";
            }
            if (!retry || last || too_long) {
                // The error says whether coming back later can help: the statuses we retry
                // (and a too-long Retry-After) are; x-should-retry: false or a spent quota not.
                failure->retryable = retry;
                const ApiError api = ParseApiError(sent->body);
                HH_LOG_AT(log::Level::kWarn, "llm.failed",
                          {{"endpoint", endpoint},
                           {"status", status},
                           {"code", ErrorCodeName(failure->code)},
                           {"api_error_type", api.type},
                           {"api_error_code", api.code},
                           {"attempts", exchange.attempts},
                           {"latency_ms", Millis(Clock::now() - start)},
                           {"request_id", request_id}});
                return *std::move(failure);
            }
        }
        HH_LOG_AT(log::Level::kWarn, "llm.retry",
                  {{"endpoint", endpoint},
                   {"status", status},
                   {"code", ErrorCodeName(failure->code)},
                   {"attempt", exchange.attempts},
                   {"delay_ms", delay.count()},
                   {"request_id", request_id}});
        Wait(delay);
    }
}

Result<ChatResult> OpenAiClient::Chat(const ChatRequest& request) const {
    if (config_error_) return *config_error_;
    const std::string& model = request.model.empty() ? options_.chat_model : request.model;
    HH_ASSIGN_OR_RETURN(std::string body,
                        BuildChatBody(request, model, options_.token_limit_field));
    const std::size_t request_bytes = body.size();
    HH_ASSIGN_OR_RETURN(Exchange exchange, Post("/chat/completions", std::move(body)));
    auto parsed = ParseChatResponse(exchange.response.body);
    if (!parsed.ok()) {
        HH_LOG_AT(log::Level::kWarn, "llm.failed",
                  {{"endpoint", "/chat/completions"},
                   {"status", exchange.response.status},
                   {"code", ErrorCodeName(parsed.error().code)},
                   {"response_bytes", exchange.response.body.size()},
                   {"request_id", RequestIdOf(exchange.response)}});
        return Error::ExternalRejected("LLM API " + origin_ +
                                       " /chat/completions: " + parsed.error().message);
    }
    ChatResult result = std::move(parsed).value();
    result.attempts = exchange.attempts;
    HH_LOG_INFO("llm.chat", {{"origin", origin_},
                             {"model", model},
                             {"messages", request.messages.size()},
                             {"request_bytes", request_bytes},
                             {"response_bytes", exchange.response.body.size()},
                             {"status", exchange.response.status},
                             {"attempts", exchange.attempts},
                             {"latency_ms", exchange.latency.count()},
                             {"finish_reason", FinishReasonName(result.finish_reason)},
                             {"content_bytes", result.content.size()},
                             {"prompt_tokens", result.usage.prompt_tokens},
                             {"completion_tokens", result.usage.completion_tokens},
                             {"request_id", RequestIdOf(exchange.response)}});
    return result;
}

Result<EmbeddingResult> OpenAiClient::Embed(const std::vector<std::string>& texts) const {
    if (config_error_) return *config_error_;
    if (texts.empty()) return Error::InvalidArgument("nothing to embed: no texts");
    if (options_.embedding_model.empty())
        return Error::InvalidArgument("no embedding model configured");
    // Checked for the whole list first, so no batch is paid for when a later one cannot be sent.
    for (std::size_t i = 0; i < texts.size(); ++i) {
        if (texts[i].empty())
            return Error::InvalidArgument("text " + std::to_string(i) +
                                          " to embed is empty; the API refuses empty input");
    }
    EmbeddingResult all;
    all.vectors.reserve(texts.size());
    std::size_t input_bytes = 0;
    int attempts = 0;
    milliseconds latency{0};
    std::size_t batches = 0;
    for (std::size_t first = 0; first < texts.size(); first += options_.embedding_batch_size) {
        const std::size_t last = std::min(texts.size(), first + options_.embedding_batch_size);
        const std::vector<std::string> batch(texts.begin() + static_cast<std::ptrdiff_t>(first),
                                             texts.begin() + static_cast<std::ptrdiff_t>(last));
        HH_ASSIGN_OR_RETURN(std::string body, BuildEmbeddingsBody(batch, options_.embedding_model,
                                                                  options_.embedding_dimensions));
        input_bytes += body.size();
        HH_ASSIGN_OR_RETURN(Exchange exchange, Post("/embeddings", std::move(body)));
        ++batches;
        attempts += exchange.attempts;
        latency += exchange.latency;
        auto parsed = ParseEmbeddingsResponse(exchange.response.body, batch.size());
        if (!parsed.ok()) {
            HH_LOG_AT(log::Level::kWarn, "llm.failed",
                      {{"endpoint", "/embeddings"},
                       {"status", exchange.response.status},
                       {"code", ErrorCodeName(parsed.error().code)},
                       {"response_bytes", exchange.response.body.size()},
                       {"request_id", RequestIdOf(exchange.response)}});
            return Error::ExternalRejected("LLM API " + origin_ +
                                           " /embeddings: " + parsed.error().message);
        }
        if (!all.vectors.empty() && parsed->vectors[0].size() != all.vectors[0].size())
            return Error::ExternalRejected("LLM API " + origin_ +
                                           " /embeddings: vector length changed between batches");
        for (auto& v : parsed->vectors) all.vectors.push_back(std::move(v));
        all.model = parsed->model;
        all.usage.reported = all.usage.reported || parsed->usage.reported;
        all.usage.prompt_tokens += parsed->usage.prompt_tokens;
        all.usage.total_tokens += parsed->usage.total_tokens;
    }
    HH_LOG_INFO("llm.embed", {{"origin", origin_},
                              {"model", options_.embedding_model},
                              {"texts", texts.size()},
                              {"batches", batches},
                              {"request_bytes", input_bytes},
                              {"dimensions", all.vectors.empty() ? 0 : all.vectors[0].size()},
                              {"attempts", attempts},
                              {"latency_ms", latency.count()},
                              {"prompt_tokens", all.usage.prompt_tokens}});
    return all;
}

}  // namespace hudhud::llm
