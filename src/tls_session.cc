// SPDX-License-Identifier: MIT
// TlsSession: never polls or blocks; WANT_* go back to the caller (the event loop on the
// server side, http_client.cc's deadline loop on the client side).
#include "tls_session.h"

#include <errno.h>
#include <string.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "socket_io.h"

namespace freenahi {

using Io = Conn::Io;

TlsSession::TlsSession(std::shared_ptr<const void> config_owner, const mbedtls_ssl_config* config,
                       UniqueFd fd, const char* hostname)
    : config_owner_(std::move(config_owner)), fd_(std::move(fd)) {
  setup_error_ = mbedtls_ssl_setup(ssl_.get(), config);
  if (setup_error_ == 0 && hostname != nullptr) {
    setup_error_ = mbedtls_ssl_set_hostname(ssl_.get(), hostname);
  }
  if (setup_error_ == 0) mbedtls_ssl_set_bio(ssl_.get(), this, BioSend, BioRecv, nullptr);
}

TlsSession::~TlsSession() {
  // Best effort: one non-blocking attempt, the peer may already be gone.
  if (handshake_done_) mbedtls_ssl_close_notify(ssl_.get());
}

bool TlsSession::HasBufferedInput() const {
  return input_used_ < input_size_ || mbedtls_ssl_get_bytes_avail(ssl_.get()) > 0 ||
         mbedtls_ssl_check_pending(ssl_.get()) != 0;
}

int TlsSession::BioSend(void* self, const unsigned char* data, size_t size) {
  auto* session = static_cast<TlsSession*>(self);
  ssize_t n = SendNow(session->fd_.get(), data, size);
  if (n >= 0) return static_cast<int>(n);
  if (WouldBlock(errno)) return MBEDTLS_ERR_SSL_WANT_WRITE;
  session->socket_errno_ = errno;
  return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
                                               : MBEDTLS_ERR_NET_SEND_FAILED;
}

int TlsSession::BioRecv(void* self, unsigned char* buffer, size_t capacity) {
  auto* session = static_cast<TlsSession*>(self);
  if (session->input_used_ == session->input_size_) {
    int filled = session->FillInput();
    if (filled <= 0) return filled;
  }
  size_t n = std::min(capacity, session->input_size_ - session->input_used_);
  std::memcpy(buffer, session->input_.get() + session->input_used_, n);
  session->input_used_ += n;
  return static_cast<int>(n);
}

int TlsSession::FillInput() {
  if (!input_) input_ = std::make_unique<unsigned char[]>(kInputBytes);
  input_used_ = input_size_ = 0;
  ssize_t n = RecvNow(fd_.get(), input_.get(), kInputBytes);
  if (n > 0) {
    input_size_ = static_cast<size_t>(n);
    return static_cast<int>(n);
  }
  input_.reset();  // drained: a connection that waits holds no buffer
  if (n == 0) return 0;  // orderly TCP close, mbedTLS says CONN_EOF
  if (WouldBlock(errno)) return MBEDTLS_ERR_SSL_WANT_READ;
  socket_errno_ = errno;
  return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

Conn::IoResult TlsSession::Fail(int ret, const char* what) {
  switch (ret) {
    case MBEDTLS_ERR_SSL_WANT_READ:
      return {Io::kWantRead, 0};
    case MBEDTLS_ERR_SSL_WANT_WRITE:
      return {Io::kWantWrite, 0};
    case 0:
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    case MBEDTLS_ERR_SSL_CONN_EOF:  // TCP closed without close_notify: still just closed
      return {Io::kClosed, 0};
    default:
      break;
  }
  IoResult diagnosed{Io::kError, 0};
  if (DiagnoseFailure(ret, &diagnosed)) return diagnosed;
  last_error_ = std::string(what) + ": " + tls_compat::ErrorText(ret);
  if (socket_errno_ != 0) last_error_ += std::string(" (") + strerror(socket_errno_) + ")";
  return {Io::kError, 0};
}

Conn::IoResult TlsSession::Handshake() {
  if (handshake_done_) return {Io::kDone, 0};
  if (setup_error_ != 0) return Fail(setup_error_, "TLS setup failed");
  int ret = mbedtls_ssl_handshake(ssl_.get());
  if (ret != 0) return Fail(ret, "TLS handshake failed");
  handshake_done_ = true;
  return {Io::kDone, 0};
}

Conn::IoResult TlsSession::Read(char* buffer, size_t capacity) {
  IoResult handshake = Handshake();
  if (handshake.io != Io::kDone) return handshake;
  if (capacity == 0) return {Io::kDone, 0};
  int ret = mbedtls_ssl_read(ssl_.get(), reinterpret_cast<unsigned char*>(buffer), capacity);
  if (ret > 0) return {Io::kDone, static_cast<size_t>(ret)};
  return Fail(ret, "TLS read failed");
}

Conn::IoResult TlsSession::Write(const char* data, size_t size) {
  IoResult handshake = Handshake();
  if (handshake.io != Io::kDone) return handshake;
  if (size == 0) return {Io::kDone, 0};
  if (pending_write_size_ > 0 && pending_write_size_ < size) size = pending_write_size_;
  int ret = mbedtls_ssl_write(ssl_.get(), reinterpret_cast<const unsigned char*>(data), size);
  bool again = ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ;
  pending_write_size_ = again ? size : 0;
  if (ret > 0) return {Io::kDone, static_cast<size_t>(ret)};
  if (ret == 0) return {Io::kWantWrite, 0};  // not expected for size > 0; try again later
  return Fail(ret, "TLS write failed");
}

}  // namespace freenahi
