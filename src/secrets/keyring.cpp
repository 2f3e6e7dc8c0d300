#include "secrets/keyring.hpp"

#include <sodium.h>

#include <algorithm>

#include "secrets/detail/sodium.hpp"

namespace hudhud::secrets {
namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::size_t kKeyIdChars = 8;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kMasterKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

struct Parsed {
    std::string_view header;  // "v1.<key_id>", the associated data
    std::string_view key_id;
    std::string_view body;  // base64
};

Result<Parsed> Parse(std::string_view sealed) {
    auto first = sealed.find('.');
    if (first == std::string_view::npos) return Error::InvalidArgument("malformed sealed value");
    if (sealed.substr(0, first) != kVersion) {
        return Error::InvalidArgument("unsupported sealed value version");
    }
    auto second = sealed.find('.', first + 1);
    if (second == std::string_view::npos) return Error::InvalidArgument("malformed sealed value");
    Parsed p;
    p.header = sealed.substr(0, second);
    p.key_id = sealed.substr(first + 1, second - first - 1);
    p.body = sealed.substr(second + 1);
    if (p.key_id.size() != kKeyIdChars ||
        !std::all_of(p.key_id.begin(), p.key_id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
        return Error::InvalidArgument("malformed key id in sealed value");
    }
    return p;
}

}  // namespace

struct Keyring::Key {
    detail::SecretBytes bytes;
    std::string id;
};

Keyring::Keyring(Keyring&&) noexcept = default;
Keyring& Keyring::operator=(Keyring&&) noexcept = default;
Keyring::~Keyring() = default;

std::string Keyring::ComputeKeyId(std::string_view key) {
    if (!detail::EnsureSodium().ok()) return {};
    unsigned char hash[crypto_generichash_BYTES];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(key.data()),
                       key.size(), nullptr, 0);
    std::string hex =
        detail::HexEncode(std::string_view(reinterpret_cast<const char*>(hash), sizeof hash));
    return hex.substr(0, kKeyIdChars);
}

Result<Keyring> Keyring::Create(std::string_view current_key) {
    Keyring ring;
    HH_RETURN_IF_ERROR(ring.AddDecryptionKey(current_key));
    return ring;
}

Result<Keyring> Keyring::Generate() {
    HH_RETURN_IF_ERROR(detail::EnsureSodium());
    detail::SecretBytes key(kMasterKeyBytes);
    if (!key.ok()) return Error::Internal("cannot allocate secure memory for a key");
    crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
    return Create(key.view());
}

Status Keyring::AddDecryptionKey(std::string_view key) {
    HH_RETURN_IF_ERROR(detail::EnsureSodium());
    if (key.size() != kMasterKeyBytes) {
        return Error::InvalidArgument("a master key must be exactly 32 bytes");
    }
    std::string id = ComputeKeyId(key);
    if (HasKey(id)) return Ok();
    auto k = std::make_unique<Key>();
    k->bytes = detail::SecretBytes(reinterpret_cast<const unsigned char*>(key.data()), key.size());
    if (!k->bytes.ok()) return Error::Internal("cannot allocate secure memory for a key");
    k->id = std::move(id);
    keys_.push_back(std::move(k));
    return Ok();
}

const std::string& Keyring::current_key_id() const { return keys_.front()->id; }

std::vector<std::string> Keyring::key_ids() const {
    std::vector<std::string> ids;
    ids.reserve(keys_.size());
    for (const auto& k : keys_) ids.push_back(k->id);
    return ids;
}

bool Keyring::HasKey(std::string_view key_id) const { return Find(key_id) != nullptr; }

const Keyring::Key* Keyring::Find(std::string_view key_id) const {
    for (const auto& k : keys_) {
        if (k->id == key_id) return k.get();
    }
    return nullptr;
}

std::string_view Keyring::current_key_bytes() const { return keys_.front()->bytes.view(); }

Result<std::string> Keyring::Encrypt(std::string_view plaintext) const {
    if (plaintext.size() > (1u << 30)) return Error::InvalidArgument("plaintext too large");
    const Key& key = *keys_.front();
    std::string header = std::string(kVersion) + "." + key.id;

    std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(raw.data());
    randombytes_buf(nonce, kNonceBytes);
    unsigned long long cipher_len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + kNonceBytes, &cipher_len, reinterpret_cast<const unsigned char*>(plaintext.data()),
        plaintext.size(), reinterpret_cast<const unsigned char*>(header.data()), header.size(),
        nullptr, nonce, key.bytes.data());
    raw.resize(kNonceBytes + cipher_len);
    return header + "." + detail::Base64Encode(raw, sodium_base64_VARIANT_ORIGINAL);
}

Result<std::string> Keyring::KeyIdOf(std::string_view sealed) {
    HH_ASSIGN_OR_RETURN(Parsed p, Parse(sealed));
    return std::string(p.key_id);
}

Result<std::string> Keyring::Decrypt(std::string_view sealed) const {
    HH_ASSIGN_OR_RETURN(Parsed p, Parse(sealed));
    const Key* key = Find(p.key_id);
    if (key == nullptr) return Error::Internal("unknown key " + std::string(p.key_id));
    auto raw = detail::Base64Decode(p.body, sodium_base64_VARIANT_ORIGINAL);
    if (!raw || raw->size() < kNonceBytes + kTagBytes) {
        return Error::InvalidArgument("malformed sealed value");
    }
    const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
    std::string plain(raw->size() - kNonceBytes - kTagBytes, '\0');
    unsigned long long plain_len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(plain.data()), &plain_len, nullptr,
            nonce + kNonceBytes, raw->size() - kNonceBytes,
            reinterpret_cast<const unsigned char*>(p.header.data()), p.header.size(), nonce,
            key->bytes.data()) != 0) {
        detail::Wipe(plain);
        return Error::InvalidArgument("sealed value failed authentication (tampered or wrong key)");
    }
    plain.resize(plain_len);
    return plain;
}

}  // namespace hudhud::secrets
