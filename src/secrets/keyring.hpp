#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace hudhud::secrets {

inline constexpr std::size_t kMasterKeyBytes = 32;

// The master keys that seal secrets at rest (platform credentials, ...).
//
// Sealed format: "v1.<key_id>.<base64(nonce || ciphertext || tag)>", standard base64 with
// padding. Cipher: XChaCha20-Poly1305 (IETF AEAD) with a random 192-bit nonce per message; the
// "v1.<key_id>" prefix is the associated data, so the version and key id cannot be altered
// without failing authentication. key_id is the first 8 hex chars of BLAKE2b-256(key); it names a
// key, it does not authenticate it.
//
// The keyring holds one current key (used to encrypt) and any number of older keys (decrypt
// only). Key bytes live in sodium_malloc'd memory that is wiped when the keyring is destroyed;
// they are never logged and never part of an error message.
//
// Thread safety: const methods may be called concurrently; AddDecryptionKey may not run
// concurrently with anything else. Move-only.
class Keyring {
  public:
    // `current_key` is the raw 32-byte key. kInvalidArgument for a wrong length.
    static Result<Keyring> Create(std::string_view current_key);
    // A keyring with a fresh random current key.
    static Result<Keyring> Generate();

    Keyring(Keyring&&) noexcept;
    Keyring& operator=(Keyring&&) noexcept;
    Keyring(const Keyring&) = delete;
    Keyring& operator=(const Keyring&) = delete;
    ~Keyring();

    // Adds an older key used only to decrypt. A key already present is ignored.
    Status AddDecryptionKey(std::string_view key);

    const std::string& current_key_id() const;
    // Ids of all keys, current first.
    std::vector<std::string> key_ids() const;
    bool HasKey(std::string_view key_id) const;

    // Seals `plaintext` with the current key. Errors only for absurd sizes (kInvalidArgument).
    Result<std::string> Encrypt(std::string_view plaintext) const;
    // Opens a sealed value with the key its id names.
    // kInvalidArgument: malformed, unsupported version or tampered; kInternal: unknown key id
    // (the message says "unknown key <id>").
    Result<std::string> Decrypt(std::string_view sealed) const;

    // The key id named by a sealed value, without decrypting it. kInvalidArgument if malformed.
    static Result<std::string> KeyIdOf(std::string_view sealed);
    // key_id of a raw key, as used in the sealed format.
    static std::string ComputeKeyId(std::string_view key);

    // Raw bytes of the current key, for writing it to a key file. Handle with care.
    std::string_view current_key_bytes() const;

  private:
    struct Key;
    Keyring() = default;
    const Key* Find(std::string_view key_id) const;

    std::vector<std::unique_ptr<Key>> keys_;  // keys_[0] is the current key
};

}  // namespace hudhud::secrets
