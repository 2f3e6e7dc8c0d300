#include "http/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

namespace hudhud::http {
namespace {

enum Type { kCounter = 0, kGauge = 1, kHistogram = 2, kCallbackGauge = 3 };

void AppendEscapedLabelValue(std::string& out, std::string_view v) {
    for (char c : v) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '"':
                out += "\\\"";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

void AppendHelp(std::string& out, std::string_view help) {
    for (char c : help) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

// `{a="1",b="2"}`, with an optional extra label (le for buckets); "" when there are none.
std::string LabelText(const Labels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
    if (labels.empty() && extra_name.empty()) return {};
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ',';
        first = false;
        out += k;
        out += "=\"";
        AppendEscapedLabelValue(out, v);
        out += '"';
    }
    if (!extra_name.empty()) {
        if (!first) out += ',';
        out += extra_name;
        out += "=\"";
        out += extra_value;
        out += '"';
    }
    out += '}';
    return out;
}

std::string FormatNumber(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.0f", v);
        return buf;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.17g", v);
    // Shorten when a shorter form round-trips (0.1 rather than 0.10000000000000001).
    for (int precision = 1; precision < 17; ++precision) {
        char shorter[32];
        std::snprintf(shorter, sizeof(shorter), "%.*g", precision, v);
        if (std::strtod(shorter, nullptr) == v) return shorter;
    }
    return buf;
}

}  // namespace

struct MetricsRegistry::Family {
    std::string name;
    std::string help;
    int type = kCounter;
    // Keyed by the rendered label text so lookups and output agree on identity.
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::pair<Labels, std::unique_ptr<Histogram>>> histograms;
    std::map<std::string, std::function<double()>> callbacks;
};

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
    std::sort(bounds_.begin(), bounds_.end());
    bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
    if (!bounds_.empty() && std::isinf(bounds_.back())) bounds_.pop_back();
    buckets_ = std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1);
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double v) {
    std::size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(v, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::BucketCounts() const {
    std::vector<std::uint64_t> out(bounds_.size() + 1);
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i] = buckets_[i].load(std::memory_order_relaxed);
    }
    return out;
}

std::vector<double> DefaultLatencyBuckets() {
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::FamilyFor(std::string_view name, std::string_view help,
                                                    int type) {
    for (auto& f : families_) {
        if (f->name == name) return *f;
    }
    auto family = std::make_unique<Family>();
    family->name = std::string(name);
    family->help = std::string(help);
    family->type = type;
    families_.push_back(std::move(family));
    return *families_.back();
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const Labels& labels) {
    std::lock_guard lock(mu_);
    Family& f = FamilyFor(name, help, kCounter);
    if (f.type != kCounter) return *orphans_counters_.emplace_back(std::make_unique<Counter>());
    auto& slot = f.counters[LabelText(labels)];
    if (!slot) slot = std::make_unique<Counter>();
    return *slot;
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const Labels& labels) {
    std::lock_guard lock(mu_);
    Family& f = FamilyFor(name, help, kGauge);
    if (f.type != kGauge) return *orphans_gauges_.emplace_back(std::make_unique<Gauge>());
    auto& slot = f.gauges[LabelText(labels)];
    if (!slot) slot = std::make_unique<Gauge>();
    return *slot;
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> upper_bounds, const Labels& labels) {
    std::lock_guard lock(mu_);
    Family& f = FamilyFor(name, help, kHistogram);
    if (f.type != kHistogram) {
        return *orphans_histograms_.emplace_back(
            std::make_unique<Histogram>(std::move(upper_bounds)));
    }
    auto& slot = f.histograms[LabelText(labels)];
    if (!slot.second) {
        slot.first = labels;
        slot.second = std::make_unique<Histogram>(std::move(upper_bounds));
    }
    return *slot.second;
}

void MetricsRegistry::AddGauge(std::string_view name, std::string_view help,
                               std::function<double()> read, const Labels& labels) {
    std::lock_guard lock(mu_);
    Family& f = FamilyFor(name, help, kCallbackGauge);
    if (f.type != kCallbackGauge) return;
    f.callbacks[LabelText(labels)] = std::move(read);
}

std::string MetricsRegistry::Render() const {
    std::lock_guard lock(mu_);
    std::string out;
    out.reserve(4096);
    for (const auto& f : families_) {
        out += "# HELP ";
        out += f->name;
        out += ' ';
        AppendHelp(out, f->help);
        out += "\n# TYPE ";
        out += f->name;
        switch (f->type) {
            case kCounter:
                out += " counter\n";
                break;
            case kHistogram:
                out += " histogram\n";
                break;
            default:
                out += " gauge\n";
                break;
        }
        for (const auto& [labels, c] : f->counters) {
            out += f->name + labels + ' ' + std::to_string(c->value()) + '\n';
        }
        for (const auto& [labels, g] : f->gauges) {
            out += f->name + labels + ' ' + FormatNumber(g->value()) + '\n';
        }
        for (const auto& [labels, read] : f->callbacks) {
            double v = NAN;
            try {
                v = read();
            } catch (...) {
                // A broken callback must not take /metrics down; NaN shows it.
            }
            out += f->name + labels + ' ' + FormatNumber(v) + '\n';
        }
        for (const auto& [key, entry] : f->histograms) {
            const auto& [labels, h] = entry;
            std::vector<std::uint64_t> counts = h->BucketCounts();
            std::uint64_t cumulative = 0;
            for (std::size_t i = 0; i < counts.size(); ++i) {
                cumulative += counts[i];
                std::string le =
                    i < h->upper_bounds().size() ? FormatNumber(h->upper_bounds()[i]) : "+Inf";
                out += f->name + "_bucket" + LabelText(labels, "le", le) + ' ' +
                       std::to_string(cumulative) + '\n';
            }
            // _count from the buckets keeps count == +Inf bucket even mid-update.
            out += f->name + "_sum" + key + ' ' + FormatNumber(h->sum()) + '\n';
            out += f->name + "_count" + key + ' ' + std::to_string(cumulative) + '\n';
        }
    }
    return out;
}

}  // namespace hudhud::http
