#include "http/testing/self_signed.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <memory>

namespace hudhud::http::testing {

Status WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    if (!key) return Error::Internal("EC key generation failed");
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
        return Error::Internal("certificate signing failed");
    }
    FILE* f = std::fopen(cert_path.c_str(), "wb");
    if (f == nullptr) return Error::Internal("cannot write " + cert_path);
    bool ok = PEM_write_X509(f, cert.get()) == 1;
    std::fclose(f);
    f = std::fopen(key_path.c_str(), "wb");
    if (f == nullptr) return Error::Internal("cannot write " + key_path);
    ok = ok && PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    std::fclose(f);
    if (!ok) return Error::Internal("PEM write failed");
    return Ok();
}

}  // namespace hudhud::http::testing
