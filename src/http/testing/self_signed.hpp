#pragma once

#include <string>

#include "core/result.hpp"

namespace hudhud::http::testing {

// Writes a fresh self-signed P-256 certificate for CN=localhost (valid one day) and its key as
// PEM files; for TLS tests.
Status WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path);

}  // namespace hudhud::http::testing
