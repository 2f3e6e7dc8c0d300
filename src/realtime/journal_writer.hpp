#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "core/clock.hpp"
#include "events/event_bus.hpp"
#include "realtime/event_journal.hpp"
#include "storage/database.hpp"

namespace hudhud::realtime {

// Gives committed events their sequence numbers: appends them to the event journal from a
// thread of its own, many events per transaction (everything queued while the previous append
// ran, plus what arrives within Options::window), then hands each committed append to
// `on_appended` (normally EventFanout::OnAppended). Publishers only enqueue, so the ingest path
// never waits for the journal. A failed append is retried with the same events, in order.
//
// Thread-safe. Start() once; Stop() (also run by the destructor) appends what is queued and
// joins the thread; events appended after Stop are dropped.
class JournalWriter {
  public:
    using OnAppended = std::function<void(const AppendResult&)>;
    struct Options {
        std::chrono::microseconds window{2000};  // how long a batch waits for company
        std::size_t max_batch = 1000;            // events per transaction
        std::size_t max_queue = 100000;          // beyond this, new events are dropped (logged)
        std::chrono::milliseconds retry_delay{250};
        int stop_attempts = 3;  // appends tried while stopping before giving up
    };

    JournalWriter(storage::Database& db, const Clock& clock, OnAppended on_appended,
                  Options options);
    ~JournalWriter();
    JournalWriter(const JournalWriter&) = delete;
    JournalWriter& operator=(const JournalWriter&) = delete;

    void Start();
    void Stop();

    // Queues `event` (ephemeral ones are the caller's to filter). Never blocks on the database.
    void Append(events::Event event);

    // Waits until every event appended before the call was committed and handed on (or
    // dropped), or `timeout` passed; returns whether it got there. For tests and shutdown.
    bool Flush(std::chrono::milliseconds timeout);

    std::uint64_t dropped() const;

  private:
    void Run();

    storage::Database& db_;
    const Clock& clock_;
    const OnAppended on_appended_;
    const Options options_;

    mutable std::mutex mu_;
    std::condition_variable wake_;     // the writer: events queued, or stop
    std::condition_variable settled_;  // Flush waiters: `done_` moved
    std::deque<events::Event> queue_;
    std::uint64_t accepted_ = 0;  // events ever queued or dropped
    std::uint64_t done_ = 0;      // events committed or dropped
    std::uint64_t dropped_ = 0;
    bool started_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace hudhud::realtime
