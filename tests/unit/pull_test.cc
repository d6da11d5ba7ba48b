// SPDX-License-Identifier: MIT
// Tests for pull.cc with a transport that serves the Powens samples: every page is walked, rows
// land in the store, the high-water mark is kept and sent next time, and a failed pull keeps it.
#include "pull.h"

#include "catch.h"
#include <fstream>
#include <map>
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

struct FakePowens {
  std::vector<std::string> urls;
  bool fail_transactions = false;
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
  CHECK(summary->pages == 5);  // user, connections, accounts, two transaction pages
  REQUIRE(fake.urls.size() == 5);
  CHECK(fake.urls[3] == "https://x.biapi.pro/2.0/users/me/transactions?limit=1000&all");
  CHECK(fake.urls[4].find("cursor=") != std::string::npos);
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
  CHECK(fake.urls[3] == "https://x.biapi.pro/2.0/users/me/transactions?limit=1000&all&last_update=" +
                           UrlEncode(*(*last)->high_water));
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
