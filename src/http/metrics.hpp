#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hudhud::http {

// Label pairs of one series, e.g. {{"route", "/healthz"}, {"method", "GET"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count. Lock-free.
class Counter {
  public:
    void Increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down. Lock-free.
class Gauge {
  public:
    void Set(double v) { value_.store(v, std::memory_order_relaxed); }
    void Add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

// Cumulative buckets with fixed upper bounds. Observe() is lock-free: a short scan of the bounds
// and three relaxed atomic adds.
class Histogram {
  public:
    explicit Histogram(std::vector<double> upper_bounds);
    void Observe(double v);

    const std::vector<double>& upper_bounds() const { return bounds_; }
    // Per-bucket (not cumulative) counts; the last one is +Inf.
    std::vector<std::uint64_t> BucketCounts() const;
    double sum() const { return sum_.load(std::memory_order_relaxed); }
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // bounds_.size() + 1
    std::atomic<double> sum_{0};
    std::atomic<std::uint64_t> count_{0};
};

// Latency buckets in seconds, 1 ms .. 10 s.
std::vector<double> DefaultLatencyBuckets();

// A small Prometheus registry (text exposition format 0.0.4). The application creates one and
// passes it by reference to whatever records metrics; there is no global registry.
//
// Get* return a reference to the series with exactly these labels, creating it (and its family)
// on first use; the reference stays valid for the registry's lifetime, so hot paths look a series
// up once and keep the reference. A name always keeps the type and help it was first registered
// with (a later call with a different type returns a detached series that is never rendered,
// rather than corrupting the output).
//
// Thread safety: everything may be called concurrently. Get*/Add* take a mutex; recording on a
// series is lock-free; Render() takes the mutex and reads series with relaxed loads.
class MetricsRegistry {
  public:
    MetricsRegistry();
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    Counter& GetCounter(std::string_view name, std::string_view help, const Labels& labels = {});
    Gauge& GetGauge(std::string_view name, std::string_view help, const Labels& labels = {});
    Histogram& GetHistogram(std::string_view name, std::string_view help,
                            std::vector<double> upper_bounds, const Labels& labels = {});

    // A gauge read at Render() time, e.g. a queue depth:
    //   registry.AddGauge("hudhud_jobs_queue_depth", "Jobs waiting", [&] { return q.Depth(); });
    // `read` runs under the registry mutex on the rendering thread, so it must be quick, must not
    // call back into the registry, and must stay callable for the registry's lifetime.
    void AddGauge(std::string_view name, std::string_view help, std::function<double()> read,
                  const Labels& labels = {});

    // Prometheus text exposition format 0.0.4; families in registration order.
    std::string Render() const;

    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  private:
    struct Family;
    Family& FamilyFor(std::string_view name, std::string_view help, int type);

    mutable std::mutex mu_;
    std::vector<std::unique_ptr<Family>> families_;
    std::deque<std::unique_ptr<Counter>> orphans_counters_;
    std::deque<std::unique_ptr<Gauge>> orphans_gauges_;
    std::deque<std::unique_ptr<Histogram>> orphans_histograms_;
};

}  // namespace hudhud::http
