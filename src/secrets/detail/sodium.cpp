#include "secrets/detail/sodium.hpp"

#include <sodium.h>

#include <cstring>
#include <utility>

namespace hudhud::secrets::detail {

Status EnsureSodium() {
    // sodium_init is itself idempotent and thread-safe; the static only saves the call.
    static const int rc = sodium_init();
    if (rc < 0) return Error::Internal("libsodium failed to initialize");
    return Ok();
}

SecretBytes::SecretBytes(std::size_t size) : size_(size) {
    if (size == 0) return;
    // sodium_malloc aborts the process when libsodium is not initialized; every path that
    // allocates a secret (reading a key file before any keyring exists, say) must work.
    if (!EnsureSodium().ok()) {
        size_ = 0;
        return;
    }
    data_ = static_cast<unsigned char*>(sodium_malloc(size));
    if (data_ == nullptr) size_ = 0;
}

SecretBytes::SecretBytes(const unsigned char* data, std::size_t size) : SecretBytes(size) {
    if (data_ != nullptr) std::memcpy(data_, data, size);
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        if (data_ != nullptr) sodium_free(data_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

SecretBytes::~SecretBytes() {
    // sodium_free zeroes the region before unmapping it.
    if (data_ != nullptr) sodium_free(data_);
}

void Wipe(std::string& s) {
    if (!s.empty()) sodium_memzero(s.data(), s.size());
}

std::string Base64Encode(std::string_view bytes, int sodium_variant) {
    std::string out(sodium_base64_encoded_len(bytes.size(), sodium_variant), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), sodium_variant);
    out.resize(std::strlen(out.c_str()));
    return out;
}

std::optional<std::size_t> Base64DecodeInto(std::string_view text, int sodium_variant,
                                            unsigned char* out, std::size_t max) {
    std::size_t len = 0;
    const char* end = nullptr;
    if (sodium_base642bin(out, max, text.data(), text.size(), nullptr, &len, &end,
                          sodium_variant) != 0) {
        return std::nullopt;
    }
    if (end != text.data() + text.size()) return std::nullopt;
    return len;
}

std::optional<std::string> Base64Decode(std::string_view text, int sodium_variant) {
    std::string out(text.size() / 4 * 3 + 3, '\0');
    auto len = Base64DecodeInto(text, sodium_variant, reinterpret_cast<unsigned char*>(out.data()),
                                out.size());
    if (!len) return std::nullopt;
    out.resize(*len);
    return out;
}

std::string HexEncode(std::string_view bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                   bytes.size());
    out.resize(bytes.size() * 2);
    return out;
}

}  // namespace hudhud::secrets::detail
