// The event journal, the fan-out cursor, replay and the batching writer, on SQLite.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "realtime/event_fanout.hpp"
#include "realtime/event_journal.hpp"
#include "realtime/journal_writer.hpp"
#include "storage/sqlite/sqlite_database.hpp"
#include "storage/testing/temp_dir.hpp"

namespace hudhud::realtime {
namespace {

using namespace std::chrono_literals;

events::Event MakeEvent(std::int64_t ws, std::string type, int n) {
    events::Event e;
    e.workspace_id = WorkspaceId(ws);
    e.type = std::move(type);
    e.data_json = nlohmann::json{{"n", n}}.dump();
    return e;
}

class RealtimeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_FALSE(dir_.path().empty());
        storage::sqlite::SqliteOptions o;
        o.path = (dir_.path() / "rt.db").string();
        auto db = storage::sqlite::SqliteDatabase::Open(o);
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(db).value();
    }

    // Appends directly, as another node's writer would (its fan-out never hears of it).
    AppendResult AppendElsewhere(std::vector<events::Event> events) {
        AppendResult out;
        Status st = db_->WriteAlone([&](storage::Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(out, EventJournal::Append(s, events, clock_.Now()));
            return Ok();
        });
        EXPECT_TRUE(st.ok()) << st.error().message;
        return out;
    }

    std::vector<std::int64_t> Delivered() {
        std::lock_guard lock(mu_);
        std::vector<std::int64_t> out;
        for (const auto& e : delivered_) out.push_back(e.seq);
        return out;
    }

    std::unique_ptr<EventFanout> MakeFanout(EventFanout::Options o = {}) {
        return std::make_unique<EventFanout>(
            *db_,
            [this](const JournalEntry& e) {
                std::lock_guard lock(mu_);
                delivered_.push_back(e);
            },
            o);
    }

    storage::testing::TempDir dir_;
    FakeClock clock_;
    std::unique_ptr<storage::Database> db_;
    std::mutex mu_;
    std::vector<JournalEntry> delivered_;
};

TEST_F(RealtimeTest, AppendNumbersEventsInOrderAndReadsThemBack) {
    auto first =
        AppendElsewhere({MakeEvent(1, "message.created", 1), MakeEvent(2, "message.created", 2),
                         MakeEvent(1, "message.updated", 3)});
    EXPECT_EQ(first.previous_max, 0);
    ASSERT_EQ(first.entries.size(), 3u);
    EXPECT_EQ(first.entries[0].seq, 1);
    EXPECT_EQ(first.entries[1].seq, 2);
    EXPECT_EQ(first.entries[2].seq, 3);
    EXPECT_EQ(first.entries[2].type, "message.updated");
    EXPECT_EQ(first.entries[1].workspace_id, WorkspaceId(2));

    // More than one INSERT's worth keeps its order too.
    std::vector<events::Event> many;
    for (int i = 0; i < 450; ++i) many.push_back(MakeEvent(3, "message.created", i));
    auto second = AppendElsewhere(many);
    EXPECT_EQ(second.previous_max, 3);
    ASSERT_EQ(second.entries.size(), 450u);
    for (int i = 0; i < 450; ++i) {
        EXPECT_EQ(second.entries[i].seq, 4 + i);
        EXPECT_EQ(nlohmann::json::parse(second.entries[i].data_json)["n"], i);
    }

    auto all = db_->ReadValue([](storage::Session& s) { return EventJournal::ReadAfter(s, 2, 5); });
    ASSERT_TRUE(all.ok());
    ASSERT_EQ(all->size(), 5u);
    EXPECT_EQ((*all)[0].seq, 3);
    EXPECT_EQ((*all)[0].data_json, R"({"n":3})");

    auto ws1 = db_->ReadValue([](storage::Session& s) {
        return EventJournal::ReadWorkspace(s, WorkspaceId(1), 0, 1000, 10);
    });
    ASSERT_TRUE(ws1.ok());
    ASSERT_EQ(ws1->size(), 2u);
    EXPECT_EQ((*ws1)[0].seq, 1);
    EXPECT_EQ((*ws1)[1].seq, 3);
    auto bounded = db_->ReadValue([](storage::Session& s) {
        return EventJournal::ReadWorkspace(s, WorkspaceId(1), 0, 2, 10);
    });
    ASSERT_TRUE(bounded.ok());
    EXPECT_EQ(bounded->size(), 1u);
}

TEST_F(RealtimeTest, PruneKeepsTheNewestEntryAndNumbersAreNeverReused) {
    AppendElsewhere({MakeEvent(1, "a", 1), MakeEvent(1, "b", 2)});
    clock_.Advance(std::chrono::hours(25));
    auto pruned = db_->WriteValue([&](storage::Session& s) {
        return EventJournal::Prune(s, clock_.Now() - std::chrono::hours(24));
    });
    ASSERT_TRUE(pruned.ok());
    EXPECT_EQ(*pruned, 1);
    auto bounds = db_->ReadValue([](storage::Session& s) { return EventJournal::Bounds(s); });
    ASSERT_TRUE(bounds.ok());
    EXPECT_EQ(bounds->min_seq, 2);
    EXPECT_EQ(bounds->max_seq, 2);
    // Delete the last one by hand: the next number still follows the old ones.
    ASSERT_TRUE(db_->Write([](storage::Session& s) -> Status {
                       HH_RETURN_IF_ERROR(s.Exec("DELETE FROM event_journal"));
                       return Ok();
                   })
                    .ok());
    auto next = AppendElsewhere({MakeEvent(1, "c", 3)});
    ASSERT_EQ(next.entries.size(), 1u);
    EXPECT_EQ(next.entries[0].seq, 3);
}

TEST_F(RealtimeTest, FanoutStartsAtTheEndAndDeliversEachEntryOnceInOrder) {
    AppendElsewhere({MakeEvent(1, "old", 0)});
    auto fanout = MakeFanout();
    ASSERT_TRUE(fanout->Start().ok());
    EXPECT_EQ(fanout->cursor(), 1);

    // This node's own append, right after the cursor: delivered from memory.
    auto own = AppendElsewhere({MakeEvent(1, "a", 1), MakeEvent(2, "b", 2)});
    fanout->OnAppended(own);
    EXPECT_EQ(Delivered(), (std::vector<std::int64_t>{2, 3}));
    fanout->OnAppended(own);  // a repeat changes nothing
    EXPECT_EQ(Delivered().size(), 2u);

    // Another node appended 4; this node's 5 must not jump over it.
    AppendElsewhere({MakeEvent(1, "other", 3)});
    auto mine = AppendElsewhere({MakeEvent(1, "mine", 4)});
    EXPECT_EQ(mine.previous_max, 4);
    fanout->OnAppended(mine);
    EXPECT_EQ(Delivered(), (std::vector<std::int64_t>{2, 3, 4, 5}));

    // A notification for what was already delivered reads nothing new; a new one catches up.
    ASSERT_TRUE(fanout->CatchUp(5).ok());
    EXPECT_EQ(Delivered().size(), 4u);
    AppendElsewhere({MakeEvent(1, "x", 5), MakeEvent(1, "y", 6)});
    ASSERT_TRUE(fanout->CatchUp(7).ok());
    EXPECT_EQ(Delivered(), (std::vector<std::int64_t>{2, 3, 4, 5, 6, 7}));
    EXPECT_EQ(fanout->cursor(), 7);
}

TEST_F(RealtimeTest, CatchUpReadsInBatchesUntilTheEnd) {
    auto fanout = MakeFanout({.read_batch = 3});
    ASSERT_TRUE(fanout->Start().ok());
    std::vector<events::Event> ten;
    for (int i = 0; i < 10; ++i) ten.push_back(MakeEvent(1, "m", i));
    AppendElsewhere(ten);
    ASSERT_TRUE(fanout->CatchUp().ok());
    EXPECT_EQ(Delivered(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

TEST_F(RealtimeTest, ReplayGivesTheWorkspacesMissedEventsOrAResync) {
    auto fanout = MakeFanout({.replay_limit = 3});
    ASSERT_TRUE(fanout->Start().ok());
    fanout->OnAppended(AppendElsewhere(
        {MakeEvent(1, "a", 1), MakeEvent(2, "b", 2), MakeEvent(1, "c", 3), MakeEvent(1, "d", 4)}));

    auto r = fanout->ReplayAfter(WorkspaceId(1), 1);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_FALSE(r->resync);
    EXPECT_EQ(r->through, 4);
    ASSERT_EQ(r->entries.size(), 2u);
    EXPECT_EQ(r->entries[0].seq, 3);
    EXPECT_EQ(r->entries[1].seq, 4);

    // Up to date: nothing; the other workspace's events are not replayed.
    r = fanout->ReplayAfter(WorkspaceId(1), 4);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->resync);
    EXPECT_TRUE(r->entries.empty());
    r = fanout->ReplayAfter(WorkspaceId(2), 2);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->entries.empty());

    // Exactly the limit is fine; one more is a resync.
    r = fanout->ReplayAfter(WorkspaceId(1), 0);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->resync);
    EXPECT_EQ(r->entries.size(), 3u);
    fanout->OnAppended(AppendElsewhere({MakeEvent(1, "e", 5)}));
    r = fanout->ReplayAfter(WorkspaceId(1), 0);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->resync);
    EXPECT_TRUE(r->entries.empty());

    // A number this journal never gave.
    r = fanout->ReplayAfter(WorkspaceId(1), 99);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->resync);

    // Events before the oldest kept one were pruned: a resync, even though what is left fits.
    clock_.Advance(std::chrono::hours(25));
    fanout->OnAppended(AppendElsewhere({MakeEvent(1, "f", 6)}));
    ASSERT_TRUE(db_->Write([&](storage::Session& s) -> Status {
                       HH_ASSIGN_OR_RETURN(
                           auto n, EventJournal::Prune(s, clock_.Now() - std::chrono::hours(1)));
                       EXPECT_EQ(n, 5);
                       return Ok();
                   })
                    .ok());
    r = fanout->ReplayAfter(WorkspaceId(1), 4);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->resync);
    r = fanout->ReplayAfter(WorkspaceId(1), 5);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->resync);
    ASSERT_EQ(r->entries.size(), 1u);
    EXPECT_EQ(r->entries[0].seq, 6);
}

TEST_F(RealtimeTest, ReplayCatchesUpWhenTheClientSawMoreThanThisNode) {
    auto fanout = MakeFanout();
    ASSERT_TRUE(fanout->Start().ok());
    // The client saw 1 and 2 on another node; this node has not read them yet.
    AppendElsewhere({MakeEvent(1, "a", 1), MakeEvent(1, "b", 2)});
    auto r = fanout->ReplayAfter(WorkspaceId(1), 2);
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->resync);
    EXPECT_EQ(r->through, 2);
    EXPECT_TRUE(r->entries.empty());
    EXPECT_EQ(Delivered(), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(RealtimeTest, WriterBatchesConcurrentEventsAndDeliversAllInOrder) {
    auto fanout = MakeFanout();
    ASSERT_TRUE(fanout->Start().ok());
    std::atomic<int> appends{0};
    JournalWriter writer(*db_, clock_,
                         [&](const AppendResult& r) {
                             ++appends;
                             fanout->OnAppended(r);
                         },
                         {.window = 5ms});
    writer.Start();
    constexpr int kThreads = 4;
    constexpr int kPerThread = 250;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
                writer.Append(MakeEvent(t + 1, "message.created", t * 1000 + i));
            }
        });
    }
    for (auto& th : threads) th.join();
    ASSERT_TRUE(writer.Flush(10s));
    auto seqs = Delivered();
    ASSERT_EQ(seqs.size(), static_cast<std::size_t>(kThreads * kPerThread));
    for (std::size_t i = 0; i < seqs.size(); ++i)
        EXPECT_EQ(seqs[i], static_cast<std::int64_t>(i + 1));
    // Each publisher's events keep their order.
    std::map<std::int64_t, int> last;
    {
        std::lock_guard lock(mu_);
        for (const auto& e : delivered_) {
            int n = nlohmann::json::parse(e.data_json)["n"];
            auto [it, fresh] = last.emplace(e.workspace_id.value(), n);
            if (!fresh) {
                EXPECT_GT(n, it->second);
                it->second = n;
            }
        }
    }
    EXPECT_LT(appends.load(), kThreads * kPerThread / 10) << "events were not batched";
    EXPECT_EQ(writer.dropped(), 0u);
}

TEST_F(RealtimeTest, StopWritesWhatIsQueuedAndLaterEventsAreDropped) {
    std::atomic<std::size_t> written{0};
    JournalWriter writer(*db_, clock_, [&](const AppendResult& r) { written += r.entries.size(); },
                         {.window = std::chrono::milliseconds(50)});
    writer.Start();
    for (int i = 0; i < 20; ++i) writer.Append(MakeEvent(1, "m", i));
    writer.Stop();
    EXPECT_EQ(written.load(), 20u);
    writer.Append(MakeEvent(1, "late", 0));
    EXPECT_TRUE(writer.Flush(1s));
    EXPECT_EQ(writer.dropped(), 1u);
    auto bounds = db_->ReadValue([](storage::Session& s) { return EventJournal::Bounds(s); });
    ASSERT_TRUE(bounds.ok());
    EXPECT_EQ(bounds->max_seq, 20);
}

TEST(EventFrameTest, CarriesSeqOnlyWhenJournaled) {
    auto f = nlohmann::json::parse(
        EventFrame("message.created", WorkspaceId(7), 42, R"({"id":5,"content":"hi \"x\""})"));
    EXPECT_EQ(f["type"], "event");
    EXPECT_EQ(f["event"], "message.created");
    EXPECT_EQ(f["workspace_id"], 7);
    EXPECT_EQ(f["seq"], 42);
    EXPECT_EQ(f["data"]["content"], "hi \"x\"");
    auto live =
        nlohmann::json::parse(EventFrame("conversation.typing_on", WorkspaceId(7), 0, "{}"));
    EXPECT_FALSE(live.contains("seq"));
    EXPECT_TRUE(IsEphemeral("conversation.typing_on"));
    EXPECT_TRUE(IsEphemeral("conversation.typing_off"));
    EXPECT_FALSE(IsEphemeral("message.created"));
    EXPECT_FALSE(IsEphemeral("presence.updated"));
}

}  // namespace
}  // namespace hudhud::realtime
