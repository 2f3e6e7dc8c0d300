#include "secrets/password.hpp"

#include <sodium.h>

#include "secrets/detail/sodium.hpp"

namespace hudhud::secrets {

static_assert(PasswordHashOptions{}.opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(PasswordHashOptions{}.memlimit == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(kPasswordHashMinimum.opslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kPasswordHashMinimum.memlimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);

namespace {
constexpr std::string_view kArgon2idPrefix = "$argon2id$";
}  // namespace

Result<std::string> HashPassword(std::string_view password, const PasswordHashOptions& options) {
    HH_RETURN_IF_ERROR(detail::EnsureSodium());
    if (options.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
        options.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
        options.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
        options.memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
        return Error::InvalidArgument("password hash limits out of range");
    }
    if (password.size() > crypto_pwhash_argon2id_PASSWD_MAX) {
        return Error::InvalidArgument("password too long");
    }
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), options.opslimit,
                              options.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return Error::Internal("password hashing ran out of memory");
    }
    return std::string(out);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
    if (!detail::EnsureSodium().ok()) return false;
    if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
    std::string terminated(hash);  // libsodium wants a NUL-terminated string
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool NeedsRehash(std::string_view hash, const PasswordHashOptions& options) {
    if (!detail::EnsureSodium().ok()) return true;
    if (hash.size() >= crypto_pwhash_STRBYTES ||
        hash.substr(0, kArgon2idPrefix.size()) != kArgon2idPrefix) {
        return true;
    }
    std::string terminated(hash);
    return crypto_pwhash_argon2id_str_needs_rehash(terminated.c_str(), options.opslimit,
                                                   options.memlimit) != 0;
}

}  // namespace hudhud::secrets
