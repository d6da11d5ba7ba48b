// SPDX-License-Identifier: MIT
// Tests for store_stream.cc on real SQLite files: the streaming apply leaves the database byte for
// byte as the DOM apply (ParsePayload + ApplyInbox, the oracle) does, counts what changed, rolls
// back on a bad record, and the inbox retention (pruning bodies, incremental vacuum).
#include "catch.h"

#include <string>

#include "../bench/payload_gen.h"
#include "payload.h"
#include "store.h"
#include "store_schema.h"
#include "test_util.h"

namespace freenahi {
namespace {

using store_internal::SqliteDb;
using store_internal::SqliteStmt;

constexpr UnixSeconds kNow = 1718000000;

std::unique_ptr<Store> MustOpen(const std::string& path) {
  auto store = Store::Open(path);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

SqliteDb RawOpen(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  SqliteDb db(raw);
  REQUIRE(rc == SQLITE_OK);
  return db;
}

std::string Query(const std::string& path, const std::string& sql) {
  SqliteDb db = RawOpen(path);
  auto stmt = SqliteStmt::Prepare(db.get(), sql.c_str(), "test");
  REQUIRE(stmt.ok());
  std::string out;
  while (stmt->Step().value()) {
    for (int col = 0; col < stmt->ColumnCount(); ++col) {
      out += stmt->IsNull(col) ? "NULL" : "'" + stmt->Text(col) + "'";
      out += '|';
    }
    out += '\n';
  }
  return out;
}

// Every data table, every row, every column (the inbox's applied_at aside, which is `now`).
std::string Dump(const std::string& path) {
  std::string out;
  for (const char* table : {"users", "connections", "accounts", "loans", "balance_history",
                            "transactions", "investments"}) {
    out += std::string("== ") + table + "\n" +
           Query(path, std::string("SELECT * FROM ") + table + " ORDER BY 1, 2");
  }
  return out + "== inbox\n" + Query(path, "SELECT id, webhook_id, event, state, error FROM inbox");
}

int64_t Insert(Store* store, const std::string& body, int64_t webhook_id) {
  REQUIRE(store->InsertInbox(webhook_id, "connection_synced", 1042, body, kNow).value());
  auto items = store->ListInbox(std::nullopt, 1);
  REQUIRE(items.ok());
  return items->at(0).id;
}

Status ApplyDom(Store* store, int64_t id, const std::string& body, ApplyStats* stats) {
  Result<Payload> p = ParsePayload(WebhookEvent::kConnectionSynced, body);
  if (!p.ok()) return p.status();
  return store->ApplyInbox(id, *p, kNow, stats);
}

Result<ApplyStats> ApplyStreaming(Store* store, int64_t id) {
  return store->ApplyInboxStreaming(
      id,
      [](ByteSource* body, RecordSink* records) {
        return StreamPayload(WebhookEvent::kConnectionSynced, body, records);
      },
      kNow);
}

TEST_CASE("store_stream: same database as the DOM apply, first sync then update",
          "[store_stream]") {
  ScopedTempDir dir;
  const std::string dom_path = dir.File("dom.db"), stream_path = dir.File("stream.db");
  auto dom = MustOpen(dom_path);
  auto stream = MustOpen(stream_path);
  for (bool late : {false, true}) {
    payload_gen::Options o;
    o.transactions = 300;
    o.late_currency = late;
    o.webhook_id = late ? 100 : 1;
    const std::string first = payload_gen::Generate(o);
    o.update = true;
    o.webhook_id += 1;
    const std::string update = payload_gen::Generate(o);
    for (const std::string& body : {first, update, first}) {  // a late replay of the first too
      const int64_t webhook_id = o.webhook_id++ * 10;
      ApplyStats dom_stats;
      REQUIRE(ApplyDom(dom.get(), Insert(dom.get(), body, webhook_id), body, &dom_stats).ok());
      Result<ApplyStats> stream_stats = ApplyStreaming(stream.get(), Insert(stream.get(), body, webhook_id));
      INFO(stream_stats.status().ToString());
      REQUIRE(stream_stats.ok());
      CHECK(stream_stats->new_transactions == dom_stats.new_transactions);
      CHECK(stream_stats->transactions_updated == dom_stats.transactions_updated);
      CHECK(stream_stats->transactions_deleted == dom_stats.transactions_deleted);
      CHECK(stream_stats->accounts_touched == dom_stats.accounts_touched);
    }
  }
  CHECK(Dump(stream_path) == Dump(dom_path));
  CHECK(Query(stream_path, "PRAGMA foreign_key_check") == "");
  CHECK(Query(stream_path, "SELECT count(*) FROM transactions") != "'0'|\n");
}

// The transactions table's indexes and triggers as the schema has them.
std::string TransactionSchema(const std::string& path) {
  return Query(path, "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'transactions' "
                     "ORDER BY type, name");
}

std::string SearchIds(const std::string& path, const char* word) {
  return Query(path, std::string("SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH '") +
                         word + "' ORDER BY rowid");
}

TEST_CASE("store_stream: a first sync indexes once, to the same database and search index",
          "[store_stream]") {
  ScopedTempDir dir;
  const std::string fresh = dir.File("fresh.db"), bulk = dir.File("bulk.db"), rows = dir.File("rows.db");
  MustOpen(fresh);
  auto bulk_store = MustOpen(bulk);
  auto row_store = MustOpen(rows);
  // Row by row: the table is not empty when the sync starts (a stray row, removed after).
  {
    SqliteDb db = RawOpen(rows);
    REQUIRE(store_internal::Exec(db.get(),
                                 "INSERT INTO transactions (id, account_id, date, value_minor, type, "
                                 "original_wording, simplified_wording, wording, coming, active) "
                                 "VALUES (999999999, 1, '2020-01-01', 1, 'card', 'stray', 'stray', "
                                 "'stray', 0, 1)",
                                 "stray row")
                .ok());
  }
  payload_gen::Options o;
  o.transactions = 400;
  const std::string first = payload_gen::Generate(o);
  Result<ApplyStats> bulk_stats = ApplyStreaming(bulk_store.get(), Insert(bulk_store.get(), first, 1));
  Result<ApplyStats> row_stats = ApplyStreaming(row_store.get(), Insert(row_store.get(), first, 1));
  REQUIRE(bulk_stats.ok());
  REQUIRE(row_stats.ok());
  CHECK(bulk_stats->indexed_in_one_pass);
  CHECK_FALSE(row_stats->indexed_in_one_pass);
  {
    SqliteDb db = RawOpen(rows);
    REQUIRE(store_internal::Exec(db.get(), "DELETE FROM transactions WHERE id = 999999999", "unstray").ok());
  }
  CHECK(Dump(bulk) == Dump(rows));
  // The same indexes and triggers as a fresh database, and a search index that matches the rows.
  CHECK(TransactionSchema(bulk) == TransactionSchema(fresh));
  CHECK(Query(bulk, "PRAGMA integrity_check") == "'ok'|\n");
  CHECK(Query(bulk, "INSERT INTO transactions_fts (transactions_fts) VALUES ('integrity-check')") == "");
  for (const char* word : {"leclerc", "edf", "loyer", "boulangerie", "marche", "amazon", "zzz"}) {
    INFO(word);
    CHECK(SearchIds(bulk, word) == SearchIds(rows, word));
  }
  CHECK(SearchIds(bulk, "leclerc") != "");
  // A second sync on the now full table keeps the search index up to date row by row.
  o.update = true;
  Result<ApplyStats> update = ApplyStreaming(bulk_store.get(), Insert(bulk_store.get(), payload_gen::Generate(o), 2));
  REQUIRE(update.ok());
  CHECK_FALSE(update->indexed_in_one_pass);
  CHECK(Query(bulk, "INSERT INTO transactions_fts (transactions_fts) VALUES ('integrity-check')") == "");
  CHECK(TransactionSchema(bulk) == TransactionSchema(fresh));
}

TEST_CASE("store_stream: stats count new, rewritten and deleted transactions", "[store_stream]") {
  ScopedTempDir dir;
  auto store = MustOpen(dir.File("f.db"));
  payload_gen::Options o;
  o.transactions = 80;
  const std::string first = payload_gen::Generate(o);
  Result<ApplyStats> a = ApplyStreaming(store.get(), Insert(store.get(), first, 1));
  REQUIRE(a.ok());
  CHECK(a->new_transactions == 80);
  CHECK(a->transactions_updated == 0);
  CHECK(a->accounts_touched == payload_gen::kNumAccounts);
  o.update = true;
  Result<ApplyStats> b = ApplyStreaming(store.get(), Insert(store.get(), payload_gen::Generate(o), 2));
  REQUIRE(b.ok());
  CHECK(b->new_transactions == 8);  // 1 in 10 new
  CHECK(b->transactions_updated > 0);
  CHECK(b->transactions_deleted > 0);
  CHECK(b->transactions_deleted < b->transactions_updated);
}

TEST_CASE("store_stream: a bad record deep in the body rolls everything back", "[store_stream]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  payload_gen::Options o;
  o.transactions = 60;
  std::string body = payload_gen::Generate(o);
  const size_t at = body.rfind("\"date\":\"2023-");
  REQUIRE(at != std::string::npos);
  body.replace(at, 13, "\"date\":\"2023x");
  const int64_t id = Insert(store.get(), body, 1);
  Result<ApplyStats> r = ApplyStreaming(store.get(), id);
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find("connection.accounts[4].transactions[") == 0);
  CHECK(r.status().message() == ParsePayload(WebhookEvent::kConnectionSynced, body).status().message());
  CHECK(Query(path, "SELECT count(*) FROM transactions") == "'0'|\n");
  CHECK(Query(path, "SELECT state FROM inbox") == "'pending'|\n");  // ingest marks it failed
  // The first sync's indexes and triggers, set aside during the apply, are rolled back in place.
  const std::string fresh = dir.File("fresh.db");
  MustOpen(fresh);
  CHECK(TransactionSchema(path) == TransactionSchema(fresh));
}

TEST_CASE("store_stream: a missing body or item is NotFound", "[store_stream]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  Result<ApplyStats> none = ApplyStreaming(store.get(), 77);
  CHECK(none.status().code() == Status::Code::kNotFound);
  CHECK(none.status().message() == "inbox item 77: not found");
  const int64_t id = Insert(store.get(), "{}", 1);
  {
    SqliteDb db = RawOpen(path);
    REQUIRE(store_internal::Exec(db.get(), "DELETE FROM inbox_bodies", "test").ok());
  }
  Result<ApplyStats> missing = ApplyStreaming(store.get(), id);
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK(missing.status().message() ==
        "inbox item 1: body missing (never stored, or deleted after keep_applied_bodies)");
  CHECK(Query(path, "SELECT state FROM inbox") == "'pending'|\n");
}

TEST_CASE("store_stream: retention prunes applied bodies only, vacuum returns the pages",
          "[store_stream]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  CHECK(Query(path, "PRAGMA auto_vacuum") == "'2'|\n");  // a new file is incremental
  payload_gen::Options o;
  o.transactions = 400;
  const std::string body = payload_gen::Generate(o);
  const int64_t applied = Insert(store.get(), body, 1);
  REQUIRE(ApplyStreaming(store.get(), applied).ok());
  const int64_t failed = Insert(store.get(), body, 2);
  REQUIRE(store->MarkInboxFailed(failed, "kept").ok());
  const int64_t pending = Insert(store.get(), body, 3);
  (void)pending;
  REQUIRE(store->Checkpoint().ok());
  const int64_t before = store->Size().value().database_bytes;

  CHECK(store->PruneAppliedBodies(kNow - 1, 10).value() == 0);  // applied at kNow: too recent
  CHECK(store->PruneAppliedBodies(kNow + 1, 10).value() == 1);
  CHECK(Query(path, "SELECT inbox_id FROM inbox_bodies ORDER BY 1") == "'2'|\n'3'|\n");
  CHECK(Query(path, "SELECT id, state, body_bytes > 0 FROM inbox ORDER BY 1") ==
        "'1'|'applied'|'1'|\n'2'|'failed'|'1'|\n'3'|'pending'|'1'|\n");
  CHECK(store->Size().value().free_pages > 0);
  int64_t left = 1;
  for (int slice = 0; slice < 1000 && left > 0; ++slice) left = store->IncrementalVacuum(16).value();
  CHECK(left == 0);
  REQUIRE(store->Checkpoint().ok());
  CHECK(store->Size().value().database_bytes < before - static_cast<int64_t>(body.size()) / 2);
}

TEST_CASE("store_stream: a database made without incremental vacuum is converted once",
          "[store_stream]") {
  ScopedTempDir dir;
  const std::string path = dir.File("old.db");
  {
    SqliteDb db = RawOpen(dir.Write("old.db", ""));
    REQUIRE(store_internal::Exec(db.get(), "PRAGMA auto_vacuum = NONE; CREATE TABLE t (x)", "t").ok());
  }
  CHECK(Query(path, "PRAGMA auto_vacuum") == "'0'|\n");
  auto store = MustOpen(path);
  CHECK(Query(path, "PRAGMA auto_vacuum") == "'0'|\n");  // an existing file keeps its mode
  CHECK(store->IncrementalVacuum(10).value() == 0);      // and vacuum is a no-op there
  CHECK(store->EnsureIncrementalVacuum().value());
  CHECK(Query(path, "PRAGMA auto_vacuum") == "'2'|\n");
  CHECK_FALSE(store->EnsureIncrementalVacuum().value());
}

}  // namespace
}  // namespace freenahi
