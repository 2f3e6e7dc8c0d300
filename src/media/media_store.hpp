#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace hudhud::media {

// What Put stored: the content address and size.
struct StoredBlob {
    std::string sha256_hex;  // lower-case hex of the SHA-256 of the bytes: the storage key
    std::uint64_t size = 0;
};

// Content-addressed files under one root folder (<data>/media): a blob lives at
// <root>/<hex[0:2]>/<hex[2:4]>/<hex>, written to a temporary file, fsynced and renamed into place,
// so a reader never sees a partial file and a crash leaves no half blob. Identical bytes are
// stored once. Thread-safe. Workspace scoping is the caller's job (attachments rows carry the
// workspace id and the key); the store itself only knows bytes.
class MediaStore {
  public:
    explicit MediaStore(std::filesystem::path root);

    // Stores `bytes`; when expected_sha256_hex is non-empty and differs from the bytes' hash,
    // nothing is stored and the answer is kInvalidArgument ("checksum mismatch").
    Result<StoredBlob> Put(std::string_view bytes, std::string_view expected_sha256_hex = {});
    // The whole blob; kNotFound when absent; kInvalidArgument for a malformed key.
    Result<std::string> Read(std::string_view sha256_hex) const;
    // Where the blob is (for streaming); kNotFound when absent.
    Result<std::filesystem::path> PathOf(std::string_view sha256_hex) const;
    bool Exists(std::string_view sha256_hex) const;
    // Deletes the blob (erasure); Ok when it was already gone.
    Status Remove(std::string_view sha256_hex);

    const std::filesystem::path& root() const { return root_; }

  private:
    std::filesystem::path root_;
};

// Lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

}  // namespace hudhud::media
