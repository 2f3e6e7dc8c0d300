#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hudhud::secrets::detail {

// Initializes libsodium once per process; thread-safe and cheap after the first call.
Status EnsureSodium();

// Secret bytes in sodium_malloc'd memory: guard pages around it, locked against swapping where
// the system allows, and wiped by sodium_free when destroyed. Move-only so no stray copy of the
// secret is left in freed heap memory. Initializes libsodium itself when needed.
class SecretBytes {
  public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size);
    SecretBytes(const unsigned char* data, std::size_t size);
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes();

    // False when the allocation failed (size > 0 but out of memory).
    bool ok() const { return size_ == 0 || data_ != nullptr; }
    unsigned char* data() { return data_; }
    const unsigned char* data() const { return data_; }
    std::size_t size() const { return size_; }
    std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

  private:
    unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

// Wipes the characters of a string that held a secret (the string keeps its length).
void Wipe(std::string& s);

std::string Base64Encode(std::string_view bytes, int sodium_variant);
// Empty optional when `text` is not valid base64 of the given variant.
std::optional<std::string> Base64Decode(std::string_view text, int sodium_variant);
// Decodes into `out` (capacity `max`) without an intermediate heap copy, for key material.
// Returns the decoded length, or nothing when the text is invalid or longer than `max`.
std::optional<std::size_t> Base64DecodeInto(std::string_view text, int sodium_variant,
                                            unsigned char* out, std::size_t max);
std::string HexEncode(std::string_view bytes);

}  // namespace hudhud::secrets::detail
