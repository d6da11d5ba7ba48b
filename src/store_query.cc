// SPDX-License-Identifier: MIT
// Read-side queries for the CLI: the transaction filter as SQL (full-text or folded-scan search),
// accounts, the transaction walk and its per-currency sums. Summaries and balances are in
// store_query_summary.cc. Statements are prepared per call: the CLI runs one query per process.
#include "store_query.h"
#include "store_notes.h"

#include <sqlite3.h>

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

}  // namespace

void SqlWhere::Add(const std::string& condition) {
  text += text.empty() ? " WHERE " : " AND ";
  text += condition;
}

void SqlWhere::Bind(SqliteStmt* stmt, int first) const {
  int index = first;
  for (const auto& value : values) {
    if (const int64_t* n = std::get_if<int64_t>(&value)) stmt->Bind(index++, *n);
    else stmt->Bind(index++, std::get<std::string>(value));
  }
}

SqlWhere BuildWhere(Store& store, const TransactionFilter& filter) {
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
  if (filter.type) where.Add("t.type = ?"), where.values.emplace_back(*filter.type);
  if (filter.pending_only) where.Add("t.coming = 1");
  if (!filter.include_deleted) where.Add("t.deleted IS NULL");
  if (filter.search_tokens.empty()) return where;
  if (store.HasFullTextSearch()) {
    std::string match;  // "tok1"* "tok2"*: every token, as a prefix, in any column
    for (const std::string& token : filter.search_tokens) {
      if (!match.empty()) match += ' ';
      match += "\"" + token + "\"*";
    }
    // The user's notes, wordings and tags match too (store_notes.h).
    where.Add("(t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH ?) OR " +
              AnnotationSearchSql(filter.search_tokens.size()) + ")");
    where.values.emplace_back(match);
    for (const std::string& token : filter.search_tokens) where.values.emplace_back("% " + token + "%");
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
  // Preparing a read of the index fails when it is missing or this SQLite lacks FTS5.
  return SqliteStmt::Prepare(db, "SELECT rowid FROM transactions_fts LIMIT 0", "probe the search index")
      .ok();
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

Status ForEachTransaction(Store& store, const TransactionFilter& filter, TransactionOrder order,
                          int64_t limit, int64_t offset,
                          const std::function<Status(const TransactionView&)>& row) {
  SqlWhere where = BuildWhere(store, filter);
  std::string sql =
      "SELECT t.id, t.account_id, a.name, coalesce(c.connector_name, ''), a.currency, "
      "a.currency_precision, t.date, t.vdate, t.rdate, t.datetime, t.value_minor, t.type, "
      "t.wording, t.original_wording, t.simplified_wording, coalesce(t.counterparty_label, ''), "
      "t.categories, t.coming, t.deleted, t.last_update "
      "FROM transactions t JOIN accounts a ON a.id = t.account_id "
      "LEFT JOIN connections c ON c.id = a.connection_id" +
      where.text +
      (order == TransactionOrder::kNewestFirst
           ? " ORDER BY t.date DESC, t.datetime DESC, t.id DESC"
           : " ORDER BY t.date, t.datetime, t.id") +
      " LIMIT ? OFFSET ?";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "list transactions"));
  where.Bind(&stmt, 1);
  stmt.Bind(static_cast<int>(where.values.size()) + 1, limit > 0 ? limit : int64_t{-1});
  stmt.Bind(static_cast<int>(where.values.size()) + 2, offset);
  TransactionView t;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return Status::Ok();
    t.id = stmt.Int64(0);
    t.account_id = stmt.Int64(1);
    t.account_name = stmt.Text(2);
    t.bank = stmt.Text(3);
    t.currency.code = stmt.Text(4);
    t.currency.precision = static_cast<int>(stmt.Int64(5));
    t.date = stmt.Text(6);
    t.vdate = stmt.OptText(7);
    t.rdate = stmt.OptText(8);
    t.datetime = stmt.OptInt64(9);
    t.value_minor = stmt.Int64(10);
    t.type = stmt.Text(11);
    t.wording = stmt.Text(12);
    t.original_wording = stmt.Text(13);
    t.simplified_wording = stmt.Text(14);
    t.counterparty = stmt.Text(15);
    t.categories = stmt.Text(16);
    t.coming = stmt.Int64(17) != 0;
    t.deleted = stmt.OptInt64(18);
    t.last_update = stmt.OptInt64(19);
    FREENAHI_RETURN_IF_ERROR(row(t));
  }
}

Result<std::vector<CurrencySum>> SumTransactions(Store& store, const TransactionFilter& filter) {
  SqlWhere where = BuildWhere(store, filter);
  std::string sql =
      "SELECT a.currency, a.currency_precision, sum(t.value_minor), count(*) "
      "FROM transactions t JOIN accounts a ON a.id = t.account_id" +
      where.text + " GROUP BY a.currency, a.currency_precision ORDER BY a.currency";
  STORE_ASSIGN_OR_RETURN(SqliteStmt stmt, Prepare(store, sql, "sum transactions"));
  where.Bind(&stmt, 1);
  std::vector<CurrencySum> sums;
  for (;;) {
    STORE_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return sums;
    sums.push_back({Currency{stmt.Text(0), static_cast<int>(stmt.Int64(1))}, stmt.Int64(2),
                    stmt.Int64(3)});
  }
}

}  // namespace freenahi
