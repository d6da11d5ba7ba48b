// SPDX-License-Identifier: MIT
// GenerateSelfSignedCert: an ECDSA P-256 key and a 10-year self-signed certificate with a
// hand-built subjectAltName, written atomically. serve calls it when no certificate is configured.
#include "tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "crypto.h"
#include "tls_compat.h"

namespace freenahi {

#if !FREENAHI_HAVE_CERT_WRITER

Status GenerateSelfSignedCert(const std::string&, const std::string&, const std::string&) {
  return Status::Unavailable(
      "this mbedTLS has no certificate writer; create one with px5g or openssl");
}

#else

namespace {

using tls_compat::ErrorText;

Status MbedError(const std::string& what, int ret) {
  return Status::Internal(what + ": " + ErrorText(ret));
}

// A hostname or IP literal: it goes into the subject string (where ',' and '=' are syntax) and
// into subjectAltName.
bool IsValidCommonName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;  // ub-common-name
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '*' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// DER: tag, definite length, content.
std::string DerTlv(unsigned char tag, const std::string& content) {
  std::string out(1, static_cast<char>(tag));
  size_t size = content.size();
  if (size < 0x80) {
    out.push_back(static_cast<char>(size));
  } else if (size <= 0xff) {
    out.push_back(static_cast<char>(0x81));
    out.push_back(static_cast<char>(size));
  } else {
    out.push_back(static_cast<char>(0x82));
    out.push_back(static_cast<char>(size >> 8));
    out.push_back(static_cast<char>(size & 0xff));
  }
  return out + content;
}

// GeneralName for a host: [7] iPAddress (raw 4 or 16 bytes) for literals, else [2] dNSName.
std::string GeneralName(const std::string& host) {
  unsigned char address[16];
  if (inet_pton(AF_INET, host.c_str(), address) == 1) {
    return DerTlv(0x87, std::string(reinterpret_cast<char*>(address), 4));
  }
  if (inet_pton(AF_INET6, host.c_str(), address) == 1) {
    return DerTlv(0x87, std::string(reinterpret_cast<char*>(address), 16));
  }
  return DerTlv(0x82, host);
}

// SubjectAltName ::= SEQUENCE OF GeneralName: `common_name`, localhost, 127.0.0.1. Built by hand
// because 2.28 has no SAN writer (3.x's arrived late); set_extension works on both.
std::string SubjectAltNameDer(const std::string& common_name) {
  std::vector<std::string> hosts = {common_name};
  for (const char* extra : {"localhost", "127.0.0.1"}) {
    if (common_name != extra) hosts.push_back(extra);
  }
  std::string names;
  for (const std::string& host : hosts) names += GeneralName(host);
  return DerTlv(0x30, names);
}

// "YYYYMMDDhhmmss" in UTC, `years` later than `when` (Feb 29 becomes Feb 28).
std::string X509Time(time_t when, int years) {
  struct tm utc;
  gmtime_r(&when, &utc);
  utc.tm_year += years;
  if (years != 0 && utc.tm_mon == 1 && utc.tm_mday == 29) utc.tm_mday = 28;
  char text[32];
  strftime(text, sizeof(text), "%Y%m%d%H%M%S", &utc);
  return text;
}

Status SetSerial(mbedtls_x509write_cert* crt) {
  Result<std::string> serial = RandomBytes(16);
  if (!serial.ok()) return serial.status();
  std::string& bytes = serial.value();
  bytes[0] = static_cast<char>((bytes[0] & 0x7f) | 0x40);  // positive, full 16 bytes
  int ret = tls_compat::X509WriteSetSerial(
      crt, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return ret == 0 ? Status::Ok() : MbedError("certificate serial", ret);
}

using CrtWriter = tls_compat::Owned<mbedtls_x509write_cert, mbedtls_x509write_crt_init,
                                    mbedtls_x509write_crt_free>;

// Fills everything but the signature.
Status DescribeCertificate(mbedtls_x509write_cert* crt, mbedtls_pk_context* key,
                           const std::string& common_name) {
  mbedtls_x509write_crt_set_version(crt, MBEDTLS_X509_CRT_VERSION_3);
  mbedtls_x509write_crt_set_md_alg(crt, MBEDTLS_MD_SHA256);
  mbedtls_x509write_crt_set_subject_key(crt, key);
  mbedtls_x509write_crt_set_issuer_key(crt, key);  // self-signed
  std::string name = "CN=" + common_name + ",O=freenahi";
  int ret = mbedtls_x509write_crt_set_subject_name(crt, name.c_str());
  if (ret == 0) ret = mbedtls_x509write_crt_set_issuer_name(crt, name.c_str());
  if (ret != 0) return MbedError("certificate name " + name, ret);
  FREENAHI_RETURN_IF_ERROR(SetSerial(crt));
  time_t now = time(nullptr);
  ret = mbedtls_x509write_crt_set_validity(crt, X509Time(now - 86400, 0).c_str(),
                                           X509Time(now, 10).c_str());
  if (ret != 0) return MbedError("certificate validity", ret);
  ret = mbedtls_x509write_crt_set_basic_constraints(crt, 0, -1);
  if (ret != 0) return MbedError("certificate basic constraints", ret);
  ret = mbedtls_x509write_crt_set_key_usage(crt, MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
  if (ret != 0) return MbedError("certificate key usage", ret);
  std::string san = SubjectAltNameDer(common_name);
  ret = mbedtls_x509write_crt_set_extension(
      crt, MBEDTLS_OID_SUBJECT_ALT_NAME, MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0,
      reinterpret_cast<const unsigned char*>(san.data()), san.size());
  return ret == 0 ? Status::Ok() : MbedError("certificate subjectAltName", ret);
}

// Creates `path`.tmp-<random> with exactly `mode`, writes, fsyncs. The destructor removes the
// temporary file unless Commit() renamed it into place.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path) : path_(std::move(path)) {}
  ~AtomicFile() {
    if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Write(const std::string& content, mode_t mode);
  Status Commit();

 private:
  Status Error(const std::string& what) const {
    return Status::IOError(what + " " + path_ + ": " + strerror(errno));
  }

  std::string path_;
  std::string temp_path_;  // "" when there is nothing to clean up
};

Status AtomicFile::Write(const std::string& content, mode_t mode) {
  Result<std::string> suffix = RandomBytes(6);
  if (!suffix.ok()) return suffix.status();
  std::string temp = path_ + ".tmp-" + HexLower(suffix.value());
  UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (!fd.valid()) return Error("create");
  temp_path_ = temp;
  if (::fchmod(fd.get(), mode) != 0) return Error("chmod");  // umask must not widen or narrow
  for (size_t done = 0; done < content.size();) {
    ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error("write");
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd.get()) != 0) return Error("fsync");
  if (::close(fd.Release()) != 0) return Error("close");
  return Status::Ok();
}

Status AtomicFile::Commit() {
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) return Error("rename into");
  temp_path_.clear();
  // Make the rename itself durable; failing to open the directory is not worth an error.
  size_t slash = path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
  UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir_fd.valid()) ::fsync(dir_fd.get());
  return Status::Ok();
}

// PEM text of a new key and its certificate.
Status MakePem(const std::string& common_name, std::string* cert_pem, std::string* key_pem) {
  tls_compat::Rng rng;
  int ret = rng.Seed("freenahi self-signed certificate");
  if (ret != 0) return MbedError("seed random generator", ret);
  tls_compat::PkKey key;
  ret = tls_compat::GenerateP256Key(key.get(), &rng);
  if (ret != 0) return MbedError("generate P-256 key", ret);
  CrtWriter crt;
  FREENAHI_RETURN_IF_ERROR(DescribeCertificate(crt.get(), key.get(), common_name));
  std::vector<unsigned char> buffer(8192);
  ret = mbedtls_x509write_crt_pem(crt.get(), buffer.data(), buffer.size(),
                                  tls_compat::Rng::Function, &rng);
  if (ret != 0) return MbedError("write certificate", ret);
  cert_pem->assign(reinterpret_cast<const char*>(buffer.data()));
  ret = mbedtls_pk_write_key_pem(key.get(), buffer.data(), buffer.size());
  if (ret == 0) key_pem->assign(reinterpret_cast<const char*>(buffer.data()));
  mbedtls_platform_zeroize(buffer.data(), buffer.size());
  return ret == 0 ? Status::Ok() : MbedError("write key", ret);
}

}  // namespace

Status GenerateSelfSignedCert(const std::string& cert_path, const std::string& key_path,
                              const std::string& common_name) {
  if (!IsValidCommonName(common_name)) {
    return Status::InvalidArgument("certificate common name \"" + common_name +
                                   "\": expected a host name or IP address");
  }
  std::string cert_pem;
  std::string key_pem;
  Status status = MakePem(common_name, &cert_pem, &key_pem);
  AtomicFile key_file(key_path);
  AtomicFile cert_file(cert_path);
  if (status.ok()) status = key_file.Write(key_pem, 0600);
  mbedtls_platform_zeroize(key_pem.data(), key_pem.size());
  FREENAHI_RETURN_IF_ERROR(status);
  FREENAHI_RETURN_IF_ERROR(cert_file.Write(cert_pem, 0644));
  // Key first: a crash in between leaves a key that does not match the old certificate, which
  // Load reports (and the next start regenerates) rather than a silent mismatch.
  FREENAHI_RETURN_IF_ERROR(key_file.Commit());
  return cert_file.Commit();
}

#endif  // FREENAHI_HAVE_CERT_WRITER

}  // namespace freenahi
