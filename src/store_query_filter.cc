// SPDX-License-Identifier: MIT
// The transaction filter as SQL (store_query_internal.h): accounts, dates, amount bounds exact at
// any precision, type, flags, and the search: FTS5 (a token only one indexed term starts with
// asked as that term) with the user's notes, or the folded scan where SQLite lacks FTS5. Says
// where each match is read: the keys (transaction_keys), a covering index, or the rows.
#include <sqlite3.h>

#include <optional>

#include "store.h"
#include "store_notes.h"
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
// keys looks the ids up in transaction_keys (~27 bytes a row, v10); one that reads whole rows,
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

// The search index's terms (an fts5vocab table, made in the connection's temp schema: a reader
// can write there, nothing is stored in the file), or an error when they cannot be listed.
Result<SqliteStmt> PrepareTermsWithPrefix(Store& store) {
  FREENAHI_RETURN_IF_ERROR(store_internal::Exec(
      store.raw_handle(),
      "CREATE VIRTUAL TABLE IF NOT EXISTS temp.freenahi_search_terms "
      "USING fts5vocab(main, 'transactions_fts', 'row')",
      "list the search terms"));
  // Every term starting with ?1 sorts before ?1 + 0xFF (a byte UTF-8 never uses).
  return Prepare(store,
                 "SELECT term FROM temp.freenahi_search_terms WHERE term >= ?1 AND term < ?2 LIMIT 2",
                 "list the search terms");
}

// The one term of the index that starts with `token`, if exactly one does (and can be quoted).
std::optional<std::string> OnlyTermWithPrefix(SqliteStmt* terms, const std::string& token) {
  terms->Reset();
  terms->Bind(1, token);
  terms->Bind(2, token + '\xff');
  std::optional<std::string> only;
  for (int found = 0;; ++found) {
    Result<bool> row = terms->Step();
    if (!row.ok() || (*row && found == 1)) return std::nullopt;  // an error, or a second term
    if (!*row) break;
    only = terms->Text(0);
  }
  if (only && only->find('"') != std::string::npos) return std::nullopt;  // not from unicode61
  return only;
}

// "% tok%" for each token: LIKE over folded text, a token at a word start.
void AddLikeValues(const std::vector<std::string>& tokens, std::vector<SqlWhere::Value>* into) {
  for (const std::string& token : tokens) into->emplace_back("% " + token + "%");
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
  if (!on_keys) return "t.date";
  return "printf('%04d-%02d-%02d', t.day / 10000, t.day / 100 % 100, t.day % 100)";
}

// FTS5 answers a prefix query by merging the doclists of every term in the prefix's range into
// a new list; an exact term is read in place: "carrefour"* → "carrefour", 31,000 matches: ~4 ms
// less. Without the term list (an error), every token stays a prefix.
std::string MatchExpression(Store& store, const std::vector<std::string>& tokens) {
  Result<SqliteStmt> terms = PrepareTermsWithPrefix(store);
  std::string match;
  for (const std::string& token : tokens) {
    if (!match.empty()) match += ' ';
    std::optional<std::string> term = terms.ok() ? OnlyTermWithPrefix(&*terms, token) : std::nullopt;
    match += term ? "\"" + *term + "\"" : "\"" + token + "\"*";
  }
  return match;
}

namespace {

// The search over FTS5, and over the user's notes, wordings and tags (store_notes.h), as the
// FROM and WHERE of `where`.
void AddFullTextSearch(Store& store, const TransactionFilter& filter, Reads reads,
                       SqlWhere* where) {
  const std::string match = MatchExpression(store, filter.search_tokens);
  const bool annotated = HasAnnotations(store);
  const SearchSource source = SearchSourceFor(filter, reads);
  where->on_keys = source == SearchSource::kKeys;
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
    AddLikeValues(filter.search_tokens, &where->from_values);
    where->from_values.emplace_back(match);
    return;
  }
  // With an account or a date range: the ids probed while walking that range of its index. One
  // IN over a UNION (not two ORed INs), so that the planner keeps to the index.
  where->Add("t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH ?" +
             (annotated ? " UNION " + AnnotationSearchIds(filter.search_tokens.size()) : "") + ")");
  where->values.emplace_back(match);
  if (annotated) AddLikeValues(filter.search_tokens, &where->values);
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
  AddLikeValues(filter.search_tokens, &where.values);  // the bank's texts
  AddLikeValues(filter.search_tokens, &where.values);  // the user's notes
  return where;
}

}  // namespace store_query_internal

bool Store::HasFullTextSearch() {
  sqlite3* db = raw_handle();
  // The fallback search needs freenahi_fold; registering again just replaces it.
  sqlite3_create_function_v2(db, "freenahi_fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                             store_query_internal::FoldFunction, nullptr, nullptr, nullptr);
  return store_internal::SearchIndexReadable(db);
}

}  // namespace freenahi
