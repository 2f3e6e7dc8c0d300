#include "channels/webchat/identity_hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

namespace hudhud::channels::webchat {

std::string IdentityHash(std::string_view hmac_token, std::string_view identifier) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), hmac_token.data(), static_cast<int>(hmac_token.size()),
         reinterpret_cast<const unsigned char*>(identifier.data()), identifier.size(), mac, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[mac[i] >> 4]);
        out.push_back(kHex[mac[i] & 0xf]);
    }
    return out;
}

bool VerifyIdentityHash(std::string_view hmac_token, std::string_view identifier,
                        std::string_view identifier_hash) {
    if (hmac_token.empty() || identifier_hash.size() != 64) return false;
    std::string given(identifier_hash);
    for (char& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string want = IdentityHash(hmac_token, identifier);
    return CRYPTO_memcmp(want.data(), given.data(), want.size()) == 0;
}

}  // namespace hudhud::channels::webchat
