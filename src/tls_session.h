// SPDX-License-Identifier: MIT
// One mbedTLS session over a non-blocking socket: the part the server's connections (tls.cc)
// and the Powens client's (tls_client.cc) share — BIO callbacks, handshake, read, write and
// the WANT_* bookkeeping. Only the failure diagnosis differs, through DiagnoseFailure.
#ifndef FREENAHI_TLS_SESSION_H_
#define FREENAHI_TLS_SESSION_H_

#include <memory>
#include <string>

#include "tls.h"
#include "tls_compat.h"
#include "unique_fd.h"

namespace freenahi {

// The BIO callbacks point at `this`, so a session never moves (it lives behind a unique_ptr).
class TlsSession : public Conn {
 public:
  // `config_owner` keeps `config` alive for as long as the session: ssl_ points into it.
  // `hostname` (client side) enables SNI and the certificate's name check; null on a server.
  TlsSession(std::shared_ptr<const void> config_owner, const mbedtls_ssl_config* config,
             UniqueFd fd, const char* hostname);
  ~TlsSession() override;
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // A non-zero mbedTLS code when the session could not be set up.
  int setup_error() const { return setup_error_; }

  IoResult Read(char* buffer, size_t capacity) override;
  IoResult Write(const char* data, size_t size) override;
  bool HasBufferedInput() const override;
  const std::string& last_error() const override { return last_error_; }
  int fd() const override { return fd_.get(); }

 protected:
  // A subclass's reading of an mbedTLS error before the generic text is used: true when it
  // has decided *result (and set last_error_ for a kError).
  virtual bool DiagnoseFailure(int /*ret*/, IoResult* /*result*/) { return false; }

  const mbedtls_ssl_context* ssl() const { return ssl_.get(); }
  bool handshake_done() const { return handshake_done_; }
  std::string last_error_;

 private:
  static int BioSend(void* self, const unsigned char* data, size_t size);
  static int BioRecv(void* self, unsigned char* buffer, size_t capacity);
  // One recv(2) into input_: what BioRecv returns when input_ is empty.
  int FillInput();
  // Maps an mbedTLS result <= 0 to an Io, recording the error text under `what`.
  IoResult Fail(int ret, const char* what);
  // kDone once the handshake is over; otherwise what to wait for.
  IoResult Handshake();

  std::shared_ptr<const void> config_owner_;  // first: destroyed after ssl_
  UniqueFd fd_;
  tls_compat::SslContext ssl_;
  int setup_error_ = 0;
  int socket_errno_ = 0;  // errno of the last failed send/recv, for the error text
  bool handshake_done_ = false;
  // After WANT_* from mbedtls_ssl_write, the size it was given: mbedTLS has already encrypted
  // that much and must be called again with the same length, or it reports the larger length
  // as written. 0: nothing pending.
  size_t pending_write_size_ = 0;
  // Received bytes not yet handed to mbedTLS. mbedTLS asks for a record's 5-byte header, then
  // for its body: two recv(2) per 16 KiB record without it (11,600 for an 88 MiB body, strace).
  // With this and the spool's batched writes, that body reached its 200 in 872 ms instead of 946
  // (scripts/bench.sh). Allocated while bytes flow, freed when the socket is drained.
  static constexpr size_t kInputBytes = 64 * 1024;
  std::unique_ptr<unsigned char[]> input_;
  size_t input_used_ = 0;
  size_t input_size_ = 0;
};

}  // namespace freenahi

#endif  // FREENAHI_TLS_SESSION_H_
