#pragma once

#include <deque>
#include <map>
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
// records every request and answers /{version}/{phone_number_id}/messages with a fresh wamid,
// the multipart POST /{version}/{phone_number_id}/media with a fresh media id (the parts are
// parsed and kept, see MediaUploads) and /{version}/{waba_id}/message_templates with the
// templates set by the test, unless a scripted response is queued. (Request validation against
// Meta's official spec is done separately, with Prism, in tests/conformance.)
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

    // A multipart/form-data upload to .../media, parsed.
    struct Upload {
        std::string path;
        std::string authorization;
        std::map<std::string, std::string> fields;  // text parts by name
        std::string file_field;                     // the part with a filename
        std::string file_name;
        std::string file_content_type;
        std::string file_bytes;
        std::string answered_id;  // the media id returned ("" when a scripted error was)
    };

    FakeGraph();
    ~FakeGraph();

    unsigned short port() const;
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

    // The next POST .../messages answers this instead of a success.
    void QueueMessagesResponse(int status, nlohmann::json body);
    void SetTemplates(nlohmann::json data);
    // The next POST .../media answers this instead of a fresh id.
    void QueueMediaResponse(int status, nlohmann::json body);

    std::vector<Recorded> Requests() const;
    std::vector<Recorded> MessageSends() const;  // POST */messages only
    // Waits until at least n message sends arrived (up to ~5 s); returns how many there are.
    std::size_t WaitForSends(std::size_t n) const;
    std::vector<Upload> MediaUploads() const;

  private:
    struct State;
    std::shared_ptr<State> state_;
    std::unique_ptr<http::MetricsRegistry> metrics_;
    std::unique_ptr<http::Server> server_;
};

}  // namespace hudhud::testing
