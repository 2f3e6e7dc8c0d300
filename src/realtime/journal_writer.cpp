#include "realtime/journal_writer.hpp"

#include <vector>

#include "log/log.hpp"

namespace hudhud::realtime {

JournalWriter::JournalWriter(storage::Database& db, const Clock& clock, OnAppended on_appended,
                             Options options)
    : db_(db), clock_(clock), on_appended_(std::move(on_appended)), options_(options) {}

JournalWriter::~JournalWriter() { Stop(); }

void JournalWriter::Start() {
    std::lock_guard lock(mu_);
    if (started_ || stopping_) return;
    started_ = true;
    thread_ = std::thread([this] { Run(); });
}

void JournalWriter::Stop() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    std::lock_guard lock(mu_);
    // Never started, or gave up: whatever is left will not be written.
    dropped_ += queue_.size();
    done_ += queue_.size();
    queue_.clear();
    settled_.notify_all();
}

void JournalWriter::Append(events::Event event) {
    {
        std::lock_guard lock(mu_);
        ++accepted_;
        if (stopping_ || queue_.size() >= options_.max_queue) {
            ++dropped_;
            ++done_;
            if (dropped_ == 1 || dropped_ % 1000 == 0) {
                log::Error("realtime.journal_dropped",
                           {{"dropped", dropped_}, {"stopping", stopping_}});
            }
            settled_.notify_all();
            return;
        }
        queue_.push_back(std::move(event));
    }
    wake_.notify_one();
}

bool JournalWriter::Flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    const std::uint64_t target = accepted_;
    return settled_.wait_for(lock, timeout, [&] { return done_ >= target; });
}

std::uint64_t JournalWriter::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
}

void JournalWriter::Run() {
    std::vector<events::Event> batch;
    int failures = 0;
    while (true) {
        {
            std::unique_lock lock(mu_);
            if (batch.empty()) {
                wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) return;  // stopping, nothing left
                if (!stopping_ && queue_.size() < options_.max_batch &&
                    options_.window.count() > 0) {
                    wake_.wait_for(lock, options_.window, [&] {
                        return stopping_ || queue_.size() >= options_.max_batch;
                    });
                }
            }
            while (!queue_.empty() && batch.size() < options_.max_batch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        AppendResult appended;
        Status st = db_.WriteAlone([&](storage::Session& s) -> Status {
            HH_ASSIGN_OR_RETURN(appended, EventJournal::Append(s, batch, clock_.Now()));
            return Ok();
        });
        if (!st.ok()) {
            ++failures;
            log::Error(
                "realtime.journal_append_failed",
                {{"error", st.error().message}, {"events", batch.size()}, {"attempt", failures}});
            std::unique_lock lock(mu_);
            if (stopping_ && failures >= options_.stop_attempts) {
                dropped_ += batch.size();
                done_ += batch.size();
                batch.clear();
                settled_.notify_all();
                continue;
            }
            wake_.wait_for(lock, options_.retry_delay, [&] { return stopping_; });
            continue;
        }
        failures = 0;
        try {
            on_appended_(appended);
        } catch (const std::exception& e) {
            log::Error("realtime.fanout_failed", {{"error", e.what()}});
        }
        std::lock_guard lock(mu_);
        done_ += batch.size();
        batch.clear();
        settled_.notify_all();
    }
}

}  // namespace hudhud::realtime
