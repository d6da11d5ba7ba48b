// SPDX-License-Identifier: MIT
// TlsClientContext and its connections: CA chain, VERIFY_REQUIRED, SNI/hostname check, and a
// one-line reason when the server's certificate is refused. Never polls or blocks: WANT_* go
// back to the caller (http_client.cc), as on the server side (tls.cc).
#include "tls_client.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <utility>

#include "socket_io.h"
#include "tls_compat.h"

namespace freenahi {
namespace {

using Io = Conn::Io;

// Why a chain was refused, from mbedTLS's verification flags (its own verify_info text may be
// compiled out of small builds).
std::string UntrustedReason(uint32_t flags) {
  struct Flag {
    uint32_t bit;
    const char* text;
  };
  static const Flag kFlags[] = {
      {MBEDTLS_X509_BADCERT_NOT_TRUSTED, "issued by an unknown authority"},
      {MBEDTLS_X509_BADCERT_EXPIRED, "expired"},
      {MBEDTLS_X509_BADCERT_FUTURE, "not valid yet"},
      {MBEDTLS_X509_BADCERT_REVOKED, "revoked"},
      {MBEDTLS_X509_BADCERT_MISSING, "no certificate sent"},
      {MBEDTLS_X509_BADCERT_SKIP_VERIFY, "verification skipped"},
      {MBEDTLS_X509_BADCERT_KEY_USAGE, "wrong key usage"},
      {MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "wrong extended key usage"},
      {MBEDTLS_X509_BADCERT_BAD_MD, "weak signature hash"},
      {MBEDTLS_X509_BADCERT_BAD_PK, "unsupported key type"},
      {MBEDTLS_X509_BADCERT_BAD_KEY, "key too weak"},
      {MBEDTLS_X509_BADCRL_NOT_TRUSTED, "revocation list not trusted"},
      {MBEDTLS_X509_BADCERT_OTHER, "rejected"},
  };
  std::string reason;
  for (const Flag& flag : kFlags) {
    if ((flags & flag.bit) == 0) continue;
    if (!reason.empty()) reason += ", ";
    reason += flag.text;
  }
  return reason.empty() ? "verification failed" : reason;
}

class ClientContext;

// One TLS client connection. The BIO callbacks point at `this`, so it never moves.
class ClientConn : public Conn {
 public:
  ClientConn(std::shared_ptr<ClientContext> context, UniqueFd fd, const std::string& hostname);
  ~ClientConn() override {
    if (handshake_done_) mbedtls_ssl_close_notify(ssl_.get());  // best effort
  }
  ClientConn(const ClientConn&) = delete;
  ClientConn& operator=(const ClientConn&) = delete;

  IoResult Read(char* buffer, size_t capacity) override;
  IoResult Write(const char* data, size_t size) override;
  bool HasBufferedInput() const override {
    return mbedtls_ssl_get_bytes_avail(ssl_.get()) > 0 ||
           mbedtls_ssl_check_pending(ssl_.get()) != 0;
  }
  const std::string& last_error() const override { return last_error_; }
  int fd() const override { return fd_.get(); }

 private:
  static int BioSend(void* self, const unsigned char* data, size_t size);
  static int BioRecv(void* self, unsigned char* buffer, size_t capacity);
  IoResult Fail(int ret, const char* what);
  IoResult Handshake();

  std::shared_ptr<ClientContext> context_;  // first: ssl_ points into its config
  UniqueFd fd_;
  std::string hostname_;
  tls_compat::SslContext ssl_;
  int setup_error_ = 0;
  int socket_errno_ = 0;
  bool handshake_done_ = false;
  size_t pending_write_size_ = 0;  // see TlsConn in tls.cc: WANT_* means "same length again"
  std::string last_error_;
};

class ClientContext : public TlsClientContext,
                      public std::enable_shared_from_this<ClientContext> {
 public:
  ClientContext() = default;
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  Status Init(const std::string& system_bundle, const std::string& extra_ca_file);
  std::unique_ptr<Conn> Connect(UniqueFd fd, const std::string& hostname) override {
    return std::make_unique<ClientConn>(shared_from_this(), std::move(fd), hostname);
  }
  const mbedtls_ssl_config* config() const { return config_.get(); }

 private:
  Status LoadFile(const std::string& path, bool all_must_parse);

  tls_compat::Rng rng_;
  tls_compat::X509Crt ca_chain_;
  tls_compat::SslConfig config_;
};

ClientConn::ClientConn(std::shared_ptr<ClientContext> context, UniqueFd fd,
                       const std::string& hostname)
    : context_(std::move(context)), fd_(std::move(fd)), hostname_(hostname) {
  setup_error_ = mbedtls_ssl_setup(ssl_.get(), context_->config());
  if (setup_error_ == 0) setup_error_ = mbedtls_ssl_set_hostname(ssl_.get(), hostname_.c_str());
  if (setup_error_ == 0) mbedtls_ssl_set_bio(ssl_.get(), this, BioSend, BioRecv, nullptr);
}

int ClientConn::BioSend(void* self, const unsigned char* data, size_t size) {
  auto* conn = static_cast<ClientConn*>(self);
  ssize_t n = SendNow(conn->fd_.get(), data, size);
  if (n >= 0) return static_cast<int>(n);
  if (WouldBlock(errno)) return MBEDTLS_ERR_SSL_WANT_WRITE;
  conn->socket_errno_ = errno;
  return errno == EPIPE || errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET
                                               : MBEDTLS_ERR_NET_SEND_FAILED;
}

int ClientConn::BioRecv(void* self, unsigned char* buffer, size_t capacity) {
  auto* conn = static_cast<ClientConn*>(self);
  ssize_t n = RecvNow(conn->fd_.get(), buffer, capacity);
  if (n >= 0) return static_cast<int>(n);
  if (WouldBlock(errno)) return MBEDTLS_ERR_SSL_WANT_READ;
  conn->socket_errno_ = errno;
  return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_RECV_FAILED;
}

Conn::IoResult ClientConn::Fail(int ret, const char* what) {
  switch (ret) {
    case MBEDTLS_ERR_SSL_WANT_READ:
      return {Io::kWantRead, 0};
    case MBEDTLS_ERR_SSL_WANT_WRITE:
      return {Io::kWantWrite, 0};
    case 0:
    case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
    case MBEDTLS_ERR_SSL_CONN_EOF:
      return {Io::kClosed, 0};
    default:
      break;
  }
  if (tls_compat::IsClientReadRetry(ret)) return {Io::kWantRead, 0};
  // The verification flags, not the error code, say why: TLS 1.2 answers X509_CERT_VERIFY_FAILED
  // but 3.x's TLS 1.3 code may report the alert it sends instead. -1: nothing verified yet.
  uint32_t flags = mbedtls_ssl_get_verify_result(ssl_.get());
  if (!handshake_done_ && flags != 0 && flags != static_cast<uint32_t>(-1)) {
    uint32_t trust_flags = flags & ~static_cast<uint32_t>(MBEDTLS_X509_BADCERT_CN_MISMATCH);
    last_error_ = trust_flags != 0 ? "certificate not trusted: " + UntrustedReason(trust_flags)
                                   : "certificate is not for " + hostname_;
    return {Io::kError, 0};
  }
  last_error_ = std::string(what) + ": " + tls_compat::ErrorText(ret);
  if (socket_errno_ != 0) last_error_ += std::string(" (") + strerror(socket_errno_) + ")";
  return {Io::kError, 0};
}

Conn::IoResult ClientConn::Handshake() {
  if (handshake_done_) return {Io::kDone, 0};
  if (setup_error_ != 0) return Fail(setup_error_, "TLS setup failed");
  int ret = mbedtls_ssl_handshake(ssl_.get());
  if (ret != 0) return Fail(ret, "TLS handshake failed");
  handshake_done_ = true;
  return {Io::kDone, 0};
}

Conn::IoResult ClientConn::Read(char* buffer, size_t capacity) {
  IoResult handshake = Handshake();
  if (handshake.io != Io::kDone) return handshake;
  if (capacity == 0) return {Io::kDone, 0};
  int ret = mbedtls_ssl_read(ssl_.get(), reinterpret_cast<unsigned char*>(buffer), capacity);
  if (ret > 0) return {Io::kDone, static_cast<size_t>(ret)};
  return Fail(ret, "TLS read failed");
}

Conn::IoResult ClientConn::Write(const char* data, size_t size) {
  IoResult handshake = Handshake();
  if (handshake.io != Io::kDone) return handshake;
  if (size == 0) return {Io::kDone, 0};
  if (pending_write_size_ > 0 && pending_write_size_ < size) size = pending_write_size_;
  int ret = mbedtls_ssl_write(ssl_.get(), reinterpret_cast<const unsigned char*>(data), size);
  bool again = ret == MBEDTLS_ERR_SSL_WANT_WRITE || ret == MBEDTLS_ERR_SSL_WANT_READ;
  pending_write_size_ = again ? size : 0;
  if (ret > 0) return {Io::kDone, static_cast<size_t>(ret)};
  if (ret == 0) return {Io::kWantWrite, 0};
  return Fail(ret, "TLS write failed");
}

Status ClientContext::LoadFile(const std::string& path, bool all_must_parse) {
  UniqueFd probe(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!probe.valid()) return Status::IOError("CA file " + path + ": " + strerror(errno));
  int ret = mbedtls_x509_crt_parse_file(ca_chain_.get(), path.c_str());
  if (ret < 0) {
    return Status::InvalidArgument("CA file " + path + ": " + tls_compat::ErrorText(ret));
  }
  if (ret > 0 && all_must_parse) {
    return Status::InvalidArgument("CA file " + path + ": " + std::to_string(ret) +
                                   " certificate(s) could not be parsed");
  }
  return Status::Ok();
}

Status ClientContext::Init(const std::string& system_bundle, const std::string& extra_ca_file) {
  if (system_bundle.empty() && extra_ca_file.empty()) {
    return Status::NotFound(
        "no CA bundle: install ca-certificates (Debian) or ca-bundle (OpenWrt), or set "
        "[powens] ca_file");
  }
  int ret = rng_.Seed("freenahi tls client");
  if (ret != 0) return Status::Internal("seed TLS random generator: " + tls_compat::ErrorText(ret));
  if (!system_bundle.empty()) FREENAHI_RETURN_IF_ERROR(LoadFile(system_bundle, false));
  if (!extra_ca_file.empty()) FREENAHI_RETURN_IF_ERROR(LoadFile(extra_ca_file, true));
  mbedtls_ssl_config* conf = config_.get();
  ret = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT);
  if (ret != 0) return Status::Internal("TLS configuration: " + tls_compat::ErrorText(ret));
  tls_compat::SetMinTls12(conf);
  mbedtls_ssl_conf_rng(conf, tls_compat::Rng::Function, &rng_);
  mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_REQUIRED);
  mbedtls_ssl_conf_ca_chain(conf, ca_chain_.get(), nullptr);
  return Status::Ok();
}

}  // namespace

std::string DefaultSystemCaBundle() {
  for (const char* path : {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"}) {
    if (::access(path, R_OK) == 0) return path;
  }
  return "";
}

Result<std::shared_ptr<TlsClientContext>> TlsClientContext::Load(
    const std::string& system_bundle, const std::string& extra_ca_file) {
  auto context = std::make_shared<ClientContext>();
  Status status = context->Init(system_bundle, extra_ca_file);
  if (!status.ok()) return status;
  return std::shared_ptr<TlsClientContext>(std::move(context));
}

}  // namespace freenahi
