// SPDX-License-Identifier: MIT
// Read-side queries for the CLI: the transaction filter as SQL (full-text or folded-scan search),
// accounts, the transaction walk, a listing's page and per-currency totals in one pass over the
// covering indexes. Summaries and balances are in store_query_summary.cc. Statements are
// prepared per call: the CLI runs one query per process.
#include "store_query.h"
#include "store_notes.h"

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <map>

#include "store.h"
#include "store_query_internal.h"
#include "store_schema.h"
#include "text_fold.h"

namespace freenahi {

using store_internal::SqliteStmt;

namespace store_query_internal {
namespace {

// freenahi_fold(text): FoldText for the scan fallback of the search (no FTS5).
void FoldFunction(sqlite3_context* context, int, sqlite3_value** argv) {
  const unsigned char* text = sqlite3_value_text(argv[0]);
  if (text == nullptr) return sqlite3_result_null(context);
  std::string folded = " " + FoldText(reinterpret_cast<const char*>(text));
  sqlite3_result_text64(context, folded.data(), folded.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// Amount × 10^(8 - precision): a bound at 8 decimals compares exactly with any account.
std::string ScaledToE8(const char* column) {
  std::string sql = std::string("(") + column + " * CASE a.currency_precision";
  int64_t scale = 100000000;
  for (int p = 0; p <= 8; ++p, scale /= 10)
    sql += " WHEN " + std::to_string(p) + " THEN " + std::to_string(scale);
  return sql + " ELSE 1 END)";
}

// Where a search finds what it reads of each match. FTS5 yields ids; the planner would look
// each one up in the wide rows (~300 bytes of wordings). With an account or a date range,
// scanning that range of its covering index and probing the ids is cheaper (a month of
// groceries: ~8,000 index entries, not 31,000 lookups). With neither, a caller that reads only
// keys looks the ids up in transaction_keys (~25 bytes a row, v10); one that reads whole rows,
// in the rows.
enum class SearchSource { kAccountIndex, kDateIndex, kKeys, kRows };
SearchSource SearchSourceFor(const TransactionFilter& filter, Reads reads) {
  if (!filter.account_ids.empty()) return SearchSource::kAccountIndex;
  if (filter.since || filter.until) return SearchSource::kDateIndex;
  return reads == Reads::kKeys ? SearchSource::kKeys : SearchSource::kRows;
}

// "transactions t" (or transaction_keys named "t"), with the index the planner would not pick.
std::string SearchTable(SearchSource source) {
  switch (source) {
    case SearchSource::kAccountIndex:
      return "transactions t INDEXED BY transactions_by_account_date";
    case SearchSource::kDateIndex:
      return "transactions t INDEXED BY transactions_by_date";
    case SearchSource::kKeys:
      return "transaction_keys t";
    case SearchSource::kRows:
      break;
  }
  return "transactions t";
}

// The one term of the search index that starts with `token`, if exactly one does. FTS5 answers a
// prefix query by merging the doclists of every term in the prefix's range into a new list;
// an exact term is read in place: "carrefour"* → "carrefour", 31,000 matches: ~4 ms less. The
// terms come from an fts5vocab table over the index, made in the connection's temp schema (a
// reader can write there; nothing is stored in the file).
std::optional<std::string> OnlyTermWithPrefix(Store& store, const std::string& token) {
  sqlite3* db = store.raw_handle();
  if (!store_internal::Exec(db,
                            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.freenahi_search_terms "
                            "USING fts5vocab(main, 'transactions_fts', 'row')",
                            "list the search terms")
           .ok())
    return std::nullopt;
  // Every term starting with `token` sorts before token + 0xFF (a byte UTF-8 never uses).
  Result<SqliteStmt> terms = Prepare(
      store, "SELECT term FROM temp.freenahi_search_terms WHERE term >= ?1 AND term < ?2 LIMIT 2",
      "list the search terms");
  if (!terms.ok()) return std::nullopt;
  terms->Bind(1, token);
  terms->Bind(2, token + '\xff');
  std::optional<std::string> only;
  for (int found = 0;; ++found) {
    Result<bool> row = terms->Step();
    if (!row.ok() || (*row && found == 1)) return std::nullopt;  // an error, or a second term
    if (!*row) return only;
    only = terms->Text(0);
  }
}

}  // namespace

void SqlWhere::Add(const std::string& condition) {
  text += text.empty() ? " WHERE " : " AND ";
  text += condition;
}

void SqlWhere::Bind(SqliteStmt* stmt, int first) const {
  int index = first;
  for (const auto* list : {&from_values, &values}) {
    for (const auto& value : *list) {
      if (const int64_t* n = std::get_if<int64_t>(&value)) stmt->Bind(index++, *n);
      else stmt->Bind(index++, std::get<std::string>(value));
    }
  }
}

std::string SqlWhere::DateText() const {
  if (!date_is_number) return date;
  return "printf('%04d-%02d-%02d', " + date + " / 10000, " + date + " / 100 % 100, " + date +
         " % 100)";
}

std::string MatchExpression(Store& store, const std::vector<std::string>& tokens) {
  std::string match;
  for (const std::string& token : tokens) {
    if (!match.empty()) match += ' ';
    std::optional<std::string> term = OnlyTermWithPrefix(store, token);
    if (term && term->find('"') != std::string::npos) term.reset();  // never from unicode61
    match += term ? "\"" + *term + "\"" : "\"" + token + "\"*";
  }
  return match;
}

namespace {

// The search over FTS5, and over the user's notes, wordings and tags (store_notes.h), as the
// FROM and WHERE of `where`.
void AddFullTextSearch(Store& store, const TransactionFilter& filter, Reads reads, SqlWhere* where) {
  const std::string match = MatchExpression(store, filter.search_tokens);
  const bool annotated = HasAnnotations(store);
  const SearchSource source = SearchSourceFor(filter, reads);
  if (source == SearchSource::kKeys) where->date = "t.day", where->date_is_number = true;
  if (source == SearchSource::kKeys || source == SearchSource::kRows) {
    // Each id looked up as it comes (a join), rather than first gathered into a temporary
    // table for an IN: ~5 ms less for 31,000 matches.
    if (!annotated) {
      where->from =
          "transactions_fts JOIN " + SearchTable(source) + " ON t.id = transactions_fts.rowid";
      where->Add("transactions_fts MATCH ?");
      where->values.emplace_back(match);
      return;
    }
    // With notes: FTS5's ids, then the noted ones FTS5 does not match (a check of one id), so
    // that no id comes twice without a UNION's temporary table (~9 ms for 31,000 matches).
    // CROSS JOIN: the ids drive, one lookup each.
    where->from = "(SELECT rowid AS id FROM transactions_fts WHERE transactions_fts MATCH ? "
                  "UNION ALL SELECT a.transaction_id FROM (" +
                  AnnotationSearchIds(filter.search_tokens.size()) +
                  ") a WHERE NOT EXISTS (SELECT 1 FROM transactions_fts f WHERE "
                  "f.transactions_fts MATCH ? AND f.rowid = a.transaction_id)) m CROSS JOIN " +
                  SearchTable(source) + " ON t.id = m.id";
    where->from_values.emplace_back(match);
    for (const std::string& token : filter.search_tokens)
      where->from_values.emplace_back("% " + token + "%");
    where->from_values.emplace_back(match);
    return;
  }
  // With an account or a date range: the ids probed while walking that range of its index. One
  // IN over a UNION (not two ORed INs), so that the planner keeps to the index.
  where->Add("t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH ?" +
             (annotated ? " UNION " + AnnotationSearchIds(filter.search_tokens.size()) : "") + ")");
  where->values.emplace_back(match);
  if (annotated) {
    for (const std::string& token : filter.search_tokens)
      where->values.emplace_back("% " + token + "%");
  }
  where->from = SearchTable(source);
}

}  // namespace

SqlWhere BuildWhere(Store& store, const TransactionFilter& filter, Reads reads) {
  SqlWhere where;
  if (!filter.account_ids.empty()) {
    std::string list;
    for (int64_t id : filter.account_ids) {
      list += list.empty() ? "?" : ", ?";
      where.values.emplace_back(id);
    }
    where.Add("t.account_id IN (" + list + ")");
  }
  if (filter.since) where.Add("t.date >= ?"), where.values.emplace_back(*filter.since);
  if (filter.until) where.Add("t.date <= ?"), where.values.emplace_back(*filter.until);
  if (filter.min_e8) where.Add(ScaledToE8("t.value_minor") + " >= ?"), where.values.emplace_back(*filter.min_e8);
  if (filter.max_e8) where.Add(ScaledToE8("t.value_minor") + " <= ?"), where.values.emplace_back(*filter.max_e8);
  where.reads_account = filter.min_e8 || filter.max_e8;
  if (filter.type) where.Add("t.type = ?"), where.values.emplace_back(*filter.type);
  if (filter.pending_only) where.Add("t.coming = 1");
  if (!filter.include_deleted) where.Add("t.deleted IS NULL");
  if (filter.search_tokens.empty()) return where;
  if (store.HasFullTextSearch()) {
    AddFullTextSearch(store, filter, reads, &where);
    return where;
  }
  // Same tokens, same prefix rule, on the folded text: " tok" at a token start.
  std::string bank;
  for (size_t i = 0; i < filter.search_tokens.size(); ++i) {
    bank += i ? " AND " : "";
    bank += "freenahi_fold(t.wording || ' ' || t.original_wording || ' ' || t.simplified_wording || "
            "' ' || coalesce(t.counterparty_label, '')) LIKE ?";
  }
  where.Add("((" + bank + ") OR " + AnnotationSearchSql(filter.search_tokens.size()) + ")");
  for (int pass = 0; pass < 2; ++pass) {
    for (const std::string& token : filter.search_tokens) where.values.emplace_back("% " + token + "%");
  }
  return where;
}

Result<SqliteStmt> Prepare(Store& store, const std::string& sql, const char* what) {
  return SqliteStmt::Prepare(store.raw_handle(), sql.c_str(), what);
}

}  // namespace store_query_internal

using namespace store_query_internal;  // NOLINT: this file's own helpers

bool Store::HasFullTextSearch() {
  sqlite3* db = raw_handle();
  // The fallback search needs freenahi_fold; registering again just replaces it.
  sqlite3_create_function_v2(db, "freenahi_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                             FoldFunction, nullptr, nullptr, nullptr);
  return store_internal::SearchIndexReadable(db);
}

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
  std::string sql = "SELECT t.id, " + where.date + ", t.datetime, t.account_id, t.value_minor FROM " +
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
    const int64_t date = where.date_is_number ? stmt.Int64(1) : DateNumber(stmt.TextView(1));
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
