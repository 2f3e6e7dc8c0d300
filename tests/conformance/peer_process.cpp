#include "tests/conformance/peer_process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace hudhud::conformance {

using namespace std::chrono_literals;

fs::path PeerSpecsDir() {
    if (const char* env = std::getenv("HUDHUD_PEER_SPECS"); env && *env) return env;
    return fs::path(HUDHUD_SOURCE_DIR) / ".." / "shared" / "peers" / "specs";
}

fs::path PeerBinary(const std::string& name, const char* override_env) {
    if (override_env != nullptr) {
        if (const char* env = std::getenv(override_env); env && *env) return env;
    }
    return fs::path(HUDHUD_SOURCE_DIR) / "tests/peers/node_modules/.bin" / name;
}

std::string ReadFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

int RunCommand(const std::vector<std::string>& argv, const fs::path& log) {
    const pid_t pid = ::fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::uint16_t FreePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

fs::path MakeTempDir(const std::string& prefix) {
    std::string tmpl = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(tmpl.data()) == nullptr) return {};
    return tmpl;
}

PeerProcess::PeerProcess(const std::vector<std::string>& argv, fs::path log,
                         const std::vector<std::pair<std::string, std::string>>& env,
                         const fs::path& cwd)
    : log_(std::move(log)) {
    pid_ = ::fork();
    if (pid_ == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        const int fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    if (pid_ > 0) ::setpgid(pid_, pid_);
}

PeerProcess::~PeerProcess() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 50; ++i) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) return;
        std::this_thread::sleep_for(100ms);
    }
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
}

Status PeerProcess::WaitReady(const net::HttpClient& client, const std::string& probe_url,
                              std::chrono::seconds limit) {
    if (pid_ <= 0) return Error::Internal("fork failed");
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
            pid_ = 0;
            return Error::Unavailable("the peer exited during startup:\n" + ReadFile(log_));
        }
        net::HttpRequest probe;
        probe.url = probe_url;
        probe.timeout = 1s;
        if (client.Send(probe).ok()) return Ok();
        std::this_thread::sleep_for(200ms);
    }
    return Error::Timeout("the peer did not answer within the limit:\n" + ReadFile(log_));
}

}  // namespace hudhud::conformance
