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
#include "tls_session.h"

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

// One TLS client connection: a TlsSession that says why a certificate was refused.
class ClientConn : public TlsSession {
 public:
  ClientConn(std::shared_ptr<const void> context, const mbedtls_ssl_config* config, UniqueFd fd,
             const std::string& hostname)
      : TlsSession(std::move(context), config, std::move(fd), hostname.c_str()),
        hostname_(hostname) {}

 protected:
  bool DiagnoseFailure(int ret, IoResult* result) override;

 private:
  std::string hostname_;
};

class ClientContext : public TlsClientContext,
                      public std::enable_shared_from_this<ClientContext> {
 public:
  ClientContext() = default;
  ClientContext(const ClientContext&) = delete;
  ClientContext& operator=(const ClientContext&) = delete;

  Status Init(const std::string& system_bundle, const std::string& extra_ca_file);
  std::unique_ptr<Conn> Connect(UniqueFd fd, const std::string& hostname) override {
    return std::make_unique<ClientConn>(shared_from_this(), config_.get(), std::move(fd), hostname);
  }
  const mbedtls_ssl_config* config() const { return config_.get(); }

 private:
  Status LoadFile(const std::string& path, bool all_must_parse);

  tls_compat::Rng rng_;
  tls_compat::X509Crt ca_chain_;
  tls_compat::SslConfig config_;
};

bool ClientConn::DiagnoseFailure(int ret, IoResult* result) {
  if (tls_compat::IsClientReadRetry(ret)) {
    *result = {Io::kWantRead, 0};
    return true;
  }
  // The verification flags, not the error code, say why: TLS 1.2 answers X509_CERT_VERIFY_FAILED
  // but 3.x's TLS 1.3 code may report the alert it sends instead. -1: nothing verified yet.
  uint32_t flags = mbedtls_ssl_get_verify_result(ssl());
  if (handshake_done() || flags == 0 || flags == static_cast<uint32_t>(-1)) return false;
  uint32_t trust_flags = flags & ~static_cast<uint32_t>(MBEDTLS_X509_BADCERT_CN_MISMATCH);
  last_error_ = trust_flags != 0 ? "certificate not trusted: " + UntrustedReason(trust_flags)
                                 : "certificate is not for " + hostname_;
  *result = {Io::kError, 0};
  return true;
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
