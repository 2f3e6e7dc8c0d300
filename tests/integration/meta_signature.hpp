#pragma once

#include <openssl/hmac.h>

#include <string>

namespace hudhud::testing {

// Meta's X-Hub-Signature-256 value for `body`: "sha256=" + hex HMAC-SHA256 with the app secret.
inline std::string MetaSignature(const std::string& app_secret, const std::string& body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static const char* kHex = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(kHex[mac[i] >> 4]);
        out.push_back(kHex[mac[i] & 0xf]);
    }
    return out;
}

}  // namespace hudhud::testing
