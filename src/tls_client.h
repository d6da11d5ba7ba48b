// SPDX-License-Identifier: MIT
// The client side of TLS (mbedTLS): trusted CAs (system bundle plus an extra PEM file) and
// connections that verify the server's chain and name, with SNI. Gives the same non-blocking
// Conn as the server side; the HTTPS client (http_client.cc) drives it with poll().
#ifndef FREENAHI_TLS_CLIENT_H_
#define FREENAHI_TLS_CLIENT_H_

#include <memory>
#include <string>

#include "status.h"
#include "tls.h"
#include "unique_fd.h"

namespace freenahi {

// The first existing of /etc/ssl/certs/ca-certificates.crt (Debian, Raspberry Pi OS) and
// /etc/ssl/cert.pem (OpenWrt's ca-bundle, Alpine); empty when neither exists.
std::string DefaultSystemCaBundle();

class TlsClientContext {
 public:
  // Trusts every certificate of `system_bundle` (unparsable entries skipped, as distributions'
  // bundles may hold some) plus all of `extra_ca_file` (each must parse). Either may be empty,
  // not both. Errors name the file.
  static Result<std::shared_ptr<TlsClientContext>> Load(const std::string& system_bundle,
                                                        const std::string& extra_ca_file);
  virtual ~TlsClientContext() = default;
  // A client connection over the connected socket `fd`, for server name `hostname` (sent as
  // SNI, and the certificate must be for it). The handshake runs inside the first Reads/Writes;
  // when it fails on the certificate, last_error() is "certificate not trusted: <reason>" or
  // "certificate is not for <hostname>". The connection keeps the context alive.
  virtual std::unique_ptr<Conn> Connect(UniqueFd fd, const std::string& hostname) = 0;
};

}  // namespace freenahi

#endif  // FREENAHI_TLS_CLIENT_H_
