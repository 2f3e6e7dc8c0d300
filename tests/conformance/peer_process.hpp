#pragma once

// Shared plumbing for conformance tests that run an independent peer (an npm package from
// tests/peers/) as a child process: finding the shared specs and the peer, a free port, a
// private temp folder, and the child's lifetime.
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "net/http_client.hpp"

namespace hudhud::conformance {

namespace fs = std::filesystem;

// $HUDHUD_PEER_SPECS, else ${HUDHUD_SOURCE_DIR}/../shared/peers/specs.
fs::path PeerSpecsDir();

// tests/peers/node_modules/.bin/<name>, or the path in the environment variable `override_env`
// when that is set.
fs::path PeerBinary(const std::string& name, const char* override_env);

std::string ReadFile(const fs::path& path);

// Runs argv (no shell) with stdout/stderr appended to `log`; returns the exit status or -1.
int RunCommand(const std::vector<std::string>& argv, const fs::path& log);

std::uint16_t FreePort();

// A fresh private folder under the system temp folder ("" when it cannot be made).
fs::path MakeTempDir(const std::string& prefix);

// A child process in its own process group, its stdout/stderr in `log`, killed (group-wide) on
// destruction; it also dies with the test binary (PR_SET_PDEATHSIG).
class PeerProcess {
  public:
    PeerProcess(const std::vector<std::string>& argv, fs::path log,
                const std::vector<std::pair<std::string, std::string>>& env = {},
                const fs::path& cwd = {});
    ~PeerProcess();
    PeerProcess(const PeerProcess&) = delete;
    PeerProcess& operator=(const PeerProcess&) = delete;

    // Polls `probe_url` until it answers HTTP (any status), the child exits, or `limit` passes.
    Status WaitReady(const net::HttpClient& client, const std::string& probe_url,
                     std::chrono::seconds limit);

    const fs::path& log() const { return log_; }

  private:
    fs::path log_;
    pid_t pid_ = -1;
};

}  // namespace hudhud::conformance
