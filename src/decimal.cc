// SPDX-License-Identifier: MIT
// Decimal texts as scaled integers of up to 18 digits each, multiplied into 128 bits
// (wide_math.h): enough for any quantity × price a bank reports, checked against overflow.
#include "decimal.h"

#include <cstdlib>

#include "money.h"
#include "wide_math.h"

namespace freenahi {
namespace {

constexpr int kMaxDigits = 18;  // per operand: below 2^63, and the product stays below 2^127

struct Scaled {
  uint64_t magnitude = 0;  // value = ±magnitude / 10^scale
  bool negative = false;
  int scale = 0;
  int digits = 0;  // significant digits in magnitude
};

Result<Scaled> ParseScaled(std::string_view text) {
  Result<std::string> plain = NormalizeDecimal(text);  // no exponent, no trailing zeros
  if (!plain.ok()) return plain.status();
  Scaled out;
  bool fraction = false;
  for (char c : *plain) {
    if (c == '-') {
      out.negative = true;
    } else if (c == '.') {
      fraction = true;
    } else {
      if (out.digits >= kMaxDigits) {
        return Status::InvalidArgument("too many digits: '" + std::string(text) + "'");
      }
      out.magnitude = out.magnitude * 10 + static_cast<uint64_t>(c - '0');
      if (out.magnitude != 0) ++out.digits;
      if (fraction) ++out.scale;
    }
  }
  return out;
}

uint64_t Pow10(int n) {
  uint64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// n / 10^places, rounded half away from zero (on a magnitude: half up). The first digit
// dropped decides: what follows it is less than one unit of that digit.
Uint128 DropDecimalPlaces(Uint128 n, int places) {
  uint64_t dropped = 0;
  for (int i = 0; i < places; ++i) n = DivideWide(n, 10, &dropped);
  if (places > 0 && dropped >= 5 && ++n.lo == 0) ++n.hi;
  return n;
}

Result<int64_t> Signed(Uint128 magnitude, bool negative, const Status& too_large) {
  if (!magnitude.FitsIn64() || magnitude.lo > static_cast<uint64_t>(INT64_MAX)) return too_large;
  int64_t v = static_cast<int64_t>(magnitude.lo);
  return negative ? -v : v;
}

}  // namespace

Result<int64_t> MultiplyToMinor(std::string_view a, std::string_view b, int precision) {
  Result<Scaled> x = ParseScaled(a);
  if (!x.ok()) return x.status();
  Result<Scaled> y = ParseScaled(b);
  if (!y.ok()) return y.status();
  Uint128 product = MultiplyWide(x->magnitude, y->magnitude);
  bool negative = x->negative != y->negative;
  int scale = x->scale + y->scale;
  Status too_large =
      Status::InvalidArgument(std::string(a) + " × " + std::string(b) + ": too large");
  if (scale >= precision) return Signed(DropDecimalPlaces(product, scale - precision), negative, too_large);
  if (!product.FitsIn64()) return too_large;
  // ≤ 10^18: precision is at most 18
  return Signed(MultiplyWide(product.lo, Pow10(precision - scale)), negative, too_large);
}

std::optional<int64_t> RatioBasisPoints(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  uint64_t divisor = Magnitude(whole), remainder = 0;
  Uint128 q = DivideWide(MultiplyWide(Magnitude(part), 10000), divisor, &remainder);
  // remainder < divisor ≤ 2^63: doubling it cannot overflow.
  if (2 * remainder >= divisor && ++q.lo == 0) ++q.hi;
  Result<int64_t> v = Signed(q, (part < 0) != (whole < 0), Status::InvalidArgument(""));
  if (!v.ok()) return std::nullopt;
  return *v;
}

std::string FormatBasisPoints(int64_t basis_points) {
  return FormatMinorUnits(basis_points, 2);
}

}  // namespace freenahi
