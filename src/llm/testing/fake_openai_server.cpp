#include "llm/testing/fake_openai_server.hpp"

#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace hudhud::llm::testing {

using nlohmann::json;

struct FakeOpenAiServer::State {
    std::size_t dimensions = 8;
    mutable std::mutex mutex;
    std::map<Endpoint, std::deque<Scripted>> queued;
    std::vector<Recorded> requests;

    std::optional<Scripted> Next(Endpoint endpoint) {
        std::lock_guard lock(mutex);
        auto& q = queued[endpoint];
        if (q.empty()) return std::nullopt;
        Scripted s = std::move(q.front());
        q.pop_front();
        return s;
    }

    void Record(const http::Request& req) {
        Recorded r;
        r.path = req.path;
        r.authorization = std::string(req.Header("Authorization").value_or(""));
        r.organization = std::string(req.Header("OpenAI-Organization").value_or(""));
        r.project = std::string(req.Header("OpenAI-Project").value_or(""));
        r.content_type = std::string(req.Header("Content-Type").value_or(""));
        r.accept = std::string(req.Header("Accept").value_or(""));
        r.body = req.body;
        std::lock_guard lock(mutex);
        requests.push_back(std::move(r));
    }
};

namespace {

http::Response Serve(const FakeOpenAiServer::Scripted& s) {
    if (s.delay.count() > 0) std::this_thread::sleep_for(s.delay);
    auto response = http::Response::Text(s.status, s.body, "application/json");
    for (const auto& [name, value] : s.headers) response.SetHeader(name, value);
    return response;
}

http::Response Invalid(std::string_view message) {
    return http::Response::Json(400, {{"error",
                                       {{"message", message},
                                        {"type", "invalid_request_error"},
                                        {"param", nullptr},
                                        {"code", nullptr}}}});
}

}  // namespace

std::vector<float> FakeOpenAiServer::VectorFor(std::string_view text, std::size_t dimensions) {
    std::vector<float> v(dimensions, 0.0f);
    for (std::size_t i = 0; i < text.size(); ++i) {
        v[i % dimensions] += static_cast<float>(static_cast<unsigned char>(text[i])) / 256.0f;
    }
    return v;
}

std::string FakeOpenAiServer::ErrorBody(std::string_view message, std::string_view type,
                                        std::string_view code) {
    json error = {{"message", message}, {"type", type}, {"param", nullptr}};
    error["code"] = code.empty() ? json(nullptr) : json(code);
    return json{{"error", error}}.dump();
}

FakeOpenAiServer::FakeOpenAiServer(std::size_t dimensions)
    : state_(std::make_shared<State>()), metrics_(std::make_unique<http::MetricsRegistry>()) {
    state_->dimensions = dimensions;
    http::Router router;
    const http::RouteOptions big{.max_body = 16u << 20};
    router.Post(
        "/v1/chat/completions",
        [state = state_](http::Request& req) {
            state->Record(req);
            if (auto s = state->Next(Endpoint::kChat)) return Serve(*s);
            const json body = json::parse(req.body, nullptr, false);
            if (!body.is_object() || !body.contains("messages") || !body["messages"].is_array() ||
                body["messages"].empty())
                return Invalid("'messages' must be a non-empty array");
            const json& last = body["messages"].back();
            const std::string content = last.contains("content") && last["content"].is_string()
                                            ? last["content"].get<std::string>()
                                            : std::string();
            const std::string reply = "echo: " + content;
            const auto prompt_tokens = static_cast<std::int64_t>(req.body.size() / 4);
            const auto completion_tokens = static_cast<std::int64_t>(reply.size() / 4);
            return http::Response::Json(
                200,
                {{"id", "chatcmpl-fake-1"},
                 {"object", "chat.completion"},
                 {"created", 1700000000},
                 {"model", body.value("model", "")},
                 {"choices",
                  {{{"index", 0},
                    {"message", {{"role", "assistant"}, {"content", reply}, {"refusal", nullptr}}},
                    {"logprobs", nullptr},
                    {"finish_reason", "stop"}}}},
                 {"usage",
                  {{"prompt_tokens", prompt_tokens},
                   {"completion_tokens", completion_tokens},
                   {"total_tokens", prompt_tokens + completion_tokens}}}});
        },
        big);
    router.Post(
        "/v1/embeddings",
        [state = state_](http::Request& req) {
            state->Record(req);
            if (auto s = state->Next(Endpoint::kEmbeddings)) return Serve(*s);
            const json body = json::parse(req.body, nullptr, false);
            if (!body.is_object() || !body.contains("input")) return Invalid("'input' is required");
            std::vector<std::string> inputs;
            if (body["input"].is_string()) {
                inputs.push_back(body["input"].get<std::string>());
            } else if (body["input"].is_array()) {
                for (const json& item : body["input"]) {
                    if (!item.is_string()) return Invalid("'input' items must be strings");
                    inputs.push_back(item.get<std::string>());
                }
            } else {
                return Invalid("'input' must be a string or an array");
            }
            json data = json::array();
            std::int64_t tokens = 0;
            for (std::size_t i = 0; i < inputs.size(); ++i) {
                data.push_back({{"object", "embedding"},
                                {"index", i},
                                {"embedding", VectorFor(inputs[i], state->dimensions)}});
                tokens += static_cast<std::int64_t>(inputs[i].size() / 4 + 1);
            }
            return http::Response::Json(
                200, {{"object", "list"},
                      {"data", std::move(data)},
                      {"model", body.value("model", "")},
                      {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}});
        },
        big);

    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.io_threads = 1;
    options.handler_threads = 8;
    options.access_log = false;
    options.shutdown_timeout = std::chrono::milliseconds(3000);
    server_ = std::make_unique<http::Server>(std::move(options), std::move(router), *metrics_);
    if (auto started = server_->Start(); !started.ok()) {
        std::cerr << "FakeOpenAiServer: " << started.error().message << "\n";
        std::abort();
    }
}

FakeOpenAiServer::~FakeOpenAiServer() { server_.reset(); }

unsigned short FakeOpenAiServer::port() const { return server_->port(); }

std::string FakeOpenAiServer::base_url() const {
    return "http://127.0.0.1:" + std::to_string(port()) + "/v1";
}

void FakeOpenAiServer::Queue(Endpoint endpoint, Scripted answer) {
    std::lock_guard lock(state_->mutex);
    state_->queued[endpoint].push_back(std::move(answer));
}

std::vector<FakeOpenAiServer::Recorded> FakeOpenAiServer::Requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

std::size_t FakeOpenAiServer::RequestCount() const {
    std::lock_guard lock(state_->mutex);
    return state_->requests.size();
}

}  // namespace hudhud::llm::testing
