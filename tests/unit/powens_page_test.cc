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

TEST_CASE("powens_page: investments page, at the account's precision, unknown accounts skipped",
          "[powens_page]") {
  // GET /users/me/investments: the list plus totals freenahi does not keep.
  const char body[] = R"({"investments": [
    {"id": 4001, "id_account": 3001, "label": "ETF MSCI World", "code": "IE00B4L5Y983",
     "code_type": "ISIN", "quantity": 120.5, "unitprice": 71.2345, "unitvalue": "85.37",
     "valuation": 10287.09, "diff": -3.5, "vdate": "2024-03-13",
     "last_update": "2024-03-14 08:05:09", "deleted": null, "portfolio_share": 0.7},
    {"id": 4002, "id_account": 3001, "label": "Yen fund", "valuation": "1234", "diff": null},
    {"id": 4003, "id_account": 9999, "label": "Not listed", "valuation": 1}],
    "valuation": 11521.09, "diff": null, "diff_percent": null})";
  std::map<int64_t, Currency> accounts = {{3001, Currency{"EUR", 2}}};
  PulledPage page;
  Result<int64_t> skipped = ParseInvestmentsPage(body, accounts, &page);
  REQUIRE(skipped.ok());
  CHECK(*skipped == 1);
  REQUIRE(page.investments.size() == 2);
  const Investment& etf = page.investments[0];
  CHECK(etf.id == 4001);
  CHECK(etf.account_id == 3001);
  CHECK(etf.code == "IE00B4L5Y983");
  CHECK(etf.quantity == std::optional<std::string>("120.5"));
  CHECK(etf.unitprice == std::optional<std::string>("71.2345"));
  CHECK(etf.valuation_minor == 1028709);
  CHECK(etf.diff_minor == std::optional<int64_t>(-350));
  CHECK(etf.vdate == std::optional<std::string>("2024-03-13"));
  CHECK(etf.last_update == *ParseParisDatetime("2024-03-14 08:05:09"));
  CHECK(page.investments[1].valuation_minor == 123400);
  PulledPage yen;  // an account in a currency without decimals
  REQUIRE(ParseInvestmentsPage(R"({"investments": [{"id": 1, "id_account": 5, "valuation": 1234}]})",
                               {{5, Currency{"JPY", 0}}}, &yen).ok());
  CHECK(yen.investments[0].valuation_minor == 1234);
  CHECK(ParseInvestmentsPage(R"({"valuation": 1})", accounts, &yen).status().message() ==
        "investments: no investments array");
  CHECK(ParseInvestmentsPage(R"({"investments": [{"id": 1}]})", accounts, &yen).status().message() ==
        "investments[0].id_account: missing");
}

TEST_CASE("powens_page: a page that is not the expected shape names what is wrong", "[powens_page]") {
  PulledPage page;
  Status s = ParseAccountsPage(R"({"accounts": [{"id": "x"}]})", &page);
  CHECK(s.message() == "accounts[0]: id: not an integer: \"x\"");
  CHECK(ParseConnectionsPage(R"({"nope": 1})", &page).message() == "connections: no connections array");
}

}  // namespace
}  // namespace freenahi
