#include "http/metrics.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace hudhud::http {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
    MetricsRegistry m;
    m.GetCounter("hudhud_http_requests_total", "HTTP requests",
                 {{"route", "/a"}, {"method", "GET"}, {"status", "200"}})
        .Increment(3);
    Gauge& g = m.GetGauge("hudhud_things", "Things\nwith newline");
    g.Set(2.5);
    m.AddGauge("hudhud_jobs_queue_depth", "Jobs waiting", [] { return 7.0; });
    Histogram& h =
        m.GetHistogram("hudhud_latency_seconds", "Latency", {0.1, 1}, {{"route", "a\"b"}});
    h.Observe(0.05);
    h.Observe(0.5);
    h.Observe(5);
    std::string text = m.Render();
    EXPECT_NE(
        text.find("# HELP hudhud_http_requests_total HTTP requests\n"
                  "# TYPE hudhud_http_requests_total counter\n"
                  "hudhud_http_requests_total{route=\"/a\",method=\"GET\",status=\"200\"} 3\n"),
        std::string::npos)
        << text;
    EXPECT_NE(text.find("# HELP hudhud_things Things\\nwith newline\n"), std::string::npos);
    EXPECT_NE(text.find("hudhud_things 2.5\n"), std::string::npos);
    EXPECT_NE(text.find("# TYPE hudhud_jobs_queue_depth gauge\nhudhud_jobs_queue_depth 7\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE hudhud_latency_seconds histogram\n"), std::string::npos);
    EXPECT_NE(text.find("hudhud_latency_seconds_bucket{route=\"a\\\"b\",le=\"0.1\"} 1\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("hudhud_latency_seconds_bucket{route=\"a\\\"b\",le=\"1\"} 2\n"),
              std::string::npos);
    EXPECT_NE(text.find("hudhud_latency_seconds_bucket{route=\"a\\\"b\",le=\"+Inf\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("hudhud_latency_seconds_sum{route=\"a\\\"b\"} 5.55\n"), std::string::npos);
    EXPECT_NE(text.find("hudhud_latency_seconds_count{route=\"a\\\"b\"} 3\n"), std::string::npos);
}

TEST(MetricsTest, SameLabelsSameSeriesAndStableReferences) {
    MetricsRegistry m;
    Counter& a = m.GetCounter("c_total", "c", {{"k", "v"}});
    Counter& b = m.GetCounter("c_total", "c", {{"k", "v"}});
    Counter& other = m.GetCounter("c_total", "c", {{"k", "w"}});
    EXPECT_EQ(&a, &b);
    EXPECT_NE(&a, &other);
    for (int i = 0; i < 100; ++i) m.GetCounter("c_total", "c", {{"k", std::to_string(i)}});
    EXPECT_EQ(&a, &m.GetCounter("c_total", "c", {{"k", "v"}}));
    // A type clash yields a detached series rather than corrupt output.
    Gauge& clash = m.GetGauge("c_total", "c");
    clash.Set(1);
    EXPECT_EQ(m.Render().find("# TYPE c_total gauge"), std::string::npos);
}

TEST(MetricsTest, ConcurrentRecordingIsExact) {
    MetricsRegistry m;
    Counter& c = m.GetCounter("n_total", "n");
    Histogram& h = m.GetHistogram("d_seconds", "d", DefaultLatencyBuckets());
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) {
                c.Increment();
                h.Observe(0.002);
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(c.value(), 40000u);
    EXPECT_EQ(h.count(), 40000u);
    EXPECT_NEAR(h.sum(), 80.0, 1e-6);
}

TEST(MetricsTest, ThrowingCallbackRendersNaN) {
    MetricsRegistry m;
    m.AddGauge("broken", "b", []() -> double { throw std::runtime_error("x"); });
    EXPECT_NE(m.Render().find("broken NaN\n"), std::string::npos);
}

}  // namespace
}  // namespace hudhud::http
