// SPDX-License-Identifier: MIT
// The one place that knows mbedTLS 2.28 from 3.6 (DESIGN §6), plus RAII owners for mbedTLS structs
// and a seeded CTR-DRBG. Included only by crypto.cc, tls*.cc and their tests; never by the rest.
#ifndef FREENAHI_TLS_COMPAT_H_
#define FREENAHI_TLS_COMPAT_H_

// version.h exists in both lines and pulls in config.h (2.28) or build_info.h (3.x).
#include <mbedtls/version.h>

#include <mbedtls/base64.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/net_sockets.h>  // MBEDTLS_ERR_NET_* codes (net.h is gone in 3.x)
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ciphersuites.h>
#include <mbedtls/x509_crt.h>
#if defined(MBEDTLS_ERROR_C)
#include <mbedtls/error.h>
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include <cstdio>
#include <string>

// Self-signed certificate generation needs the X.509 and PEM writers, which OpenWrt's mbedTLS
// may leave out (uhttpd uses px5g there); tls_cert.cc then answers Unavailable.
#if defined(MBEDTLS_X509_CRT_WRITE_C) && defined(MBEDTLS_PEM_WRITE_C) && \
    defined(MBEDTLS_PK_WRITE_C) && defined(MBEDTLS_ECP_C)
#define FREENAHI_HAVE_CERT_WRITER 1
#include <mbedtls/bignum.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#else
#define FREENAHI_HAVE_CERT_WRITER 0
#endif

namespace freenahi {
namespace tls_compat {

using RngFunction = int (*)(void*, unsigned char*, size_t);

// 3.x: PSA must be initialised before TLS 1.3, PK and some hashes; idempotent. 2.28: nothing.
inline int InitPsa() {
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
  return psa_crypto_init() == PSA_SUCCESS ? 0 : -1;
#else
  return 0;
#endif
}

// mbedTLS's text for an error code ("X509 - ..."), or the code when the text is compiled out.
inline std::string ErrorText(int code) {
  char text[256];
#if defined(MBEDTLS_ERROR_C)
  mbedtls_strerror(code, text, sizeof(text));
#else
  std::snprintf(text, sizeof(text), "mbedTLS error -0x%04X", static_cast<unsigned>(-code));
#endif
  return text;
}

// 3.x renamed the one-shot SHA-256 and gave key parsing and pair checks an RNG (blinding).
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
inline int Sha256(const unsigned char* input, size_t size, unsigned char out[32]) {
  return mbedtls_sha256(input, size, out, 0);
}
inline int PkParseKeyfile(mbedtls_pk_context* key, const char* path, RngFunction f_rng, void* rng) {
  return mbedtls_pk_parse_keyfile(key, path, nullptr, f_rng, rng);
}
inline int PkCheckPair(const mbedtls_pk_context* pub, const mbedtls_pk_context* prv,
                       RngFunction f_rng, void* rng) {
  return mbedtls_pk_check_pair(pub, prv, f_rng, rng);
}
#else
inline int Sha256(const unsigned char* input, size_t size, unsigned char out[32]) {
  return mbedtls_sha256_ret(input, size, out, 0);
}
inline int PkParseKeyfile(mbedtls_pk_context* key, const char* path, RngFunction, void*) {
  return mbedtls_pk_parse_keyfile(key, path, nullptr);
}
inline int PkCheckPair(const mbedtls_pk_context* pub, const mbedtls_pk_context* prv, RngFunction,
                       void*) {
  return mbedtls_pk_check_pair(pub, prv);
}
#endif

// TLS 1.2 is the floor everywhere (2.28 still compiles 1.0/1.1 in).
inline void SetMinTls12(mbedtls_ssl_config* conf) {
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
  mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

// The suites offered: forward secrecy (ECDHE) and AEAD only (AES-GCM, ChaCha20-Poly1305), plus
// TLS 1.3's three where the library speaks it (3.x). Both lines drop entries they do not
// implement. Never CBC (LUCKY13), CCM-8, Camellia, ARIA or static RSA key exchange.
// In the server's order of preference (mbedTLS picks the first the client offers): ChaCha20-
// Poly1305 first. It is the fast one where this runs: a Raspberry Pi up to the 4 and most router
// SoCs have no AES instructions, and even with AES-NI mbedTLS decrypted an 88 MB webhook faster
// with it (2.28: 0.98 s to the 200 instead of 1.16 s with AES-256-GCM; 3.6: 0.85 s vs 1.0 s).
inline const int* AeadCiphersuites() {
  static const int kSuites[] = {
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
      MBEDTLS_TLS1_3_CHACHA20_POLY1305_SHA256,
      MBEDTLS_TLS1_3_AES_256_GCM_SHA384,
      MBEDTLS_TLS1_3_AES_128_GCM_SHA256,
#endif
      MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
      MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
      MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
      MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
      MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
      MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
      0,
  };
  return kSuites;
}

// A TLS 1.2 ceiling, for tests that check 1.2 clients are still served where 1.3 is on.
inline void SetMaxTls12(mbedtls_ssl_config* conf) {
#if MBEDTLS_VERSION_NUMBER >= 0x03020000
  mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
  mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

// A client read that only consumed a TLS 1.3 NewSessionTicket (3.x) has no data yet: read again.
inline bool IsClientReadRetry(int ret) {
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
  return ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET;
#else
  (void)ret;
  return false;
#endif
}

// The newest protocol this build speaks, as mbedtls_ssl_get_version() names it: 3.x has TLS 1.3
// on by default (2.28's experimental 1.3 is another macro and never used here).
#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
constexpr char kNewestTls[] = "TLSv1.3";
#else
constexpr char kNewestTls[] = "TLSv1.2";
#endif

// Owns one mbedTLS struct: init in the constructor, free in the destructor. Not movable,
// because mbedTLS structs point at each other (ssl → config → drbg → entropy).
template <typename T, void (*Init)(T*), void (*Free)(T*)>
class Owned {
 public:
  Owned() { Init(&value_); }
  ~Owned() { Free(&value_); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  T* get() { return &value_; }
  const T* get() const { return &value_; }

 private:
  T value_;
};

using Entropy = Owned<mbedtls_entropy_context, mbedtls_entropy_init, mbedtls_entropy_free>;
using CtrDrbg = Owned<mbedtls_ctr_drbg_context, mbedtls_ctr_drbg_init, mbedtls_ctr_drbg_free>;
using PkKey = Owned<mbedtls_pk_context, mbedtls_pk_init, mbedtls_pk_free>;
using X509Crt = Owned<mbedtls_x509_crt, mbedtls_x509_crt_init, mbedtls_x509_crt_free>;
using SslConfig = Owned<mbedtls_ssl_config, mbedtls_ssl_config_init, mbedtls_ssl_config_free>;
using SslContext = Owned<mbedtls_ssl_context, mbedtls_ssl_init, mbedtls_ssl_free>;

// A CTR-DRBG seeded from the platform entropy sources. Seed() once, then hand
// (Rng::Function, &rng) to mbedTLS. Single-threaded use only.
class Rng {
 public:
  Rng() = default;
  Rng(const Rng&) = delete;
  Rng& operator=(const Rng&) = delete;

  // Returns 0 or an mbedTLS error code. `personalization` separates uses of the DRBG.
  int Seed(const std::string& personalization) {
    int psa = InitPsa();
    if (psa != 0) return psa;
    return mbedtls_ctr_drbg_seed(drbg_.get(), mbedtls_entropy_func, entropy_.get(),
                                 reinterpret_cast<const unsigned char*>(personalization.data()),
                                 personalization.size());
  }
  int Fill(unsigned char* out, size_t size) {
    return mbedtls_ctr_drbg_random(drbg_.get(), out, size);
  }
  static int Function(void* rng, unsigned char* out, size_t size) {
    return static_cast<Rng*>(rng)->Fill(out, size);
  }

 private:
  Entropy entropy_;  // declared first: the DRBG points at it
  CtrDrbg drbg_;
};

#if FREENAHI_HAVE_CERT_WRITER
// A fresh ECDSA P-256 key in `key` (freshly initialised, not yet set up).
inline int GenerateP256Key(mbedtls_pk_context* key, Rng* rng) {
  int ret = mbedtls_pk_setup(key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
  if (ret != 0) return ret;
  return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(*key), Rng::Function, rng);
}

// 3.4 added set_serial_raw and deprecated the MPI variant (gone in 4.0).
inline int X509WriteSetSerial(mbedtls_x509write_cert* crt, const unsigned char* serial,
                              size_t size) {
#if MBEDTLS_VERSION_NUMBER >= 0x03040000
  return mbedtls_x509write_crt_set_serial_raw(crt, const_cast<unsigned char*>(serial), size);
#else
  Owned<mbedtls_mpi, mbedtls_mpi_init, mbedtls_mpi_free> mpi;
  int ret = mbedtls_mpi_read_binary(mpi.get(), serial, size);
  return ret != 0 ? ret : mbedtls_x509write_crt_set_serial(crt, mpi.get());
#endif
}
#endif  // FREENAHI_HAVE_CERT_WRITER

}  // namespace tls_compat
}  // namespace freenahi

#endif  // FREENAHI_TLS_COMPAT_H_
