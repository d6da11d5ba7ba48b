// SPDX-License-Identifier: MIT
// Tests for powens_page.cc on the Powens samples (tests/data/powens): auth replies, errors with
// request_id as number or string, pages with _links.next, and amounts at the account precision.
#include "powens_page.h"

#include "catch.h"
#include <fstream>
#include <sstream>

#include "paris_time.h"

namespace freenahi {
namespace {

std::string Sample(const std::string& name) {
  std::ifstream in(std::string(FREENAHI_POWENS_SAMPLES) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  REQUIRE(!s.str().empty());
  return s.str();
}

TEST_CASE("powens_page: auth/init reply gives the token and the user id", "[powens_page]") {
  Result<AuthInitReply> reply = ParseAuthInit(Sample("auth_init_response.json"));
  REQUIRE(reply.ok());
  CHECK(reply->user_id == 1042);
  CHECK(reply->token.size() > 20);
  CHECK(!ParseAuthInit("{\"type\":\"permanent\"}").ok());
  CHECK(!ParseAuthInit("<html>").ok());
}

TEST_CASE("powens_page: temporary code", "[powens_page]") {
  Result<std::string> code = ParseTemporaryCode(R"({"code":"a+b/c=","type":"temporary"})");
  REQUIRE(code.ok());
  CHECK(*code == "a+b/c=");
}

TEST_CASE("powens_page: errors with request_id as a string or a number", "[powens_page]") {
  std::optional<PowensError> e = ParsePowensError(Sample("error_response.json"));
  REQUIRE(e);
  CHECK(e->code == "wrongpass");
  CHECK(e->description == "Wrong password");
  CHECK(e->request_id == "7f3d2a9c4b8e4d21a6f0c1e2d3b4a596");
  e = ParsePowensError(R"({"code":"bug","message":"m","request_id":12345})");
  REQUIRE(e);
  CHECK(e->request_id == "12345");
  CHECK(!ParsePowensError("<html>502</html>"));
}

TEST_CASE("powens_page: accounts page", "[powens_page]") {
  PulledPage page;
  REQUIRE(ParseAccountsPage(Sample("accounts_response.json"), &page).ok());
  REQUIRE(page.accounts.size() == 2);
  CHECK(page.accounts[0].id == 2881);
  CHECK(page.accounts[0].balance_minor == 152347);
  CHECK(page.accounts[0].connection_id == 317);
}

TEST_CASE("powens_page: transactions page follows next and skips unknown accounts", "[powens_page]") {
  PulledPage page;
  TransactionsPageInfo info;
  std::map<int64_t, Currency> accounts = {{2881, Currency{"EUR", 2}}};
  REQUIRE(ParseTransactionsPage(Sample("transactions_page1.json"), accounts, &page, &info).ok());
  REQUIRE(page.transactions.size() == 3);
  CHECK(page.transactions[0].id == 90001);
  CHECK(page.transactions[0].value_minor == -4290);
  REQUIRE(info.next_href);
  CHECK(info.next_href->find("cursor=") != std::string::npos);
  CHECK(info.max_last_update == std::optional<std::string>("2024-03-14 08:01:55"));
  PulledPage none;
  TransactionsPageInfo skipped;
  REQUIRE(ParseTransactionsPage(Sample("transactions_page1.json"), {}, &none, &skipped).ok());
  CHECK(none.transactions.empty());
  CHECK(skipped.skipped == 3);
}

TEST_CASE("powens_page: the last page has no next", "[powens_page]") {
  PulledPage page;
  TransactionsPageInfo info;
  std::map<int64_t, Currency> accounts = {{2881, Currency{}}, {2882, Currency{}}};
  REQUIRE(ParseTransactionsPage(Sample("transactions_page2.json"), accounts, &page, &info).ok());
  CHECK(!info.next_href);
}

TEST_CASE("powens_page: a connection brings next_try and the earliest access_expire", "[powens_page]") {
  PulledPage page;
  REQUIRE(ParseConnectionObject(R"({"id": 317, "id_user": 1042, "id_connector": 40,
    "state": "SCARequired", "next_try": "2024-03-15 07:48:00", "active": true,
    "sources": [{"access_expire": "2024-08-28 09:15:03"}, {"access_expire": "2024-07-01 00:00:00"}],
    "accounts": [{"id": 2881, "balance": "1.5"}]})", &page).ok());
  REQUIRE(page.connections.size() == 1);
  const Connection& c = page.connections[0];
  CHECK(c.state == std::optional<std::string>("SCARequired"));
  CHECK(c.next_try == *ParseParisDatetime("2024-03-15 07:48:00"));
  CHECK(c.access_expire == *ParseParisDatetime("2024-07-01 00:00:00"));
  REQUIRE(c.accounts.size() == 1);
  CHECK(c.accounts[0].connection_id == 317);
}

TEST_CASE("powens_page: a page that is not the expected shape names what is wrong", "[powens_page]") {
  PulledPage page;
  Status s = ParseAccountsPage(R"({"accounts": [{"id": "x"}]})", &page);
  CHECK(s.message() == "accounts[0]: id: not an integer: \"x\"");
  CHECK(ParseConnectionsPage(R"({"nope": 1})", &page).message() == "connections: no connections array");
}

}  // namespace
}  // namespace freenahi
