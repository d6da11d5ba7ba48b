// SPDX-License-Identifier: MIT
// InspectCertificate: parses the PEM with mbedTLS and reads expiry and SAN from its printable
// description, which both mbedTLS 2.28 and 3.6 produce (3.x made the struct fields private).
#include "tls_inspect.h"

#include <mbedtls/x509_crt.h>

#include <memory>

namespace freenahi {
namespace {

struct CrtOwner {
  CrtOwner() { mbedtls_x509_crt_init(&crt); }
  ~CrtOwner() { mbedtls_x509_crt_free(&crt); }
  CrtOwner(const CrtOwner&) = delete;
  CrtOwner& operator=(const CrtOwner&) = delete;
  mbedtls_x509_crt crt;
};

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

}  // namespace

Result<CertificateInfo> InspectCertificate(const std::string& path) {
  CrtOwner owner;
  int ret = mbedtls_x509_crt_parse_file(&owner.crt, path.c_str());
  if (ret != 0) return Status::InvalidArgument("certificate " + path + ": not a readable PEM certificate");
  std::string text(8192, '\0');
  int n = mbedtls_x509_crt_info(&text[0], text.size(), "", &owner.crt);
  if (n < 0) return Status::Internal("certificate " + path + ": cannot describe it");
  text.resize(static_cast<size_t>(n));
  CertificateInfo info;
  bool in_san = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    size_t colon = line.find(':');
    std::string key = Trim(line.substr(0, colon));
    std::string value = colon == std::string::npos ? "" : Trim(line.substr(colon + 1));
    bool indented = !line.empty() && line[0] == ' ';
    if (key == "expires on") info.expires = value;
    if (in_san && indented && !value.empty()) {
      info.names.push_back(value);
      continue;
    }
    in_san = key == "subject alt name";
    if (in_san && !value.empty()) info.names.push_back(value);  // 2.28 lists them comma-separated
  }
  return info;
}

}  // namespace freenahi
