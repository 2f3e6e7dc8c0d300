#include "channels/webchat/visitor_token.hpp"

#include <array>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>

namespace hudhud::channels::webchat {
namespace {

constexpr std::string_view kPrefix = "hv1.";
constexpr std::string_view kPurpose = "hudhud.webchat.visitor";
constexpr std::size_t kMaxTokenBytes = 2048;

std::int64_t Seconds(Timestamp t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Timestamp FromSeconds(std::int64_t s) {
    return Timestamp(std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::seconds(s)));
}

// The keyring's sealed form is standard base64; these three swaps make it URL-safe, reversibly.
std::string ToUrlSafe(std::string s) {
    for (char& c : s) {
        if (c == '+') c = '-';
        else if (c == '/') c = '_';
        else if (c == '=') c = '~';
    }
    return s;
}
std::string FromUrlSafe(std::string_view in) {
    std::string s(in);
    for (char& c : s) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (c == '~') c = '=';
    }
    return s;
}

}  // namespace

VisitorClaims VisitorTokenSigner::Claims(WorkspaceId ws, InboxId inbox, std::string source_id,
                                         Timestamp now) const {
    VisitorClaims c;
    c.workspace_id = ws;
    c.inbox_id = inbox;
    c.source_id = std::move(source_id);
    c.issued_at = now;
    c.expires_at = now + options_.lifetime;
    c.refresh_until = now + options_.refresh_window;
    return c;
}

Result<std::string> VisitorTokenSigner::Issue(const VisitorClaims& c) const {
    nlohmann::json j = {{"p", kPurpose},
                        {"w", c.workspace_id.value()},
                        {"i", c.inbox_id.value()},
                        {"s", c.source_id},
                        {"iat", Seconds(c.issued_at)},
                        {"exp", Seconds(c.expires_at)},
                        {"rexp", Seconds(c.refresh_until)}};
    HH_ASSIGN_OR_RETURN(auto sealed, keyring_.Encrypt(j.dump()));
    return std::string(kPrefix) + ToUrlSafe(std::move(sealed));
}

Result<VisitorClaims> VisitorTokenSigner::Verify(std::string_view token, Timestamp now,
                                                 bool allow_expired) const {
    if (token.size() > kMaxTokenBytes || !token.starts_with(kPrefix)) {
        return Error::Unauthenticated("invalid visitor token");
    }
    token.remove_prefix(kPrefix.size());
    auto plain = keyring_.Decrypt(FromUrlSafe(token));
    if (!plain.ok()) return Error::Unauthenticated("invalid visitor token");
    auto j = nlohmann::json::parse(*plain, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("p", "") != kPurpose ||
        !j.contains("w") || !j["w"].is_number_integer() || !j.contains("i") ||
        !j["i"].is_number_integer() || !j.contains("s") || !j["s"].is_string() ||
        !j.contains("exp") || !j["exp"].is_number_integer() || !j.contains("rexp") ||
        !j["rexp"].is_number_integer() || !j.contains("iat") || !j["iat"].is_number_integer()) {
        return Error::Unauthenticated("invalid visitor token");
    }
    VisitorClaims c;
    c.workspace_id = WorkspaceId(j["w"].get<std::int64_t>());
    c.inbox_id = InboxId(j["i"].get<std::int64_t>());
    c.source_id = j["s"].get<std::string>();
    c.issued_at = FromSeconds(j["iat"].get<std::int64_t>());
    c.expires_at = FromSeconds(j["exp"].get<std::int64_t>());
    c.refresh_until = FromSeconds(j["rexp"].get<std::int64_t>());
    if (now >= c.refresh_until) return Error::Unauthenticated("visitor token expired");
    if (now >= c.expires_at && !allow_expired) {
        return Error::Unauthenticated("visitor token expired");
    }
    return c;
}

std::string NewSourceId() {
    std::array<unsigned char, 16> b{};
    if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) {
        // OpenSSL's CSPRNG does not fail once seeded; a failure here is a broken host.
        std::abort();
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHex[b[i] >> 4]);
        out.push_back(kHex[b[i] & 0xf]);
    }
    return out;
}

}  // namespace hudhud::channels::webchat
