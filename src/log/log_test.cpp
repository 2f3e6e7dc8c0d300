#include "log/log.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace hudhud::log {
namespace {

std::vector<std::string> ReadLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

class LogTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = (std::filesystem::temp_directory_path() /
                 ("hudhud_log_test_" + std::to_string(::getpid()) + ".log"))
                    .string();
        std::filesystem::remove(path_);
    }
    void TearDown() override {
        ASSERT_TRUE(Init(LogOptions{}).ok());
        std::filesystem::remove(path_);
    }
    std::string path_;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
    ASSERT_TRUE(Init(LogOptions{.level = Level::kInfo, .json = true, .file = path_}).ok());
    Info("http.request", {{"status", 200}, {"path", "/healthz"}, {"event", "clash"}});
    Debug("hidden", {{"x", 1}});
    Warn("ws.dropped");
    Flush();
    auto lines = ReadLines(path_);
    ASSERT_EQ(lines.size(), 2u);
    auto first = nlohmann::json::parse(lines[0]);
    EXPECT_EQ(first["level"], "info");
    EXPECT_EQ(first["event"], "http.request");
    EXPECT_EQ(first["status"], 200);
    EXPECT_EQ(first["path"], "/healthz");
    EXPECT_EQ(first["field.event"], "clash");
    // 2024-05-01T12:34:56.789Z
    std::string ts = first["ts"].get<std::string>();
    ASSERT_EQ(ts.size(), 24u);
    EXPECT_EQ(ts[4], '-');
    EXPECT_EQ(ts[10], 'T');
    EXPECT_EQ(ts[19], '.');
    EXPECT_EQ(ts.back(), 'Z');
    // ts, level and event lead the line so a human can scan it.
    EXPECT_EQ(lines[0].rfind(R"({"ts":")", 0), 0u);
    EXPECT_NE(lines[0].find(R"(","level":"info","event":"http.request",)"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(lines[1])["level"], "warn");
}

TEST_F(LogTest, InvalidUtf8AndNonObjectFieldsDoNotBreakTheLine) {
    ASSERT_TRUE(Init(LogOptions{.level = Level::kDebug, .file = path_}).ok());
    Debug("bad.bytes", {{"value", std::string("a\xff\xfe")}});
    Error("scalar", nlohmann::json(42));
    Flush();
    auto lines = ReadLines(path_);
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(lines[0])["value"], "a\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(nlohmann::json::parse(lines[1])["data"], 42);
}

TEST_F(LogTest, LevelGatesCheaply) {
    ASSERT_TRUE(Init(LogOptions{.level = Level::kWarn, .file = path_}).ok());
    EXPECT_FALSE(Enabled(Level::kInfo));
    EXPECT_TRUE(Enabled(Level::kError));
    int evaluated = 0;
    auto expensive = [&] {
        ++evaluated;
        return nlohmann::json{{"k", "v"}};
    };
    HH_LOG_DEBUG("skipped", expensive());
    EXPECT_EQ(evaluated, 0);
    SetLevel(Level::kOff);
    EXPECT_FALSE(Enabled(Level::kError));
}

TEST(LogLevelTest, Parses) {
    EXPECT_EQ(*ParseLevel("WARNING"), Level::kWarn);
    EXPECT_EQ(*ParseLevel("debug"), Level::kDebug);
    EXPECT_FALSE(ParseLevel("loud").ok());
    EXPECT_FALSE(Init(LogOptions{.file = "/dev/null/y.log"}).ok());
}

TEST(LogTimestampTest, Rfc3339UtcWithMillis) {
    EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
    EXPECT_EQ(FormatTimestamp(1714566896789), "2024-05-01T12:34:56.789Z");
}

}  // namespace
}  // namespace hudhud::log
