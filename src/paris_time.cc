// SPDX-License-Identifier: MIT
// Civil-date arithmetic (Howard Hinnant's days_from_civil) and the EU CET/CEST rule, by hand:
// no tzdata, no TZ, no localtime(). Called by payload.cc (parsing) and the CLI (printing).
#include "paris_time.h"

#include <cstdio>

namespace freenahi {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kWinterOffset = 3600;  // CET = UTC+1
constexpr int64_t kSummerOffset = 7200;  // CEST = UTC+2

struct Civil {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}


Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  return c;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil CivilFromSeconds(int64_t t) {
  const int64_t days = FloorDiv(t, kSecondsPerDay);
  const int64_t rest = t - days * kSecondsPerDay;
  Civil c = CivilFromDays(days);
  c.hour = static_cast<int>(rest / 3600);
  c.minute = static_cast<int>(rest % 3600 / 60);
  c.second = static_cast<int>(rest % 60);
  return c;
}

int64_t SecondsFromCivil(const Civil& c) {
  return DaysFromCivil(c.year, c.month, c.day) * kSecondsPerDay + c.hour * 3600 + c.minute * 60 +
         c.second;
}

// 01:00 UTC on the last Sunday of `month` in `year`: when EU clocks change.
int64_t SwitchInstant(int64_t year, int month) {
  const int64_t last_day = DaysFromCivil(year, month, DaysInMonth(year, month));
  const int64_t weekday = ((last_day + 4) % 7 + 7) % 7;  // 0 = Sunday; 1970-01-01 was a Thursday
  return (last_day - weekday) * kSecondsPerDay + 3600;
}

bool IsSummerTime(UnixSeconds t) {
  const int64_t year = CivilFromSeconds(t).year;
  return t >= SwitchInstant(year, 3) && t < SwitchInstant(year, 10);
}

// Reads `count` ASCII digits at text[*pos]; false when one is missing.
bool ReadDigits(std::string_view text, size_t* pos, size_t count, int* out) {
  if (*pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = *pos; i < *pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *pos += count;
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

bool ParseDate(std::string_view text, size_t* pos, Civil* c) {
  int year = 0;
  if (!ReadDigits(text, pos, 4, &year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, &c->month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, &c->day)) {
    return false;
  }
  c->year = year;
  return c->month >= 1 && c->month <= 12 && c->day >= 1 && c->day <= DaysInMonth(c->year, c->month);
}

// "HH:MM:SS" then an optional ".fff…" (ignored).
bool ParseClock(std::string_view text, size_t* pos, Civil* c) {
  if (!ReadDigits(text, pos, 2, &c->hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, &c->minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, &c->second)) {
    return false;
  }
  if (c->hour > 23 || c->minute > 59 || c->second > 59) return false;
  if (*pos < text.size() && text[*pos] == '.') {
    size_t start = ++*pos;
    while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9') ++*pos;
    if (*pos == start) return false;
  }
  return true;
}

// The wall-clock reading of `text`, as if it were UTC. `allow_z`: a trailing 'Z' is accepted.
Result<Civil> ParseCivil(std::string_view text, bool allow_z) {
  Civil c;
  size_t pos = 0;
  bool ok = ParseDate(text, &pos, &c);
  if (ok && pos < text.size() && (text[pos] == ' ' || text[pos] == 'T')) {
    ++pos;
    ok = ParseClock(text, &pos, &c);
    if (ok && allow_z && pos + 1 == text.size() && text[pos] == 'Z') ++pos;
  }
  if (!ok || pos != text.size()) {
    constexpr size_t kMaxShown = 40;
    std::string shown(text.substr(0, kMaxShown));
    return Status::InvalidArgument("not a datetime (YYYY-MM-DD HH:MM:SS): \"" + shown + "\"");
  }
  return c;
}

std::string FormatCivil(const Civil& c, bool with_time) {
  char buf[48];
  if (with_time) {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d %02d:%02d:%02d",
                  static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second);
  } else {
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month,
                  c.day);
  }
  return buf;
}

}  // namespace

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;                                    // [0, 399]
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

std::string DateFromDays(int64_t days) {
  Civil c = CivilFromDays(days);
  char text[32];
  snprintf(text, sizeof text, "%04lld-%02d-%02d", static_cast<long long>(c.year), c.month, c.day);
  return text;
}

Result<UnixSeconds> ParseUtcDatetime(std::string_view text) {
  Result<Civil> c = ParseCivil(text, /*allow_z=*/true);
  if (!c.ok()) return c.status();
  return SecondsFromCivil(*c);
}

Result<UnixSeconds> ParseParisDatetime(std::string_view text) {
  Result<Civil> c = ParseCivil(text, /*allow_z=*/false);
  if (!c.ok()) return c.status();
  const int64_t local = SecondsFromCivil(*c);
  // Summer reading first: it wins in October's repeated hour. In March's skipped hour neither
  // reading is consistent, and the winter one is used.
  const UnixSeconds summer = local - kSummerOffset;
  if (IsSummerTime(summer)) return summer;
  return local - kWinterOffset;
}

std::string FormatUtc(UnixSeconds t) { return FormatCivil(CivilFromSeconds(t), true); }

std::string FormatParis(UnixSeconds t) {
  const int64_t offset = IsSummerTime(t) ? kSummerOffset : kWinterOffset;
  return FormatCivil(CivilFromSeconds(t + offset), true);
}

std::string ParisDate(UnixSeconds t) {
  const int64_t offset = IsSummerTime(t) ? kSummerOffset : kWinterOffset;
  return FormatCivil(CivilFromSeconds(t + offset), false);
}

bool IsIsoDate(std::string_view text) {
  Civil c;
  size_t pos = 0;
  return ParseDate(text, &pos, &c) && pos == text.size();
}

}  // namespace freenahi
