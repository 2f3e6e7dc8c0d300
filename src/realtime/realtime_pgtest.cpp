// Two "nodes" (each its own PostgresDatabase, journal writer, fan-out and LISTEN connection) on
// one scratch database: every node delivers every event of both, once, in one sequence order.
#include <gtest/gtest.h>

#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "realtime/event_fanout.hpp"
#include "realtime/event_journal.hpp"
#include "realtime/journal_writer.hpp"
#include "storage/postgres/postgres_database.hpp"
#include "storage/postgres/postgres_listener.hpp"
#include "storage/postgres/testing/scratch_database.hpp"

namespace hudhud::realtime {
namespace {

using namespace std::chrono_literals;
namespace pgtest = storage::postgres::testing;

struct Node {
    std::unique_ptr<storage::postgres::PostgresDatabase> db;
    std::unique_ptr<EventFanout> fanout;
    std::unique_ptr<JournalWriter> writer;
    std::unique_ptr<storage::postgres::PostgresListener> listener;
    std::mutex mu;
    std::vector<JournalEntry> delivered;

    std::vector<std::int64_t> Seqs() {
        std::lock_guard lock(mu);
        std::vector<std::int64_t> out;
        for (const auto& e : delivered) out.push_back(e.seq);
        return out;
    }
    bool WaitForCount(std::size_t n) {
        for (int i = 0; i < 1000; ++i) {
            {
                std::lock_guard lock(mu);
                if (delivered.size() >= n) return true;
            }
            std::this_thread::sleep_for(10ms);
        }
        return false;
    }
    ~Node() {
        if (listener) listener->Stop();
        if (writer) writer->Stop();
    }
};

class RealtimePgTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string url = pgtest::TestServerUrl();
        if (url.empty()) GTEST_SKIP() << pgtest::kNoServerMessage;
        auto scratch = pgtest::ScratchDatabase::Create(url);
        ASSERT_TRUE(scratch.ok()) << scratch.error().message;
        scratch_ = std::move(scratch).value();
    }

    std::unique_ptr<Node> StartNode() {
        auto n = std::make_unique<Node>();
        storage::postgres::PostgresOptions o;
        o.conninfo = scratch_->conninfo();
        o.pool_size = 2;
        o.writer_count = 2;
        auto db = storage::postgres::PostgresDatabase::Open(o);
        EXPECT_TRUE(db.ok()) << db.error().message;
        if (!db.ok()) return nullptr;
        n->db = std::move(db).value();
        Node* raw = n.get();
        n->fanout = std::make_unique<EventFanout>(
            *n->db,
            [raw](const JournalEntry& e) {
                std::lock_guard lock(raw->mu);
                raw->delivered.push_back(e);
            },
            EventFanout::Options{});
        auto listener = storage::postgres::PostgresListener::Start(
            {.conninfo = scratch_->conninfo(), .channel = kNotifyChannel},
            [raw](std::string_view payload) {
                std::int64_t seq = 0;
                std::from_chars(payload.data(), payload.data() + payload.size(), seq);
                EXPECT_TRUE(raw->fanout->CatchUp(seq).ok());
            },
            [raw] { EXPECT_TRUE(raw->fanout->CatchUp().ok()); });
        EXPECT_TRUE(listener.ok()) << listener.error().message;
        if (!listener.ok()) return nullptr;
        n->listener = std::move(listener).value();
        EXPECT_TRUE(n->fanout->Start().ok());
        n->writer = std::make_unique<JournalWriter>(
            *n->db, clock_, [raw](const AppendResult& r) { raw->fanout->OnAppended(r); },
            JournalWriter::Options{.window = 1ms, .max_batch = 50});
        n->writer->Start();
        return n;
    }

    SystemClock clock_;
    std::unique_ptr<pgtest::ScratchDatabase> scratch_;
};

TEST_F(RealtimePgTest, TwoNodesDeliverEveryEventOnceInOneOrder) {
    auto a = StartNode();
    auto b = StartNode();
    ASSERT_TRUE(a && b);
    constexpr int kPerThread = 300;
    std::vector<std::thread> threads;
    for (Node* node : {a.get(), b.get()}) {
        for (int t = 0; t < 2; ++t) {
            threads.emplace_back([node, t, which = node == a.get() ? 1 : 2] {
                for (int i = 0; i < kPerThread; ++i) {
                    events::Event e;
                    e.workspace_id = WorkspaceId(which);
                    e.type = "message.created";
                    e.data_json = nlohmann::json{{"t", t}, {"i", i}}.dump();
                    node->writer->Append(std::move(e));
                    if (i % 50 == 0) std::this_thread::sleep_for(1ms);
                }
            });
        }
    }
    for (auto& t : threads) t.join();
    ASSERT_TRUE(a->writer->Flush(30s));
    ASSERT_TRUE(b->writer->Flush(30s));
    const std::size_t total = 4 * kPerThread;
    ASSERT_TRUE(a->WaitForCount(total));
    ASSERT_TRUE(b->WaitForCount(total));
    std::this_thread::sleep_for(100ms);  // nothing more (no duplicates) arrives
    for (Node* node : {a.get(), b.get()}) {
        auto seqs = node->Seqs();
        ASSERT_EQ(seqs.size(), total);
        for (std::size_t i = 1; i < seqs.size(); ++i) ASSERT_LT(seqs[i - 1], seqs[i]) << i;
    }
    EXPECT_EQ(a->Seqs(), b->Seqs());

    // Replay on B of what node A wrote for workspace 1.
    auto r = b->fanout->ReplayAfter(WorkspaceId(1), 0);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r->resync);
    ASSERT_EQ(r->entries.size(), static_cast<std::size_t>(2 * kPerThread));
    for (const auto& e : r->entries) EXPECT_EQ(e.workspace_id, WorkspaceId(1));
}

}  // namespace
}  // namespace hudhud::realtime
