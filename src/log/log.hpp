#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.hpp"

// Structured logging: every line is one JSON object
//   {"ts":"2024-05-01T12:34:56.789Z","level":"info","event":"http.request", ...fields}
// written through spdlog. The sink is process-wide (the one deliberate global of the code base:
// a log line may come from anywhere, and threading a logger through every call would obscure more
// than it shows). Until Init() is called lines go to stderr at level info.
//
// Thread safety: every function here may be called from any thread at any time, including
// concurrently with Init().
//
// Never log request bodies, Authorization headers, cookies, tokens or other secrets.
namespace hudhud::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

struct LogOptions {
    Level level = Level::kInfo;
    // true: one JSON object per line. false: "ts LEVEL event {fields}" for humans at a terminal.
    bool json = true;
    // Empty: stderr. Otherwise lines are appended to this file (created if missing).
    std::string file{};
};

// Installs the sink and level. Returns kInvalidArgument when the file cannot be opened; the
// previous configuration then stays in effect.
Status Init(const LogOptions& options);

// "debug", "info", "warn"/"warning", "error", "off" (case-insensitive).
Result<Level> ParseLevel(std::string_view name);
std::string_view LevelName(Level level);

// Cheap (one relaxed atomic load): use it to skip building expensive fields.
bool Enabled(Level level);
void SetLevel(Level level);

// Writes one line when `level` is enabled. `fields` should be a JSON object whose members are
// merged into the line; any other JSON value is written under the key "data". Field names
// "ts", "level" and "event" are reserved and are renamed to "field.ts" etc. Invalid UTF-8 in
// strings is replaced with U+FFFD rather than failing.
void Write(Level level, std::string_view event, const nlohmann::json& fields);

inline void Debug(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    if (Enabled(Level::kDebug)) Write(Level::kDebug, event, fields);
}
inline void Info(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    if (Enabled(Level::kInfo)) Write(Level::kInfo, event, fields);
}
inline void Warn(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    if (Enabled(Level::kWarn)) Write(Level::kWarn, event, fields);
}
inline void Error(std::string_view event, const nlohmann::json& fields = nlohmann::json::object()) {
    if (Enabled(Level::kError)) Write(Level::kError, event, fields);
}

// Flushes buffered lines (file sinks buffer; stderr does not).
void Flush();

// The RFC 3339 UTC timestamp with milliseconds used in "ts", e.g. "2024-05-01T12:34:56.789Z".
std::string FormatTimestamp(std::int64_t unix_millis);

}  // namespace hudhud::log

// These evaluate their field expression only when the level is enabled:
//   HH_LOG_DEBUG("jobs.claimed", {{"job_id", id}, {"payload_bytes", ComputeSize()}});
#define HH_LOG_AT(level, event, ...)                                                        \
    do {                                                                                    \
        if (::hudhud::log::Enabled(level)) ::hudhud::log::Write(level, event, __VA_ARGS__); \
    } while (0)
#define HH_LOG_DEBUG(event, ...) HH_LOG_AT(::hudhud::log::Level::kDebug, event, __VA_ARGS__)
#define HH_LOG_INFO(event, ...) HH_LOG_AT(::hudhud::log::Level::kInfo, event, __VA_ARGS__)
