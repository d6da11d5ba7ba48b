// SPDX-License-Identifier: MIT
// Exact decimal text ↔ int64 minor units, digit by digit: no double, no strtod, no locale.
// Called by payload.cc for every amount and by the CLI for printing.
#include "money.h"

#include <cstddef>
#include <limits>

namespace freenahi {
namespace {

// Exponents past this are answered without building the digits: any non-zero value overflows
// or has too many decimals long before.
constexpr int64_t kMaxExponent = 100000;
// NormalizeDecimal refuses to write out more digits than this.
constexpr int64_t kMaxNormalizedDigits = 1000;

// A decimal number as sign × digits × 10^exponent, with `digits` free of leading and trailing
// zeros (empty for zero).
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
  return "\"" + std::string(text) + "\"";
}

Status NotANumber(std::string_view text) {
  return Status::InvalidArgument("not a decimal number: " + Quote(text));
}

// Reads "[eE][+-]?[0-9]+" starting at text[*pos]; saturates at ±kMaxExponent.
bool ParseExponent(std::string_view text, size_t* pos, int64_t* exponent) {
  size_t i = *pos + 1;  // past 'e' / 'E'
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  if (i >= text.size() || !IsDigit(text[i])) return false;
  int64_t value = 0;
  for (; i < text.size() && IsDigit(text[i]); ++i) {
    if (value < kMaxExponent) value = value * 10 + (text[i] - '0');
  }
  if (value > kMaxExponent) value = kMaxExponent;
  *exponent = negative ? -value : value;
  *pos = i;
  return true;
}

// JSON number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
Result<Decimal> ParseDecimal(std::string_view text) {
  Decimal d;
  size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    d.negative = true;
    ++i;
  }
  if (i >= text.size() || !IsDigit(text[i])) return NotANumber(text);
  if (text[i] == '0' && i + 1 < text.size() && IsDigit(text[i + 1])) return NotANumber(text);
  for (; i < text.size() && IsDigit(text[i]); ++i) d.digits += text[i];
  int64_t fraction_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (i >= text.size() || !IsDigit(text[i])) return NotANumber(text);
    for (; i < text.size() && IsDigit(text[i]); ++i, ++fraction_digits) d.digits += text[i];
  }
  int64_t exponent = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    if (!ParseExponent(text, &i, &exponent)) return NotANumber(text);
  }
  if (i != text.size()) return NotANumber(text);
  // Canonical form: strip leading zeros, fold trailing zeros into the exponent.
  size_t first = d.digits.find_first_not_of('0');
  if (first == std::string::npos) return Decimal{};  // zero, sign dropped
  size_t last = d.digits.find_last_not_of('0');
  d.exponent = exponent - fraction_digits + static_cast<int64_t>(d.digits.size() - 1 - last);
  d.digits = d.digits.substr(first, last - first + 1);
  return d;
}

}  // namespace

Result<int64_t> ParseMinorUnits(std::string_view text, int precision) {
  Result<Decimal> parsed = ParseDecimal(text);
  if (!parsed.ok()) return parsed.status();
  const Decimal& d = *parsed;
  if (d.digits.empty()) return int64_t{0};
  const int64_t scale = d.exponent + precision;
  if (scale < 0) {
    return Status::InvalidArgument(Quote(text) + " has more than " + std::to_string(precision) +
                                   " decimals");
  }
  const Status overflow = Status::InvalidArgument(Quote(text) + " is out of range");
  if (static_cast<int64_t>(d.digits.size()) + scale > 19) return overflow;
  // Magnitude in uint64 so that INT64_MIN (2^63) is representable.
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (d.negative ? 1 : 0);
  uint64_t magnitude = 0;
  for (char c : d.digits) {
    if (__builtin_mul_overflow(magnitude, uint64_t{10}, &magnitude) ||
        __builtin_add_overflow(magnitude, static_cast<uint64_t>(c - '0'), &magnitude)) {
      return overflow;
    }
  }
  for (int64_t k = 0; k < scale; ++k) {
    if (__builtin_mul_overflow(magnitude, uint64_t{10}, &magnitude)) return overflow;
  }
  if (magnitude > limit) return overflow;
  if (!d.negative) return static_cast<int64_t>(magnitude);
  return magnitude == limit ? std::numeric_limits<int64_t>::min()
                            : -static_cast<int64_t>(magnitude);
}

std::string FormatMinorUnits(int64_t minor, int precision) {
  if (precision < 0) precision = 0;
  // Two's complement negation in uint64 is exact for every int64, INT64_MIN included.
  const uint64_t magnitude =
      minor < 0 ? uint64_t{0} - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string digits = std::to_string(magnitude);
  const size_t width = static_cast<size_t>(precision);
  if (digits.size() <= width) digits.insert(0, width + 1 - digits.size(), '0');
  if (width > 0) digits.insert(digits.size() - width, 1, '.');
  return minor < 0 ? "-" + digits : digits;
}

Result<std::string> NormalizeDecimal(std::string_view text) {
  Result<Decimal> parsed = ParseDecimal(text);
  if (!parsed.ok()) return parsed.status();
  const Decimal& d = *parsed;
  if (d.digits.empty()) return std::string("0");
  const int64_t length = static_cast<int64_t>(d.digits.size());
  if (d.exponent > kMaxNormalizedDigits || -d.exponent > kMaxNormalizedDigits + length) {
    return Status::InvalidArgument(Quote(text) + " has an exponent too large to write out");
  }
  std::string out = d.negative ? "-" : "";
  if (d.exponent >= 0) {
    out += d.digits;
    out.append(static_cast<size_t>(d.exponent), '0');
  } else if (-d.exponent < length) {
    const size_t point = static_cast<size_t>(length + d.exponent);
    out += d.digits.substr(0, point) + "." + d.digits.substr(point);
  } else {
    out += "0.";
    out.append(static_cast<size_t>(-d.exponent - length), '0');
    out += d.digits;
  }
  return out;
}

}  // namespace freenahi
