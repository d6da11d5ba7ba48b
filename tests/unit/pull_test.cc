// SPDX-License-Identifier: MIT
// Tests for pull.cc with a transport that serves the Powens samples: every page is walked, rows
// land in the store, the high-water mark is kept and sent next time, and a failed pull keeps it.
#include "pull.h"

#include "catch.h"
#include <fstream>
#include <map>
#include <sqlite3.h>
#include <sstream>

#include "test_util.h"

namespace freenahi {
namespace {

std::string Sample(const std::string& name) {
  std::ifstream in(std::string(FREENAHI_POWENS_SAMPLES) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const char kConnections[] = R"({"connections": [{"id": 317, "id_user": 1042, "id_connector": 40,
  "state": "SCARequired", "active": true, "last_update": "2024-03-14 08:02:11",
  "connector": {"id": 40, "uuid": "u", "name": "Connecteur de test"},
  "accounts": []}]})";

const char kInvestments[] = R"({"investments": [{"id": 4001, "id_account": 2882, "label": "Fund",
  "code": "FR0010510800", "code_type": "ISIN", "quantity": "0.5", "valuation": "628.91",
  "last_update": "2024-03-14 08:05:09"}], "valuation": 628.91})";

struct FakePowens {
  std::vector<std::string> urls;
  bool fail_transactions = false;
  int investments_status = 200;
  PowensSeams Seams() {
    PowensSeams seams;
    seams.sleep_ms = [](int64_t) {};
    seams.fetch = [this](const HttpClientRequest& r, const HttpClientOptions&) {
      urls.push_back(r.url);
      HttpClientResponse answer;
      answer.status = 200;
      const std::string& u = r.url;
      if (u.find("cursor=") != std::string::npos) {
        answer.body = Sample("transactions_page2.json");
      } else if (u.find("/transactions") != std::string::npos) {
        answer.status = fail_transactions ? 400 : 200;
        answer.body = fail_transactions ? R"({"code":"bug"})" : Sample("transactions_page1.json");
      } else if (u.find("/investments") != std::string::npos) {
        answer.status = investments_status;
        answer.body = investments_status == 200 ? kInvestments : R"({"code":"notFound"})";
      } else if (u.find("/accounts") != std::string::npos) {
        answer.body = Sample("accounts_response.json");
      } else if (u.find("/connections") != std::string::npos) {
        answer.body = kConnections;
      } else {
        answer.body = R"({"id": 1042, "signin": "2024-03-01 09:12:44", "platform": "sharedAccess"})";
      }
      return Result<HttpClientResponse>(answer);
    };
    return seams;
  }
};

UnixSeconds Now() { return 1718000000; }

TEST_CASE("pull: walks every page into the store and keeps the high-water mark", "[pull]") {
  ScopedTempDir dir;
  auto store = Store::Open(dir.File("f.db"));
  REQUIRE(store.ok());
  REQUIRE((*store)->SetUserToken(1042, "tok").ok());
  FakePowens fake;
  PowensOptions options;
  options.api_url = "https://x.biapi.pro/2.0";
  PowensClient client(options, fake.Seams());
  PowensUser user{1042, "tok"};
  Result<PullSummary> summary = RunPull(&client, store->get(), user, PullOptions(), Now);
  INFO(summary.status().ToString());
  REQUIRE(summary.ok());
  CHECK(summary->pages == 6);  // user, connections, accounts, investments, two transaction pages
  REQUIRE(fake.urls.size() == 6);
  CHECK(fake.urls[3] == "https://x.biapi.pro/2.0/users/me/investments");
  CHECK(fake.urls[4] == "https://x.biapi.pro/2.0/users/me/transactions?limit=1000&all");
  CHECK(fake.urls[5].find("cursor=") != std::string::npos);
  CHECK(summary->warnings.empty());
  auto transactions = (*store)->ListTransactions(TransactionQuery{std::nullopt, 0, true});
  REQUIRE(transactions.ok());
  CHECK(transactions->size() == 5);
  auto health = (*store)->ListConnectionHealth();
  REQUIRE(health.ok());
  REQUIRE(health->size() == 1);
  CHECK(health->front().state == std::optional<std::string>("SCARequired"));
  auto last = (*store)->LastPull(1042);
  REQUIRE(last.ok());
  REQUIRE(*last);
  CHECK((*last)->ok == std::optional<bool>(true));
  REQUIRE((*last)->high_water);

  fake.urls.clear();
  REQUIRE(RunPull(&client, store->get(), user, PullOptions(), Now).ok());
  CHECK(fake.urls[4] == "https://x.biapi.pro/2.0/users/me/transactions?limit=1000&all&last_update=" +
                           UrlEncode(*(*last)->high_water));
}

TEST_CASE("pull: investments land through the webhook's upsert; a refused call is a warning",
          "[pull]") {
  ScopedTempDir dir;
  auto store = Store::Open(dir.File("f.db"));
  REQUIRE(store.ok());
  FakePowens fake;
  PowensOptions options;
  options.api_url = "https://x.biapi.pro/2.0";
  PowensClient client(options, fake.Seams());
  PowensUser user{1042, "tok"};
  REQUIRE(RunPull(&client, store->get(), user, PullOptions(), Now).ok());
  auto count = [&] {
    sqlite3_stmt* raw = nullptr;
    REQUIRE(sqlite3_prepare_v2((*store)->raw_handle(),
                               "SELECT count(*), sum(valuation_minor) FROM investments WHERE "
                               "account_id = 2882", -1, &raw, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(raw) == SQLITE_ROW);
    std::string text = std::to_string(sqlite3_column_int64(raw, 0)) + " " +
                       std::to_string(sqlite3_column_int64(raw, 1));
    sqlite3_finalize(raw);
    return text;
  };
  CHECK(count() == "1 62891");
  // A domain without the wealth product: the rest of the pull is kept, the user is told.
  fake.investments_status = 404;
  fake.urls.clear();
  Result<PullSummary> summary = RunPull(&client, store->get(), user, PullOptions(), Now);
  REQUIRE(summary.ok());
  REQUIRE(summary->warnings.size() == 1);
  CHECK(summary->warnings[0].rfind("investments not pulled: ", 0) == 0);
  CHECK(fake.urls.back().find("/transactions") != std::string::npos);
  CHECK(count() == "1 62891");
  // A Powens outage (5xx after the retries) still fails the pull.
  fake.investments_status = 503;
  CHECK(!RunPull(&client, store->get(), user, PullOptions(), Now).ok());
}

TEST_CASE("pull: a failed pull is recorded and keeps the previous mark", "[pull]") {
  ScopedTempDir dir;
  auto store = Store::Open(dir.File("f.db"));
  REQUIRE(store.ok());
  FakePowens fake;
  PowensOptions options;
  options.api_url = "https://x.biapi.pro/2.0";
  PowensClient client(options, fake.Seams());
  PowensUser user{1042, "tok"};
  REQUIRE(RunPull(&client, store->get(), user, PullOptions(), Now).ok());
  std::optional<std::string> mark = (*(*store)->LastPull(1042))->high_water;
  fake.fail_transactions = true;
  PullOptions full;
  full.full = true;
  Result<PullSummary> failed = RunPull(&client, store->get(), user, full, Now);
  REQUIRE(!failed.ok());
  auto last = (*store)->LastPull(1042);
  CHECK((*last)->ok == std::optional<bool>(false));
  CHECK((*last)->error == failed.status().message());
  CHECK((*last)->high_water == mark);
}

}  // namespace
}  // namespace freenahi
