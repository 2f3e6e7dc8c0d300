#include "tests/integration/fake_graph.hpp"

#include <cctype>
#include <chrono>
#include <thread>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace hudhud::testing {
namespace {

std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// The value of `name="..."` / `filename="..."` in a Content-Disposition line.
std::string DispositionParam(const std::string& line, const std::string& key) {
    const std::string needle = key + "=\"";
    std::size_t pos = 0;
    while ((pos = line.find(needle, pos)) != std::string::npos) {
        // "name=" must not match the tail of "filename=".
        if (pos == 0 || line[pos - 1] == ' ' || line[pos - 1] == ';') {
            const auto start = pos + needle.size();
            return line.substr(start, line.find('"', start) - start);
        }
        pos += needle.size();
    }
    return "";
}

// Splits a multipart/form-data body into the recorded upload (RFC 7578).
bool ParseMultipart(const std::string& content_type, const std::string& body,
                    FakeGraph::Upload& out) {
    const auto b = content_type.find("boundary=");
    if (b == std::string::npos) return false;
    std::string boundary = content_type.substr(b + 9);
    if (!boundary.empty() && boundary.front() == '"') {
        boundary = boundary.substr(1, boundary.find('"', 1) - 1);
    }
    boundary = boundary.substr(0, boundary.find(';'));
    const std::string delimiter = "--" + boundary;
    std::size_t pos = body.find(delimiter);
    if (pos == std::string::npos) return false;
    while (true) {
        pos += delimiter.size();
        if (body.compare(pos, 2, "--") == 0) return true;  // the closing delimiter
        if (body.compare(pos, 2, "\r\n") != 0) return false;
        pos += 2;
        const auto headers_end = body.find("\r\n\r\n", pos);
        if (headers_end == std::string::npos) return false;
        const std::string headers = body.substr(pos, headers_end - pos);
        const auto next = body.find("\r\n" + delimiter, headers_end + 4);
        if (next == std::string::npos) return false;
        std::string value = body.substr(headers_end + 4, next - headers_end - 4);
        std::string name, filename, type;
        std::size_t line_start = 0;
        while (line_start < headers.size()) {
            auto line_end = headers.find("\r\n", line_start);
            if (line_end == std::string::npos) line_end = headers.size();
            const std::string line = headers.substr(line_start, line_end - line_start);
            const std::string lower = Lower(line);
            if (lower.rfind("content-disposition:", 0) == 0) {
                name = DispositionParam(line, "name");
                filename = DispositionParam(line, "filename");
            } else if (lower.rfind("content-type:", 0) == 0) {
                type = line.substr(13);
                while (!type.empty() && type.front() == ' ') type.erase(0, 1);
            }
            line_start = line_end + 2;
        }
        if (Lower(headers).find("filename=") != std::string::npos) {
            out.file_field = name;
            out.file_name = filename;
            out.file_content_type = type;
            out.file_bytes = std::move(value);
        } else {
            out.fields[name] = std::move(value);
        }
        pos = next + 2;
    }
}

}  // namespace

struct FakeGraph::State {
    mutable std::mutex mu;
    std::vector<Recorded> requests;
    std::deque<std::pair<int, nlohmann::json>> scripted;
    std::deque<std::pair<int, nlohmann::json>> scripted_media;
    std::vector<Upload> uploads;
    int next_media_id = 1;
    nlohmann::json templates = nlohmann::json::array();
    int next_id = 1;
};

FakeGraph::FakeGraph()
    : state_(std::make_shared<State>()), metrics_(std::make_unique<http::MetricsRegistry>()) {
    http::Router router;
    auto state = state_;
    router.SetFallback([state](http::Request& req) {
        Recorded r;
        r.method = req.method_name;
        r.path = req.path;
        auto q = req.target.find('?');
        if (q != std::string::npos) r.query = req.target.substr(q + 1);
        r.authorization = std::string(req.Header("Authorization").value_or(""));
        r.content_type = std::string(req.Header("Content-Type").value_or(""));
        r.body = req.body;
        std::lock_guard lock(state->mu);
        state->requests.push_back(r);
        const bool messages = r.method == "POST" && r.path.size() > 9 &&
                              r.path.compare(r.path.size() - 9, 9, "/messages") == 0;
        const bool media = r.method == "POST" && r.path.size() > 6 &&
                           r.path.compare(r.path.size() - 6, 6, "/media") == 0;
        if (r.authorization.rfind("Bearer ", 0) != 0) {
            return http::Response::Json(
                401, {{"error", {{"message", "Invalid OAuth access token."}, {"code", 190}}}});
        }
        if (messages) {
            if (!state->scripted.empty()) {
                auto [status, body] = state->scripted.front();
                state->scripted.pop_front();
                return http::Response::Json(status, body);
            }
            auto j = nlohmann::json::parse(r.body, nullptr, false);
            if (j.contains("status") && j["status"] == "read") {
                return http::Response::Json(200, {{"success", true}});
            }
            const std::string to = j.value("to", "");
            return http::Response::Json(
                200, {{"messaging_product", "whatsapp"},
                      {"contacts", {{{"input", to}, {"wa_id", to}}}},
                      {"messages", {{{"id", "wamid.FAKE" + std::to_string(state->next_id++)}}}}});
        }
        if (media) {
            Upload u;
            u.path = r.path;
            u.authorization = r.authorization;
            if (!ParseMultipart(r.content_type, r.body, u)) {
                state->uploads.push_back(u);
                return http::Response::Json(
                    400,
                    {{"error", {{"message", "(#100) Invalid multipart body"}, {"code", 100}}}});
            }
            if (!state->scripted_media.empty()) {
                auto [status, body] = state->scripted_media.front();
                state->scripted_media.pop_front();
                state->uploads.push_back(u);
                return http::Response::Json(status, body);
            }
            u.answered_id = "MEDIA" + std::to_string(state->next_media_id++);
            state->uploads.push_back(u);
            return http::Response::Json(200, {{"id", u.answered_id}});
        }
        if (r.method == "GET" && r.path.find("/message_templates") != std::string::npos) {
            return http::Response::Json(200, {{"data", state->templates}, {"paging", nlohmann::json::object()}});
        }
        return http::Response::Json(404, {{"error", {{"message", "unknown path"}, {"code", 100}}}});
    });
    http::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.io_threads = 1;
    so.handler_threads = 4;
    so.access_log = false;
    so.max_body_bytes = 64u << 20;  // media uploads
    server_ = std::make_unique<http::Server>(so, std::move(router), *metrics_);
    auto st = server_->Start();
    if (!st.ok()) throw std::runtime_error("fake graph: " + st.error().message);
}

FakeGraph::~FakeGraph() {
    if (server_) server_->Stop();
}

unsigned short FakeGraph::port() const { return server_->port(); }

void FakeGraph::QueueMessagesResponse(int status, nlohmann::json body) {
    std::lock_guard lock(state_->mu);
    state_->scripted.emplace_back(status, std::move(body));
}

void FakeGraph::QueueMediaResponse(int status, nlohmann::json body) {
    std::lock_guard lock(state_->mu);
    state_->scripted_media.emplace_back(status, std::move(body));
}

std::vector<FakeGraph::Upload> FakeGraph::MediaUploads() const {
    std::lock_guard lock(state_->mu);
    return state_->uploads;
}

void FakeGraph::SetTemplates(nlohmann::json data) {
    std::lock_guard lock(state_->mu);
    state_->templates = std::move(data);
}

std::vector<FakeGraph::Recorded> FakeGraph::Requests() const {
    std::lock_guard lock(state_->mu);
    return state_->requests;
}

std::vector<FakeGraph::Recorded> FakeGraph::MessageSends() const {
    std::vector<Recorded> out;
    for (auto& r : Requests()) {
        if (r.method == "POST" && r.path.size() > 9 &&
            r.path.compare(r.path.size() - 9, 9, "/messages") == 0) {
            out.push_back(r);
        }
    }
    return out;
}

std::size_t FakeGraph::WaitForSends(std::size_t n) const {
    for (int i = 0; i < 250; ++i) {
        auto got = MessageSends().size();
        if (got >= n) return got;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return MessageSends().size();
}

}  // namespace hudhud::testing
