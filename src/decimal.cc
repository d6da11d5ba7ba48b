// SPDX-License-Identifier: MIT
// Decimal texts as 128-bit scaled integers: enough for any quantity × price a bank reports
// (38 digits) and checked against overflow all the same.
#include "decimal.h"

#include <cstdlib>

#include "money.h"

namespace freenahi {
namespace {

using Int128 = __int128;
constexpr int kMaxDigits = 36;  // of the product: stays below 2^127 ≈ 1.7e38

struct Scaled {
  Int128 units = 0;  // value = units / 10^scale
  int scale = 0;
  int digits = 0;  // significant digits in units
};

Result<Scaled> ParseScaled(std::string_view text) {
  Result<std::string> plain = NormalizeDecimal(text);  // no exponent, no trailing zeros
  if (!plain.ok()) return plain.status();
  Scaled out;
  bool negative = false, fraction = false;
  for (char c : *plain) {
    if (c == '-') {
      negative = true;
    } else if (c == '.') {
      fraction = true;
    } else {
      if (out.digits >= kMaxDigits / 2) {
        return Status::InvalidArgument("too many digits: '" + std::string(text) + "'");
      }
      out.units = out.units * 10 + (c - '0');
      if (out.units != 0) ++out.digits;
      if (fraction) ++out.scale;
    }
  }
  if (negative) out.units = -out.units;
  return out;
}

Int128 Pow10(int n) {
  Int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// n / d rounded half away from zero. REQUIRES: d > 0.
Int128 DivideRounded(Int128 n, Int128 d) {
  Int128 q = n / d, r = n % d;
  if (r < 0) r = -r;
  if (2 * r >= d) q += n < 0 ? -1 : 1;
  return q;
}

}  // namespace

Result<int64_t> MultiplyToMinor(std::string_view a, std::string_view b, int precision) {
  Result<Scaled> x = ParseScaled(a);
  if (!x.ok()) return x.status();
  Result<Scaled> y = ParseScaled(b);
  if (!y.ok()) return y.status();
  Int128 product = x->units * y->units;
  int scale = x->scale + y->scale;
  Status too_large =
      Status::InvalidArgument(std::string(a) + " × " + std::string(b) + ": too large");
  Int128 minor;
  if (scale >= precision) {
    minor = DivideRounded(product, Pow10(scale - precision));
  } else {
    Int128 factor = Pow10(precision - scale);  // ≤ 10^18: precision is at most 18
    if (product > INT64_MAX || product < INT64_MIN) return too_large;
    minor = product * factor;
  }
  if (minor > INT64_MAX || minor < INT64_MIN) return too_large;
  return static_cast<int64_t>(minor);
}

std::optional<int64_t> RatioBasisPoints(int64_t part, int64_t whole) {
  if (whole == 0) return std::nullopt;
  Int128 n = static_cast<Int128>(part) * 10000;
  Int128 d = whole;
  if (d < 0) n = -n, d = -d;
  return static_cast<int64_t>(DivideRounded(n, d));
}

std::string FormatBasisPoints(int64_t basis_points) {
  return FormatMinorUnits(basis_points, 2);
}

}  // namespace freenahi
