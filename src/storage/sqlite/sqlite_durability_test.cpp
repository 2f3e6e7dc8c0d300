// An acknowledged write must survive the process being killed at any moment. A child process
// writes from many threads and reports each acknowledged row id through a pipe; the parent
// SIGKILLs it at a random moment, reopens the file and looks for every reported id. (Power loss
// is covered by synchronous=FULL, which this cannot simulate.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "storage/sqlite/sqlite_database.hpp"
#include "storage/testing/temp_dir.hpp"

namespace hudhud::storage::sqlite {
namespace {

using namespace std::chrono_literals;

[[noreturn]] void RunChild(const std::string& path, int fd) {
    SqliteOptions options;
    options.path = path;
    auto db = SqliteDatabase::Open(options);
    if (!db.ok()) _exit(2);
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&] {
            for (;;) {
                Result<Rows> r = (*db)->WriteValue([](Session& s) {
                    return s.Query(
                        "INSERT INTO workspaces (name, created_at, updated_at) "
                        "VALUES ('probe', 1, 1) RETURNING id");
                });
                if (!r.ok()) _exit(3);
                std::int64_t id = AsInt(r->rows[0][0]);
                // Eight bytes are below PIPE_BUF, so each record arrives whole.
                if (write(fd, &id, sizeof(id)) != sizeof(id)) _exit(4);
            }
        });
    }
    for (;;) pause();
}

// Reads whole 8-byte records from `fd` into `ids` until `deadline` or end of file.
bool DrainPipe(int fd, std::vector<std::int64_t>& ids, std::string& partial,
               std::chrono::steady_clock::time_point deadline) {
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return true;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n <= 0) return false;  // EOF: the writer end is closed
        partial.append(buf, static_cast<std::size_t>(n));
        std::size_t whole = partial.size() / 8 * 8;
        for (std::size_t i = 0; i < whole; i += 8) {
            std::int64_t id;
            std::memcpy(&id, partial.data() + i, 8);
            ids.push_back(id);
        }
        partial.erase(0, whole);
    }
}

TEST(SqliteDurabilityTest, AcknowledgedWritesSurviveSigkill) {
    storage::testing::TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    const std::string path = (dir.path() / "durable.db").string();
    std::mt19937 rng(std::random_device{}());
    std::vector<std::int64_t> acknowledged;
    for (int round = 0; round < 3; ++round) {
        int fds[2];
        ASSERT_EQ(pipe(fds), 0);
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            close(fds[0]);
            RunChild(path, fds[1]);
        }
        close(fds[1]);
        std::string partial;
        auto kill_at =
            std::chrono::steady_clock::now() + std::chrono::milliseconds(150 + rng() % 500);
        std::size_t before = acknowledged.size();
        bool open = DrainPipe(fds[0], acknowledged, partial, kill_at);
        kill(pid, SIGKILL);
        if (open) DrainPipe(fds[0], acknowledged, partial, std::chrono::steady_clock::now() + 10s);
        close(fds[0]);
        int wstatus = 0;
        ASSERT_EQ(waitpid(pid, &wstatus, 0), pid);
        ASSERT_TRUE(WIFSIGNALED(wstatus)) << "child exited early with " << WEXITSTATUS(wstatus);
        EXPECT_GT(acknowledged.size(), before) << "round " << round << " acknowledged nothing";

        SqliteOptions options;
        options.path = path;
        auto db = SqliteDatabase::Open(options);
        ASSERT_TRUE(db.ok()) << db.error().message;
        Result<Rows> rows =
            (*db)->ReadValue([](Session& s) { return s.Query("SELECT id FROM workspaces"); });
        ASSERT_TRUE(rows.ok()) << rows.error().message;
        std::set<std::int64_t> present;
        for (const auto& row : rows->rows) present.insert(AsInt(row[0]));
        std::size_t missing = 0;
        for (std::int64_t id : acknowledged) missing += present.count(id) == 0;
        EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged writes";
        (*db)->Close();
    }
}

}  // namespace
}  // namespace hudhud::storage::sqlite
