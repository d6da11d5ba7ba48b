// SPDX-License-Identifier: MIT
// Wealth figures from store rows, with no SQL and no printing: asset classes and net worth (loans
// count negative), the daily history series (carried forward, summed), investment profits and
// loan progress. Called by cli_assets.cc and report.cc; tested in assets_test.cc.
#ifndef FREENAHI_ASSETS_H_
#define FREENAHI_ASSETS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "status.h"
#include "store.h"
#include "store_assets.h"

namespace freenahi {

enum class AssetClass { kChecking, kSavings, kInvestments, kLifeInsurance, kLoans, kOther };
constexpr AssetClass kAllAssetClasses[] = {AssetClass::kChecking,      AssetClass::kSavings,
                                           AssetClass::kInvestments,   AssetClass::kLifeInsurance,
                                           AssetClass::kLoans,         AssetClass::kOther};
constexpr size_t kNumAssetClasses = 6;
const char* AssetClassName(AssetClass c);  // "checking", "savings", "investments", ...
// Powens account type → class: card → checking; deposit → savings; market, pea, pee, per... →
// investments; lifeinsurance, capitalisation, madelin... → life_insurance; loan, mortgage... →
// loans; anything else → other.
AssetClass AssetClassOf(const std::string& account_type);
// What an account adds to the net worth: loans always count minus their absolute balance (banks
// report them with either sign), everything else its balance as is.
int64_t NetValue(AssetClass c, int64_t balance_minor);

// ---- Calendar days ("YYYY-MM-DD") --------------------------------------------------------------
// Days since 1970-01-01 and back; callers pass valid dates (IsIsoDate).
int64_t DayNumber(const std::string& day);
std::string DayText(int64_t day_number);
enum class Period { kMonth, kYear, kAll };
std::optional<Period> PeriodFromName(const std::string& name);  // "month", "year", "all"
// First day of the period ending on `until`: one calendar month / year before (day clamped to the
// month's length); for kAll, `earliest`.
std::string PeriodStart(Period period, const std::string& until, const std::string& earliest);

// ---- The history series ------------------------------------------------------------------------
struct SeriesPoint {
  std::string day;
  std::array<int64_t, kNumAssetClasses> by_class{};  // indexed by AssetClass
  int64_t total = 0;                                  // net worth: sum of by_class
};
// Daily net worth of `accounts` (one currency) from `from` to `until` inclusive. Each account's
// value on a day is its last history row on or before that day (carried forward over gaps and on
// to `until`), 0 before its first row and from the day it was deleted. `history` holds rows of any
// accounts, ordered by account then day (AllBalanceHistory).
std::vector<SeriesPoint> BuildSeries(const std::vector<AccountRow>& accounts,
                                     const std::vector<BalanceRow>& history,
                                     const std::string& from, const std::string& until);
// The earliest history day of `accounts`, or nullopt when they have none.
std::optional<std::string> EarliestDay(const std::vector<AccountRow>& accounts,
                                       const std::vector<BalanceRow>& history);

// ---- The table view ----------------------------------------------------------------------------
struct AssetLine {
  AssetClass asset_class = AssetClass::kOther;
  std::string label;               // class name, or the account's name (--by account)
  std::optional<int64_t> account_id;
  int64_t value_minor = 0;         // net value (loans negative)
  std::optional<int64_t> share_bp;  // of the gross assets, in 1/100 %; nullopt if those are 0
  int64_t change_minor = 0;        // since the period's first day
};
struct AssetsView {
  Currency currency;
  std::vector<AssetLine> lines;
  int64_t gross_minor = 0;      // everything but loans
  int64_t net_worth_minor = 0;  // gross + loans (negative)
  int64_t change_minor = 0;     // of the net worth since the period's first day
};
// One view per currency (the most used currency first). `by_account`: one line per account
// instead of per class. `since`: the period's first day, for the change column.
std::vector<AssetsView> BuildAssetsViews(const std::vector<AccountRow>& live_accounts,
                                         const std::vector<AccountRow>& all_accounts,
                                         const std::vector<BalanceRow>& history, bool by_account,
                                         const std::string& since);
// Accounts of `currency` only.
std::vector<AccountRow> AccountsIn(const std::vector<AccountRow>& accounts,
                                   const std::string& currency);
// The currency most accounts use ("EUR" on a tie or with no account).
std::string MainCurrency(const std::vector<AccountRow>& accounts);

// Everything the views above read, loaded once.
struct WealthData {
  std::vector<AccountRow> live;  // not deleted (disabled ones still hold money)
  std::vector<AccountRow> all;   // deleted ones too: they count in the past
  std::vector<BalanceRow> history;
};
Result<WealthData> LoadWealth(Store& store);

// The series of `currency` over [PeriodStart(period), until]; empty when nothing is known.
std::vector<SeriesPoint> SeriesFor(const WealthData& data, const std::string& currency,
                                   Period period, const std::string& until);

// ---- Investments and loans ---------------------------------------------------------------------
struct HoldingFigures {
  HoldingRow row;
  std::optional<int64_t> cost_minor;    // what was paid: valuation − diff, else quantity × unitprice
  std::optional<int64_t> profit_minor;  // the bank's diff, else valuation − cost
  std::optional<int64_t> profit_bp;     // profit / cost
  std::optional<int64_t> share_bp;      // valuation / the account's total valuation
};
struct AccountHoldings {
  int64_t account_id = 0;
  std::string account_name;
  Currency currency;
  std::vector<HoldingFigures> holdings;
  int64_t valuation_minor = 0;
  std::optional<int64_t> cost_minor, profit_minor, profit_bp;  // set when every line has them
};
// Groups `rows` (ordered by account, ListHoldings) per account. InvalidArgument when a quantity or
// price text is not a number.
Result<std::vector<AccountHoldings>> ComputeHoldings(const std::vector<HoldingRow>& rows);

struct LoanFigures {
  LoanRow row;
  std::optional<int64_t> remaining_minor;  // |account balance|, else used_amount
  std::optional<int64_t> repaid_bp;        // (total − remaining) / total
  std::optional<int64_t> payments_done;    // total − left
};
LoanFigures ComputeLoan(const LoanRow& row);

}  // namespace freenahi

#endif  // FREENAHI_ASSETS_H_
