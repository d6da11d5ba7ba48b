// SPDX-License-Identifier: MIT
// The flags `transactions`, `summary` and `export` share, turned into a TransactionFilter:
// dates (YYYY-MM-DD, YYYY-MM, YYYY, 30d/6w/3m/1y), amounts, accounts by id or name, search text.
// Every error is a ready-to-print message; the store is needed only to resolve --account.
#ifndef FREENAHI_CLI_FILTERS_H_
#define FREENAHI_CLI_FILTERS_H_

#include <string>

#include "cli_internal.h"
#include "status.h"
#include "store_query.h"

namespace freenahi {

// Today's local date (YYYY-MM-DD); $FREENAHI_TODAY overrides it (tests, reproducible reports).
std::string TodayDate();

// A date bound: "2024-03-15"; "2024-03" and "2024" (the first day, or the last with `upper`);
// "30d", "6w", "3m", "1y" back from `today`. InvalidArgument names the flag and the forms.
Result<std::string> ParseDateBound(const std::string& flag, const std::string& text, bool upper,
                                   const std::string& today);

// Fills `filter` from --account, --since, --until, --min, --max, --search, --type, --pending,
// --include-deleted (those present in `args`). InvalidArgument for a bad value (exit 2),
// NotFound for an unknown account (exit 1).
Status FilterFromArgs(const CliArgs& args, Store& store, TransactionFilter* filter);

// Masked account identifiers for tables: "FR76 **** 0123" (IBAN), "****5678" (number).
std::string MaskIdentifier(const std::string& iban, const std::string& number);

// "2024-03-14 10:32" in local time, for tables; "" when absent. JSON uses IsoUtc.
std::string LocalTime(const std::optional<UnixSeconds>& t);
// "2024-03-14T09:32:00Z".
std::string IsoUtc(UnixSeconds t);

}  // namespace freenahi

#endif  // FREENAHI_CLI_FILTERS_H_
