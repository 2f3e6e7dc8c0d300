#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/integration/test_server.hpp"

namespace hudhud::testing {
namespace {

struct CliRun {
    int status = -1;
    std::string output;  // stdout and stderr
};

CliRun RunHudhud(const std::string& args) {
    CliRun r;
    const std::string cmd = HudhudBinary() + " " + args + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return r;
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string StoredCredentials(const std::string& db_path) {
    sqlite3* db = nullptr;
    std::string out;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT credentials_enc FROM inboxes WHERE credentials_enc IS "
                                   "NOT NULL LIMIT 1",
                               -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}

TEST(CliTest, HelpDocumentsThePublicFlags) {
    CliRun r = RunHudhud("serve --help");
    EXPECT_EQ(r.status, 0);
    for (const char* flag : {"--listen", "--data", "--database", "--config", "--tls-cert"}) {
        EXPECT_NE(r.output.find(flag), std::string::npos) << flag;
    }
}

TEST(CliTest, BadConfigurationIsFatalWithAClearMessage) {
    CliRun r = RunHudhud("serve --listen nohost --data /tmp/hudhud-never-created");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("listen"), std::string::npos) << r.output;
    r = RunHudhud("serve --database mysql://x");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.output.find("database"), std::string::npos) << r.output;
}

TEST(CliTest, RotateKeyReencryptsStoredCredentials) {
    TestServer server;
    ASSERT_TRUE(server.Start());
    HttpClient c(server.port());
    auto setup = c.Post("/api/v1/setup", {{"workspace_name", "Keys"},
                                          {"name", "Owner"},
                                          {"email", "keys@example.com"},
                                          {"password", "keys-password"}});
    ASSERT_EQ(setup.status, 201) << setup.body;
    c.set_csrf(setup.json()["csrf_token"]);
    const auto ws = std::to_string(setup.json()["workspace"]["id"].get<std::int64_t>());
    auto inbox = c.Post("/api/v1/workspaces/" + ws + "/inboxes",
                        {{"name", "WA"},
                         {"channel_kind", "whatsapp"},
                         {"credentials", {{"access_token", "EAAG-rotate-me"}}}});
    ASSERT_EQ(inbox.status, 201) << inbox.body;
    ASSERT_EQ(server.Stop(), 0);

    const std::string key_file = server.data_dir() + "/master.key";
    const std::string db_file = server.data_dir() + "/hudhud.db";
    const std::string key_before = ReadFile(key_file);
    const std::string sealed_before = StoredCredentials(db_file);
    ASSERT_EQ(sealed_before.rfind("v1.", 0), 0u) << "credentials are sealed at rest";
    EXPECT_EQ(sealed_before.find("EAAG-rotate-me"), std::string::npos);
    EXPECT_EQ(std::filesystem::status(key_file).permissions() &
                  (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none)
        << "the master key file is 0600";

    CliRun r = RunHudhud("admin rotate-key --data " + server.data_dir());
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string sealed_after = StoredCredentials(db_file);
    EXPECT_NE(ReadFile(key_file), key_before);
    EXPECT_FALSE(std::filesystem::exists(key_file + ".next"));
    ASSERT_EQ(sealed_after.rfind("v1.", 0), 0u);
    EXPECT_NE(sealed_after.substr(0, 12), sealed_before.substr(0, 12)) << "new key id";

    ASSERT_TRUE(server.Start()) << "the server starts with the rotated key";
    HttpClient again(server.port());
    auto login = again.Post("/api/v1/auth/login",
                            {{"email", "keys@example.com"}, {"password", "keys-password"}});
    ASSERT_EQ(login.status, 200);
    auto list = again.Get("/api/v1/workspaces/" + ws + "/inboxes");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json()["data"][0]["has_credentials"], true);

    CliRun m = RunHudhud("migrate --data " + server.data_dir());
    EXPECT_EQ(m.status, 0) << m.output;
}

}  // namespace
}  // namespace hudhud::testing
