#include "secrets/token.hpp"

#include <sodium.h>

#include <cstdlib>

#include "secrets/detail/sodium.hpp"

namespace hudhud::secrets {

std::string RandomToken(std::size_t bytes) {
    // Without a working libsodium there is no safe token to return; this is a broken install.
    if (!detail::EnsureSodium().ok()) std::abort();
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string token = detail::Base64Encode(raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    detail::Wipe(raw);
    return token;
}

std::string HashToken(std::string_view token) {
    if (!detail::EnsureSodium().ok()) std::abort();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    return detail::HexEncode(
        std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hudhud::secrets
