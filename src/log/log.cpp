#include "log/log.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <exception>
#include <memory>

namespace hudhud::log {
namespace {

// spdlog formats nothing itself ("%v"): the line is complete when it reaches the logger. The
// dist_sink lets Init() swap the real sink while other threads are logging.
struct Sink {
    Sink()
        : dist(std::make_shared<spdlog::sinks::dist_sink_mt>()),
          logger(std::make_shared<spdlog::logger>("hudhud", dist)) {
        dist->add_sink(std::make_shared<spdlog::sinks::stderr_sink_st>());
        logger->set_pattern("%v");
        logger->set_level(spdlog::level::trace);
        logger->flush_on(spdlog::level::warn);
    }
    std::shared_ptr<spdlog::sinks::dist_sink_mt> dist;
    std::shared_ptr<spdlog::logger> logger;
    std::atomic<int> level{static_cast<int>(Level::kInfo)};
    std::atomic<bool> json{true};
};

Sink& TheSink() {
    static Sink* sink = new Sink();  // Never destroyed: threads may log during static teardown.
    return *sink;
}

spdlog::level::level_enum ToSpdlog(Level level) {
    switch (level) {
        case Level::kDebug:
            return spdlog::level::debug;
        case Level::kInfo:
            return spdlog::level::info;
        case Level::kWarn:
            return spdlog::level::warn;
        case Level::kError:
            return spdlog::level::err;
        case Level::kOff:
            return spdlog::level::off;
    }
    return spdlog::level::info;
}

void AppendEscaped(std::string& out, std::string_view s) {
    // nlohmann's serializer does the escaping and the UTF-8 repair in one place.
    out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::int64_t NowMillis() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool IsReserved(std::string_view key) { return key == "ts" || key == "level" || key == "event"; }

std::string JsonLine(Level level, std::string_view event, const nlohmann::json& fields) {
    std::string line;
    line.reserve(128);
    line += R"({"ts":")";
    line += FormatTimestamp(NowMillis());
    line += R"(","level":")";
    line += LevelName(level);
    line += R"(","event":)";
    AppendEscaped(line, event);
    if (fields.is_object()) {
        for (auto it = fields.begin(); it != fields.end(); ++it) {
            line += ',';
            if (IsReserved(it.key())) {
                AppendEscaped(line, "field." + it.key());
            } else {
                AppendEscaped(line, it.key());
            }
            line += ':';
            line += it.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
    } else if (!fields.is_null()) {
        line += R"(,"data":)";
        line += fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    line += '}';
    return line;
}

std::string TextLine(Level level, std::string_view event, const nlohmann::json& fields) {
    std::string line = FormatTimestamp(NowMillis());
    line += ' ';
    std::string name(LevelName(level));
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    line += name;
    line.append(6 - std::min<std::size_t>(name.size(), 5), ' ');
    line += event;
    if (!(fields.is_object() && fields.empty()) && !fields.is_null()) {
        line += ' ';
        line += fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    return line;
}

}  // namespace

std::string_view LevelName(Level level) {
    switch (level) {
        case Level::kDebug:
            return "debug";
        case Level::kInfo:
            return "info";
        case Level::kWarn:
            return "warn";
        case Level::kError:
            return "error";
        case Level::kOff:
            return "off";
    }
    return "info";
}

Result<Level> ParseLevel(std::string_view name) {
    std::string lower(name);
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "debug" || lower == "trace") return Level::kDebug;
    if (lower == "info") return Level::kInfo;
    if (lower == "warn" || lower == "warning") return Level::kWarn;
    if (lower == "error") return Level::kError;
    if (lower == "off" || lower == "none") return Level::kOff;
    return Error::InvalidArgument("unknown log level '" + std::string(name) +
                                  "' (expected debug, info, warn, error or off)");
}

bool Enabled(Level level) {
    return static_cast<int>(level) >= TheSink().level.load(std::memory_order_relaxed) &&
           level != Level::kOff;
}

void SetLevel(Level level) { TheSink().level.store(static_cast<int>(level)); }

Status Init(const LogOptions& options) {
    Sink& sink = TheSink();
    std::shared_ptr<spdlog::sinks::sink> target;
    if (options.file.empty()) {
        target = std::make_shared<spdlog::sinks::stderr_sink_st>();
    } else {
        try {
            target = std::make_shared<spdlog::sinks::basic_file_sink_st>(options.file);
        } catch (const std::exception& e) {
            return Error::InvalidArgument("cannot open log file '" + options.file +
                                          "': " + e.what());
        }
    }
    target->set_pattern("%v");
    sink.dist->set_sinks({target});
    sink.json.store(options.json);
    sink.level.store(static_cast<int>(options.level));
    return Ok();
}

void Write(Level level, std::string_view event, const nlohmann::json& fields) {
    if (!Enabled(level)) return;
    Sink& sink = TheSink();
    try {
        std::string line = sink.json.load(std::memory_order_relaxed)
                               ? JsonLine(level, event, fields)
                               : TextLine(level, event, fields);
        sink.logger->log(ToSpdlog(level), spdlog::string_view_t(line.data(), line.size()));
    } catch (const std::exception& e) {
        // Logging must never take the caller down; say so once on stderr and go on.
        std::fprintf(stderr, "hudhud log failure: %s\n", e.what());
    }
}

void Flush() { TheSink().logger->flush(); }

std::string FormatTimestamp(std::int64_t unix_millis) {
    std::int64_t secs = unix_millis / 1000;
    int millis = static_cast<int>(unix_millis % 1000);
    if (millis < 0) {
        millis += 1000;
        --secs;
    }
    // gmtime_r is slow-ish; the per-thread cache makes the common case a copy.
    thread_local std::int64_t cached_secs = -1;
    thread_local char cached[32];
    if (secs != cached_secs) {
        std::time_t t = static_cast<std::time_t>(secs);
        std::tm tm{};
        gmtime_r(&t, &tm);
        std::strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
        cached_secs = secs;
    }
    char out[40];
    int n = std::snprintf(out, sizeof(out), "%s.%03dZ", cached, millis);
    return std::string(out, static_cast<std::size_t>(n));
}

}  // namespace hudhud::log
