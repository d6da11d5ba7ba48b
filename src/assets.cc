// SPDX-License-Identifier: MIT
// Asset classes, the carried-forward daily series, the table view, holdings and loan figures.
// All money is integer minor units; ratios go through decimal.h, never double.
#include "assets.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "decimal.h"
#include "paris_time.h"

namespace freenahi {
namespace {

#define ASSETS_ASSIGN_OR_RETURN(lhs, expr) \
  do {                                     \
    auto result = (expr);                  \
    if (!result.ok()) return result.status(); \
    lhs = std::move(result).value();       \
  } while (0)

struct TypeClass {
  const char* type;
  AssetClass asset_class;
};
// Powens account types (its documented list), grouped as the original Freenahi's views were.
constexpr TypeClass kTypeClasses[] = {
    {"checking", AssetClass::kChecking},          {"card", AssetClass::kChecking},
    {"savings", AssetClass::kSavings},            {"deposit", AssetClass::kSavings},
    {"market", AssetClass::kInvestments},         {"pea", AssetClass::kInvestments},
    {"pee", AssetClass::kInvestments},            {"per", AssetClass::kInvestments},
    {"perco", AssetClass::kInvestments},          {"perp", AssetClass::kInvestments},
    {"rsp", AssetClass::kInvestments},            {"crowdlending", AssetClass::kInvestments},
    {"realEstate", AssetClass::kInvestments},     {"lifeinsurance", AssetClass::kLifeInsurance},
    {"capitalisation", AssetClass::kLifeInsurance}, {"madelin", AssetClass::kLifeInsurance},
    {"article83", AssetClass::kLifeInsurance},    {"loan", AssetClass::kLoans},
    {"mortgage", AssetClass::kLoans},             {"consumercredit", AssetClass::kLoans},
    {"revolvingcredit", AssetClass::kLoans},
};

size_t Index(AssetClass c) { return static_cast<size_t>(c); }


int DaysInMonth(int64_t y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

void SplitDay(const std::string& day, int64_t* y, int* m, int* d) {
  *y = std::strtoll(day.substr(0, 4).c_str(), nullptr, 10);
  *m = static_cast<int>(std::strtol(day.substr(5, 2).c_str(), nullptr, 10));
  *d = static_cast<int>(std::strtol(day.substr(8, 2).c_str(), nullptr, 10));
}

// The value each account contributes on each day, walking its rows once.
struct AccountCursor {
  AssetClass asset_class;
  std::vector<std::pair<int64_t, int64_t>> rows;  // (day number, balance), ascending
  std::optional<int64_t> deleted_day;
  size_t next = 0;
  std::optional<int64_t> value;
  int64_t At(int64_t day) {
    while (next < rows.size() && rows[next].first <= day) value = rows[next++].second;
    if (!value || (deleted_day && day >= *deleted_day)) return 0;
    return NetValue(asset_class, *value);
  }
};

std::vector<AccountCursor> Cursors(const std::vector<AccountRow>& accounts,
                                   const std::vector<BalanceRow>& history) {
  std::map<int64_t, size_t> slot;
  std::vector<AccountCursor> cursors;
  for (const AccountRow& a : accounts) {
    slot[a.id] = cursors.size();
    AccountCursor c{AssetClassOf(a.type), {}, std::nullopt};
    if (a.deleted) c.deleted_day = *a.deleted / 86400;  // UTC day is close enough for a stop
    cursors.push_back(std::move(c));
  }
  for (const BalanceRow& row : history) {
    auto it = slot.find(row.account_id);
    if (it != slot.end()) {
      cursors[it->second].rows.emplace_back(DayNumber(row.day), row.balance_minor);
    }
  }
  return cursors;
}

}  // namespace

const char* AssetClassName(AssetClass c) {
  static const char* const kNames[] = {"checking", "savings", "investments",
                                       "life_insurance", "loans", "other"};
  return kNames[Index(c)];
}

AssetClass AssetClassOf(const std::string& account_type) {
  for (const TypeClass& t : kTypeClasses) {
    if (account_type == t.type) return t.asset_class;
  }
  return AssetClass::kOther;
}

int64_t NetValue(AssetClass c, int64_t balance_minor) {
  if (c != AssetClass::kLoans) return balance_minor;
  return balance_minor < 0 ? balance_minor : -balance_minor;
}

int64_t DayNumber(const std::string& day) {
  int64_t y;
  int m, d;
  SplitDay(day, &y, &m, &d);
  return DaysFromCivil(y, m, d);
}

std::string DayText(int64_t z) { return DateFromDays(z); }

std::optional<Period> PeriodFromName(const std::string& name) {
  if (name == "month") return Period::kMonth;
  if (name == "year") return Period::kYear;
  if (name == "all") return Period::kAll;
  return std::nullopt;
}

std::string PeriodStart(Period period, const std::string& until, const std::string& earliest) {
  if (period == Period::kAll) return std::min(earliest, until);
  int64_t y;
  int m, d;
  SplitDay(until, &y, &m, &d);
  if (period == Period::kYear) {
    --y;
  } else if (--m == 0) {
    m = 12, --y;
  }
  d = std::min(d, DaysInMonth(y, m));
  return DayText(DaysFromCivil(y, m, d));
}

std::vector<SeriesPoint> BuildSeries(const std::vector<AccountRow>& accounts,
                                     const std::vector<BalanceRow>& history,
                                     const std::string& from, const std::string& until) {
  std::vector<AccountCursor> cursors = Cursors(accounts, history);
  std::vector<SeriesPoint> points;
  const int64_t last = DayNumber(until);
  for (int64_t day = DayNumber(from); day <= last; ++day) {
    SeriesPoint& p = points.emplace_back();
    p.day = DayText(day);
    for (AccountCursor& c : cursors) p.by_class[Index(c.asset_class)] += c.At(day);
    for (int64_t v : p.by_class) p.total += v;
  }
  return points;
}

std::optional<std::string> EarliestDay(const std::vector<AccountRow>& accounts,
                                       const std::vector<BalanceRow>& history) {
  std::optional<std::string> earliest;
  for (const BalanceRow& row : history) {
    bool ours = std::any_of(accounts.begin(), accounts.end(),
                            [&](const AccountRow& a) { return a.id == row.account_id; });
    if (ours && (!earliest || row.day < *earliest)) earliest = row.day;
  }
  return earliest;
}

std::vector<AccountRow> AccountsIn(const std::vector<AccountRow>& accounts,
                                   const std::string& currency) {
  std::vector<AccountRow> out;
  for (const AccountRow& a : accounts) {
    if (a.currency.code == currency) out.push_back(a);
  }
  return out;
}

std::string MainCurrency(const std::vector<AccountRow>& accounts) {
  std::map<std::string, int> counts;
  for (const AccountRow& a : accounts) ++counts[a.currency.code];
  std::string best = "EUR";
  int best_count = counts.count(best) ? counts[best] : 0;
  for (const auto& [code, n] : counts) {
    if (n > best_count) best = code, best_count = n;
  }
  return best;
}

std::vector<AssetsView> BuildAssetsViews(const std::vector<AccountRow>& live_accounts,
                                         const std::vector<AccountRow>& all_accounts,
                                         const std::vector<BalanceRow>& history, bool by_account,
                                         const std::string& since) {
  std::vector<std::string> currencies = {MainCurrency(live_accounts)};
  for (const AccountRow& a : live_accounts) {
    if (std::find(currencies.begin(), currencies.end(), a.currency.code) == currencies.end())
      currencies.push_back(a.currency.code);
  }
  std::vector<AssetsView> views;
  for (const std::string& code : currencies) {
    std::vector<AccountRow> live = AccountsIn(live_accounts, code);
    if (live.empty()) continue;
    AssetsView& view = views.emplace_back();
    view.currency = live.front().currency;
    std::vector<AccountRow> everything = AccountsIn(all_accounts, code);
    std::vector<SeriesPoint> start = BuildSeries(everything, history, since, since);
    if (by_account) {
      for (const AccountRow& a : live) {
        AssetLine& line = view.lines.emplace_back();
        line.asset_class = AssetClassOf(a.type);
        line.label = a.name;
        line.account_id = a.id;
        line.value_minor = NetValue(line.asset_class, a.balance_minor.value_or(0));
        std::vector<SeriesPoint> then = BuildSeries({a}, history, since, since);
        line.change_minor = line.value_minor - then.front().total;
      }
    } else {
      for (AssetClass c : kAllAssetClasses) {
        AssetLine line;
        line.asset_class = c;
        line.label = AssetClassName(c);
        bool any = false;
        for (const AccountRow& a : live) {
          if (AssetClassOf(a.type) != c) continue;
          any = true;
          line.value_minor += NetValue(c, a.balance_minor.value_or(0));
        }
        if (!any) continue;
        line.change_minor = line.value_minor - start.front().by_class[Index(c)];
        view.lines.push_back(line);
      }
    }
    for (const AssetLine& line : view.lines) {
      view.net_worth_minor += line.value_minor;
      if (line.asset_class != AssetClass::kLoans) view.gross_minor += line.value_minor;
    }
    for (AssetLine& line : view.lines) line.share_bp = RatioBasisPoints(line.value_minor, view.gross_minor);
    view.change_minor = view.net_worth_minor - start.front().total;
  }
  return views;
}

Result<WealthData> LoadWealth(Store& store) {
  WealthData data;
  ASSETS_ASSIGN_OR_RETURN(data.all, store.ListAccounts(true));
  for (const AccountRow& a : data.all) {
    if (!a.deleted) data.live.push_back(a);
  }
  ASSETS_ASSIGN_OR_RETURN(data.history, AllBalanceHistory(store));
  return data;
}

std::vector<SeriesPoint> SeriesFor(const WealthData& data, const std::string& currency,
                                   Period period, const std::string& until) {
  std::vector<AccountRow> accounts = AccountsIn(data.all, currency);
  std::optional<std::string> earliest = EarliestDay(accounts, data.history);
  if (!earliest) return {};
  return BuildSeries(accounts, data.history, PeriodStart(period, until, *earliest), until);
}

Result<std::vector<AccountHoldings>> ComputeHoldings(const std::vector<HoldingRow>& rows) {
  std::vector<AccountHoldings> out;
  for (const HoldingRow& row : rows) {
    if (out.empty() || out.back().account_id != row.account_id) {
      AccountHoldings& a = out.emplace_back();
      a.account_id = row.account_id;
      a.account_name = row.account_name;
      a.currency = row.currency;
      a.cost_minor = a.profit_minor = 0;
    }
    AccountHoldings& account = out.back();
    HoldingFigures f;
    f.row = row;
    if (row.diff_minor) {
      f.profit_minor = row.diff_minor;
      f.cost_minor = row.valuation_minor - *row.diff_minor;
    } else if (row.quantity && row.unitprice) {
      Result<int64_t> cost = MultiplyToMinor(*row.quantity, *row.unitprice, row.currency.precision);
      if (!cost.ok()) return cost.status().WithContext("investment " + std::to_string(row.id));
      f.cost_minor = *cost;
      f.profit_minor = row.valuation_minor - *cost;
    }
    if (f.cost_minor && f.profit_minor) f.profit_bp = RatioBasisPoints(*f.profit_minor, *f.cost_minor);
    account.valuation_minor += row.valuation_minor;
    if (f.cost_minor && account.cost_minor) {
      *account.cost_minor += *f.cost_minor;
      *account.profit_minor += *f.profit_minor;
    } else {
      account.cost_minor.reset();
      account.profit_minor.reset();
    }
    account.holdings.push_back(std::move(f));
  }
  for (AccountHoldings& a : out) {
    for (HoldingFigures& f : a.holdings) f.share_bp = RatioBasisPoints(f.row.valuation_minor, a.valuation_minor);
    if (a.cost_minor) a.profit_bp = RatioBasisPoints(*a.profit_minor, *a.cost_minor);
  }
  return out;
}

LoanFigures ComputeLoan(const LoanRow& row) {
  LoanFigures f;
  f.row = row;
  const Loan& loan = row.loan;
  if (row.balance_minor) {
    f.remaining_minor = std::llabs(*row.balance_minor);
  } else if (loan.used_amount_minor) {
    f.remaining_minor = std::llabs(*loan.used_amount_minor);
  }
  if (loan.total_amount_minor && f.remaining_minor) {
    f.repaid_bp = RatioBasisPoints(*loan.total_amount_minor - *f.remaining_minor,
                                   *loan.total_amount_minor);
  }
  if (loan.nb_payments_total && loan.nb_payments_left) {
    f.payments_done = *loan.nb_payments_total - *loan.nb_payments_left;
  }
  return f;
}

}  // namespace freenahi
