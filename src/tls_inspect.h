// SPDX-License-Identifier: MIT
// What `freenahi doctor` checks in the served certificate: its expiry and the names it covers.
// mbedTLS stays inside tls_inspect.cc (read through mbedtls_x509_crt_info, the same on 2.28/3.6).
#ifndef FREENAHI_TLS_INSPECT_H_
#define FREENAHI_TLS_INSPECT_H_

#include <string>
#include <vector>

#include "status.h"

namespace freenahi {

struct CertificateInfo {
  std::string expires;             // "YYYY-MM-DD HH:MM:SS" (UTC)
  std::vector<std::string> names;  // subjectAltName entries (dNSName, iPAddress), in order
};

// Reads the first certificate of the PEM file `path`. Errors name the file.
Result<CertificateInfo> InspectCertificate(const std::string& path);

}  // namespace freenahi

#endif  // FREENAHI_TLS_INSPECT_H_
