// SPDX-License-Identifier: MIT
// Private to store_query*.cc and their tests: the transaction filter as a WHERE clause with its
// bound values, the account columns every query selects, statement preparation on the store's
// connection.
#ifndef FREENAHI_STORE_QUERY_INTERNAL_H_
#define FREENAHI_STORE_QUERY_INTERNAL_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "store_query.h"
#include "store_schema.h"

namespace freenahi {
namespace store_query_internal {

// " WHERE a AND b" (empty when no condition) and the values of its "?" in order.
struct SqlWhere {
  using Value = std::variant<int64_t, std::string>;
  std::string text;
  std::vector<Value> values;
  // "transactions t", with the index the filter is best served by when the planner would not
  // pick it; for a search that reads only keys, transaction_keys named "t". A search with notes
  // joins it to a subquery of ids, whose "?" come first (from_values).
  std::string from = "transactions t";
  std::vector<Value> from_values;
  bool reads_account = false;  // the conditions read "a" (the amount bounds scale by precision)
  bool on_keys = false;  // "t" is transaction_keys, whose date is the integer YYYYMMDD ("day")
  // The transaction's date: "t.date" ('YYYY-MM-DD'), or on the keys "t.day".
  const char* DateColumn() const { return on_keys ? "t.day" : "t.date"; }
  std::string DateText() const;  // the date as 'YYYY-MM-DD' either way
  void Add(const std::string& condition);
  // Binds from_values, then values, from parameter `first` on.
  void Bind(store_internal::SqliteStmt* stmt, int first) const;
  int ValueCount() const { return static_cast<int>(from_values.size() + values.size()); }
};
// What a caller reads of each match: only keys (id, account_id, date, datetime, value_minor,
// coming, deleted, type: what totals, pages, summaries and every filter need), or any column.
enum class Reads { kKeys, kRows };
// The FTS5 query for folded search tokens: "tok1"* "tok2"*, every token as a prefix, in any
// column; a token that only one term of the index starts with is that term, exactly ("term"),
// which matches the same rows and is read faster.
std::string MatchExpression(Store& store, const std::vector<std::string>& tokens);
// Transactions are "t", their account "a" (joined by the caller when reads_account, or always).
SqlWhere BuildWhere(Store& store, const TransactionFilter& filter, Reads reads);

Result<store_internal::SqliteStmt> Prepare(Store& store, const std::string& sql, const char* what);

// The 18 columns ReadAccount reads, and the FROM clause they need (accounts "a", connections "c").
constexpr const char* kAccountColumns =
    "a.id, a.connection_id, coalesce(c.connector_name, '') AS bank, a.name, a.number, "
    "a.iban, a.type, a.usage, a.currency, a.currency_precision, a.balance_minor, a.coming_minor, "
    "a.last_update, a.deleted, a.disabled, c.state, c.last_update, c.deleted_at";
constexpr const char* kAccountFrom =
    " FROM accounts a LEFT JOIN connections c ON c.id = a.connection_id";
constexpr const char* kVisibleAccounts =
    "a.deleted IS NULL AND a.disabled IS NULL AND c.deleted_at IS NULL";
AccountView ReadAccount(const store_internal::SqliteStmt& stmt, int first_column);

// Every account's currency by id (a handful of rows): aggregates sum per account over the
// narrow indexes, without a join per transaction, then per currency.
Result<std::unordered_map<int64_t, Currency>> AccountCurrencies(Store& store);

// Sums and counts per account, fed row by row (consecutive rows of one account are the common
// case), then merged per currency in currency code order. Overflow is an error, as in SQLite.
class AccountTotals {
 public:
  Status Add(int64_t account_id, int64_t value_minor);
  Result<std::vector<CurrencySum>> PerCurrency(Store& store) const;

 private:
  struct Sum {
    int64_t total_minor = 0, count = 0;
  };
  std::unordered_map<int64_t, Sum> by_account_;
  int64_t last_account_ = 0;
  Sum* current_ = nullptr;
};

}  // namespace store_query_internal
}  // namespace freenahi

#endif  // FREENAHI_STORE_QUERY_INTERNAL_H_
