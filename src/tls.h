// SPDX-License-Identifier: MIT
// Byte streams over a non-blocking socket: plain or TLS (mbedTLS, TLS 1.2+). The server
// context is shared so a SIGHUP can swap the certificate while old connections finish on the old
// one. Only tls*.cc and crypto.cc include mbedTLS; the loop sees Conn only.
#ifndef FREENAHI_TLS_H_
#define FREENAHI_TLS_H_

#include <cstddef>
#include <memory>
#include <string>

#include "status.h"
#include "unique_fd.h"

namespace freenahi {

// A connection the event loop reads and writes. The caller polls fd() for readability when an
// operation answered kWantRead, for writability on kWantWrite (a TLS handshake or renegotiation
// may want either for either operation). Rules the caller keeps: after a readable event, Read
// until kWantRead (a TLS record may hold more than one Read's worth); after kWantWrite, call
// Write again with the same unsent bytes (mbedTLS has already encrypted them).
class Conn {
 public:
  enum class Io { kDone, kWantRead, kWantWrite, kClosed, kError };
  struct IoResult {
    Io io;
    size_t bytes;  // > 0 only with kDone
  };
  virtual ~Conn() = default;
  virtual IoResult Read(char* buffer, size_t capacity) = 0;
  virtual IoResult Write(const char* data, size_t size) = 0;
  // Bytes already decrypted and waiting: read again before going back to poll().
  virtual bool HasBufferedInput() const = 0;
  virtual const std::string& last_error() const = 0;  // text for the last kError
  virtual int fd() const = 0;
};

// A plain (tls = off) connection that owns `fd`.
std::unique_ptr<Conn> MakePlainConn(UniqueFd fd);

// The server side of TLS: certificate, key, RNG and configuration.
class TlsServerContext {
 public:
  // Loads PEM files. Errors name the file and carry mbedTLS's text.
  static Result<std::shared_ptr<TlsServerContext>> Load(const std::string& cert_path,
                                                        const std::string& key_path);
  virtual ~TlsServerContext() = default;
  // SHA-256 of the certificate's DER, "AB:CD:...": what a user pins or compares.
  virtual const std::string& fingerprint() const = 0;
  // A TLS server connection owning `fd`; the handshake runs inside the first Reads/Writes.
  // The connection keeps the context alive.
  virtual std::unique_ptr<Conn> Accept(UniqueFd fd) = 0;
};

// Writes a new self-signed ECDSA P-256 certificate (valid 10 years, CN and subjectAltName =
// `common_name` plus 127.0.0.1 and localhost) and its key (mode 0600) to the given paths,
// atomically (temp file + rename). Used when no certificate is configured.
Status GenerateSelfSignedCert(const std::string& cert_path, const std::string& key_path,
                              const std::string& common_name);

}  // namespace freenahi

#endif  // FREENAHI_TLS_H_
