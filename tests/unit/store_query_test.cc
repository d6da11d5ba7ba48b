// SPDX-License-Identifier: MIT
// The read-side queries on a store filled through ApplyInbox: filters, amounts at any precision,
// search with FTS5 and the same answers from the scan fallback once the index is gone,
// summaries, balances at a day.
#include "store_query.h"

#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

#include "catch.h"
#include "store.h"
#include "store_notes.h"
#include "store_query_internal.h"
#include "store_schema.h"
#include "test_util.h"
#include "text_fold.h"

namespace freenahi {
namespace {

constexpr UnixSeconds kNow = 1710399729;  // 2024-03-14 07:02:09 UTC

Transaction Tx(int64_t id, const char* date, int64_t value_minor, const char* wording,
               const char* original, const char* counterparty = nullptr) {
  Transaction t;
  t.id = id;
  t.date = date;
  t.value_minor = value_minor;
  t.type = value_minor < 0 ? "card" : "transfer";
  t.wording = wording;
  t.simplified_wording = wording;
  t.original_wording = original;
  if (counterparty) t.counterparty = Counterparty{counterparty, "iban", "FR76", "creditor"};
  t.last_update = kNow;
  return t;
}

// A new store at `path` with `accounts` of connection 7 ("Banque") applied as one sync.
std::unique_ptr<Store> Applied(const std::string& path, std::vector<Account> accounts) {
  Result<std::unique_ptr<Store>> store = Store::Open(path);
  REQUIRE(store.ok());
  Payload payload;
  payload.webhook_id = 1;
  Connection& c = payload.connection.emplace();
  c.id = 7, c.user_id = 1, c.connector_name = "Banque";
  c.accounts = std::move(accounts);
  REQUIRE((*store)->InsertInbox(1, "connection_synced", 1, "{}", kNow).value());
  REQUIRE((*store)->ApplyInbox(1, payload, kNow).ok());
  return std::move(*store);
}

std::unique_ptr<Store> Filled(const std::string& path) {
  Account checking;
  checking.id = 1, checking.connection_id = 7, checking.user_id = 1;
  checking.name = "Compte de dépôt", checking.type = "checking", checking.balance_minor = 100000;
  checking.last_update = kNow;
  checking.transactions = {
      Tx(11, "2024-03-01", -450, "CAFÉ DE LA GARE", "CARTE 01/03 CAFE DE LA GARE"),
      Tx(12, "2024-03-02", -12000, "Crème & Co", "PRLV SEPA CREME ET CO"),
      Tx(13, "2024-02-28", 250000, "SALAIRE", "VIR SEPA RECU", "ACME Industries"),
      Tx(14, "2024-01-15", -999, "Boulangerie du marché", "CARTE 15/01 BOULANGERIE"),
      Tx(15, "2023-12-24", -5000, "Œuvres & Dons", "DON ÉLÈVES PARIS-12"),
  };
  checking.transactions[1].coming = true;
  checking.transactions[4].deleted = kNow;
  Account yen;
  yen.id = 2, yen.connection_id = 7, yen.user_id = 1, yen.name = "円口座", yen.type = "savings";
  yen.currency = Currency{"JPY", 0}, yen.balance_minor = 5000, yen.last_update = kNow;
  yen.transactions = {Tx(21, "2024-03-03", -300, "カフェ cafe", "CAFE TOKYO")};
  return Applied(path, {checking, yen});
}

std::vector<int64_t> Ids(Store& store, const TransactionFilter& filter) {
  std::vector<int64_t> ids;
  REQUIRE(ForEachTransaction(store, filter, TransactionOrder::kNewestFirst, 0, 0,
                             [&ids](const TransactionView& t) {
                               ids.push_back(t.id);
                               return Status::Ok();
                             })
              .ok());
  return ids;
}

std::vector<int64_t> Search(Store& store, const char* text) {
  TransactionFilter filter;
  filter.search_tokens = FoldTokens(text);
  filter.include_deleted = true;
  return Ids(store, filter);
}

TEST_CASE("store_query: filters combine; amounts compare exactly at any precision", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Filled(dir.File("q.db"));
  TransactionFilter all;
  CHECK(Ids(*store, all) == std::vector<int64_t>{21, 12, 11, 13, 14});
  TransactionFilter deleted = all;
  deleted.include_deleted = true;
  CHECK(Ids(*store, deleted).back() == 15);
  TransactionFilter f;
  f.since = "2024-02-01", f.until = "2024-03-01";
  CHECK(Ids(*store, f) == std::vector<int64_t>{11, 13});
  f = TransactionFilter();
  f.max_e8 = -400'000'000;  // -4 (EUR: -4.00; JPY: -4 yen)
  CHECK(Ids(*store, f) == std::vector<int64_t>{21, 12, 11, 14});
  f.min_e8 = -500'000'000;  // -5
  CHECK(Ids(*store, f) == std::vector<int64_t>{11});  // -4.50 EUR; not -300 JPY
  f = TransactionFilter();
  f.pending_only = true;
  CHECK(Ids(*store, f) == std::vector<int64_t>{12});
  f = TransactionFilter();
  f.account_ids = {2};
  CHECK(Ids(*store, f) == std::vector<int64_t>{21});
  Result<std::vector<CurrencySum>> sums = SumTransactions(*store, TransactionFilter());
  REQUIRE(sums.ok());
  REQUIRE(sums->size() == 2);
  CHECK((*sums)[0].currency.code == "EUR");
  CHECK((*sums)[0].total_minor == 250000 - 450 - 12000 - 999);
  CHECK((*sums)[1].total_minor == -300);
}

TEST_CASE("store_query: search is the same with FTS5 and with the scan fallback", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Filled(dir.File("s.db"));
  REQUIRE(store->HasFullTextSearch());
  const char* queries[] = {"cafe", "CAFÉ", "crème", "creme co", "carte", "acme", "indus", "élèves",
                           "oeuvres", "œuvres", "paris 12", "gare cafe", "boulangerie march",
                           "tokyo", "カフェ", "zzz", "12"};
  std::vector<std::vector<int64_t>> with_index;
  for (const char* q : queries) with_index.push_back(Search(*store, q));
  CHECK(with_index[0] == std::vector<int64_t>{21, 11});
  CHECK(with_index[1] == with_index[0]);
  CHECK(with_index[2] == std::vector<int64_t>{12});
  CHECK(with_index[5] == std::vector<int64_t>{13});
  CHECK(with_index[7] == std::vector<int64_t>{15});
  CHECK(with_index[10] == std::vector<int64_t>{15});
  CHECK(with_index[15].empty());
  // A build without FTS5 has no index: drop it and ask again.
  REQUIRE(sqlite3_exec(store->raw_handle(),
                       "DROP TRIGGER transactions_fts_insert; DROP TRIGGER transactions_fts_delete;"
                       "DROP TRIGGER transactions_fts_update; DROP TABLE transactions_fts;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE_FALSE(store->HasFullTextSearch());
  for (size_t i = 0; i < std::size(queries); ++i) {
    INFO(queries[i]);
    CHECK(Search(*store, queries[i]) == with_index[i]);
  }
}

TEST_CASE("store_query: a prefix only one indexed term has is searched as that term", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Filled(dir.File("t.db"));
  REQUIRE(store->HasFullTextSearch());
  using store_query_internal::MatchExpression;
  // "indus" → industries (one term); "cafe" is a whole term; "c" starts several (cafe, carte,
  // co, creme...); "zzz" none: those stay prefixes.
  CHECK(MatchExpression(*store, FoldTokens("indus cafe")) == "\"industries\" \"cafe\"");
  CHECK(MatchExpression(*store, FoldTokens("c zzz")) == "\"c\"* \"zzz\"*");
  CHECK(Search(*store, "indus cafe").empty());
  CHECK(Search(*store, "acme indus") == std::vector<int64_t>{13});
  // A second term with the prefix arrives: the token is a prefix again, and finds both rows.
  REQUIRE(sqlite3_exec(store->raw_handle(), "UPDATE transactions SET wording = 'INDUSTRIEL' WHERE id = 12",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(MatchExpression(*store, FoldTokens("indus")) == "\"indus\"*");
  CHECK(Search(*store, "indus") == std::vector<int64_t>{12, 13});
}

// A v10 database taken back to v9: the search keys in the id index, no transaction_keys.
constexpr const char* kBackToV9 =
    "DROP TRIGGER transaction_keys_insert; DROP TRIGGER transaction_keys_delete;"
    "DROP TRIGGER transaction_keys_update; DROP TABLE transaction_keys;"
    "CREATE INDEX transactions_by_id ON transactions"
    "  (id, account_id, date, datetime, value_minor, coming, deleted, type);"
    "PRAGMA user_version = 9;";

// The v8 search index, as a database made before v9 holds it (after kBackToV9).
constexpr const char* kV8SearchIndex =
    "DROP TABLE transactions_fts;"
    "CREATE VIRTUAL TABLE transactions_fts USING fts5(wording, original_wording, simplified_wording,"
    "  counterparty_label, content = 'transactions', content_rowid = 'id',"
    "  tokenize = 'unicode61 remove_diacritics 2');"
    "INSERT INTO transactions_fts (transactions_fts) VALUES ('rebuild');"
    "PRAGMA user_version = 8;";

std::string SearchIndexSql(Store& store) {
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(store.raw_handle(),
                             "SELECT sql FROM sqlite_master WHERE name = 'transactions_fts'", -1,
                             &stmt, nullptr) == SQLITE_OK);
  std::string sql = sqlite3_step(stmt) == SQLITE_ROW
                        ? reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0))
                        : "";
  sqlite3_finalize(stmt);
  return sql;
}

TEST_CASE("store_query: v9 rebuilds a v8 search index lean, with the same answers", "[store_query]") {
  ScopedTempDir dir;
  const std::string path = dir.File("v8.db");
  const char* queries[] = {"cafe", "creme co", "acme", "oeuvres", "paris 12", "カフェ", "zzz"};
  std::vector<std::vector<int64_t>> before;
  {
    std::unique_ptr<Store> store = Filled(path);
    REQUIRE(sqlite3_exec(store->raw_handle(), kBackToV9, nullptr, nullptr, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(store->raw_handle(), kV8SearchIndex, nullptr, nullptr, nullptr) == SQLITE_OK);
    CHECK(SearchIndexSql(*store).find("detail") == std::string::npos);
    for (const char* q : queries) before.push_back(Search(*store, q));
  }
  CHECK(before[0] == std::vector<int64_t>{21, 11});
  Result<std::unique_ptr<Store>> reopened = Store::Open(path);  // migrates to v9, then v10
  REQUIRE(reopened.ok());
  Store& store = **reopened;
  CHECK(store.SchemaVersion() == store_internal::LatestSchemaVersion());
  CHECK(SearchIndexSql(store).find("detail = none, columnsize = 0") != std::string::npos);
  for (size_t i = 0; i < std::size(queries); ++i) {
    INFO(queries[i]);
    CHECK(Search(store, queries[i]) == before[i]);
  }
  // The triggers still feed the new index, and FTS5 finds it consistent with the rows.
  REQUIRE(sqlite3_exec(store.raw_handle(), "UPDATE transactions SET wording = 'THÉ VERT' WHERE id = 11",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(Search(store, "the vert") == std::vector<int64_t>{11});
  CHECK(sqlite3_exec(store.raw_handle(),
                     "INSERT INTO transactions_fts (transactions_fts) VALUES ('integrity-check')",
                     nullptr, nullptr, nullptr) == SQLITE_OK);
}

TEST_CASE("store_query: v9 leaves a database without a search index without one", "[store_query]") {
  ScopedTempDir dir;
  const std::string path = dir.File("nofts.db");
  {
    std::unique_ptr<Store> store = Filled(path);
    REQUIRE(sqlite3_exec(store->raw_handle(), kBackToV9, nullptr, nullptr, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(store->raw_handle(),
                         "DROP TRIGGER transactions_fts_insert; DROP TRIGGER transactions_fts_delete;"
                         "DROP TRIGGER transactions_fts_update; DROP TABLE transactions_fts;"
                         "PRAGMA user_version = 8;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  Result<std::unique_ptr<Store>> reopened = Store::Open(path);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->SchemaVersion() == store_internal::LatestSchemaVersion());
  CHECK_FALSE((*reopened)->HasFullTextSearch());
  CHECK(Search(**reopened, "cafe") == std::vector<int64_t>{21, 11});  // the scan fallback
}

TEST_CASE("store_query: the index follows updates and deletions", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Filled(dir.File("u.db"));
  sqlite3* db = store->raw_handle();
  REQUIRE(sqlite3_exec(db, "UPDATE transactions SET wording = 'THÉ VERT' WHERE id = 11", nullptr,
                       nullptr, nullptr) == SQLITE_OK);
  CHECK(Search(*store, "the vert") == std::vector<int64_t>{11});
  CHECK(Search(*store, "gare") == std::vector<int64_t>{11});  // still in original_wording
  REQUIRE(sqlite3_exec(db, "DELETE FROM transactions WHERE id = 11", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  CHECK(Search(*store, "gare").empty());
}

TEST_CASE("store_query: summary groups by month, week, year per currency", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Filled(dir.File("m.db"));
  Result<std::vector<SummaryRow>> months = QuerySummary(*store, TransactionFilter(), SummaryGroup::kMonth);
  REQUIRE(months.ok());
  REQUIRE(months->size() == 4);
  CHECK((*months)[0].key == "2024-01");
  CHECK((*months)[1].key == "2024-02");
  CHECK((*months)[1].income_minor == 250000);
  CHECK((*months)[2].key == "2024-03");
  CHECK((*months)[2].currency.code == "EUR");
  CHECK((*months)[2].spending_minor == -12450);
  CHECK((*months)[3].currency.code == "JPY");
  Result<std::vector<SummaryRow>> weeks = QuerySummary(*store, TransactionFilter(), SummaryGroup::kWeek);
  REQUIRE(weeks.ok());
  CHECK(weeks->front().key == "2024-01-15");  // a Monday
  CHECK((*weeks)[1].key == "2024-02-26");     // the Monday before Wednesday 2024-02-28
  CHECK(SummaryGroupFromName("year") == SummaryGroup::kYear);
  CHECK_FALSE(SummaryGroupFromName("day"));
  Result<std::vector<TopRow>> top = QueryTopSpending(*store, TransactionFilter(), 1);
  REQUIRE(top.ok());
  REQUIRE(top->size() == 1);
  CHECK(top->front().label == "Crème & Co");  // the biggest spending (-120.00 EUR)
  CHECK(top->front().spending_minor == -12000);
}

// 600 transactions over 3 accounts (EUR, EUR, JPY) and a few months, many on the same day,
// some with a datetime and some without, pending, deleted: the one-pass page, totals and
// summaries are checked against the same questions asked in plain SQL.
std::unique_ptr<Store> Generated(const std::string& path) {
  std::vector<Account> accounts;
  const char* words[] = {"CARREFOUR MARKET", "Boulangerie Paul", "SNCF", "Carrefour City", "LOYER"};
  for (int a = 0; a < 3; ++a) {
    Account account;
    account.id = a + 1, account.connection_id = 7, account.user_id = 1, account.type = "checking";
    account.name = "Compte " + std::to_string(a + 1), account.last_update = kNow;
    if (a == 2) account.currency = Currency{"JPY", 0};
    for (int i = 0; i < 200; ++i) {
      const int n = a * 200 + i;
      char date[11];
      std::snprintf(date, sizeof date, "2024-%02d-%02d", 1 + (n * 7) % 4, 1 + (n * 13) % 9);
      Transaction t = Tx(1000 + (n * 37) % 600, date, (n % 5 == 0 ? 1 : -1) * (100 + n * 11),
                         words[n % 5], "CARTE");
      if (n % 3 == 0) t.datetime = kNow - n % 4 * 3600;
      t.coming = n % 7 == 0;
      if (n % 11 == 0) t.deleted = kNow;
      account.transactions.push_back(t);
    }
    accounts.push_back(account);
  }
  return Applied(path, std::move(accounts));
}

// Every row's first column of `sql`, concatenated.
std::string SqlText(Store& store, const std::string& sql) {
  std::string out;
  REQUIRE(sqlite3_exec(store.raw_handle(), sql.c_str(),
                       [](void* o, int, char** v, char**) {
                         *static_cast<std::string*>(o) += v[0];
                         return 0;
                       },
                       &out, nullptr) == SQLITE_OK);
  return out;
}

// "CUR total count;" per currency, from plain SQL over the ids the walk returns.
std::string SqlTotals(Store& store, const std::vector<int64_t>& ids) {
  std::string list;
  for (int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  std::string sql = "SELECT a.currency || ' ' || sum(t.value_minor) || ' ' || count(*) || ';' "
                    "FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE t.id IN (" +
                    list + ") GROUP BY a.currency ORDER BY a.currency";
  return SqlText(store, sql);
}

std::string Totals(const std::vector<CurrencySum>& sums) {
  std::string out;
  for (const CurrencySum& s : sums)
    out += s.currency.code + " " + std::to_string(s.total_minor) + " " + std::to_string(s.count) + ";";
  return out;
}

TEST_CASE("store_query: the one-pass page and totals equal the ordered walk", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Generated(dir.File("g.db"));
  std::vector<TransactionFilter> filters(11);
  filters[1].since = "2024-02-03", filters[1].until = "2024-03-05";
  filters[2].search_tokens = FoldTokens("carrefour");
  filters[3].search_tokens = FoldTokens("carrefour"), filters[3].since = "2024-03";
  filters[4].search_tokens = FoldTokens("boulangerie"), filters[4].account_ids = {1, 3};
  filters[5].pending_only = true, filters[5].include_deleted = true;
  filters[6].max_e8 = -200'000'000, filters[6].min_e8 = -3'000'000'000;
  filters[7].include_deleted = true, filters[7].account_ids = {2};
  // A search alone reads transaction_keys, whatever it filters on.
  filters[8].search_tokens = FoldTokens("carrefour"), filters[8].pending_only = true;
  filters[8].include_deleted = true;
  filters[9].search_tokens = FoldTokens("carrefour"), filters[9].max_e8 = -100'000'000;
  filters[10].search_tokens = FoldTokens("carrefour"), filters[10].type = "card";
  for (size_t f = 0; f < filters.size(); ++f) {
    const std::vector<int64_t> all = Ids(*store, filters[f]);
    REQUIRE(!all.empty());
    for (int64_t limit : {1, 7, 50, 1000}) {
      for (int64_t offset : {0, 3, 90}) {
        INFO("filter " << f << " limit " << limit << " offset " << offset);
        Result<TransactionPage> page = QueryTransactionPage(*store, filters[f], limit, offset);
        REQUIRE(page.ok());
        std::vector<int64_t> expected;
        for (size_t i = offset; i < all.size() && expected.size() < size_t(limit); ++i)
          expected.push_back(all[i]);
        CHECK(page->ids == expected);
        CHECK(Totals(page->totals) == SqlTotals(*store, all));
      }
    }
    Result<std::vector<CurrencySum>> sums = SumTransactions(*store, filters[f]);
    REQUIRE(sums.ok());
    CHECK(Totals(*sums) == SqlTotals(*store, all));
    // The rows of a page come back whole and in its order.
    Result<TransactionPage> page = QueryTransactionPage(*store, filters[f], 5, 1);
    REQUIRE(page.ok());
    std::vector<int64_t> read;
    REQUIRE(ForEachTransactionIn(*store, page->ids, [&read](const TransactionView& t) {
              read.push_back(t.id);
              return t.account_name.empty() ? Status::InvalidArgument("no account name") : Status::Ok();
            }).ok());
    CHECK(read == page->ids);
  }
}

// Rows of transaction_keys that differ from what transactions says, both ways (0: in step).
std::string KeysOutOfStep(Store& store) {
  const std::string keys =
      "SELECT id, account_id, CAST(replace(date, '-', '') AS INTEGER), datetime, value_minor, "
      "coming, deleted, type FROM transactions";
  return SqlText(store, "SELECT count(*) FROM (" + keys + " EXCEPT SELECT * FROM transaction_keys)") +
         " " + SqlText(store, "SELECT count(*) FROM (SELECT * FROM transaction_keys EXCEPT " + keys + ")");
}

TEST_CASE("store_query: v10 moves the search keys to transaction_keys, kept in step", "[store_query]") {
  ScopedTempDir dir;
  const std::string path = dir.File("v9.db");
  TransactionFilter search;
  search.search_tokens = FoldTokens("carrefour");
  std::vector<int64_t> before;
  std::string before_totals;
  {
    std::unique_ptr<Store> store = Generated(path);  // a first sync: the keys refilled at its end
    CHECK(KeysOutOfStep(*store) == "0 0");
    CHECK(SqlText(*store, "SELECT count(*) FROM transaction_keys") == "600");
    before = Ids(*store, search);  // from the rows
    before_totals = SqlTotals(*store, before);
    REQUIRE(sqlite3_exec(store->raw_handle(), kBackToV9, nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  REQUIRE(before.size() > 100);
  Result<std::unique_ptr<Store>> reopened = Store::Open(path);  // migrates to v10
  REQUIRE(reopened.ok());
  Store& store = **reopened;
  CHECK(store.SchemaVersion() == store_internal::LatestSchemaVersion());
  CHECK(KeysOutOfStep(store) == "0 0");
  CHECK(SqlText(store, "SELECT count(*) FROM sqlite_master WHERE name = 'transactions_by_id'") == "0");
  Result<TransactionPage> page = QueryTransactionPage(store, search, 1000, 0);
  REQUIRE(page.ok());
  CHECK(page->ids == before);
  CHECK(Totals(page->totals) == before_totals);
  // Every kind of write to transactions: a later sync's upserts (new, changed, deleted, the same
  // row re-sent), then plain SQL.
  Payload payload;
  payload.webhook_id = 2;
  Connection& c = payload.connection.emplace();
  c.id = 7, c.user_id = 1, c.connector_name = "Banque";
  Account account;
  account.id = 1, account.connection_id = 7, account.user_id = 1, account.type = "checking";
  account.name = "Compte 1", account.last_update = kNow + 60;
  Transaction changed = Tx(1000, "2024-05-02", -777, "CARREFOUR EXPRESS", "CARTE");
  changed.last_update = kNow + 60, changed.datetime = kNow + 60, changed.coming = true;
  Transaction gone = Tx(1001, "2024-01-01", -100, "SNCF", "CARTE");
  gone.last_update = kNow + 60, gone.deleted = kNow + 60;
  Transaction fresh = Tx(5000, "2024-06-30", 4200, "CARREFOUR REMBOURSEMENT", "VIR");
  account.transactions = {changed, gone, fresh};
  c.accounts = {account};
  REQUIRE(store.InsertInbox(2, "connection_synced", 1, "{}", kNow + 60).value());
  REQUIRE(store.ApplyInbox(2, payload, kNow + 60).ok());
  CHECK(KeysOutOfStep(store) == "0 0");
  CHECK(SqlText(store, "SELECT day || ' ' || value_minor || ' ' || coming FROM transaction_keys "
                       "WHERE id = 1000") == "20240502 -777 1");
  // The same sync again: every row re-sent unchanged (the update trigger's WHEN is false).
  payload.webhook_id = 3;
  REQUIRE(store.InsertInbox(3, "connection_synced", 1, "{}", kNow + 60).value());
  REQUIRE(store.ApplyInbox(3, payload, kNow + 60).ok());
  CHECK(KeysOutOfStep(store) == "0 0");
  REQUIRE(sqlite3_exec(store.raw_handle(),
                       "UPDATE transactions SET value_minor = value_minor + 1 WHERE id % 3 = 0;"
                       "UPDATE transactions SET type = 'order' WHERE id % 7 = 0;"
                       "UPDATE transactions SET id = 9999 WHERE id = 1002;"
                       "UPDATE transactions SET wording = 'CARREFOUR' WHERE id = 1003;"
                       "DELETE FROM transactions WHERE id % 5 = 0;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(KeysOutOfStep(store) == "0 0");
  CHECK(SqlText(store, "SELECT count(*) FROM transaction_keys") ==
        SqlText(store, "SELECT count(*) FROM transactions"));
  // And the search reads them: the page and totals equal the ordered walk over the rows.
  const std::vector<int64_t> all = Ids(store, search);
  page = QueryTransactionPage(store, search, 1000, 0);
  REQUIRE(page.ok());
  CHECK(page->ids == all);
  CHECK(Totals(page->totals) == SqlTotals(store, all));
}

// What every search question answers, as text: the page, its totals, the walk, a summary.
std::string SearchAnswers(Store& store, const TransactionFilter& filter) {
  std::string out;
  Result<TransactionPage> page = QueryTransactionPage(store, filter, 7, 2);
  REQUIRE(page.ok());
  for (int64_t id : page->ids) out += std::to_string(id) + ",";
  out += " totals " + Totals(page->totals) + " walk ";
  for (int64_t id : Ids(store, filter)) out += std::to_string(id) + ",";
  Result<std::vector<CurrencySum>> sums = SumTransactions(store, filter);
  REQUIRE(sums.ok());
  out += " sums " + Totals(*sums) + " months ";
  Result<std::vector<SummaryRow>> months = QuerySummary(store, filter, SummaryGroup::kMonth);
  REQUIRE(months.ok());
  for (const SummaryRow& r : *months) out += r.key + " " + std::to_string(r.spending_minor) + ";";
  Result<std::vector<TopRow>> top = QueryTopSpending(store, filter, 3);
  REQUIRE(top.ok());
  for (const TopRow& r : *top) out += r.label + " " + std::to_string(r.spending_minor) + ";";
  return out;
}

TEST_CASE("store_query: a search finds notes too, each transaction once, on every path", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Generated(dir.File("n.db"));
  // 1002 is an SNCF row: found by its note only; 1000 is a Carrefour row whose note says it
  // again (found twice, counted once); 1005 is tagged; 1011 is deleted (n % 11 == 0).
  const int64_t sncf_id = std::stoll(SqlText(*store, "SELECT min(id) FROM transactions WHERE "
                                                     "wording = 'SNCF' AND deleted IS NULL"));
  const int64_t carrefour_id = std::stoll(SqlText(*store, "SELECT min(id) FROM transactions WHERE "
                                                          "wording LIKE 'carrefour%' AND deleted IS NULL"));
  const int64_t deleted_id = std::stoll(SqlText(*store, "SELECT min(id) FROM transactions WHERE "
                                                        "wording = 'LOYER' AND deleted IS NOT NULL"));
  REQUIRE(SetNote(*store, sncf_id, std::string("Carrefour drive, paid by card"), kNow).ok());
  REQUIRE(SetNote(*store, carrefour_id, std::string("carrefour again"), kNow).ok());
  REQUIRE(AddTags(*store, sncf_id + 1, {"carrefourpass"}, kNow).ok());
  REQUIRE(SetWording(*store, deleted_id, std::string("Carrefour rent?"), kNow).ok());
  std::vector<TransactionFilter> filters(6);
  for (TransactionFilter& f : filters) f.search_tokens = FoldTokens("carrefour");
  filters[1].type = "card";
  filters[2].since = "2024-02-01";            // the date index
  filters[3].account_ids = {1, 2};            // the account index
  filters[4].include_deleted = true;
  filters[5].pending_only = true, filters[5].search_tokens = FoldTokens("carrefour card");
  std::vector<std::string> with_index;
  for (const TransactionFilter& f : filters) with_index.push_back(SearchAnswers(*store, f));
  CHECK(with_index[0].find(std::to_string(sncf_id) + ",") != std::string::npos);
  CHECK(with_index[4].find(std::to_string(deleted_id) + ",") != std::string::npos);
  CHECK(with_index[0].find(std::to_string(deleted_id) + ",") == std::string::npos);
  // The scan fallback (no FTS5) reads the notes by another query: the same answers.
  REQUIRE(sqlite3_exec(store->raw_handle(),
                       "DROP TRIGGER transactions_fts_insert; DROP TRIGGER transactions_fts_delete;"
                       "DROP TRIGGER transactions_fts_update; DROP TABLE transactions_fts;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  REQUIRE_FALSE(store->HasFullTextSearch());
  for (size_t i = 0; i < filters.size(); ++i) {
    INFO("filter " << i);
    CHECK(SearchAnswers(*store, filters[i]) == with_index[i]);
  }
}

TEST_CASE("store_query: summaries equal SQL's GROUP BY for every grouping", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Generated(dir.File("s.db"));
  const std::pair<SummaryGroup, const char*> groupings[] = {
      {SummaryGroup::kWeek, "date(t.date, 'weekday 0', '-6 days')"},
      {SummaryGroup::kMonth, "substr(t.date, 1, 7)"},
      {SummaryGroup::kYear, "substr(t.date, 1, 4)"}};
  // A date range (its covering index), and a search alone (transaction_keys: dates as numbers).
  TransactionFilter since, search;
  since.since = "2024-01-05";
  search.search_tokens = FoldTokens("carrefour");
  const std::pair<const TransactionFilter*, const char*> filters[] = {
      {&since, "t.date >= '2024-01-05'"},
      {&search, "t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH 'carrefour*')"}};
  for (const auto& [filter, condition] : filters) {
    for (const auto& [group, key] : groupings) {
      Result<std::vector<SummaryRow>> rows = QuerySummary(*store, *filter, group);
      REQUIRE(rows.ok());
      std::string ours;
      for (const SummaryRow& r : *rows)
        ours += r.key + " " + r.currency.code + " " + std::to_string(r.income_minor) + " " +
                std::to_string(r.spending_minor) + " " + std::to_string(r.count) + ";";
      std::string sql = std::string("SELECT ") + key +
                        " || ' ' || a.currency || ' ' || sum(max(t.value_minor, 0)) || ' ' || "
                        "sum(min(t.value_minor, 0)) || ' ' || count(*) || ';' FROM transactions t "
                        "JOIN accounts a ON a.id = t.account_id WHERE " + condition + " AND "
                        "t.deleted IS NULL GROUP BY " + key + ", a.currency ORDER BY " + key + ", a.currency";
      INFO(SummaryGroupName(group) << " where " << condition);
      CHECK(ours == SqlText(*store, sql));
    }
    // The biggest spending labels, under the same filter.
    Result<std::vector<TopRow>> top = QueryTopSpending(*store, *filter, 2);
    REQUIRE(top.ok());
    std::string ours;
    for (const TopRow& r : *top)
      ours += r.label + " " + r.currency.code + " " + std::to_string(r.spending_minor) + ";";
    INFO("top where " << condition);
    CHECK(ours == SqlText(*store, std::string("SELECT t.wording || ' ' || a.currency || ' ' || "
                                              "sum(t.value_minor) || ';' FROM transactions t JOIN "
                                              "accounts a ON a.id = t.account_id WHERE ") +
                                      condition + " AND t.deleted IS NULL AND t.value_minor < 0 "
                                      "GROUP BY t.wording, a.currency ORDER BY sum(t.value_minor), "
                                      "t.wording LIMIT 2"));
  }
}

TEST_CASE("store_query: balances now and at a day from history", "[store_query]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = Filled(dir.File("b.db"));
  Result<std::vector<BalanceView>> now = QueryBalances(*store, "");
  REQUIRE(now.ok());
  REQUIRE(now->size() == 2);
  CHECK(now->front().balance_minor == 100000);
  Result<std::vector<BalanceView>> then = QueryBalances(*store, "2024-03-14");
  REQUIRE(then.ok());
  CHECK(then->front().as_of == "2024-03-14");
  CHECK(then->front().balance_minor == 100000);
  Result<std::vector<BalanceView>> before = QueryBalances(*store, "2024-03-13");
  REQUIRE(before.ok());
  CHECK_FALSE(before->front().balance_minor);
  Result<std::vector<AccountView>> accounts = QueryAccounts(*store, false);
  REQUIRE(accounts.ok());
  CHECK(accounts->front().bank == "Banque");
}

}  // namespace
}  // namespace freenahi
