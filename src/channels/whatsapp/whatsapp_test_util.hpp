#pragma once

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace hudhud::channels::whatsapp::testing {

inline std::string TestDataPath(std::string_view name) {
    return std::string(HUDHUD_SOURCE_DIR) + "/src/channels/whatsapp/testdata/" + std::string(name);
}

// The exact bytes of a payload file; empty when it cannot be read.
inline std::string ReadTestData(std::string_view name) {
    std::ifstream in(TestDataPath(name), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// "sha256=" + lowercase hex HMAC-SHA256(secret, body), as Meta sends it.
inline std::string MetaSignature(std::string_view secret, std::string_view body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "sha256=";
    for (unsigned int i = 0; i < len; ++i) {
        out += kHex[mac[i] >> 4];
        out += kHex[mac[i] & 0xf];
    }
    return out;
}

}  // namespace hudhud::channels::whatsapp::testing
