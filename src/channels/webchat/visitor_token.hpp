#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "core/result.hpp"
#include "secrets/keyring.hpp"

namespace hudhud::channels::webchat {

// What a visitor token asserts: this browser is visitor `source_id` of inbox `inbox_id` in
// workspace `workspace_id`, until `expires_at`; it may be exchanged for a fresh token until
// `refresh_until`.
struct VisitorClaims {
    WorkspaceId workspace_id;
    InboxId inbox_id;
    std::string source_id;  // random, server-chosen (UUID form)
    Timestamp issued_at;
    Timestamp expires_at;
    Timestamp refresh_until;
};

struct VisitorTokenOptions {
    std::chrono::seconds lifetime{std::chrono::hours(24)};
    std::chrono::seconds refresh_window{std::chrono::hours(24 * 90)};  // sliding, from issue
};

// Issues and checks visitor tokens. A token is the claims sealed with the keyring's AEAD
// (XChaCha20-Poly1305, see secrets::Keyring), so it is authentic and opaque, survives a
// master-key rotation (old keys still open it), and carries a purpose tag so no other sealed
// value (such as inbox credentials) can pass for a token. Text form: "hv1." + URL-safe sealed
// value, safe in a query string. Thread-safe (const, and the keyring is).
class VisitorTokenSigner {
  public:
    VisitorTokenSigner(const secrets::Keyring& keyring, VisitorTokenOptions options = {})
        : keyring_(keyring), options_(options) {}

    // Claims for a token issued `now` (expires_at and refresh_until from the options).
    VisitorClaims Claims(WorkspaceId ws, InboxId inbox, std::string source_id,
                         Timestamp now) const;
    Result<std::string> Issue(const VisitorClaims& claims) const;

    // kUnauthenticated for a malformed, forged, tampered or expired token; with
    // `allow_expired`, a token past expires_at but not past refresh_until is accepted (refresh).
    Result<VisitorClaims> Verify(std::string_view token, Timestamp now,
                                 bool allow_expired = false) const;

    const VisitorTokenOptions& options() const { return options_; }

  private:
    const secrets::Keyring& keyring_;
    VisitorTokenOptions options_;
};

// A new random visitor id (RFC 4122 version 4 text form).
std::string NewSourceId();

}  // namespace hudhud::channels::webchat
