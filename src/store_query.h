// SPDX-License-Identifier: MIT
// The CLI's read-side queries over the store: accounts with their bank and connection state,
// filtered transactions (streamed), balances (now or at a date), income/spending summaries.
// All SQL text lives in store_query*.cc; commands see only these structs. Read-only.
#ifndef FREENAHI_STORE_QUERY_H_
#define FREENAHI_STORE_QUERY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "model.h"
#include "status.h"

namespace freenahi {

class Store;

struct AccountView {
  int64_t id = 0;
  int64_t connection_id = 0;
  std::string bank;  // the connector's name ("Connecteur de test"); empty when unknown
  std::string name, number, iban, type, usage;
  Currency currency;
  std::optional<int64_t> balance_minor, coming_minor;
  std::optional<UnixSeconds> last_update, deleted, disabled;
  std::optional<std::string> connection_state;  // null = fine
  std::optional<UnixSeconds> connection_last_update, connection_deleted;
};
// Visible accounts (not deleted, not disabled, connection not deleted), or all of them, ordered
// by bank, name, id.
Result<std::vector<AccountView>> QueryAccounts(Store& store, bool include_hidden);

// What `transactions`, `summary` and `export` filter on. Bounds are inclusive; dates YYYY-MM-DD.
struct TransactionFilter {
  std::vector<int64_t> account_ids;  // empty: every account
  std::optional<std::string> since, until;
  // Amount bounds as exact decimals at 8 places ("-50" → -5000000000), compared exactly
  // whatever the account's precision (≤ 8).
  std::optional<int64_t> min_e8, max_e8;
  std::vector<std::string> search_tokens;  // folded (text_fold.h); all must match (prefixes)
  std::optional<std::string> type;         // Powens type: card, transfer, ...
  bool pending_only = false;
  bool include_deleted = false;
};

enum class TransactionOrder {
  kNewestFirst,  // date, datetime, id descending: what people read
  kOldestFirst,  // date, id ascending: stable, what journals and diffs want
};

struct TransactionView {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string account_name, bank;
  Currency currency;
  std::string date;  // YYYY-MM-DD
  std::optional<std::string> vdate, rdate;
  std::optional<UnixSeconds> datetime;
  int64_t value_minor = 0;
  std::string type, wording, original_wording, simplified_wording;
  std::string counterparty;  // label, empty when none
  std::string categories;    // "parent/code;parent/code"
  bool coming = false;
  std::optional<UnixSeconds> deleted, last_update;
  // The user's own, set by Annotator::Fill (annotate.h) after the query; empty otherwise.
  bool pinned = false;
  std::string local_wording, note, category;  // local_wording: shown instead of the bank's
  std::vector<std::string> tags;
};

// Calls `row` for each matching transaction in `order`, skipping `offset` and stopping after
// `limit` (≤ 0: no limit). The view passed to `row` is reused: copy what you keep. A non-OK
// Status from `row` stops the walk and is returned.
Status ForEachTransaction(Store& store, const TransactionFilter& filter, TransactionOrder order,
                          int64_t limit, int64_t offset,
                          const std::function<Status(const TransactionView&)>& row);

// Calls `row` for each of `ids` that exists, in that order (the view is reused).
Status ForEachTransactionIn(Store& store, const std::vector<int64_t>& ids,
                            const std::function<Status(const TransactionView&)>& row);

// Sum and count of every matching transaction (no limit) per currency, code order.
struct CurrencySum {
  Currency currency;
  int64_t total_minor = 0;
  int64_t count = 0;
};
Result<std::vector<CurrencySum>> SumTransactions(Store& store, const TransactionFilter& filter);

// A newest-first page of the matches (ids, then ForEachTransactionIn) and the totals over every
// match, from one walk over the narrow index entries of the matches: a search's FTS5 lookup and
// a range's scan run once, and only the page's rows are read whole. `limit` ≥ 1.
struct TransactionPage {
  std::vector<int64_t> ids;
  std::vector<CurrencySum> totals;
};
Result<TransactionPage> QueryTransactionPage(Store& store, const TransactionFilter& filter,
                                             int64_t limit, int64_t offset);

// One account's balance as of a day: the newest balance_history row on or before `day`
// (today's balance when `day` is empty).
struct BalanceView {
  AccountView account;
  std::optional<int64_t> balance_minor;  // null: no balance known for that day
  std::optional<int64_t> coming_minor;
  std::optional<std::string> as_of;      // the history day it comes from
};
Result<std::vector<BalanceView>> QueryBalances(Store& store, const std::string& day);

// Income (sum of positive amounts), spending (sum of negative ones) per group and currency.
// Groupings are rows of a table in store_query_summary.cc: add one there (and here) to add one.
enum class SummaryGroup { kWeek, kMonth, kYear };
// "week", "month", "year"; nullopt for an unknown name.
std::optional<SummaryGroup> SummaryGroupFromName(const std::string& name);
const char* SummaryGroupName(SummaryGroup group);
struct SummaryRow {
  std::string key;  // "2024-03" (month), "2024-03-04" (the Monday of a week), "2024" (year)
  Currency currency;
  int64_t income_minor = 0, spending_minor = 0;  // spending ≤ 0
  int64_t count = 0;
};
Result<std::vector<SummaryRow>> QuerySummary(Store& store, const TransactionFilter& filter,
                                             SummaryGroup group);

// The biggest spending grouped by counterparty (else simplified wording, else wording).
struct TopRow {
  std::string label;
  Currency currency;
  int64_t spending_minor = 0;  // ≤ 0
  int64_t count = 0;
};
Result<std::vector<TopRow>> QueryTopSpending(Store& store, const TransactionFilter& filter,
                                             int limit);

}  // namespace freenahi

#endif  // FREENAHI_STORE_QUERY_H_
