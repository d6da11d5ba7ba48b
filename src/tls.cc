// SPDX-License-Identifier: MIT
// Conn over a plain socket, and the loadable TlsServerContext whose connections are
// TlsSessions (tls_session.cc). Never polls or blocks: WANT_* go back to the event loop.
// Certificate writing is tls_cert.cc.
#include "tls.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>

#include <utility>

#include "crypto.h"
#include "socket_io.h"
#include "tls_compat.h"
#include "tls_session.h"

namespace freenahi {
namespace {

using Io = Conn::Io;

std::string ErrnoText(int error) { return strerror(error); }

class PlainConn : public Conn {
 public:
  explicit PlainConn(UniqueFd fd) : fd_(std::move(fd)) {}

  IoResult Read(char* buffer, size_t capacity) override {
    ssize_t n = RecvNow(fd_.get(), buffer, capacity);
    if (n > 0) return {Io::kDone, static_cast<size_t>(n)};
    if (n == 0) return {Io::kClosed, 0};
    if (WouldBlock(errno)) return {Io::kWantRead, 0};
    last_error_ = "read: " + ErrnoText(errno);
    return {Io::kError, 0};
  }

  IoResult Write(const char* data, size_t size) override {
    if (size == 0) return {Io::kDone, 0};
    ssize_t n = SendNow(fd_.get(), data, size);
    if (n >= 0) return {Io::kDone, static_cast<size_t>(n)};
    if (WouldBlock(errno)) return {Io::kWantWrite, 0};
    last_error_ = "write: " + ErrnoText(errno);
    return {Io::kError, 0};
  }

  bool HasBufferedInput() const override { return false; }
  const std::string& last_error() const override { return last_error_; }
  int fd() const override { return fd_.get(); }

 private:
  UniqueFd fd_;
  std::string last_error_;
};

class ServerContext : public TlsServerContext, public std::enable_shared_from_this<ServerContext> {
 public:
  ServerContext() = default;
  ServerContext(const ServerContext&) = delete;
  ServerContext& operator=(const ServerContext&) = delete;

  Status Init(const std::string& cert_path, const std::string& key_path);
  const std::string& fingerprint() const override { return fingerprint_; }
  std::unique_ptr<Conn> Accept(UniqueFd fd) override {
    return std::make_unique<TlsSession>(shared_from_this(), config_.get(), std::move(fd), nullptr);
  }
  const mbedtls_ssl_config* config() const { return config_.get(); }

 private:
  Status Configure();

  // Declaration order is destruction order reversed: config_ points at rng_, cert_ and key_.
  tls_compat::Rng rng_;
  tls_compat::X509Crt cert_;
  tls_compat::PkKey key_;
  tls_compat::SslConfig config_;
  std::string fingerprint_;
};

// The file's errno text when it cannot be opened: clearer than mbedTLS's "file I/O error".
Status CheckReadable(const std::string& what, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::IOError(what + " " + path + ": " + ErrnoText(errno));
  return Status::Ok();
}

Status ServerContext::Init(const std::string& cert_path, const std::string& key_path) {
  int ret = rng_.Seed("freenahi tls server");
  if (ret != 0) return Status::Internal("seed TLS random generator: " + tls_compat::ErrorText(ret));
  FREENAHI_RETURN_IF_ERROR(CheckReadable("load certificate", cert_path));
  ret = mbedtls_x509_crt_parse_file(cert_.get(), cert_path.c_str());
  if (ret < 0) {
    return Status::InvalidArgument("load certificate " + cert_path + ": " +
                                   tls_compat::ErrorText(ret));
  }
  if (ret > 0) {
    return Status::InvalidArgument("load certificate " + cert_path + ": " + std::to_string(ret) +
                                   " certificate(s) in the file could not be parsed");
  }
  FREENAHI_RETURN_IF_ERROR(CheckReadable("load key", key_path));
  ret = tls_compat::PkParseKeyfile(key_.get(), key_path.c_str(), tls_compat::Rng::Function, &rng_);
  if (ret != 0) {
    return Status::InvalidArgument("load key " + key_path + ": " + tls_compat::ErrorText(ret));
  }
  ret = tls_compat::PkCheckPair(&cert_.get()->pk, key_.get(), tls_compat::Rng::Function, &rng_);
  if (ret != 0) {
    return Status::InvalidArgument("key " + key_path + " does not match certificate " + cert_path +
                                   ": " + tls_compat::ErrorText(ret));
  }
  const mbedtls_x509_crt* leaf = cert_.get();
  fingerprint_ = HexColons(
      Sha256(std::string_view(reinterpret_cast<const char*>(leaf->raw.p), leaf->raw.len)));
  return Configure();
}

Status ServerContext::Configure() {
  mbedtls_ssl_config* conf = config_.get();
  int ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return Status::Internal("TLS configuration: " + tls_compat::ErrorText(ret));
  tls_compat::SetMinTls12(conf);
  mbedtls_ssl_conf_ciphersuites(conf, tls_compat::AeadCiphersuites());
  mbedtls_ssl_conf_rng(conf, tls_compat::Rng::Function, &rng_);
  mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);  // no client certificates
  // No ticket callbacks and no 0-RTT early data: a TLS 1.3 (3.x) server then sends no
  // NewSessionTicket, and mbedtls_ssl_read never answers RECEIVED_EARLY_DATA, so Fail() needs
  // no 3.x-only codes (RECEIVED_NEW_SESSION_TICKET is a client's).
  ret = mbedtls_ssl_conf_own_cert(conf, cert_.get(), key_.get());
  if (ret != 0) return Status::Internal("TLS certificate setup: " + tls_compat::ErrorText(ret));
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Conn> MakePlainConn(UniqueFd fd) {
  return std::make_unique<PlainConn>(std::move(fd));
}

Result<std::shared_ptr<TlsServerContext>> TlsServerContext::Load(const std::string& cert_path,
                                                                 const std::string& key_path) {
  auto context = std::make_shared<ServerContext>();
  Status status = context->Init(cert_path, key_path);
  if (!status.ok()) return status;
  return std::shared_ptr<TlsServerContext>(std::move(context));
}

}  // namespace freenahi
