#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "core/result.hpp"

namespace hudhud::app {

// Everything `hudhud serve` can be told. Precedence, lowest first: built-in defaults, the TOML
// config file (--config / HUDHUD_CONFIG), environment variables HUDHUD_*, command-line flags.
// Secrets (the master key) come only from a file or the environment, never from the config file.
struct Config {
    std::string listen = "127.0.0.1:8080";
    std::string data_dir = "./data";
    std::string database;  // empty: sqlite:<data_dir>/hudhud.db
    std::string config_file;
    std::string web_root;  // empty: the built dashboard next to the binary (../web/dist)
    std::string public_url;  // empty: http://<listen>
    std::string tls_cert_file;
    std::string tls_key_file;
    std::string master_key_file;  // empty: <data_dir>/master.key
    std::string log_level = "info";
    std::string log_file;  // empty: stderr
    std::string port_file;  // when set, the bound port is written here once listening
    int io_threads = 0;     // 0: one per core
    int handler_threads = 64;
    int job_workers = 4;
    int db_pool_size = 8;
    std::size_t max_body_bytes = 1 << 20;
    int idle_timeout_seconds = 30;
    int shutdown_grace_seconds = 10;
    // argon2id cost: "interactive" (default), "moderate", or "min" (tests only).
    std::string password_hash_cost = "interactive";
    // Outside services (real protocols; tests point them at local peers on 127.0.0.1).
    std::string graph_api_url = "https://graph.facebook.com";  // Meta Graph API base URL
    std::string graph_api_version = "v23.0";
    // Default WhatsApp throughput per business number (messages/s); an inbox setting overrides.
    int whatsapp_mps = 80;
    // Media (src/media): inbound downloads and agent uploads, in bytes.
    std::uint64_t media_max_bytes = 100ull << 20;
    std::uint64_t upload_max_bytes = 25ull << 20;

    std::string DatabaseUrl() const;
    std::string MasterKeyFile() const;
    std::string PublicUrl() const;
    bool tls() const { return !tls_cert_file.empty(); }
};

// One settable option: its TOML key (also the flag name without "--" and, upper-cased with
// dashes as underscores and a HUDHUD_ prefix, its environment variable) and help text.
struct OptionSpec {
    std::string key;
    std::string help;
};
const std::map<std::string, OptionSpec>& ConfigOptions();

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Applies the TOML file at `path` (kInvalidArgument on a syntax error or unknown key, kNotFound
// when missing), then `env`, then `flags` (key -> value as typed on the command line).
Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env,
                          const std::map<std::string, std::string>& flags);

// Sets one option from its text form; kInvalidArgument for an unknown key or a bad value.
Status SetOption(Config& c, const std::string& key, const std::string& value);

// Splits "host:port" ("[::1]:8080" for IPv6); kInvalidArgument when malformed.
Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen);

std::string EnvNameFor(const std::string& key);

}  // namespace hudhud::app
