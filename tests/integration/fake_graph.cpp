#include "tests/integration/fake_graph.hpp"

#include <chrono>
#include <thread>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace hudhud::testing {

struct FakeGraph::State {
    mutable std::mutex mu;
    std::vector<Recorded> requests;
    std::deque<std::pair<int, nlohmann::json>> scripted;
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
