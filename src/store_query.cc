// SPDX-License-Identifier: MIT
// Read-side queries for the CLI: accounts, the transaction walk, a listing's page and
// per-currency totals in one pass over the keys or covering indexes. The filter as SQL is in
// store_query_filter.cc; summaries and balances in store_query_summary.cc. Statements are
// prepared per call: the CLI runs one query per process.
#include "store_query.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <map>

#include "store.h"
#include "store_query_internal.h"
#include "store_schema.h"

namespace freenahi {

using store_internal::SqliteStmt;

namespace store_query_internal {

Result<SqliteStmt> Prepare(Store& store, const std::string& sql, const char* what) {
  return SqliteStmt::Prepare(store.raw_handle(), sql.c_str(), what);
}

}  // namespace store_query_internal

using namespace store_query_internal;  // NOLINT: this file's own helpers

Result<std::vector<AccountView>> QueryAccounts(Store& store, bool include_hidden) {
  const std::string sql = std::string("SELECT ") + kAccountColumns + kAccountFrom + " WHERE ?1 OR (" +
                          kVisibleAccounts + ") ORDER BY bank, a.name, a.id";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "list accounts"));
  stmt.Bind(1, include_hidden);
  std::vector<AccountView> rows;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    rows.push_back(ReadAccount(stmt, 0));
  }
}

AccountView store_query_internal::ReadAccount(const SqliteStmt& s, int c) {
  AccountView a;
  a.id = s.Int64(c + 0);
  a.connection_id = s.Int64(c + 1);
  a.bank = s.Text(c + 2);
  a.name = s.Text(c + 3);
  a.number = s.Text(c + 4);
  a.iban = s.Text(c + 5);
  a.type = s.Text(c + 6);
  a.usage = s.Text(c + 7);
  a.currency = Currency{s.Text(c + 8), static_cast<int>(s.Int64(c + 9))};
  a.balance_minor = s.OptInt64(c + 10);
  a.coming_minor = s.OptInt64(c + 11);
  a.last_update = s.OptInt64(c + 12);
  a.deleted = s.OptInt64(c + 13);
  a.disabled = s.OptInt64(c + 14);
  a.connection_state = s.OptText(c + 15);
  a.connection_last_update = s.OptInt64(c + 16);
  a.connection_deleted = s.OptInt64(c + 17);
  return a;
}

namespace {

// The columns ReadTransaction reads, and their FROM (transactions "t", accounts "a").
constexpr const char* kTransactionColumns =
    "SELECT t.id, t.account_id, a.name, coalesce(c.connector_name, ''), a.currency, "
    "a.currency_precision, t.date, t.vdate, t.rdate, t.datetime, t.value_minor, t.type, "
    "t.wording, t.original_wording, t.simplified_wording, coalesce(t.counterparty_label, ''), "
    "t.categories, t.coming, t.deleted, t.last_update FROM ";
constexpr const char* kTransactionJoins =
    " JOIN accounts a ON a.id = t.account_id LEFT JOIN connections c ON c.id = a.connection_id";

void ReadTransaction(const SqliteStmt& stmt, TransactionView* t) {
  t->id = stmt.Int64(0);
  t->account_id = stmt.Int64(1);
  t->account_name = stmt.Text(2);
  t->bank = stmt.Text(3);
  t->currency.code = stmt.Text(4);
  t->currency.precision = static_cast<int>(stmt.Int64(5));
  t->date = stmt.Text(6);
  t->vdate = stmt.OptText(7);
  t->rdate = stmt.OptText(8);
  t->datetime = stmt.OptInt64(9);
  t->value_minor = stmt.Int64(10);
  t->type = stmt.Text(11);
  t->wording = stmt.Text(12);
  t->original_wording = stmt.Text(13);
  t->simplified_wording = stmt.Text(14);
  t->counterparty = stmt.Text(15);
  t->categories = stmt.Text(16);
  t->coming = stmt.Int64(17) != 0;
  t->deleted = stmt.OptInt64(18);
  t->last_update = stmt.OptInt64(19);
}

// Where a transaction sorts in the newest-first order: date, datetime (none is oldest), id. The
// date as the number YYYYMMDD, as transaction_keys.day holds it (the parsers store only
// "YYYY-MM-DD"): a search compares keys tens of thousands of times, integers cost less.
struct NewestKey {
  int64_t date;
  int64_t datetime;
  int64_t id;
};
int64_t DateNumber(std::string_view date) {
  int64_t n = 0;
  for (char c : date) {
    if (c >= '0' && c <= '9') n = n * 10 + (c - '0');
  }
  return n;
}
struct NewerFirst {
  bool operator()(const NewestKey& a, const NewestKey& b) const {
    if (a.date != b.date) return a.date > b.date;
    if (a.datetime != b.datetime) return a.datetime > b.datetime;
    return a.id > b.id;
  }
};

// The `keep` newest of the keys added, in one pass: keys are appended, and when twice `keep` are
// held the older half is dropped (nth_element), so a key costs O(1) amortised; a heap costs
// log(keep) comparisons each, and search matches come in id order, mostly newer than the last.
class NewestKeys {
 public:
  explicit NewestKeys(size_t keep) : keep_(keep) {}
  void Add(const NewestKey& key) {
    if (keys_.size() == 2 * keep_) Trim();
    keys_.push_back(key);
  }
  // The kept keys, newest first.
  std::vector<NewestKey> Sorted() {
    Trim();
    std::sort(keys_.begin(), keys_.end(), NewerFirst());
    return std::move(keys_);
  }

 private:
  void Trim() {
    if (keys_.size() <= keep_) return;
    std::nth_element(keys_.begin(), keys_.begin() + keep_, keys_.end(), NewerFirst());
    keys_.resize(keep_);
  }
  size_t keep_;
  std::vector<NewestKey> keys_;
};

}  // namespace

Status ForEachTransaction(Store& store, const TransactionFilter& filter, TransactionOrder order,
                          int64_t limit, int64_t offset,
                          const std::function<Status(const TransactionView&)>& row) {
  SqlWhere where = BuildWhere(store, filter, Reads::kRows);
  std::string sql = kTransactionColumns + where.from + kTransactionJoins + where.text +
                    (order == TransactionOrder::kNewestFirst
                         ? " ORDER BY t.date DESC, t.datetime DESC, t.id DESC"
                         : " ORDER BY t.date, t.datetime, t.id") +
                    " LIMIT ? OFFSET ?";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "list transactions"));
  where.Bind(&stmt, 1);
  stmt.Bind(where.ValueCount() + 1, limit > 0 ? limit : int64_t{-1});
  stmt.Bind(where.ValueCount() + 2, offset);
  TransactionView t;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return Status::Ok();
    ReadTransaction(stmt, &t);
    FREENAHI_RETURN_IF_ERROR(row(t));
  }
}

Status ForEachTransactionIn(Store& store, const std::vector<int64_t>& ids,
                            const std::function<Status(const TransactionView&)>& row) {
  std::string sql = std::string(kTransactionColumns) + "transactions t" + kTransactionJoins + " WHERE t.id = ?";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "read transactions"));
  TransactionView t;
  for (int64_t id : ids) {
    stmt.Reset();
    stmt.Bind(1, id);
    STORE_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) continue;
    ReadTransaction(stmt, &t);
    FREENAHI_RETURN_IF_ERROR(row(t));
  }
  return Status::Ok();
}

Result<TransactionPage> QueryTransactionPage(Store& store, const TransactionFilter& filter,
                                             int64_t limit, int64_t offset) {
  SqlWhere where = BuildWhere(store, filter, Reads::kKeys);
  // Only keys: on a range or a search this never reads a whole row.
  std::string sql = std::string("SELECT t.id, ") + where.DateColumn() + ", t.datetime, t.account_id, t.value_minor FROM " +
                    where.from +
                    (where.reads_account ? " JOIN accounts a ON a.id = t.account_id" : "") + where.text;
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "page transactions"));
  where.Bind(&stmt, 1);
  const size_t keep = static_cast<size_t>(std::max<int64_t>(limit, 1) + std::max<int64_t>(offset, 0));
  NewestKeys newest(keep);
  AccountTotals totals;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) break;
    FREENAHI_RETURN_IF_ERROR(totals.Add(stmt.Int64(3), stmt.Int64(4)));
    const int64_t date = where.on_keys ? stmt.Int64(1) : DateNumber(stmt.TextView(1));
    newest.Add(NewestKey{date, stmt.OptInt64(2).value_or(INT64_MIN), stmt.Int64(0)});
  }
  const std::vector<NewestKey> kept = newest.Sorted();
  TransactionPage page;
  for (size_t i = static_cast<size_t>(std::max<int64_t>(offset, 0)); i < kept.size(); ++i)
    page.ids.push_back(kept[i].id);
  STORE_ASSIGN_OR_RETURN(page.totals, totals.PerCurrency(store));
  return page;
}

Result<std::vector<CurrencySum>> SumTransactions(Store& store, const TransactionFilter& filter) {
  SqlWhere where = BuildWhere(store, filter, Reads::kKeys);
  std::string sql = "SELECT t.account_id, t.value_minor FROM " + where.from +
                    (where.reads_account ? " JOIN accounts a ON a.id = t.account_id" : "") + where.text;
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "sum transactions"));
  where.Bind(&stmt, 1);
  AccountTotals totals;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return totals.PerCurrency(store);
    FREENAHI_RETURN_IF_ERROR(totals.Add(stmt.Int64(0), stmt.Int64(1)));
  }
}

Status AccountTotals::Add(int64_t account_id, int64_t value_minor) {
  if (account_id != last_account_ || current_ == nullptr) {
    current_ = &by_account_[account_id];
    last_account_ = account_id;
  }
  if (__builtin_add_overflow(current_->total_minor, value_minor, &current_->total_minor))
    return Status::InvalidArgument("the total of the matching amounts overflows 64 bits");
  ++current_->count;
  return Status::Ok();
}

Result<std::vector<CurrencySum>> AccountTotals::PerCurrency(Store& store) const {
  STORE_ASSIGN_OR_RETURN(auto currencies, AccountCurrencies(store));
  std::map<std::pair<std::string, int>, CurrencySum> merged;  // currency code order
  for (const auto& [account_id, sum] : by_account_) {
    const Currency& currency = currencies[account_id];
    CurrencySum& into = merged[{currency.code, currency.precision}];
    into.currency = currency;
    if (__builtin_add_overflow(into.total_minor, sum.total_minor, &into.total_minor))
      return Status::InvalidArgument("the total of the matching amounts overflows 64 bits");
    into.count += sum.count;
  }
  std::vector<CurrencySum> sums;
  for (auto& entry : merged) sums.push_back(std::move(entry.second));
  return sums;
}

Result<std::unordered_map<int64_t, Currency>> store_query_internal::AccountCurrencies(Store& store) {
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt,
                         Prepare(store, "SELECT id, currency, currency_precision FROM accounts",
                                 "read account currencies"));
  std::unordered_map<int64_t, Currency> currencies;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return currencies;
    currencies[stmt.Int64(0)] = Currency{stmt.Text(1), static_cast<int>(stmt.Int64(2))};
  }
}

}  // namespace freenahi
