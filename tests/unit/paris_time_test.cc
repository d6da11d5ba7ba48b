// SPDX-License-Identifier: MIT
// Tests for paris_time.cc: UTC parsing, the EU DST switches (2023, 2024, 2030), formatting.
#include "paris_time.h"

#include "catch.h"
#include <string>

namespace freenahi {
namespace {

// Paris wall-clock text → the UTC text it denotes.
std::string ParisToUtc(const std::string& paris) {
  Result<UnixSeconds> t = ParseParisDatetime(paris);
  if (!t.ok()) return "error: " + t.status().message();
  return FormatUtc(*t);
}

TEST_CASE("paris_time: UTC text parses to epoch seconds", "[paris_time]") {
  struct {
    const char* text;
    UnixSeconds t;
  } const kCases[] = {
      {"1970-01-01 00:00:00", 0},
      {"1970-01-02", 86400},
      {"2000-03-01 00:00:00", 951868800},
      {"2024-03-14 08:02:11", 1710403331},
      {"2024-03-14T08:02:11", 1710403331},
      {"2024-03-14T08:02:11Z", 1710403331},
      {"2022-06-27T11:08:52.577831Z", 1656328132},
      {"2022-06-27 11:08:52.5", 1656328132},
      {"1969-12-31 23:59:59", -1},
      {"2024-02-29 12:00:00", 1709208000},
  };
  for (const auto& c : kCases) {
    INFO(c.text);
    Result<UnixSeconds> r = ParseUtcDatetime(c.text);
    REQUIRE(r.ok());
    CHECK(*r == c.t);
  }
}

TEST_CASE("paris_time: ParseUtcDatetime round-trips with FormatUtc", "[paris_time]") {
  for (const char* text : {"1970-01-01 00:00:00", "2024-02-29 23:59:59", "1999-12-31 23:59:59",
                           "2038-01-19 03:14:08", "2100-03-01 00:00:00", "1900-02-28 12:34:56",
                           "0001-01-01 00:00:00", "9999-12-31 23:59:59"}) {
    INFO(text);
    Result<UnixSeconds> r = ParseUtcDatetime(text);
    REQUIRE(r.ok());
    CHECK(FormatUtc(*r) == text);
  }
  for (UnixSeconds t = -86400 * 400; t < 86400LL * 365 * 80; t += 86400 * 37 + 3671) {
    Result<UnixSeconds> r = ParseUtcDatetime(FormatUtc(t));
    REQUIRE(r.ok());
    REQUIRE(*r == t);
  }
}

TEST_CASE("paris_time: winter is UTC+1, summer is UTC+2", "[paris_time]") {
  CHECK(ParisToUtc("2024-01-15 12:00:00") == "2024-01-15 11:00:00");
  CHECK(ParisToUtc("2024-07-01 12:00:00") == "2024-07-01 10:00:00");
  CHECK(ParisToUtc("2024-01-01 00:30:00") == "2023-12-31 23:30:00");
  CHECK(ParisToUtc("2024-03-14 08:02:11") == "2024-03-14 07:02:11");
  CHECK(ParisToUtc("2024-07-01T12:00:00.123") == "2024-07-01 10:00:00");
  CHECK(ParisToUtc("2024-07-01") == "2024-06-30 22:00:00");
}

TEST_CASE("paris_time: March 2024 switch, skipped hour read as winter time", "[paris_time]") {
  CHECK(ParisToUtc("2024-03-31 01:59:59") == "2024-03-31 00:59:59");
  CHECK(ParisToUtc("2024-03-31 02:00:00") == "2024-03-31 01:00:00");  // skipped
  CHECK(ParisToUtc("2024-03-31 02:30:00") == "2024-03-31 01:30:00");  // skipped
  CHECK(ParisToUtc("2024-03-31 03:00:00") == "2024-03-31 01:00:00");
  CHECK(ParisToUtc("2024-03-30 12:00:00") == "2024-03-30 11:00:00");
  CHECK(ParisToUtc("2024-03-31 12:00:00") == "2024-03-31 10:00:00");
}

TEST_CASE("paris_time: October 2024 switch, repeated hour read as summer time", "[paris_time]") {
  CHECK(ParisToUtc("2024-10-27 01:59:00") == "2024-10-26 23:59:00");
  CHECK(ParisToUtc("2024-10-27 02:00:00") == "2024-10-27 00:00:00");  // ambiguous
  CHECK(ParisToUtc("2024-10-27 02:30:00") == "2024-10-27 00:30:00");  // ambiguous
  CHECK(ParisToUtc("2024-10-27 02:59:59") == "2024-10-27 00:59:59");  // ambiguous
  CHECK(ParisToUtc("2024-10-27 03:00:00") == "2024-10-27 02:00:00");
  CHECK(ParisToUtc("2024-10-26 12:00:00") == "2024-10-26 10:00:00");
  CHECK(ParisToUtc("2024-10-28 12:00:00") == "2024-10-28 11:00:00");
}

TEST_CASE("paris_time: 2023 and 2030 switch on their own last Sundays", "[paris_time]") {
  // 2023: 26 March and 29 October. 2030: 31 March and 27 October.
  CHECK(ParisToUtc("2023-03-26 01:59:59") == "2023-03-26 00:59:59");
  CHECK(ParisToUtc("2023-03-26 03:00:00") == "2023-03-26 01:00:00");
  CHECK(ParisToUtc("2023-03-25 03:00:00") == "2023-03-25 02:00:00");
  CHECK(ParisToUtc("2023-10-29 02:30:00") == "2023-10-29 00:30:00");
  CHECK(ParisToUtc("2023-10-29 03:00:00") == "2023-10-29 02:00:00");
  CHECK(ParisToUtc("2023-10-22 03:00:00") == "2023-10-22 01:00:00");
  CHECK(ParisToUtc("2030-03-31 01:59:59") == "2030-03-31 00:59:59");
  CHECK(ParisToUtc("2030-03-31 03:00:00") == "2030-03-31 01:00:00");
  CHECK(ParisToUtc("2030-10-27 02:30:00") == "2030-10-27 00:30:00");
  CHECK(ParisToUtc("2030-10-27 03:00:00") == "2030-10-27 02:00:00");
}

TEST_CASE("paris_time: FormatParis and ParisDate follow the offset", "[paris_time]") {
  auto utc = [](const char* text) { return *ParseUtcDatetime(text); };
  CHECK(FormatParis(utc("2024-01-15 11:00:00")) == "2024-01-15 12:00:00");
  CHECK(FormatParis(utc("2024-07-01 10:00:00")) == "2024-07-01 12:00:00");
  CHECK(FormatParis(utc("2024-03-31 00:59:59")) == "2024-03-31 01:59:59");
  CHECK(FormatParis(utc("2024-03-31 01:00:00")) == "2024-03-31 03:00:00");
  CHECK(FormatParis(utc("2024-10-27 00:59:59")) == "2024-10-27 02:59:59");
  CHECK(FormatParis(utc("2024-10-27 01:00:00")) == "2024-10-27 02:00:00");
  CHECK(ParisDate(utc("2023-12-31 23:30:00")) == "2024-01-01");
  CHECK(ParisDate(utc("2024-06-30 22:00:00")) == "2024-07-01");
  CHECK(ParisDate(utc("2024-06-30 21:59:59")) == "2024-06-30");
  CHECK(ParisDate(utc("2024-01-15 11:00:00")) == "2024-01-15");
}

TEST_CASE("paris_time: Paris round-trips outside the repeated hour", "[paris_time]") {
  // Every quarter hour through 2024 except the skipped and the repeated hour.
  for (UnixSeconds t = *ParseUtcDatetime("2024-01-01"); t < *ParseUtcDatetime("2025-01-01");
       t += 900) {
    std::string paris = FormatParis(t);
    if (paris.compare(0, 13, "2024-10-27 02") == 0) continue;
    Result<UnixSeconds> back = ParseParisDatetime(paris);
    REQUIRE(back.ok());
    REQUIRE(*back == t);
  }
}

TEST_CASE("paris_time: invalid text is rejected", "[paris_time]") {
  for (const char* text : {"2024-02-30 00:00:00",
                           "2023-02-29",
                           "2024-13-01",
                           "2024-00-10",
                           "2024-01-00",
                           "2024-01-32",
                           "2024-01-15 24:00:00",
                           "2024-01-15 23:60:00",
                           "2024-01-15 23:59:60",
                           "24:00",
                           "",
                           "garbage",
                           "2024-1-15",
                           "24-01-15",
                           "2024/01/15",
                           "2024-01-15 12:00",
                           "2024-01-15 12:00:00 ",
                           " 2024-01-15",
                           "2024-01-15 12:00:00.",
                           "2024-01-15 12:00:00+01:00",
                           "2024-01-15X12:00:00",
                           "2024-01-15 1a:00:00",
                           "2024-01-15 12:00:00ZZ"}) {
    INFO(text);
    Result<UnixSeconds> utc = ParseUtcDatetime(text);
    REQUIRE_FALSE(utc.ok());
    CHECK(utc.status().code() == Status::Code::kInvalidArgument);
    CHECK_FALSE(ParseParisDatetime(text).ok());
  }
  Result<UnixSeconds> r = ParseUtcDatetime("2024-02-30 00:00:00");
  CHECK(r.status().message() == "not a datetime (YYYY-MM-DD HH:MM:SS): \"2024-02-30 00:00:00\"");
  // "Z" says UTC: it has no place in a Paris wall-clock time.
  CHECK_FALSE(ParseParisDatetime("2024-01-15T12:00:00Z").ok());
}

TEST_CASE("paris_time: IsIsoDate accepts only real calendar dates", "[paris_time]") {
  CHECK(IsIsoDate("2024-03-15"));
  CHECK(IsIsoDate("2024-02-29"));
  CHECK(IsIsoDate("2000-02-29"));
  CHECK_FALSE(IsIsoDate("1900-02-29"));
  CHECK_FALSE(IsIsoDate("2023-02-29"));
  CHECK_FALSE(IsIsoDate("2024-04-31"));
  CHECK_FALSE(IsIsoDate("2024-03-15 00:00:00"));
  CHECK_FALSE(IsIsoDate("2024-3-15"));
  CHECK_FALSE(IsIsoDate(""));
}

}  // namespace
}  // namespace freenahi
