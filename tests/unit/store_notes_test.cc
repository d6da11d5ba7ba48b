// SPDX-License-Identifier: MIT
// Tests for store_notes.cc: annotations and rules on a real SQLite file; a payload that re-sends
// the same transactions (changed) leaves every annotation as it was.
#include "store_notes.h"

#include "catch.h"
#include "test_util.h"

namespace freenahi {
namespace {

constexpr UnixSeconds kNow = 1718000000;

Payload WithTransaction(int64_t webhook_id, const std::string& wording, UnixSeconds last_update) {
  Transaction t;
  t.id = 501, t.account_id = 11, t.date = "2024-06-01", t.value_minor = -1234, t.type = "card";
  t.wording = t.original_wording = t.simplified_wording = wording;
  t.last_update = last_update;
  Account a;
  a.id = 11, a.connection_id = 7, a.user_id = 42, a.name = "Compte", a.type = "checking";
  a.balance_minor = 1000, a.last_update = last_update;
  a.transactions = {t};
  Connection c;
  c.id = 7, c.user_id = 42, c.connector_uuid = "u", c.connector_name = "Bank";
  c.accounts = {a};
  Payload p;
  p.webhook_id = webhook_id;
  p.connection = c;
  return p;
}

void Deliver(Store& store, const Payload& p) {
  REQUIRE(store.InsertInbox(p.webhook_id, "connection_synced", 42, "{}", kNow).value());
  auto items = store.ListInbox(std::nullopt, 1).value();
  REQUIRE(store.ApplyInbox(items.at(0).id, p, kNow).ok());
}

TEST_CASE("store_notes: pin, note, rename and tags survive a re-sent transaction", "[store_notes]") {
  ScopedTempDir dir;
  auto store = Store::Open(dir.File("f.db")).value();
  CHECK(CheckTransactionExists(*store, 501).message() == "transaction 501: not found");
  Deliver(*store, WithTransaction(1, "CB SHOP", kNow - 100));
  REQUIRE(CheckTransactionExists(*store, 501).ok());
  REQUIRE(SetPinned(*store, 501, true, kNow).ok());
  REQUIRE(SetNote(*store, 501, std::string("gift for Ana"), kNow).ok());
  REQUIRE(SetWording(*store, 501, std::string("Birthday present"), kNow).ok());
  REQUIRE(AddTags(*store, 501, {"gifts", "family", "gifts"}, kNow).ok());
  Deliver(*store, WithTransaction(2, "CB SHOP PARIS 01/06", kNow));  // newer: overwrites the bank's
  Annotation a = GetAnnotation(*store, 501).value();
  CHECK(a.pinned);
  CHECK(a.note == std::optional<std::string>("gift for Ana"));
  CHECK(a.wording == std::optional<std::string>("Birthday present"));
  CHECK(a.tags == std::vector<std::string>{"family", "gifts"});
  TransactionQuery all;
  CHECK(store->ListTransactions(all).value().at(0).wording == "CB SHOP PARIS 01/06");

  REQUIRE(RemoveTags(*store, 501, {"family"}, kNow).ok());
  REQUIRE(SetPinned(*store, 501, false, kNow).ok());
  REQUIRE(SetNote(*store, 501, std::nullopt, kNow).ok());
  REQUIRE(SetWording(*store, 501, std::nullopt, kNow).ok());
  CHECK(AllAnnotations(*store).value().at(501).tags == std::vector<std::string>{"gifts"});
  REQUIRE(RemoveTags(*store, 501, {"gifts"}, kNow).ok());
  CHECK(GetAnnotation(*store, 501).value().empty());
  CHECK(AllAnnotations(*store).value().empty());  // nothing left: the row is gone
}

TEST_CASE("store_notes: rules are listed oldest first and removed by id", "[store_notes]") {
  auto store = Store::Open(":memory:").value();
  CategoryRule r;
  r.kind = RuleKind::kRegex, r.pattern = "^CB ", r.category = "cards", r.created_at = kNow;
  int64_t first = AddRule(*store, r).value();
  r.kind = RuleKind::kMatch, r.pattern = "edf", r.category = "energy";
  int64_t second = AddRule(*store, r).value();
  CHECK(second > first);
  auto rules = ListRules(*store).value();
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].kind == RuleKind::kRegex);
  CHECK(rules[1].category == "energy");
  REQUIRE(RemoveRule(*store, first).ok());
  CHECK(RemoveRule(*store, first).message() == "rule " + std::to_string(first) + ": not found");
  CHECK(ListRules(*store).value().size() == 1);
}

}  // namespace
}  // namespace freenahi
