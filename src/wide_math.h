// SPDX-License-Identifier: MIT
// Unsigned 128-bit products and quotients in portable C++: 32-bit ARM and MIPS compilers (the
// router builds) have no __int128, yet a quantity × price or a chart's span × height can pass
// 64 bits before it is divided back down. Only what decimal.cc and the charts need.
#ifndef FREENAHI_WIDE_MATH_H_
#define FREENAHI_WIDE_MATH_H_

#include <cstdint>

namespace freenahi {

struct Uint128 {
  uint64_t hi = 0;
  uint64_t lo = 0;

  bool FitsIn64() const { return hi == 0; }
  bool operator==(const Uint128& o) const { return hi == o.hi && lo == o.lo; }
};

// a × b, exact.
Uint128 MultiplyWide(uint64_t a, uint64_t b);

// n ÷ d truncated, with the remainder in *remainder. REQUIRES: d > 0.
Uint128 DivideWide(Uint128 n, uint64_t d, uint64_t* remainder);

// a × b ÷ c truncated, for a result known to fit (a ≤ c, say): the scaling a chart does from a
// value range onto rows or pixels. REQUIRES: c > 0.
uint64_t MultiplyDivide(uint64_t a, uint64_t b, uint64_t c);

// |v| without the overflow of -INT64_MIN.
inline uint64_t Magnitude(int64_t v) {
  return v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
}

}  // namespace freenahi

#endif  // FREENAHI_WIDE_MATH_H_
