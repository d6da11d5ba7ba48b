// SPDX-License-Identifier: MIT
// Filter flags → TransactionFilter, with date arithmetic on the civil calendar (no time zones:
// bank dates are calendar dates) and exact amount bounds. Shared by the query commands.
#include "cli_filters.h"

#include <stdlib.h>
#include <time.h>

#include <algorithm>
#include <cstdio>

#include "money.h"
#include "paris_time.h"
#include "paris_time.h"
#include "store.h"
#include "text_fold.h"

namespace freenahi {
namespace {


int DaysInMonth(int64_t y, int m) {
  return static_cast<int>(DaysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                          DaysFromCivil(y, m, 1));
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// "30d" / "6w" / "3m" / "1y" back from today.
std::optional<std::string> RelativeDate(const std::string& text, const std::string& today) {
  if (text.size() < 2 || text.size() > 6) return std::nullopt;
  const std::string count_text = text.substr(0, text.size() - 1);
  if (!AllDigits(count_text)) return std::nullopt;
  const int64_t n = std::stoll(count_text);
  const int64_t y = std::stoll(today.substr(0, 4));
  const int m = std::stoi(today.substr(5, 2)), d = std::stoi(today.substr(8, 2));
  switch (text.back()) {
    case 'd': return DateFromDays(DaysFromCivil(y, m, d) - n);
    case 'w': return DateFromDays(DaysFromCivil(y, m, d) - 7 * n);
    case 'm':
    case 'y': {
      int64_t months = y * 12 + (m - 1) - (text.back() == 'm' ? n : 12 * n);
      int64_t ny = months / 12;
      int nm = static_cast<int>(months % 12) + 1;
      int nd = std::min(d, DaysInMonth(ny, nm));
      return DateFromDays(DaysFromCivil(ny, nm, nd));
    }
  }
  return std::nullopt;
}

Status BadValue(const std::string& flag, const std::string& text, const std::string& expected) {
  return Status::InvalidArgument("--" + flag + " '" + text + "': expected " + expected);
}

Status ResolveAccounts(const std::string& text, Store& store, std::vector<int64_t>* ids) {
  Result<std::vector<AccountView>> accounts = QueryAccounts(store, /*include_hidden=*/true);
  if (!accounts.ok()) return accounts.status();
  if (AllDigits(text) && text.size() <= 18) {
    for (const AccountView& a : *accounts)
      if (a.id == std::stoll(text)) return ids->push_back(a.id), Status::Ok();
  }
  const std::string wanted = FoldText(text);
  for (const AccountView& a : *accounts) {
    if (!wanted.empty() && FoldText(a.name).find(wanted) != std::string::npos) ids->push_back(a.id);
  }
  if (!ids->empty()) return Status::Ok();
  return Status::NotFound("no account matches '" + text +
                          "': give an id or part of a name from `freenahi accounts --all`");
}

}  // namespace

std::string TodayDate() {
  const char* forced = getenv("FREENAHI_TODAY");
  if (forced != nullptr && IsIsoDate(forced)) return forced;
  time_t now = time(nullptr);
  struct tm local;
  localtime_r(&now, &local);
  char text[16];
  strftime(text, sizeof text, "%Y-%m-%d", &local);
  return text;
}

Result<std::string> ParseDateBound(const std::string& flag, const std::string& text, bool upper,
                                   const std::string& today) {
  const char* forms = "YYYY-MM-DD, YYYY-MM, YYYY or a span back from today like 30d, 6w, 3m, 1y";
  if (IsIsoDate(text)) return text;
  if (text.size() == 7 && text[4] == '-' && AllDigits(text.substr(0, 4)) && AllDigits(text.substr(5))) {
    const int64_t y = std::stoll(text.substr(0, 4));
    const int m = std::stoi(text.substr(5));
    if (m < 1 || m > 12) return BadValue(flag, text, forms);
    return DateFromDays(DaysFromCivil(y, m, upper ? DaysInMonth(y, m) : 1));
  }
  if (text.size() == 4 && AllDigits(text)) return text + (upper ? "-12-31" : "-01-01");
  if (std::optional<std::string> relative = RelativeDate(text, today)) return *relative;
  return BadValue(flag, text, forms);
}

Status FilterFromArgs(const CliArgs& args, Store& store, TransactionFilter* filter) {
  const std::string today = TodayDate();
  for (const char* flag : {"since", "until"}) {
    std::optional<std::string> text = args.Value(flag);
    if (!text) continue;
    Result<std::string> day = ParseDateBound(flag, *text, flag[0] == 'u', today);
    if (!day.ok()) return day.status();
    (flag[0] == 'u' ? filter->until : filter->since) = *day;
  }
  if (filter->since && filter->until && *filter->since > *filter->until) {
    return Status::InvalidArgument("--since " + *filter->since + " is after --until " +
                                   *filter->until);
  }
  for (const char* flag : {"min", "max"}) {
    std::optional<std::string> text = args.Value(flag);
    if (!text) continue;
    Result<int64_t> e8 = ParseMinorUnits(*text, 8);
    if (!e8.ok()) return BadValue(flag, *text, "an amount like -50 or 12.5");
    (flag[1] == 'i' ? filter->min_e8 : filter->max_e8) = *e8;
  }
  if (auto search = args.Value("search")) {
    filter->search_tokens = FoldTokens(*search);
    if (filter->search_tokens.empty()) return BadValue("search", *search, "some letters or digits");
  }
  if (auto type = args.Value("type")) filter->type = *type;
  filter->pending_only = args.Has("pending");
  filter->include_deleted = args.Has("include-deleted") || args.Has("deleted");
  if (auto account = args.Value("account")) {
    FREENAHI_RETURN_IF_ERROR(ResolveAccounts(*account, store, &filter->account_ids));
  }
  return Status::Ok();
}

std::string MaskIdentifier(const std::string& iban, const std::string& number) {
  std::string compact;
  for (char c : iban.empty() ? number : iban)
    if (c != ' ') compact += c;
  if (compact.size() <= 4) return compact;
  const std::string tail = compact.substr(compact.size() - 4);
  if (!iban.empty() && compact.size() > 8) return compact.substr(0, 4) + " **** " + tail;
  return "****" + tail;
}

std::string IsoUtc(UnixSeconds t) {
  std::string s = FormatUtc(t);
  s[10] = 'T';
  return s + "Z";
}

std::string LocalTime(const std::optional<UnixSeconds>& t) {
  if (!t) return "";
  time_t seconds = static_cast<time_t>(*t);
  struct tm local;
  localtime_r(&seconds, &local);
  char text[32];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local);
  return text;
}

}  // namespace freenahi
