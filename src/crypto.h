// SPDX-License-Identifier: MIT
// Small crypto leaves over mbedTLS: HMAC-SHA256, SHA-256, base64, constant-time comparison,
// random bytes. With tls*.cc, the only code that includes mbedTLS. Used by webhook and tls_cert.
#ifndef FREENAHI_CRYPTO_H_
#define FREENAHI_CRYPTO_H_

#include <memory>
#include <string>
#include <string_view>

#include "status.h"

namespace freenahi {

std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string Sha256(std::string_view data);                             // 32 raw bytes

// HMAC-SHA256 fed piece by piece (a webhook body as it arrives, never held whole). Finish()
// gives what HmacSha256(key, all the pieces) gives, or "" on a library failure.
class HmacSha256Stream {
 public:
  explicit HmacSha256Stream(std::string_view key);
  ~HmacSha256Stream();
  HmacSha256Stream(const HmacSha256Stream&) = delete;
  HmacSha256Stream& operator=(const HmacSha256Stream&) = delete;
  void Update(std::string_view data);
  std::string Finish();  // 32 raw bytes; once

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  bool ok_ = false;
};
std::string Base64Encode(std::string_view raw);                        // standard, padded
Result<std::string> Base64Decode(std::string_view text);               // InvalidArgument if bad
std::string HexColons(std::string_view raw);  // "AB:CD:..." (certificate fingerprints)
std::string HexLower(std::string_view raw);
// True when equal; time depends only on the lengths, never on where the bytes differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// Cryptographically random bytes (mbedTLS CTR-DRBG seeded from the OS).
Result<std::string> RandomBytes(size_t count);

}  // namespace freenahi

#endif  // FREENAHI_CRYPTO_H_
