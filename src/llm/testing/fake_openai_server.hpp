#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace hudhud::http {
class Server;
class MetricsRegistry;
}  // namespace hudhud::http

namespace hudhud::llm::testing {

// A stand-in for an OpenAI-compatible API on 127.0.0.1 (a real http::Server on port 0), for unit
// tests of what we send and how we handle answers. Deterministic:
//   POST /v1/chat/completions  answers "echo: <content of the last message>" with usage
//                              (prompt_tokens = request body bytes / 4, completion_tokens =
//                              reply bytes / 4);
//   POST /v1/embeddings        answers for each input a vector of `dimensions` floats derived
//                              from the text's bytes (the same text gives the same vector).
// Scripted answers queued with Queue() are served first, in order, per endpoint. Every request
// is recorded. (Validation against OpenAI's official spec is done separately, with Prism, in
// tests/conformance.) Thread-safe.
class FakeOpenAiServer {
  public:
    enum class Endpoint { kChat, kEmbeddings };

    struct Scripted {
        int status = 200;
        std::string body;  // sent as-is, as application/json
        std::vector<std::pair<std::string, std::string>> headers{};
        std::chrono::milliseconds delay{0};  // before answering (to make clients time out)
    };

    struct Recorded {
        std::string path;
        std::string authorization;
        std::string organization;  // OpenAI-Organization
        std::string project;       // OpenAI-Project
        std::string content_type;
        std::string accept;
        std::string body;
        nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    };

    explicit FakeOpenAiServer(std::size_t dimensions = 8);
    ~FakeOpenAiServer();
    FakeOpenAiServer(const FakeOpenAiServer&) = delete;
    FakeOpenAiServer& operator=(const FakeOpenAiServer&) = delete;

    unsigned short port() const;
    // "http://127.0.0.1:<port>/v1", the base URL to give the client.
    std::string base_url() const;

    void Queue(Endpoint endpoint, Scripted answer);
    // An OpenAI-shaped error body: {"error":{"message","type","param":null,"code"}}.
    static std::string ErrorBody(std::string_view message, std::string_view type,
                                 std::string_view code = "");

    std::vector<Recorded> Requests() const;
    std::size_t RequestCount() const;

    // The vector the default embeddings answer gives for `text`.
    static std::vector<float> VectorFor(std::string_view text, std::size_t dimensions);

  private:
    struct State;
    std::shared_ptr<State> state_;
    std::unique_ptr<http::MetricsRegistry> metrics_;
    std::unique_ptr<http::Server> server_;
};

}  // namespace hudhud::llm::testing
