// SPDX-License-Identifier: MIT
// UTF-8 and NUL check of JSON text, before any parser runs. ASCII (nearly all of a Powens body)
// goes eight bytes at a time.
#include "json_text.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace freenahi {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Length of the valid sequence starting at `p` (p < end, *p >= 0x80), or 0.
size_t SequenceLength(const unsigned char* p, const unsigned char* end) {
  unsigned char lead = p[0];
  size_t left = static_cast<size_t>(end - p);
  if (lead >= 0xC2 && lead <= 0xDF) return left >= 2 && IsContinuation(p[1]) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (left < 3 || !IsContinuation(p[1]) || !IsContinuation(p[2])) return 0;
    if (lead == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (lead == 0xED && p[1] >= 0xA0) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (left < 4 || !IsContinuation(p[1]) || !IsContinuation(p[2]) || !IsContinuation(p[3]))
      return 0;
    if (lead == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (lead == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;  // continuation byte first, C0/C1 (overlong) or F5..FF
}

}  // namespace

size_t FirstInvalidUtf8(std::string_view text) {
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* p = begin;
  const unsigned char* end = begin + text.size();
  while (p < end) {
    if (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, sizeof(word));
      if ((word & 0x8080808080808080ULL) == 0) {
        p += 8;
        continue;
      }
    }
    if (*p < 0x80) {
      ++p;
      continue;
    }
    size_t n = SequenceLength(p, end);
    if (n == 0) return static_cast<size_t>(p - begin);
    p += n;
  }
  return text.size();
}

Status CheckJsonText(std::string_view body) {
  size_t nul = body.find('\0');
  size_t bad = FirstInvalidUtf8(body);
  if (nul == std::string_view::npos && bad == body.size()) return Status::Ok();
  bool nul_first = nul != std::string_view::npos && nul < bad;
  size_t at = nul_first ? nul : bad;
  return Status::InvalidArgument("malformed JSON at offset " + std::to_string(at) + ": " +
                                 (nul_first ? "NUL byte" : "invalid UTF-8"));
}

}  // namespace freenahi
