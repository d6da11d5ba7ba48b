// SPDX-License-Identifier: MIT
// Tests for ingest.cc on a real SQLite file: one item per step (the daemon's loop serves between
// items), a missing body or a bad shape marks the item failed with its reason and never blocks
// the items after it, what changed is reported.
#include "ingest.h"

#include "catch.h"
#include <string>

#include "../bench/payload_gen.h"
#include "store_schema.h"
#include "test_util.h"

namespace freenahi {
namespace {

constexpr UnixSeconds kNow = 1718000000;

std::unique_ptr<Store> MustOpen(const std::string& path) {
  auto store = Store::Open(path);
  INFO(store.status().ToString());
  REQUIRE(store.ok());
  return std::move(store).value();
}

std::string Body(int64_t webhook_id, int64_t transactions) {
  payload_gen::Options o;
  o.transactions = transactions;
  o.webhook_id = webhook_id;
  return payload_gen::Generate(o);
}

int64_t Insert(Store* store, int64_t webhook_id, const std::string& body) {
  REQUIRE(store->InsertInbox(webhook_id, "connection_synced", 1042, body, kNow).value());
  return store->ListInbox(std::nullopt, 1).value().at(0).id;
}

InboxItem Item(Store* store, int64_t id) { return store->GetInbox(id).value(); }

TEST_CASE("ingest: IngestNext applies one item per call, oldest first", "[ingest]") {
  ScopedTempDir dir;
  auto store = MustOpen(dir.File("f.db"));
  const int64_t a = Insert(store.get(), 1, Body(1, 20));
  const int64_t b = Insert(store.get(), 2, Body(2, 30));
  IngestStep first = IngestNext(store.get(), kNow);
  CHECK(first.inbox_id == a);
  CHECK(first.outcome == IngestOutcome::kApplied);
  CHECK(first.more_pending);
  CHECK(first.stats.new_transactions == 20);
  CHECK(Item(store.get(), b).state == InboxState::kPending);  // not touched in that step
  IngestStep second = IngestNext(store.get(), kNow);
  CHECK(second.inbox_id == b);
  CHECK(second.stats.new_transactions == 10);  // ids 20..29 are new
  CHECK(second.stats.transactions_updated == 0);  // 0..19 re-sent identical: not rewritten
  CHECK_FALSE(second.more_pending);
  IngestStep none = IngestNext(store.get(), kNow);
  CHECK_FALSE(none.inbox_id);
  CHECK_FALSE(none.more_pending);
}

TEST_CASE("ingest: a missing body is marked failed with its reason, the next item applies",
          "[ingest]") {
  ScopedTempDir dir;
  const std::string path = dir.File("f.db");
  auto store = MustOpen(path);
  const int64_t lost = Insert(store.get(), 1, Body(1, 5));
  const int64_t next = Insert(store.get(), 2, Body(2, 5));
  {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    store_internal::SqliteDb db(raw);
    const std::string sql = "DELETE FROM inbox_bodies WHERE inbox_id = " + std::to_string(lost);
    REQUIRE(store_internal::Exec(db.get(), sql.c_str(), "test").ok());
  }
  IngestCounts counts = IngestPending(store.get(), kNow);
  CHECK(counts.applied == 1);
  CHECK(counts.failed == 1);
  CHECK_FALSE(counts.retry_later);
  InboxItem failed = Item(store.get(), lost);
  CHECK(failed.state == InboxState::kFailed);
  CHECK(failed.error ==
        "inbox item 1: body missing (never stored, or deleted after keep_applied_bodies)");
  CHECK(Item(store.get(), next).state == InboxState::kApplied);
}

TEST_CASE("ingest: a bad shape is failed with its JSON path; replay after a fix", "[ingest]") {
  ScopedTempDir dir;
  auto store = MustOpen(dir.File("f.db"));
  const int64_t id = Insert(store.get(), 1,
                            R"({"connection": {"id": 3, "accounts": [{"id": 1, "currency": "EUR",)"
                            R"( "transactions": [{"id": 9, "date": "2024-01-02", "value": "x"}]}]}})");
  std::string detail;
  CHECK(IngestOne(store.get(), id, kNow, &detail) == IngestOutcome::kFailed);
  CHECK(detail == "connection.accounts[0].transactions[0].value: not a decimal number: \"x\"");
  CHECK(Item(store.get(), id).error == detail);
  CHECK(store->ListTransactions({}).value().empty());
}

}  // namespace
}  // namespace freenahi
