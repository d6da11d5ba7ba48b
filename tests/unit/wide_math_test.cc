// SPDX-License-Identifier: MIT
// Tests for wide_math.cc: 128-bit products and quotients past 64 bits, checked against values
// worked out by hand (the 32-bit router builds have no __int128 to compare with).
#include "wide_math.h"

#include <cstdint>

#include "catch.h"

namespace freenahi {
namespace {

constexpr uint64_t kMax = UINT64_MAX;

TEST_CASE("wide_math: products carry into the high word", "[wide_math]") {
  CHECK(MultiplyWide(0, kMax) == Uint128{0, 0});
  CHECK(MultiplyWide(1, kMax) == Uint128{0, kMax});
  CHECK(MultiplyWide(uint64_t{1} << 32, uint64_t{1} << 32) == Uint128{1, 0});
  // (2^64 - 1)^2 = 2^128 - 2^65 + 1
  CHECK(MultiplyWide(kMax, kMax) == Uint128{kMax - 1, 1});
  // 10^18 × 10^18 = 10^36 = 0x00c097ce7bc90715_b34b9f1000000000
  CHECK(MultiplyWide(1000000000000000000u, 1000000000000000000u) ==
        Uint128{0x00c097ce7bc90715u, 0xb34b9f1000000000u});
}

TEST_CASE("wide_math: division undoes multiplication and keeps the remainder", "[wide_math]") {
  uint64_t r = 99;
  CHECK(DivideWide(MultiplyWide(kMax, kMax), kMax, &r) == Uint128{0, kMax});
  CHECK(r == 0);
  CHECK(DivideWide(Uint128{0x00c097ce7bc90715u, 0xb34b9f1000000000u}, 1000000000000000000u, &r) ==
        Uint128{0, 1000000000000000000u});
  CHECK(r == 0);
  CHECK(DivideWide(Uint128{0, 17}, 5, &r) == Uint128{0, 3});
  CHECK(r == 2);
  // A divisor with its top bit set: the running remainder's shift carries out of 64 bits.
  CHECK(DivideWide(Uint128{1, 0}, (uint64_t{1} << 63) + 1, &r) == Uint128{0, 1});
  CHECK(r == (uint64_t{1} << 63) - 1);
  CHECK(DivideWide(Uint128{kMax, kMax}, 1, &r) == Uint128{kMax, kMax});
}

TEST_CASE("wide_math: scaling a range onto rows past 64 bits", "[wide_math]") {
  CHECK(MultiplyDivide(kMax, 63, kMax) == 63);
  CHECK(MultiplyDivide(kMax / 2, 63, kMax) == 31);
  CHECK(MultiplyDivide(5, 3, 2) == 7);
  CHECK(Magnitude(INT64_MIN) == uint64_t{1} << 63);
  CHECK(Magnitude(-5) == 5);
  CHECK(Magnitude(7) == 7);
}

}  // namespace
}  // namespace freenahi
