// SPDX-License-Identifier: MIT
// Aggregate queries for `balance` and `summary`: balances now or at a past day (balance
// history), income/spending per group (a table of groupings), the biggest spending labels.
#include <map>
#include <tuple>
#include <unordered_map>

#include "store.h"
#include "store_query.h"
#include "store_query_internal.h"

namespace freenahi {

using store_internal::SqliteStmt;
using namespace store_query_internal;  // NOLINT: this module's own helpers

namespace {

// The groupings of `summary`: name and the SQL key around a transaction's 'YYYY-MM-DD' date
// (key_before DATE key_after). Add a row to add one.
struct Grouping {
  SummaryGroup group;
  const char* name;
  const char* key_before;
  const char* key_after;
};
constexpr Grouping kGroupings[] = {
    {SummaryGroup::kWeek, "week", "date(", ", 'weekday 0', '-6 days')"},  // its Monday
    {SummaryGroup::kMonth, "month", "substr(", ", 1, 7)"},
    {SummaryGroup::kYear, "year", "substr(", ", 1, 4)"},
};

const Grouping& GroupingOf(SummaryGroup group) {
  for (const Grouping& g : kGroupings)
    if (g.group == group) return g;
  return kGroupings[1];
}

}  // namespace

std::optional<SummaryGroup> SummaryGroupFromName(const std::string& name) {
  for (const Grouping& g : kGroupings)
    if (name == g.name) return g.group;
  return std::nullopt;
}

const char* SummaryGroupName(SummaryGroup group) { return GroupingOf(group).name; }

Result<std::vector<BalanceView>> QueryBalances(Store& store, const std::string& day) {
  // Visible accounts; with a day, the newest history row on or before it.
  const std::string sql = std::string("SELECT ") + kAccountColumns +
                          ", (SELECT h.day FROM balance_history h WHERE h.account_id = a.id AND "
                          "h.day <= ?1 ORDER BY h.day DESC LIMIT 1)" +
                          kAccountFrom + " WHERE " + kVisibleAccounts +
                          " ORDER BY a.currency, a.type, bank, a.name, a.id";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "read balances"));
  // Named: text binds without a copy (SQLITE_STATIC) and must outlive the steps below.
  const std::string as_of_day = day.empty() ? std::string("9999-12-31") : day;
  stmt.Bind(1, as_of_day);
  std::vector<BalanceView> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    BalanceView b;
    b.account = ReadAccount(stmt, 0);
    b.as_of = stmt.OptText(18);
    rows.push_back(std::move(b));
  }
  if (day.empty()) {
    for (BalanceView& b : rows) b.balance_minor = b.account.balance_minor, b.coming_minor = b.account.coming_minor;
    return rows;
  }
  STORE_ASSIGN_OR_RETURN(
      SqliteStmt history,
      Prepare(store, "SELECT balance_minor, coming_minor FROM balance_history WHERE account_id = ?1 AND day = ?2",
              "read balance history"));
  for (BalanceView& b : rows) {
    if (!b.as_of) continue;
    history.Reset();
    history.BindAll(b.account.id, *b.as_of);
    STORE_ASSIGN_OR_RETURN(bool row, history.Step());
    if (row) b.balance_minor = history.Int64(0), b.coming_minor = history.OptInt64(1);
  }
  return rows;
}

Result<std::vector<SummaryRow>> QuerySummary(Store& store, const TransactionFilter& filter,
                                             SummaryGroup group) {
  SqlWhere where = BuildWhere(store, filter, Reads::kKeys);
  // Keys only, summed here per group and account: SQLite would sort every row for its GROUP BY
  // (100,000 rows a year), and a join per row only to learn the account's currency.
  const Grouping& grouping = GroupingOf(group);
  std::string sql = std::string("SELECT ") + grouping.key_before + where.DateText() +
                    grouping.key_after + ", t.account_id, t.value_minor FROM " + where.from +
                    (where.reads_account ? " JOIN accounts a ON a.id = t.account_id" : "") + where.text;
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "summarise transactions"));
  where.Bind(&stmt, 1);
  struct GroupSum {
    int64_t income_minor = 0, spending_minor = 0, count = 0;
  };
  // Rows come in date order, so a group's rows are mostly consecutive, their accounts mixed:
  // the key is compared, not looked up, on each row.
  std::map<std::string, std::unordered_map<int64_t, GroupSum>> groups;
  std::unordered_map<int64_t, GroupSum>* current = nullptr;
  std::string current_key;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    if (current == nullptr || current_key != stmt.TextView(0)) {
      current_key = stmt.Text(0);
      current = &groups[current_key];
    }
    const int64_t value = stmt.Int64(2);
    GroupSum& sum = (*current)[stmt.Int64(1)];
    int64_t* into = value > 0 ? &sum.income_minor : &sum.spending_minor;
    if (__builtin_add_overflow(*into, value, into))
      return Status::InvalidArgument("a summary total overflows 64 bits");
    ++sum.count;
  }
  STORE_ASSIGN_OR_RETURN(auto currencies, AccountCurrencies(store));
  std::map<std::tuple<std::string, std::string, int>, SummaryRow> merged;  // key, currency order
  for (const auto& [key, accounts] : groups) {
    for (const auto& [account_id, sum] : accounts) {
      const Currency& currency = currencies[account_id];
      SummaryRow& row = merged[{key, currency.code, currency.precision}];
      row.key = key;
      row.currency = currency;
      if (__builtin_add_overflow(row.income_minor, sum.income_minor, &row.income_minor) ||
          __builtin_add_overflow(row.spending_minor, sum.spending_minor, &row.spending_minor))
        return Status::InvalidArgument("a summary total overflows 64 bits");
      row.count += sum.count;
    }
  }
  std::vector<SummaryRow> rows;
  for (auto& entry : merged) rows.push_back(std::move(entry.second));
  return rows;
}

Result<std::vector<TopRow>> QueryTopSpending(Store& store, const TransactionFilter& filter,
                                             int limit) {
  SqlWhere where = BuildWhere(store, filter, Reads::kRows);
  where.Add("t.value_minor < 0");
  std::string sql =
      "SELECT coalesce(nullif(t.counterparty_label, ''), nullif(t.simplified_wording, ''), "
      "t.wording) AS label, a.currency, a.currency_precision, sum(t.value_minor) AS total, "
      "count(*) FROM " + where.from + " JOIN accounts a ON a.id = t.account_id" + where.text +
      " GROUP BY label, a.currency, a.currency_precision ORDER BY total, label LIMIT ?";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "rank spending"));
  where.Bind(&stmt, 1);
  stmt.Bind(where.ValueCount() + 1, static_cast<int64_t>(limit));
  std::vector<TopRow> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back({stmt.Text(0), Currency{stmt.Text(1), static_cast<int>(stmt.Int64(2))},
                    stmt.Int64(3), stmt.Int64(4)});
  }
}

}  // namespace freenahi
