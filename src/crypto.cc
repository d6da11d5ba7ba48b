// SPDX-License-Identifier: MIT
// crypto.h over mbedTLS (md, base64, ctr_drbg). No state survives a call: each RandomBytes seeds
// its own DRBG. Version differences go through tls_compat.h.
#include "crypto.h"

#include <algorithm>

#include "tls_compat.h"

namespace freenahi {
namespace {

constexpr size_t kSha256Bytes = 32;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/' || c == '=';
}

std::string Hex(std::string_view raw, const char* digits, bool colons) {
  std::string out;
  out.reserve(raw.size() * 3);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (colons && i > 0) out.push_back(':');
    unsigned char byte = static_cast<unsigned char>(raw[i]);
    out.push_back(digits[byte >> 4]);
    out.push_back(digits[byte & 0x0f]);
  }
  return out;
}

}  // namespace

// On a library failure (never seen with SHA-256 compiled in) these return "", which no
// signature or fingerprint can equal.
std::string HmacSha256(std::string_view key, std::string_view data) {
  tls_compat::InitPsa();
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  if (md == nullptr) return "";
  std::string out(kSha256Bytes, '\0');
  if (mbedtls_md_hmac(md, Bytes(key), key.size(), Bytes(data), data.size(), Bytes(out)) != 0) {
    return "";
  }
  return out;
}

struct HmacSha256Stream::Context {
  mbedtls_md_context_t md;
  Context() { mbedtls_md_init(&md); }
  ~Context() { mbedtls_md_free(&md); }
};

HmacSha256Stream::HmacSha256Stream(std::string_view key) : context_(std::make_unique<Context>()) {
  tls_compat::InitPsa();
  const mbedtls_md_info_t* md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
  ok_ = md != nullptr && mbedtls_md_setup(&context_->md, md, /*hmac=*/1) == 0 &&
        mbedtls_md_hmac_starts(&context_->md, Bytes(key), key.size()) == 0;
}

HmacSha256Stream::~HmacSha256Stream() = default;

void HmacSha256Stream::Update(std::string_view data) {
  if (ok_ && !data.empty()) ok_ = mbedtls_md_hmac_update(&context_->md, Bytes(data), data.size()) == 0;
}

std::string HmacSha256Stream::Finish() {
  std::string out(kSha256Bytes, '\0');
  bool done = ok_ && mbedtls_md_hmac_finish(&context_->md, Bytes(out)) == 0;
  ok_ = false;
  return done ? out : "";
}

std::string Sha256(std::string_view data) {
  tls_compat::InitPsa();
  std::string out(kSha256Bytes, '\0');
  if (tls_compat::Sha256(Bytes(data), data.size(), Bytes(out)) != 0) return "";
  return out;
}

std::string Base64Encode(std::string_view raw) {
  std::string out((raw.size() + 2) / 3 * 4 + 1, '\0');  // + the NUL mbedTLS writes
  size_t written = 0;
  if (mbedtls_base64_encode(Bytes(out), out.size(), &written, Bytes(raw), raw.size()) != 0) {
    return "";
  }
  out.resize(written);
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  // mbedTLS tolerates line breaks and spaces (PEM); a header value must not carry them.
  if (text.size() % 4 != 0 || !std::all_of(text.begin(), text.end(), IsBase64Char)) {
    return Status::InvalidArgument("invalid base64");
  }
  std::string out(text.size() / 4 * 3, '\0');
  size_t written = 0;
  int ret = mbedtls_base64_decode(Bytes(out), out.size(), &written, Bytes(text), text.size());
  if (ret != 0) return Status::InvalidArgument("invalid base64: " + tls_compat::ErrorText(ret));
  out.resize(written);
  return out;
}

std::string HexColons(std::string_view raw) { return Hex(raw, "0123456789ABCDEF", true); }

std::string HexLower(std::string_view raw) { return Hex(raw, "0123456789abcdef", false); }

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Walk the longer length whatever happens; the branches below depend on lengths only.
  const size_t length = std::max(a.size(), b.size());
  // volatile: the compiler may not turn the loop into an early-exit memcmp.
  volatile size_t diff = a.size() ^ b.size();
  for (size_t i = 0; i < length; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff = diff | static_cast<size_t>(x ^ y);
  }
  return diff == 0;
}

Result<std::string> RandomBytes(size_t count) {
  tls_compat::Rng rng;
  int ret = rng.Seed("freenahi random bytes");
  if (ret != 0) return Status::Internal("seed random generator: " + tls_compat::ErrorText(ret));
  std::string out(count, '\0');
  for (size_t done = 0; done < count;) {
    size_t chunk = std::min<size_t>(count - done, MBEDTLS_CTR_DRBG_MAX_REQUEST);
    ret = rng.Fill(Bytes(out) + done, chunk);
    if (ret != 0) return Status::Internal("random bytes: " + tls_compat::ErrorText(ret));
    done += chunk;
  }
  return out;
}

}  // namespace freenahi
