#include "app/config.hpp"

#include <charconv>
#include <toml++/toml.h>

namespace hudhud::app {
namespace {

Result<long long> ParseInt(const std::string& key, const std::string& v, long long lo,
                           long long hi) {
    long long out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size() || out < lo || out > hi) {
        return Error::InvalidArgument(key + " must be an integer from " + std::to_string(lo) +
                                      " to " + std::to_string(hi));
    }
    return out;
}

}  // namespace

const std::map<std::string, OptionSpec>& ConfigOptions() {
    static const std::map<std::string, OptionSpec> kOptions = {
        {"listen", {"listen", "HOST:PORT to listen on (port 0 picks a free port)"}},
        {"data", {"data", "folder for the database, media and the master key"}},
        {"database", {"database", "sqlite:PATH or postgres://... (default sqlite:<data>/hudhud.db)"}},
        {"web-root", {"web-root", "folder with the built dashboard (default: ../web/dist next to the binary)"}},
        {"public-url", {"public-url", "external base URL used in links and webhook URLs"}},
        {"tls-cert", {"tls-cert", "PEM certificate chain; enables built-in TLS with --tls-key"}},
        {"tls-key", {"tls-key", "PEM private key for --tls-cert"}},
        {"master-key-file", {"master-key-file", "file holding the 32-byte master key (created 0600 when absent; HUDHUD_MASTER_KEY overrides)"}},
        {"log-level", {"log-level", "debug, info, warn, error or off"}},
        {"log-file", {"log-file", "write JSON logs to this file instead of stderr"}},
        {"port-file", {"port-file", "write the bound port to this file once listening"}},
        {"io-threads", {"io-threads", "network I/O threads (0 = one per core)"}},
        {"handler-threads", {"handler-threads", "threads running request handlers"}},
        {"job-workers", {"job-workers", "background job worker threads"}},
        {"db-pool-size", {"db-pool-size", "database read connections"}},
        {"max-body-bytes", {"max-body-bytes", "largest accepted request body"}},
        {"idle-timeout", {"idle-timeout", "seconds before an idle connection is closed"}},
        {"shutdown-grace", {"shutdown-grace", "seconds in-flight requests get on shutdown"}},
        {"password-hash-cost", {"password-hash-cost", "argon2id cost: interactive, moderate or min"}},
        {"graph-api-url", {"graph-api-url", "Meta Graph API base URL (WhatsApp, Messenger, Instagram)"}},
        {"graph-api-version", {"graph-api-version", "Meta Graph API version, e.g. v23.0"}},
        {"whatsapp-mps", {"whatsapp-mps", "default WhatsApp sends per second per business number"}},
        {"media-max-bytes", {"media-max-bytes", "largest inbound media file downloaded from a platform"}},
        {"upload-max-bytes", {"upload-max-bytes", "largest attachment an agent may upload"}},
    };
    return kOptions;
}

std::string EnvNameFor(const std::string& key) {
    std::string out = "HUDHUD_";
    for (char c : key) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
    return out;
}

Status SetOption(Config& c, const std::string& key, const std::string& v) {
    if (key == "listen") {
        HH_RETURN_IF_ERROR(ParseListen(v));
        c.listen = v;
    } else if (key == "data") {
        c.data_dir = v;
    } else if (key == "database") {
        if (v.rfind("sqlite:", 0) != 0 && v.rfind("postgres://", 0) != 0 &&
            v.rfind("postgresql://", 0) != 0) {
            return Error::InvalidArgument("database must be sqlite:PATH or postgres://...");
        }
        c.database = v;
    } else if (key == "web-root") {
        c.web_root = v;
    } else if (key == "public-url") {
        c.public_url = v;
    } else if (key == "tls-cert") {
        c.tls_cert_file = v;
    } else if (key == "tls-key") {
        c.tls_key_file = v;
    } else if (key == "master-key-file") {
        c.master_key_file = v;
    } else if (key == "log-level") {
        if (v != "debug" && v != "info" && v != "warn" && v != "error" && v != "off") {
            return Error::InvalidArgument("log-level must be debug, info, warn, error or off");
        }
        c.log_level = v;
    } else if (key == "log-file") {
        c.log_file = v;
    } else if (key == "port-file") {
        c.port_file = v;
    } else if (key == "io-threads") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 0, 256));
        c.io_threads = static_cast<int>(n);
    } else if (key == "handler-threads") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1, 1024));
        c.handler_threads = static_cast<int>(n);
    } else if (key == "job-workers") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 0, 256));
        c.job_workers = static_cast<int>(n);
    } else if (key == "db-pool-size") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1, 256));
        c.db_pool_size = static_cast<int>(n);
    } else if (key == "max-body-bytes") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1024, 1LL << 30));
        c.max_body_bytes = static_cast<std::size_t>(n);
    } else if (key == "idle-timeout") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1, 3600));
        c.idle_timeout_seconds = static_cast<int>(n);
    } else if (key == "shutdown-grace") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 0, 3600));
        c.shutdown_grace_seconds = static_cast<int>(n);
    } else if (key == "password-hash-cost") {
        if (v != "interactive" && v != "moderate" && v != "min") {
            return Error::InvalidArgument("password-hash-cost must be interactive, moderate or min");
        }
        c.password_hash_cost = v;
    } else if (key == "graph-api-url") {
        if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
            return Error::InvalidArgument("graph-api-url must start with http:// or https://");
        }
        c.graph_api_url = v;
        while (!c.graph_api_url.empty() && c.graph_api_url.back() == '/') c.graph_api_url.pop_back();
    } else if (key == "graph-api-version") {
        if (v.empty() || v[0] != 'v') {
            return Error::InvalidArgument("graph-api-version must look like v23.0");
        }
        c.graph_api_version = v;
    } else if (key == "whatsapp-mps") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1, 10000));
        c.whatsapp_mps = static_cast<int>(n);
    } else if (key == "media-max-bytes") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1024, 1LL << 32));
        c.media_max_bytes = static_cast<std::uint64_t>(n);
    } else if (key == "upload-max-bytes") {
        HH_ASSIGN_OR_RETURN(auto n, ParseInt(key, v, 1024, 1LL << 30));
        c.upload_max_bytes = static_cast<std::uint64_t>(n);
    } else {
        return Error::InvalidArgument("unknown option '" + key + "'");
    }
    return Ok();
}

Result<std::pair<std::string, unsigned short>> ParseListen(const std::string& listen) {
    std::string host;
    std::string port;
    if (!listen.empty() && listen[0] == '[') {
        auto close = listen.find(']');
        if (close == std::string::npos || close + 1 >= listen.size() || listen[close + 1] != ':') {
            return Error::InvalidArgument("listen must be HOST:PORT, e.g. 127.0.0.1:8080");
        }
        host = listen.substr(1, close - 1);
        port = listen.substr(close + 2);
    } else {
        auto colon = listen.rfind(':');
        if (colon == std::string::npos || colon == 0) {
            return Error::InvalidArgument("listen must be HOST:PORT, e.g. 127.0.0.1:8080");
        }
        host = listen.substr(0, colon);
        port = listen.substr(colon + 1);
    }
    HH_ASSIGN_OR_RETURN(auto p, ParseInt("listen port", port, 0, 65535));
    return std::make_pair(host, static_cast<unsigned short>(p));
}

std::string Config::DatabaseUrl() const {
    return database.empty() ? "sqlite:" + data_dir + "/hudhud.db" : database;
}

std::string Config::MasterKeyFile() const {
    return master_key_file.empty() ? data_dir + "/master.key" : master_key_file;
}

std::string Config::PublicUrl() const {
    if (!public_url.empty()) return public_url;
    return std::string(tls() ? "https://" : "http://") + listen;
}

Result<Config> LoadConfig(const std::optional<std::string>& path, const EnvLookup& env,
                          const std::map<std::string, std::string>& flags) {
    Config c;
    if (path) {
        c.config_file = *path;
        toml::table table;
        try {
            table = toml::parse_file(*path);
        } catch (const toml::parse_error& e) {
            if (e.source().begin.line == 0) {
                return Error::NotFound("config file " + *path + ": " + std::string(e.description()));
            }
            return Error::InvalidArgument("config file " + *path + ":" +
                                          std::to_string(e.source().begin.line) + ": " +
                                          std::string(e.description()));
        }
        for (const auto& [k, node] : table) {
            const std::string key(k.str());
            std::string value;
            if (auto s = node.value<std::string>()) {
                value = *s;
            } else if (auto i = node.value<long long>()) {
                value = std::to_string(*i);
            } else {
                return Error::InvalidArgument("config file " + *path + ": '" + key +
                                              "' must be a string or an integer");
            }
            Status st = SetOption(c, key, value);
            if (!st.ok()) return Error::InvalidArgument("config file " + *path + ": " + st.error().message);
        }
    }
    for (const auto& [key, spec] : ConfigOptions()) {
        if (auto v = env(EnvNameFor(key))) {
            Status st = SetOption(c, key, *v);
            if (!st.ok()) return Error::InvalidArgument(EnvNameFor(key) + ": " + st.error().message);
        }
    }
    for (const auto& [key, value] : flags) {
        Status st = SetOption(c, key, value);
        if (!st.ok()) return Error::InvalidArgument("--" + key + ": " + st.error().message);
    }
    if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
        return Error::InvalidArgument("--tls-cert and --tls-key go together");
    }
    return c;
}

}  // namespace hudhud::app
