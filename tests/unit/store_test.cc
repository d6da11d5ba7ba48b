// SPDX-License-Identifier: MIT
// Tests for store.cc and store_schema.cc on real SQLite files in a temp dir and on :memory:.
// Payloads are built from model.h structs by hand: no JSON here.
#include "store.h"

#include <stdlib.h>

#include "catch.h"
#include <filesystem>
#include <string>

#include "paris_time.h"
#include "store_schema.h"

#include "test_util.h"

namespace freenahi {
namespace {

using store_internal::SqliteDb;
using store_internal::SqliteStmt;

constexpr UnixSeconds kNow = 1718000000;  // 2024-06-10 06:13:20 UTC

std::unique_ptr<Store> MustOpen(const std::string& path, Store::Options options = {}) {
  auto store = Store::Open(path, options);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

SqliteDb RawOpen(const std::string& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  SqliteDb db(raw);
  REQUIRE(rc == SQLITE_OK);
  return db;
}

void RawExec(sqlite3* db, const char* sql) {
  Status status = store_internal::Exec(db, sql, "test");
  INFO(status.ToString());
  REQUIRE(status.ok());
}

// Every row of every data table (not the inbox), as text, in a stable order.
std::string Dump(const std::string& path) {
  SqliteDb db = RawOpen(path, SQLITE_OPEN_READONLY);
  std::string out;
  for (const char* table : {"users", "connections", "accounts", "loans", "balance_history",
                            "transactions", "investments"}) {
    std::string sql = std::string("SELECT * FROM ") + table + " ORDER BY 1, 2";
    auto stmt = SqliteStmt::Prepare(db.get(), sql.c_str(), "dump");
    REQUIRE(stmt.ok());
    out += std::string("== ") + table + "\n";
    while (stmt->Step().value()) {
      for (int col = 0; col < stmt->ColumnCount(); ++col) {
        out += stmt->IsNull(col) ? "NULL" : "'" + stmt->Text(col) + "'";
        out += '|';
      }
      out += '\n';
    }
  }
  return out;
}

// The first column of the first row of `sql`, as text ("NULL" for null, "" for no row).
std::string Query(const std::string& path, const std::string& sql) {
  SqliteDb db = RawOpen(path, SQLITE_OPEN_READONLY);
  auto stmt = SqliteStmt::Prepare(db.get(), sql.c_str(), "query");
  INFO(sql);
  REQUIRE(stmt.ok());
  auto row = stmt->Step();
  REQUIRE(row.ok());
  if (!*row) return "";
  return stmt->IsNull(0) ? "NULL" : stmt->Text(0);
}

Transaction MakeTransaction(int64_t id, std::string date, int64_t value_minor) {
  Transaction t;
  t.id = id;
  t.account_id = 10;
  t.date = std::move(date);
  t.datetime = kNow - 7200;
  t.value_minor = value_minor;
  t.type = "card";
  t.original_wording = "CB CARREFOUR 07/06";
  t.simplified_wording = "Carrefour";
  t.wording = "Carrefour";
  t.last_update = kNow - 600;
  return t;
}

Account Checking() {
  Account a;
  a.id = 10;
  a.connection_id = 7;
  a.user_id = 42;
  a.number = "3002900000";
  a.original_name = "Compte de chèques";
  a.name = "Compte chèques";
  a.iban = "FR7630004000031234567890143";
  a.type = "checking";
  a.usage = "PRIV";
  a.balance_minor = 123456;
  a.coming_minor = -2500;
  a.last_update = kNow - 600;
  Transaction booked = MakeTransaction(100, "2024-06-07", -4250);
  booked.gross_value_minor = -4250;
  booked.card = "XXXX1234";
  booked.counterparty =
      Counterparty{"Carrefour SA", "iban", "FR7611111111111111111111111", "creditor"};
  booked.categories = {{"groceries", "food"}, {"supermarket", "shopping"}};
  Transaction pending = MakeTransaction(101, "2024-06-09", -2500);
  pending.coming = true;
  pending.datetime.reset();
  Transaction deleted = MakeTransaction(102, "2024-06-01", -999);
  deleted.deleted = kNow - 3600;
  a.transactions = {booked, pending, deleted};
  return a;
}

Account LoanAccount() {
  Account a;
  a.id = 11;
  a.connection_id = 7;
  a.user_id = 42;
  a.name = "Prêt immobilier";
  a.original_name = a.name;
  a.type = "loan";
  a.balance_minor = -15000000;
  a.last_update = kNow - 600;
  Loan loan;
  loan.total_amount_minor = 20000000;
  loan.next_payment_amount_minor = 95000;
  loan.next_payment_date = "2024-07-05";
  loan.maturity_date = "2039-06-05";
  loan.rate = "1.25";
  loan.nb_payments_left = 180;
  loan.nb_payments_total = 240;
  loan.duration = 240;
  loan.type = "mortgage";
  a.loan = loan;
  Investment fund;
  fund.id = 500;
  fund.account_id = 11;
  fund.label = "Amundi MSCI World";
  fund.code = "LU1681043599";
  fund.code_type = "ISIN";
  fund.quantity = "12.345";
  fund.unitprice = "401.1234";
  fund.unitvalue = "450.5";
  fund.valuation_minor = 556142;
  fund.diff_minor = 60000;
  fund.vdate = "2024-06-07";
  fund.last_update = kNow - 600;
  a.investments = {fund};
  return a;
}

Payload SamplePayload() {
  Payload p;
  p.event = WebhookEvent::kConnectionSynced;
  p.webhook_id = 1;
  p.user = User{42, kNow - 86400, "sharedAccess"};
  Connection c;
  c.id = 7;
  c.user_id = 42;
  c.connector_id = 40;
  c.connector_uuid = "338178e6-3d01-564f-9a7b-52ca442459bf";
  c.connector_name = "Connecteur de test";
  c.last_update = kNow - 600;
  c.created = kNow - 30 * 86400;
  c.accounts = {Checking(), LoanAccount()};
  p.connection = c;
  return p;
}

// Stores `payload` as a new inbox item and applies it.
Status Deliver(Store& store, const Payload& payload, UnixSeconds now = kNow) {
  static int64_t next_webhook_id = 1000;
  auto id = store.InsertInbox(next_webhook_id++, WebhookEventName(payload.event), 42, "{}", now);
  if (!id.ok()) return id.status();
  auto items = store.ListInbox(std::nullopt, 1);
  if (!items.ok()) return items.status();
  return store.ApplyInbox(items->at(0).id, payload, now);
}

TransactionRow FindTransaction(Store& store, int64_t id) {
  TransactionQuery query;
  query.include_deleted = true;
  query.limit = 0;
  auto rows = store.ListTransactions(query);
  REQUIRE(rows.ok());
  for (const TransactionRow& row : *rows) {
    if (row.id == id) return row;
  }
  FAIL("transaction " << id << " not found");
  return {};
}

}  // namespace

TEST_CASE("store: creates the schema and reopens it unchanged", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("freenahi.db");
  const int latest = store_internal::LatestSchemaVersion();
  REQUIRE(latest >= 2);
  MustOpen(path);
  std::string schema = Query(path, "SELECT group_concat(sql, ';') FROM sqlite_master");
  {
    auto store = MustOpen(path);
    CHECK(store->SchemaVersion() == latest);
  }
  CHECK(Query(path, "PRAGMA user_version") == std::to_string(latest));
  CHECK(Query(path, "SELECT group_concat(sql, ';') FROM sqlite_master") == schema);
  CHECK(Query(path, "PRAGMA journal_mode") == "wal");
  CHECK(Query(path, "PRAGMA page_size") == "16384");  // a new file only: see Configure
  auto store = MustOpen(path);
  CHECK(store->IntegrityCheck().value() == "ok");
}

TEST_CASE("store: :memory: opens with the latest schema", "[store]") {
  auto store = MustOpen(":memory:");
  CHECK(store->SchemaVersion() == store_internal::LatestSchemaVersion());
  CHECK(store->ListAccounts(true)->empty());
  CHECK(store->IntegrityCheck().value() == "ok");
}

TEST_CASE("store: migrates a version 1 database forward", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("v1.db");
  {
    SqliteDb db = RawOpen(path);
    REQUIRE(store_internal::Migrate(db.get(), 1).ok());
    REQUIRE(store_internal::UserVersion(db.get()).value() == 1);
    RawExec(db.get(), "INSERT INTO users (id, auth_token) VALUES (42, 'secret')");
  }
  CHECK(Query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'inbox_by_state'") == "0");
  Store::Options read_only;
  read_only.read_only = true;
  auto reader = Store::Open(path, read_only);  // never migrates
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.status().message() == "open " + path + ": schema version 1 is older than " +
                                         std::to_string(store_internal::LatestSchemaVersion()) +
                                         "; open it read-write once (freenahi serve) to migrate");
  auto store = MustOpen(path);
  CHECK(store->SchemaVersion() == store_internal::LatestSchemaVersion());
  CHECK(Query(path, "SELECT count(*) FROM sqlite_master WHERE name = 'inbox_by_state'") == "1");
  CHECK(store->UserToken(42).value() == std::optional<std::string>("secret"));
}

TEST_CASE("store: refuses a database newer than this binary", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("future.db");
  {
    SqliteDb db = RawOpen(path);
    RawExec(db.get(), "PRAGMA user_version = 99");
  }
  for (bool read_only : {false, true}) {
    Store::Options options;
    options.read_only = read_only;
    auto store = Store::Open(path, options);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Status::Code::kInvalidArgument);
    CHECK(store.status().message() ==
          "open " + path + ": schema version 99 is newer than this freenahi knows (" +
              std::to_string(store_internal::LatestSchemaVersion()) + "); upgrade freenahi");
  }
}

TEST_CASE("store: open errors name the path", "[store]") {
  auto store = Store::Open("/nonexistent-freenahi-dir/x.db");
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message() ==
        "open /nonexistent-freenahi-dir/x.db: unable to open database file");

  ScopedTempDir dir;
  Store::Options read_only;
  read_only.read_only = true;
  const std::string missing = dir.File("missing.db");
  auto reader = Store::Open(missing, read_only);
  REQUIRE_FALSE(reader.ok());
  CHECK(reader.status().message() == "open " + missing + ": unable to open database file");
  CHECK_FALSE(std::filesystem::exists(missing));

  const std::string blank = dir.File("blank.db");
  RawOpen(blank);
  auto not_ours = Store::Open(blank, read_only);
  REQUIRE_FALSE(not_ours.ok());
  CHECK(not_ours.status().message() ==
        "open " + blank + ": not a freenahi database (schema version 0)");
}

TEST_CASE("store: inbox insert, duplicate, list, get, body, fail", "[store]") {
  auto store = MustOpen(":memory:");
  CHECK(store->InsertInbox(501, "connection_synced", 42, "{\"a\":1}", kNow).value());
  CHECK_FALSE(store->InsertInbox(501, "connection_synced", 42, "{\"other\":2}", kNow + 1).value());
  CHECK(store->InsertInbox(std::nullopt, "user_deleted", std::nullopt, "", kNow + 2).value());
  CHECK(store->InsertInbox(std::nullopt, "user_deleted", std::nullopt, "", kNow + 3).value());

  auto all = store->ListInbox(std::nullopt, 0);
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK(all->at(0).received_at == kNow + 3);  // newest first
  const InboxItem& first = all->at(2);
  CHECK(first.webhook_id == std::optional<int64_t>(501));
  CHECK(first.event == "connection_synced");
  CHECK(first.user_id == std::optional<int64_t>(42));
  CHECK(first.state == InboxState::kPending);
  CHECK(first.body_bytes == 7);
  CHECK(store->InboxBody(first.id).value() == "{\"a\":1}");
  CHECK(store->InboxBody(all->at(0).id).value().empty());
  CHECK(store->ListInbox(std::nullopt, 2)->size() == 2);
  CHECK(store->PendingInboxIds().value() ==
        std::vector<int64_t>{first.id, first.id + 1, first.id + 2});

  REQUIRE(store->MarkInboxFailed(first.id + 1, "payload: bad json").ok());
  auto failed = store->ListInbox(InboxState::kFailed, 10);
  REQUIRE(failed->size() == 1);
  CHECK(failed->at(0).error == "payload: bad json");
  CHECK(store->GetInbox(first.id + 1)->state == InboxState::kFailed);
  CHECK(store->PendingInboxIds().value() == std::vector<int64_t>{first.id, first.id + 2});

  auto missing = store->GetInbox(77);
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message() == "inbox item 77: not found");
  CHECK(store->InboxBody(77).status().message() == "inbox item 77: not found");
  CHECK(store->MarkInboxFailed(77, "x").message() == "inbox item 77: not found");
  CHECK(store->ApplyInbox(77, SamplePayload(), kNow).message() == "inbox item 77: not found");
  CHECK(std::string(InboxStateName(InboxState::kApplied)) == "applied");
}

TEST_CASE("store: applies a connection_synced payload", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  REQUIRE(store->InsertInbox(1, "connection_synced", 42, "{}", kNow).value());
  const int64_t inbox_id = store->PendingInboxIds().value().at(0);
  Status applied = store->ApplyInbox(inbox_id, SamplePayload(), kNow);
  INFO(applied.ToString());
  REQUIRE(applied.ok());

  InboxItem item = store->GetInbox(inbox_id).value();
  CHECK(item.state == InboxState::kApplied);
  CHECK(item.applied_at == std::optional<UnixSeconds>(kNow));
  CHECK(store->PendingInboxIds()->empty());

  auto accounts = store->ListAccounts(false).value();
  REQUIRE(accounts.size() == 2);
  CHECK(accounts[0].id == 10);  // same connection: by name, "Compte…" < "Prêt…"
  CHECK(accounts[0].balance_minor == std::optional<int64_t>(123456));
  CHECK(accounts[0].currency.code == "EUR");
  CHECK(accounts[0].currency.precision == 2);
  CHECK_FALSE(accounts[0].connection_state.has_value());
  CHECK(accounts[1].id == 11);

  auto visible = store->ListTransactions({}).value();
  REQUIRE(visible.size() == 2);  // 102 is deleted
  CHECK(visible[0].id == 101);   // newest date first
  CHECK(visible[0].coming);
  CHECK(visible[1].id == 100);
  CHECK(visible[1].value_minor == -4250);
  CHECK(visible[1].category == std::optional<std::string>("groceries"));
  CHECK(visible[1].currency.code == "EUR");
  CHECK_FALSE(visible[0].category.has_value());

  CHECK(Query(path, "SELECT categories FROM transactions WHERE id = 100") ==
        "food/groceries;shopping/supermarket");
  CHECK(Query(path,
              "SELECT counterparty_label || ',' || counterparty_scheme || ',' || "
              "counterparty_identification || ',' || counterparty_type FROM transactions "
              "WHERE id = 100") == "Carrefour SA,iban,FR7611111111111111111111111,creditor");
  CHECK(Query(path, "SELECT counterparty_label FROM transactions WHERE id = 101") == "NULL");
  CHECK(Query(path,
              "SELECT rate || ' ' || duration_months || ' ' || type FROM loans "
              "WHERE account_id = 11") == "1.25 240 mortgage");
  CHECK(Query(path, "SELECT quantity || ' ' || valuation_minor FROM investments WHERE id = 500") ==
        "12.345 556142");
  CHECK(Query(path, "SELECT platform FROM users WHERE id = 42") == "sharedAccess");
  CHECK(Query(path, "SELECT connector_name FROM connections WHERE id = 7") == "Connecteur de test");
  CHECK(Query(path, "SELECT count(*) FROM balance_history") == "2");
}

TEST_CASE("store: an older last_update never overwrites a newer one", "[store]") {
  auto store = MustOpen(":memory:");
  Payload p = SamplePayload();
  REQUIRE(Deliver(*store, p).ok());
  Account& account = p.connection->accounts[0];
  Transaction& t = account.transactions[0];
  const UnixSeconds stored = *t.last_update;

  SECTION("older version ignored") {
    t.last_update = stored - 10;
    t.value_minor = -1;
    account.last_update = *account.last_update - 10;
    account.balance_minor = 1;
    p.connection->last_update = *p.connection->last_update - 10;
    p.connection->state = "wrongpass";
    REQUIRE(Deliver(*store, p).ok());
    CHECK(FindTransaction(*store, 100).value_minor == -4250);
    CHECK(store->ListAccounts(false)->at(0).balance_minor == std::optional<int64_t>(123456));
    CHECK_FALSE(store->ListAccounts(false)->at(0).connection_state.has_value());
    CHECK(store->BalanceHistory(10)->at(0).balance_minor == 123456);
  }
  SECTION("equal last_update applies") {
    t.wording = "Carrefour City";
    p.connection->state = "SCARequired";
    REQUIRE(Deliver(*store, p).ok());
    CHECK(FindTransaction(*store, 100).wording == "Carrefour City");
    CHECK(store->ListAccounts(false)->at(0).connection_state ==
          std::optional<std::string>("SCARequired"));
  }
  SECTION("newer version wins") {
    t.last_update = stored + 10;
    t.value_minor = -4300;
    account.last_update = *account.last_update + 10;
    account.balance_minor = 100;
    REQUIRE(Deliver(*store, p).ok());
    CHECK(FindTransaction(*store, 100).value_minor == -4300);
    CHECK(FindTransaction(*store, 100).last_update == std::optional<UnixSeconds>(stored + 10));
    CHECK(store->ListAccounts(false)->at(0).balance_minor == std::optional<int64_t>(100));
  }
  SECTION("unknown last_update applies") {
    t.last_update.reset();
    t.value_minor = -7;
    REQUIRE(Deliver(*store, p).ok());
    CHECK(FindTransaction(*store, 100).value_minor == -7);
  }
}

TEST_CASE("store: a pending transaction becomes booked under the same id", "[store]") {
  auto store = MustOpen(":memory:");
  Payload p = SamplePayload();
  REQUIRE(Deliver(*store, p).ok());
  CHECK(FindTransaction(*store, 101).coming);
  Transaction& pending = p.connection->accounts[0].transactions[1];
  pending.coming = false;
  pending.date = "2024-06-10";
  pending.value_minor = -2550;
  pending.last_update = *pending.last_update + 3600;
  REQUIRE(Deliver(*store, p).ok());
  TransactionRow booked = FindTransaction(*store, 101);
  CHECK_FALSE(booked.coming);
  CHECK(booked.date == "2024-06-10");
  CHECK(booked.value_minor == -2550);
  TransactionQuery all;
  all.include_deleted = true;
  CHECK(store->ListTransactions(all)->size() == 3);
}

TEST_CASE("store: deleted transactions are kept but hidden by default", "[store]") {
  auto store = MustOpen(":memory:");
  Payload p = SamplePayload();
  REQUIRE(Deliver(*store, p).ok());
  Transaction& booked = p.connection->accounts[0].transactions[0];
  booked.deleted = kNow;
  booked.last_update = kNow;
  REQUIRE(Deliver(*store, p).ok());

  auto visible = store->ListTransactions({}).value();
  REQUIRE(visible.size() == 1);
  CHECK(visible[0].id == 101);
  TransactionQuery with_deleted;
  with_deleted.include_deleted = true;
  auto all = store->ListTransactions(with_deleted).value();
  REQUIRE(all.size() == 3);
  CHECK(all[0].id == 101);
  CHECK(all[1].id == 100);
  CHECK(all[1].deleted == std::optional<UnixSeconds>(kNow));
  CHECK(all[2].id == 102);
}

TEST_CASE("store: transactions newest first, filtered by account, limited", "[store]") {
  auto store = MustOpen(":memory:");
  Payload p = SamplePayload();
  Account& checking = p.connection->accounts[0];
  Transaction same_day = MakeTransaction(103, "2024-06-07", -1);
  same_day.datetime = kNow - 100;  // later in the day than 100
  Transaction same_instant = MakeTransaction(99, "2024-06-07", -2);
  same_instant.datetime = kNow - 100;
  checking.transactions.push_back(same_day);
  checking.transactions.push_back(same_instant);
  Transaction other = MakeTransaction(200, "2024-06-08", -3);
  p.connection->accounts[1].transactions = {other};
  REQUIRE(Deliver(*store, p).ok());

  std::vector<int64_t> ids;
  const auto all = store->ListTransactions({});
  REQUIRE(all.ok());
  for (const TransactionRow& row : *all) ids.push_back(row.id);
  CHECK(ids == std::vector<int64_t>{101, 200, 103, 99, 100});
  TransactionQuery query;
  query.account_id = 10;
  query.limit = 2;
  ids.clear();
  const auto first_two = store->ListTransactions(query);
  REQUIRE(first_two.ok());
  for (const TransactionRow& row : *first_two) ids.push_back(row.id);
  CHECK(ids == std::vector<int64_t>{101, 103});
  query.account_id = 11;
  auto loan_rows = store->ListTransactions(query).value();
  REQUIRE(loan_rows.size() == 1);
  CHECK(loan_rows[0].account_id == 11);
}

TEST_CASE("store: re-applying the same payload changes nothing", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  REQUIRE(Deliver(*store, SamplePayload()).ok());
  const std::string first = Dump(path);
  REQUIRE(Deliver(*store, SamplePayload()).ok());
  CHECK(Dump(path) == first);
  CHECK(first.find("'Carrefour SA'") != std::string::npos);
}

TEST_CASE("store: ApplyStats counts inserted transactions, not updated ones", "[store]") {
  auto store = MustOpen(":memory:");
  auto apply = [&](const Payload& payload, ApplyStats* stats) {
    static int64_t next_webhook_id = 5000;
    auto stored = store->InsertInbox(next_webhook_id++, "CONNECTION_SYNCED", 42, "{}", kNow);
    REQUIRE(stored.ok());
    auto items = store->ListInbox(std::nullopt, 1);
    REQUIRE(items.ok());
    REQUIRE(store->ApplyInbox(items->at(0).id, payload, kNow, stats).ok());
  };
  Payload payload = SamplePayload();
  size_t sent = 0;
  for (const Account& account : payload.connection->accounts) sent += account.transactions.size();
  REQUIRE(sent > 0);
  ApplyStats first;
  apply(payload, &first);
  CHECK(first.new_transactions == static_cast<int64_t>(sent));
  ApplyStats again;
  apply(payload, &again);
  CHECK(again.new_transactions == 0);
  Account& checking = payload.connection->accounts.at(0);
  checking.transactions.push_back(MakeTransaction(990001, "2026-11-29", -1234));
  checking.transactions.at(0).last_update = checking.transactions.at(0).last_update.value_or(0) + 60;
  checking.last_update = checking.last_update.value_or(0) + 60;
  ApplyStats one_more;
  apply(payload, &one_more);
  CHECK(one_more.new_transactions == 1);  // the updated one is not new
}

TEST_CASE("store: a failing apply leaves nothing behind and the item pending", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  const std::string empty = Dump(path);
  Payload p = SamplePayload();
  p.connection->accounts[1].transactions = {MakeTransaction(300, "", -1)};  // violates CHECK
  REQUIRE(store->InsertInbox(1, "connection_synced", 42, "{}", kNow).value());
  const int64_t inbox_id = store->PendingInboxIds().value().at(0);

  Status status = store->ApplyInbox(inbox_id, p, kNow);
  REQUIRE_FALSE(status.ok());
  CHECK(status.code() == Status::Code::kInternal);
  CHECK(status.message().rfind("apply inbox item 1: transaction 300: upsert transaction: CHECK "
                               "constraint failed",
                               0) == 0);
  CHECK(Dump(path) == empty);
  CHECK(store->GetInbox(inbox_id)->state == InboxState::kPending);
  CHECK(store->PendingInboxIds().value() == std::vector<int64_t>{inbox_id});
  // The store is usable afterwards: the statement cache and the connection are clean.
  REQUIRE(store->ApplyInbox(inbox_id, SamplePayload(), kNow).ok());
  CHECK(store->GetInbox(inbox_id)->state == InboxState::kApplied);
}

TEST_CASE("store: balance history keeps one row per Paris day, updated in place", "[store]") {
  auto store = MustOpen(":memory:");
  Payload p = SamplePayload();
  Account& account = p.connection->accounts[0];
  account.last_update = ParseParisDatetime("2024-06-10 00:30:00").value();  // 22:30 UTC the 9th
  REQUIRE(Deliver(*store, p).ok());
  account.last_update = ParseParisDatetime("2024-06-10 18:00:00").value();
  account.balance_minor = 120000;
  REQUIRE(Deliver(*store, p).ok());
  account.last_update = ParseParisDatetime("2024-06-11 09:00:00").value();
  account.balance_minor = 110000;
  account.coming_minor.reset();
  REQUIRE(Deliver(*store, p).ok());

  auto history = store->BalanceHistory(10).value();
  REQUIRE(history.size() == 2);
  CHECK(history[0].day == "2024-06-10");
  CHECK(history[0].balance_minor == 120000);
  CHECK(history[0].coming_minor == std::optional<int64_t>(-2500));
  CHECK(history[1].day == "2024-06-11");
  CHECK(history[1].balance_minor == 110000);
  CHECK_FALSE(history[1].coming_minor.has_value());

  account.last_update.reset();  // no bank date: the Paris day of `now`
  REQUIRE(Deliver(*store, p, ParseParisDatetime("2024-06-12 23:59:00").value()).ok());
  CHECK(store->BalanceHistory(10)->back().day == "2024-06-12");
}

TEST_CASE("store: other events: deletions, enable/disable, lone account", "[store]") {
  auto store = MustOpen(":memory:");
  REQUIRE(Deliver(*store, SamplePayload()).ok());

  Payload disabled;
  disabled.event = WebhookEvent::kAccountDisabled;
  disabled.account = LoanAccount();
  disabled.account->transactions.clear();
  REQUIRE(Deliver(*store, disabled).ok());
  CHECK(store->ListAccounts(false)->at(1).disabled == std::optional<UnixSeconds>(kNow));
  Payload enabled = disabled;
  enabled.event = WebhookEvent::kAccountEnabled;
  enabled.account->disabled = kNow;  // ignored: enabled means not disabled
  REQUIRE(Deliver(*store, enabled).ok());
  CHECK_FALSE(store->ListAccounts(false)->at(1).disabled.has_value());

  Payload lone;  // an account whose connection we never saw
  lone.event = WebhookEvent::kAccountSynced;
  lone.account = Checking();
  lone.account->id = 20;
  lone.account->connection_id = 99;
  for (Transaction& t : lone.account->transactions) t.id += 1000;
  REQUIRE(Deliver(*store, lone).ok());
  CHECK(store->ListAccounts(false)->size() == 3);
  CHECK(store->ListTransactions({})->size() == 4);

  Payload deleted;
  deleted.event = WebhookEvent::kConnectionDeleted;
  deleted.connection = SamplePayload().connection;
  REQUIRE(Deliver(*store, deleted).ok());
  auto remaining = store->ListAccounts(false).value();  // connection 7's accounts are hidden
  REQUIRE(remaining.size() == 1);
  CHECK(remaining[0].id == 20);
  CHECK(store->ListAccounts(true)->size() == 3);
  CHECK(store->ListTransactions({})->size() == 4);  // data kept

  Payload gone;
  gone.event = WebhookEvent::kUserDeleted;
  gone.user = User{42, std::nullopt, ""};
  REQUIRE(Deliver(*store, gone).ok());
  Payload empty;
  empty.event = WebhookEvent::kAccountSynced;
  CHECK(Deliver(*store, empty).message() ==
        "apply inbox item 7: account_synced payload has no account");
}

TEST_CASE("store: user tokens", "[store]") {
  auto store = MustOpen(":memory:");
  CHECK_FALSE(store->UserToken(42).value().has_value());
  REQUIRE(store->SetUserToken(42, "tok-1").ok());
  REQUIRE(Deliver(*store, SamplePayload()).ok());  // the user upsert keeps the token
  CHECK(store->UserToken(42).value() == std::optional<std::string>("tok-1"));
  REQUIRE(store->SetUserToken(42, "tok-2").ok());
  CHECK(store->UserToken(42).value() == std::optional<std::string>("tok-2"));
}

TEST_CASE("store: a read-only open sees what the writer commits", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto writer = MustOpen(path);
  Store::Options options;
  options.read_only = true;
  auto reader = MustOpen(path, options);
  CHECK(reader->ListAccounts(false)->empty());
  REQUIRE(Deliver(*writer, SamplePayload()).ok());
  CHECK(reader->ListAccounts(false)->size() == 2);
  CHECK(reader->ListTransactions({})->size() == 2);
  CHECK(reader->SchemaVersion() == store_internal::LatestSchemaVersion());
  // A CLI reader streams through pages once: a small cache (store_schema.cc), not the default.
  sqlite3_stmt* cache = nullptr;
  REQUIRE(sqlite3_prepare_v2(reader->raw_handle(), "PRAGMA cache_size", -1, &cache, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(cache) == SQLITE_ROW);
  CHECK(sqlite3_column_int64(cache, 0) == -512);
  sqlite3_finalize(cache);
  auto write = reader->InsertInbox(9, "x", std::nullopt, "", kNow);
  CHECK(write.status().code() == Status::Code::kUnavailable);
  writer.reset();
  auto later = MustOpen(path, options);  // after the writer closed (WAL checkpointed)
  CHECK(later->ListAccounts(false)->size() == 2);
}

TEST_CASE("store: a held write lock makes writes Unavailable after busy_timeout", "[store]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  Store::Options options;
  options.busy_timeout_ms = 50;
  auto store = MustOpen(path, options);
  REQUIRE(store->InsertInbox(1, "connection_synced", 42, "{}", kNow).value());
  SqliteDb other = RawOpen(path);
  RawExec(other.get(), "BEGIN IMMEDIATE");

  auto inserted = store->InsertInbox(2, "connection_synced", 42, "{}", kNow);
  REQUIRE_FALSE(inserted.ok());
  CHECK(inserted.status().code() == Status::Code::kUnavailable);
  CHECK(inserted.status().message() == "store inbox item: begin: database is locked");
  Status applied = store->ApplyInbox(1, SamplePayload(), kNow);
  CHECK(applied.code() == Status::Code::kUnavailable);
  CHECK(applied.message() == "apply inbox item 1: begin: database is locked");
  CHECK(store->GetInbox(1)->state == InboxState::kPending);  // reads still work (WAL)

  RawExec(other.get(), "ROLLBACK");
  CHECK(store->InsertInbox(2, "connection_synced", 42, "{}", kNow).value());
  CHECK(store->ApplyInbox(1, SamplePayload(), kNow).ok());
}

namespace {

TEST_CASE("store: a webview state is taken once, before it expires", "[store]") {
  ScopedTempDir dir;
  std::unique_ptr<Store> store = MustOpen(dir.File("f.db"));
  REQUIRE(store->AddWebviewState("aaaa", "connect", kNow, kNow + 3600).ok());
  REQUIRE(store->AddWebviewState("bbbb", "manage", kNow, kNow + 10).ok());
  CHECK(*store->WebviewStatePage("zzzz", kNow) == std::nullopt);
  CHECK(*store->WebviewStatePage("bbbb", kNow + 10) == std::nullopt);  // expired at its time
  CHECK(*store->WebviewStatePage("aaaa", kNow + 5) == std::optional<std::string>("connect"));
  CHECK(*store->ForgetWebviewState("aaaa"));
  CHECK(*store->WebviewStatePage("aaaa", kNow + 6) == std::nullopt);  // single use
  CHECK(!*store->ForgetWebviewState("aaaa"));  // a second taker finds it gone
  REQUIRE(store->AddWebviewState("cccc", "connect", kNow, kNow + 60).ok());
  CHECK(!store->AddWebviewState("cccc", "connect", kNow, kNow + 60).ok());  // never twice
  // Adding drops what has expired.
  REQUIRE(store->AddWebviewState("dddd", "reconnect", kNow + 100, kNow + 200).ok());
  SqliteDb raw = RawOpen(dir.File("f.db"));
  auto count = SqliteStmt::Prepare(raw.get(), "SELECT group_concat(state) FROM webview_states",
                                   "count");
  REQUIRE(count.ok());
  REQUIRE(*count->Step());
  CHECK(count->Text(0) == "dddd");
}

}  // namespace
}  // namespace freenahi
