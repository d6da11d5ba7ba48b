// SPDX-License-Identifier: MIT
// Powens datetimes → UTC seconds. Powens sends "YYYY-MM-DD HH:MM:SS" without offset: `datetime`,
// `vdatetime`, `rdatetime` are UTC; `last_update`, `created`, `deleted`, ... are Europe/Paris
// local time. Routers often have no zoneinfo, so the EU DST rule is implemented here (CET/CEST:
// summer time from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC).
#ifndef FREENAHI_PARIS_TIME_H_
#define FREENAHI_PARIS_TIME_H_

#include <string>
#include <string_view>

#include "model.h"
#include "status.h"

namespace freenahi {

// "YYYY-MM-DD HH:MM:SS" (also "YYYY-MM-DDTHH:MM:SS", optional ".ffffff" fraction, ignored) read as
// UTC. Also accepts a plain "YYYY-MM-DD" (midnight). InvalidArgument on anything else.
Result<UnixSeconds> ParseUtcDatetime(std::string_view text);

// Same text read as Europe/Paris wall-clock time. In the repeated hour of October the first
// (summer-time) instant is chosen; a time in the skipped hour of March is read as winter time.
Result<UnixSeconds> ParseParisDatetime(std::string_view text);

// UTC seconds → "YYYY-MM-DD HH:MM:SS" in UTC; → Paris local time; → "YYYY-MM-DD" Paris date.
std::string FormatUtc(UnixSeconds t);
std::string FormatParis(UnixSeconds t);
std::string ParisDate(UnixSeconds t);

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil), and
// back to "YYYY-MM-DD": the one calendar arithmetic every module uses.
int64_t DaysFromCivil(int64_t y, int m, int d);
std::string DateFromDays(int64_t days);

// True for a valid "YYYY-MM-DD" calendar date.
bool IsIsoDate(std::string_view text);

}  // namespace freenahi

#endif  // FREENAHI_PARIS_TIME_H_
