#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace hudhud::http {
class Server;
class MetricsRegistry;
}  // namespace hudhud::http

namespace hudhud::testing {

// A stand-in for Meta's Graph API on 127.0.0.1, for integration tests of what hudhud sends: it
// records every request and answers /{version}/{phone_number_id}/messages with a fresh wamid and
// /{version}/{waba_id}/message_templates with the templates set by the test, unless a scripted
// response is queued. (Request validation against Meta's official spec is done separately, with
// Prism, in tests/conformance.)
class FakeGraph {
  public:
    struct Recorded {
        std::string method;
        std::string path;  // without the query
        std::string query;
        std::string authorization;
        std::string content_type;
        std::string body;
        nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
    };

    FakeGraph();
    ~FakeGraph();

    unsigned short port() const;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

    // The next POST .../messages answers this instead of a success.
    void QueueMessagesResponse(int status, nlohmann::json body);
    void SetTemplates(nlohmann::json data);

    std::vector<Recorded> Requests() const;
    std::vector<Recorded> MessageSends() const;  // POST */messages only
    // Waits until at least n message sends arrived (up to ~5 s); returns how many there are.
    std::size_t WaitForSends(std::size_t n) const;

  private:
    struct State;
    std::shared_ptr<State> state_;
    std::unique_ptr<http::MetricsRegistry> metrics_;
    std::unique_ptr<http::Server> server_;
};

}  // namespace hudhud::testing
