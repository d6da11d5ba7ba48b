// SPDX-License-Identifier: MIT
// Tests for decimal.cc: exact products of decimal texts and integer percentages.
#include "decimal.h"

#include "catch.h"

namespace freenahi {
namespace {

TEST_CASE("decimal: quantity x price rounds half away from zero to minor units", "[decimal]") {
  struct Case {
    const char* a;
    const char* b;
    int precision;
    int64_t minor;
  } cases[] = {
      {"12.5", "101.234", 2, 126543},  // 1265.425
      {"-12.5", "101.234", 2, -126543},
      {"3", "10.1", 2, 3030},
      {"0.333333", "3", 2, 100},       // 0.999999
      {"1e2", "0.5", 2, 5000},
      {"2450", "1", 0, 2450},
      {"0.004", "1", 2, 0},
      {"0.005", "1", 2, 1},
      {"123456789.123456", "987.654321", 2, 12193263123457},
      // Products past 2^64 before the division back to cents (the router builds' portable path).
      {"123456789012345678", "0.000000000000000555", 2, 6852},
      {"999999999999999999", "0.000000000000000999", 2, 99900},
      {"-0.123456789012345678", "12345678.9", 2, -152415788},
  };
  for (const Case& c : cases) {
    INFO(c.a << " x " << c.b);
    Result<int64_t> r = MultiplyToMinor(c.a, c.b, c.precision);
    REQUIRE(r.ok());
    CHECK(*r == c.minor);
  }
}

TEST_CASE("decimal: bad texts and overflow are errors, not garbage", "[decimal]") {
  CHECK(!MultiplyToMinor("abc", "1", 2).ok());
  CHECK(!MultiplyToMinor("1", "", 2).ok());
  CHECK(!MultiplyToMinor("99999999999999999", "99999999999", 2).ok());
  CHECK(!MultiplyToMinor("9999999999999999999", "1", 2).ok());  // 19 digits
  CHECK(!MultiplyToMinor("92233720368547758.08", "1", 2).ok());  // INT64_MAX + 1 cents
}

TEST_CASE("decimal: ratios in hundredths of a percent", "[decimal]") {
  CHECK(RatioBasisPoints(1, 3) == 3333);
  CHECK(RatioBasisPoints(2, 3) == 6667);
  CHECK(RatioBasisPoints(-1, 3) == -3333);
  CHECK(RatioBasisPoints(1, -3) == -3333);
  CHECK(!RatioBasisPoints(5, 0));
  CHECK(RatioBasisPoints(INT64_MAX, INT64_MAX) == 10000);  // part × 10000 passes 64 bits
  CHECK(RatioBasisPoints(INT64_MIN, INT64_MIN) == 10000);
  CHECK(!RatioBasisPoints(INT64_MAX, 1));  // beyond int64
  CHECK(FormatBasisPoints(3333) == "33.33");
  CHECK(FormatBasisPoints(-5) == "-0.05");
  CHECK(FormatBasisPoints(10000) == "100.00");
}

}  // namespace
}  // namespace freenahi
