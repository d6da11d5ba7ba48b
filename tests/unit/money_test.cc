// SPDX-License-Identifier: MIT
// Tests for money.cc: exact decimal parse (tables of good and bad text), format, normalize.
#include "money.h"

#include "catch.h"
#include <cstdint>
#include <limits>
#include <string>

namespace freenahi {
namespace {

struct ParseCase {
  const char* text;
  int precision;
  int64_t minor;
};

constexpr ParseCase kGoodCases[] = {
    {"-0.1", 2, -10},
    {"1523.47", 2, 152347},
    {"2450", 2, 245000},
    {"12.30", 2, 1230},
    {"1e2", 2, 10000},
    {"-42.9", 2, -4290},
    {"2450.0", 2, 245000},
    {"1.5E-1", 2, 15},
    {"1.5e+1", 2, 1500},
    {"123456789012.34", 2, 12345678901234},
    {"999999999999999", 0, 999999999999999},
    {"1.2300", 2, 123},
    {"0", 2, 0},
    {"-0", 2, 0},
    {"-0.00", 2, 0},
    {"0.000", 0, 0},
    {"0e5", 2, 0},
    {"0.05", 2, 5},
    {"-64.99", 2, -6499},
    {"7", 0, 7},
    {"12.5", 1, 125},
    {"0.12345678", 8, 12345678},
    {"100E-2", 0, 1},
    {"9223372036854775807", 0, std::numeric_limits<int64_t>::max()},
    {"-9223372036854775808", 0, std::numeric_limits<int64_t>::min()},
    {"92233720368547758.07", 2, std::numeric_limits<int64_t>::max()},
};

struct BadCase {
  const char* text;
  int precision;
  const char* message;
};

const BadCase kBadCases[] = {
    {"0.125", 2, "\"0.125\" has more than 2 decimals"},
    {"1.5", 0, "\"1.5\" has more than 0 decimals"},
    {"1e-400", 2, "\"1e-400\" has more than 2 decimals"},
    {"9223372036854775808", 0, "\"9223372036854775808\" is out of range"},
    {"-9223372036854775809", 0, "\"-9223372036854775809\" is out of range"},
    {"92233720368547758.08", 2, "\"92233720368547758.08\" is out of range"},
    {"1e17", 2, "\"1e17\" is out of range"},
    {"1e99999999999999999999", 2, "\"1e99999999999999999999\" is out of range"},
    {"", 2, "not a decimal number: \"\""},
    {"-", 2, "not a decimal number: \"-\""},
    {"1.2.3", 2, "not a decimal number: \"1.2.3\""},
    {"abc", 2, "not a decimal number: \"abc\""},
    {"1e", 2, "not a decimal number: \"1e\""},
    {"1e+", 2, "not a decimal number: \"1e+\""},
    {"0x10", 2, "not a decimal number: \"0x10\""},
    {" 1", 2, "not a decimal number: \" 1\""},
    {"1 ", 2, "not a decimal number: \"1 \""},
    {"+1", 2, "not a decimal number: \"+1\""},
    {"01", 2, "not a decimal number: \"01\""},
    {"1.", 2, "not a decimal number: \"1.\""},
    {".5", 2, "not a decimal number: \".5\""},
    {"--1", 2, "not a decimal number: \"--1\""},
    {"1,5", 2, "not a decimal number: \"1,5\""},
    {"NaN", 2, "not a decimal number: \"NaN\""},
    {"Infinity", 2, "not a decimal number: \"Infinity\""},
};

TEST_CASE("money: parses decimal text into exact minor units", "[money]") {
  for (const ParseCase& c : kGoodCases) {
    INFO(c.text << " @" << c.precision);
    Result<int64_t> r = ParseMinorUnits(c.text, c.precision);
    REQUIRE(r.ok());
    CHECK(*r == c.minor);
  }
}

TEST_CASE("money: 12.30 EUR is 1230 minor", "[money]") {
  Result<int64_t> r = ParseMinorUnits("12.30", 2);
  REQUIRE(r.ok());
  CHECK(*r == 1230);
}

TEST_CASE("money: rejects garbage, excess decimals and overflow", "[money]") {
  for (const BadCase& c : kBadCases) {
    INFO(c.text << " @" << c.precision);
    Result<int64_t> r = ParseMinorUnits(c.text, c.precision);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
}

TEST_CASE("money: long garbage is shown truncated in the error", "[money]") {
  std::string text(100, 'x');
  Result<int64_t> r = ParseMinorUnits(text, 2);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "not a decimal number: \"" + std::string(40, 'x') + "...\"");
}

TEST_CASE("money: 10,000 times 0.10 sums to exactly 1000.00", "[money]") {
  int64_t sum_minor = 0;
  double sum_double = 0.0;
  for (int i = 0; i < 10000; ++i) {
    Result<int64_t> r = ParseMinorUnits("0.10", 2);
    REQUIRE(r.ok());
    sum_minor += *r;
    sum_double += 0.10;
  }
  CHECK(sum_minor == 100000);
  CHECK(FormatMinorUnits(sum_minor, 2) == "1000.00");
  CHECK(sum_double != 1000.0);  // why money never goes through double
}

TEST_CASE("money: formats minor units exactly", "[money]") {
  struct {
    int64_t minor;
    int precision;
    const char* text;
  } const kCases[] = {
      {-4290, 2, "-42.90"},
      {5, 2, "0.05"},
      {-5, 2, "-0.05"},
      {245000, 2, "2450.00"},
      {7, 0, "7"},
      {0, 2, "0.00"},
      {0, 0, "0"},
      {152347, 2, "1523.47"},
      {-7, 0, "-7"},
      {123, 3, "0.123"},
      {1, 8, "0.00000001"},
      {100, 2, "1.00"},
      {std::numeric_limits<int64_t>::max(), 2, "92233720368547758.07"},
      {std::numeric_limits<int64_t>::min(), 2, "-92233720368547758.08"},
      {std::numeric_limits<int64_t>::min(), 0, "-9223372036854775808"},
  };
  for (const auto& c : kCases) {
    INFO(c.minor << " @" << c.precision);
    CHECK(FormatMinorUnits(c.minor, c.precision) == c.text);
  }
}

TEST_CASE("money: format then parse round-trips", "[money]") {
  const int64_t kValues[] = {0,
                             1,
                             -1,
                             99,
                             -100,
                             152347,
                             -4290,
                             12345678901234,
                             std::numeric_limits<int64_t>::max(),
                             std::numeric_limits<int64_t>::min()};
  for (int precision : {0, 2, 3, 8}) {
    for (int64_t v : kValues) {
      INFO(v << " @" << precision);
      Result<int64_t> r = ParseMinorUnits(FormatMinorUnits(v, precision), precision);
      REQUIRE(r.ok());
      CHECK(*r == v);
    }
  }
}

TEST_CASE("money: normalizes decimal text", "[money]") {
  struct {
    const char* in;
    const char* out;
  } const kCases[] = {
      {"1e2", "100"},
      {"0.50", "0.5"},
      {"-0.0", "0"},
      {"0", "0"},
      {"12.30", "12.3"},
      {"2450.0", "2450"},
      {"1.5E-1", "0.15"},
      {"-1.5e-3", "-0.0015"},
      {"123.456", "123.456"},
      {"0.000100", "0.0001"},
      {"3.4567e2", "345.67"},
      {"100", "100"},
      {"1.23456789012345678901", "1.23456789012345678901"},
      {"-42", "-42"},
      {"0e-7", "0"},
      {"5e0", "5"},
  };
  for (const auto& c : kCases) {
    INFO(c.in);
    Result<std::string> r = NormalizeDecimal(c.in);
    REQUIRE(r.ok());
    CHECK(*r == c.out);
  }
}

TEST_CASE("money: NormalizeDecimal rejects non-numbers and absurd exponents", "[money]") {
  for (const char* text : {"", "abc", "1e", "0x10", " 1", "1.2.3", "+1", "1e5000"}) {
    INFO(text);
    Result<std::string> r = NormalizeDecimal(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace freenahi
