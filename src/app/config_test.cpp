#include "app/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace hudhud::app {
namespace {

EnvLookup NoEnv() {
    return [](const std::string&) { return std::optional<std::string>(); };
}

std::string WriteTemp(const std::string& text) {
    auto p = std::filesystem::temp_directory_path() /
             ("hudhud-config-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::rand()) + ".toml");
    std::ofstream(p) << text;
    return p.string();
}

TEST(ConfigTest, DefaultsMatchTheDocumentedContract) {
    auto c = LoadConfig(std::nullopt, NoEnv(), {});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->listen, "127.0.0.1:8080");
    EXPECT_EQ(c->data_dir, "./data");
    EXPECT_EQ(c->DatabaseUrl(), "sqlite:./data/hudhud.db");
    EXPECT_EQ(c->MasterKeyFile(), "./data/master.key");
}

TEST(ConfigTest, FileThenEnvThenFlags) {
    const auto path = WriteTemp("listen = \"0.0.0.0:9000\"\ndata = \"/var/lib/hudhud\"\n"
                                "job-workers = 2\n");
    EnvLookup env = [](const std::string& name) -> std::optional<std::string> {
        if (name == "HUDHUD_LISTEN") return "127.0.0.1:9100";
        if (name == "HUDHUD_JOB_WORKERS") return "3";
        return std::nullopt;
    };
    auto c = LoadConfig(path, env, {{"listen", "127.0.0.1:0"}});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->listen, "127.0.0.1:0");
    EXPECT_EQ(c->data_dir, "/var/lib/hudhud");
    EXPECT_EQ(c->job_workers, 3);
    EXPECT_EQ(c->DatabaseUrl(), "sqlite:/var/lib/hudhud/hudhud.db");
    std::remove(path.c_str());
}

TEST(ConfigTest, RejectsUnknownKeysAndBadValues) {
    const auto path = WriteTemp("lisen = \"x\"\n");
    auto c = LoadConfig(path, NoEnv(), {});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("unknown option 'lisen'"), std::string::npos);
    std::remove(path.c_str());
    EXPECT_FALSE(LoadConfig(std::nullopt, NoEnv(), {{"listen", "nohost"}}).ok());
    EXPECT_FALSE(LoadConfig(std::nullopt, NoEnv(), {{"database", "mysql://x"}}).ok());
    EXPECT_FALSE(LoadConfig(std::nullopt, NoEnv(), {{"tls-cert", "a.pem"}}).ok());
    EXPECT_FALSE(LoadConfig(std::string("/nonexistent/hudhud.toml"), NoEnv(), {}).ok());
}

TEST(ConfigTest, ParsesListenForms) {
    auto v4 = ParseListen("127.0.0.1:8080");
    ASSERT_TRUE(v4.ok());
    EXPECT_EQ(v4->first, "127.0.0.1");
    EXPECT_EQ(v4->second, 8080);
    auto v6 = ParseListen("[::1]:0");
    ASSERT_TRUE(v6.ok());
    EXPECT_EQ(v6->first, "::1");
    EXPECT_FALSE(ParseListen("127.0.0.1:99999").ok());
    EXPECT_EQ(EnvNameFor("max-body-bytes"), "HUDHUD_MAX_BODY_BYTES");
}

}  // namespace
}  // namespace hudhud::app
