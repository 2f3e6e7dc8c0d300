#include "http/request_id.hpp"

#include <random>
#include <thread>

namespace hudhud::http {

bool IsAcceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string GenerateRequestId() {
    // Correlation ids need uniqueness, not secrecy: a seeded per-thread PRNG is enough.
    thread_local std::mt19937_64 rng([] {
        std::random_device rd;
        std::seed_seq seq{
            rd(), rd(), rd(), rd(),
            static_cast<unsigned>(std::hash<std::thread::id>{}(std::this_thread::get_id()))};
        return std::mt19937_64(seq);
    }());
    static constexpr char kHex[] = "0123456789abcdef";
    std::uint64_t a = rng();
    std::uint64_t b = rng();
    std::string out(24, '0');
    for (int i = 0; i < 16; ++i) out[i] = kHex[(a >> (i * 4)) & 0xF];
    for (int i = 0; i < 8; ++i) out[16 + i] = kHex[(b >> (i * 4)) & 0xF];
    return out;
}

}  // namespace hudhud::http
