#include "tests/integration/test_server.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace hudhud::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

std::string HudhudBinary() {
    if (const char* b = std::getenv("HUDHUD_BINARY"); b != nullptr && *b != '\0') return b;
    return std::string(HUDHUD_BINARY_DIR) + "/hudhud";
}

std::string MakeTempDir(const std::string& prefix) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    char* d = ::mkdtemp(tmpl.data());
    return d ? std::string(d) : std::string();
}

nlohmann::json& HttpResult::json() const {
    if (!json_) {
        auto j = nlohmann::json::parse(body, nullptr, false);
        json_ = j.is_discarded() ? nlohmann::json() : std::move(j);
    }
    return *json_;
}

TestServer::TestServer(Options options) : options_(std::move(options)) {
    if (options_.data_dir.empty()) {
        data_dir_ = MakeTempDir("hudhud-it-");
        owns_data_dir_ = true;
    } else {
        data_dir_ = options_.data_dir;
    }
}

TestServer::~TestServer() {
    if (pid_ > 0) Kill();
    if (owns_data_dir_ && std::getenv("HUDHUD_KEEP_TEST_DATA") == nullptr) {
        std::error_code ec;
        std::filesystem::remove_all(data_dir_, ec);
    }
}

bool TestServer::Start() {
    const std::string port_file = data_dir_ + "/port";
    std::filesystem::remove(port_file);
    std::vector<std::string> args = {HudhudBinary(),      "serve",
                                     "--listen",          "127.0.0.1:0",
                                     "--data",            data_dir_,
                                     "--port-file",       port_file,
                                     "--log-file",        data_dir_ + "/hudhud.log",
                                     "--password-hash-cost", "min"};
    if (!options_.database.empty()) {
        args.push_back("--database");
        args.push_back(options_.database);
    }
    for (const auto& a : options_.extra_args) args.push_back(a);
    pid_ = ::fork();
    if (pid_ == 0) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return false;
        }
        std::ifstream in(port_file);
        unsigned short p = 0;
        if (in >> p && p != 0) {
            port_ = p;
            HttpClient c(port_);
            if (c.Get("/readyz").status == 200) return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

int TestServer::Stop() {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
}

void TestServer::Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

struct HttpClient::Conn {
    asio::io_context ioc;
    beast::tcp_stream stream{ioc};
    beast::flat_buffer buffer;
    bool open = false;
};

HttpClient::HttpClient(unsigned short port) : port_(port), conn_(std::make_unique<Conn>()) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

HttpResult HttpClient::Request(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        try {
            if (!conn_->open) {
                conn_ = std::make_unique<Conn>();
                conn_->stream.connect(
                    tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
                conn_->open = true;
            }
            bhttp::request<bhttp::string_body> req;
            req.method_string(method);
            req.target(target);
            req.version(11);
            req.set(bhttp::field::host, "127.0.0.1");
            req.set(bhttp::field::user_agent, "hudhud-integration-test");
            if (!body.empty()) req.set(bhttp::field::content_type, "application/json");
            if (!bearer_.empty()) req.set(bhttp::field::authorization, "Bearer " + bearer_);
            if (!csrf_.empty()) req.set("X-CSRF-Token", csrf_);
            std::string cookie;
            for (const auto& [k, v] : cookies_) {
                if (!cookie.empty()) cookie += "; ";
                cookie += k + "=" + v;
            }
            if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
            for (const auto& [k, v] : headers) req.set(k, v);
            req.body() = body;
            req.prepare_payload();
            conn_->stream.expires_after(std::chrono::seconds(60));
            bhttp::write(conn_->stream, req);
            bhttp::response_parser<bhttp::string_body> parser;
            parser.body_limit(64 * 1024 * 1024);
            bhttp::read(conn_->stream, conn_->buffer, parser);
            auto res = parser.release();
            HttpResult out;
            out.status = static_cast<int>(res.result_int());
            for (const auto& f : res) {
                std::string name(f.name_string());
                for (auto& c : name) c = static_cast<char>(std::tolower(c));
                std::string value(f.value());
                if (name == "set-cookie") {
                    out.set_cookies.push_back(value);
                    auto eq = value.find('=');
                    auto semi = value.find(';');
                    if (eq != std::string::npos) {
                        std::string cname = value.substr(0, eq);
                        std::string cval = value.substr(eq + 1, semi == std::string::npos
                                                                    ? std::string::npos
                                                                    : semi - eq - 1);
                        if (value.find("Max-Age=0") != std::string::npos || cval.empty()) {
                            cookies_.erase(cname);
                        } else {
                            cookies_[cname] = cval;
                        }
                    }
                }
                out.headers[name] = value;
            }
            out.body = std::move(res.body());
            if (!res.keep_alive()) conn_->open = false;
            return out;
        } catch (const std::exception& e) {
            conn_->open = false;
            if (attempt == 1) {
                HttpResult failed;
                failed.body = std::string("client error: ") + e.what();
                return failed;
            }
        }
    }
    return HttpResult{};
}

}  // namespace hudhud::testing
