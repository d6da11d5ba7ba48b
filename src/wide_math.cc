// SPDX-License-Identifier: MIT
// Schoolbook 64×64 multiplication on 32-bit halves and bit-by-bit long division: a few hundred
// cycles at most, and only on report and asset paths.
#include "wide_math.h"

namespace freenahi {

Uint128 MultiplyWide(uint64_t a, uint64_t b) {
  const uint64_t mask = 0xffffffffu;
  uint64_t a_lo = a & mask, a_hi = a >> 32, b_lo = b & mask, b_hi = b >> 32;
  uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
  // The middle column collects three 32-bit quantities: it cannot overflow 64 bits.
  uint64_t middle = (lo_lo >> 32) + (hi_lo & mask) + (lo_hi & mask);
  Uint128 out;
  out.lo = (middle << 32) | (lo_lo & mask);
  out.hi = hi_hi + (hi_lo >> 32) + (lo_hi >> 32) + (middle >> 32);
  return out;
}

Uint128 DivideWide(Uint128 n, uint64_t d, uint64_t* remainder) {
  Uint128 q;
  uint64_t r = 0;
  for (int bit = 127; bit >= 0; --bit) {
    uint64_t next = bit >= 64 ? (n.hi >> (bit - 64)) & 1 : (n.lo >> bit) & 1;
    // r < d, so 2r + 1 < 2d: when the shift carries out of 64 bits, one subtraction (wrapping)
    // brings it back below d.
    bool carry = (r >> 63) != 0;
    r = (r << 1) | next;
    if (carry || r >= d) {
      r -= d;
      if (bit >= 64) {
        q.hi |= uint64_t{1} << (bit - 64);
      } else {
        q.lo |= uint64_t{1} << bit;
      }
    }
  }
  *remainder = r;
  return q;
}

uint64_t MultiplyDivide(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t unused;
  return DivideWide(MultiplyWide(a, b), c, &unused).lo;
}

}  // namespace freenahi
