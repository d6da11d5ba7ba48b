// SPDX-License-Identifier: MIT
// Tests for assets.cc: classes, the carried-forward series against hand-computed values, the
// table view (loans negative, shares), holdings profits and loan progress.
#include "assets.h"

#include "catch.h"

namespace freenahi {
namespace {

AccountRow Account(int64_t id, const std::string& type, std::optional<int64_t> balance,
                   const std::string& currency = "EUR") {
  AccountRow a;
  a.id = id;
  a.name = type + std::to_string(id);
  a.type = type;
  a.currency = Currency{currency, 2};
  a.balance_minor = balance;
  return a;
}

TEST_CASE("assets: Powens types map to classes; loans always count negative", "[assets]") {
  CHECK(AssetClassOf("checking") == AssetClass::kChecking);
  CHECK(AssetClassOf("card") == AssetClass::kChecking);
  CHECK(AssetClassOf("savings") == AssetClass::kSavings);
  CHECK(AssetClassOf("pea") == AssetClass::kInvestments);
  CHECK(AssetClassOf("market") == AssetClass::kInvestments);
  CHECK(AssetClassOf("lifeinsurance") == AssetClass::kLifeInsurance);
  CHECK(AssetClassOf("mortgage") == AssetClass::kLoans);
  CHECK(AssetClassOf("spaceship") == AssetClass::kOther);
  CHECK(NetValue(AssetClass::kLoans, 100) == -100);
  CHECK(NetValue(AssetClass::kLoans, -100) == -100);
  CHECK(NetValue(AssetClass::kChecking, -100) == -100);
}

TEST_CASE("assets: calendar days and periods", "[assets]") {
  CHECK(DayText(DayNumber("2024-02-29")) == "2024-02-29");
  CHECK(DayNumber("2024-03-01") - DayNumber("2024-02-28") == 2);
  CHECK(DayNumber("1970-01-01") == 0);
  CHECK(PeriodStart(Period::kMonth, "2024-03-31", "2020-01-01") == "2024-02-29");
  CHECK(PeriodStart(Period::kMonth, "2024-01-15", "2020-01-01") == "2023-12-15");
  CHECK(PeriodStart(Period::kYear, "2024-02-29", "2020-01-01") == "2023-02-28");
  CHECK(PeriodStart(Period::kAll, "2024-02-29", "2020-01-01") == "2020-01-01");
  CHECK(!PeriodFromName("week"));
}

TEST_CASE("assets: series carries forward, sums accounts, subtracts loans", "[assets]") {
  std::vector<AccountRow> accounts = {Account(1, "checking", 0), Account(2, "savings", 0),
                                      Account(3, "loan", 0)};
  std::vector<BalanceRow> history = {
      {1, "2024-01-01", 10000, {}}, {1, "2024-01-04", 12000, {}},
      {2, "2024-01-02", 50000, {}},
      {3, "2024-01-03", -30000, {}}, {3, "2024-01-05", 29000, {}},  // sign flipped by the bank
      {9, "2024-01-01", 777, {}},                                   // not one of ours
  };
  std::vector<SeriesPoint> s = BuildSeries(accounts, history, "2023-12-31", "2024-01-07");
  REQUIRE(s.size() == 8);
  // Hand-computed: day, checking, savings, loans, total.
  struct Expect {
    const char* day;
    int64_t checking, savings, loans, total;
  } expect[] = {
      {"2023-12-31", 0, 0, 0, 0},
      {"2024-01-01", 10000, 0, 0, 10000},
      {"2024-01-02", 10000, 50000, 0, 60000},
      {"2024-01-03", 10000, 50000, -30000, 30000},
      {"2024-01-04", 12000, 50000, -30000, 32000},
      {"2024-01-05", 12000, 50000, -29000, 33000},
      {"2024-01-06", 12000, 50000, -29000, 33000},  // gap: carried forward
      {"2024-01-07", 12000, 50000, -29000, 33000},  // extended to the last day
  };
  for (size_t i = 0; i < s.size(); ++i) {
    INFO(expect[i].day);
    CHECK(s[i].day == expect[i].day);
    CHECK(s[i].by_class[0] == expect[i].checking);
    CHECK(s[i].by_class[1] == expect[i].savings);
    CHECK(s[i].by_class[4] == expect[i].loans);
    CHECK(s[i].total == expect[i].total);
  }
  // A window starting after the first rows still knows the values carried into it.
  std::vector<SeriesPoint> late = BuildSeries(accounts, history, "2024-01-06", "2024-01-06");
  CHECK(late.at(0).total == 33000);
  CHECK(EarliestDay(accounts, history) == std::optional<std::string>("2024-01-01"));
}

TEST_CASE("assets: a deleted account stops counting from its deletion day", "[assets]") {
  AccountRow gone = Account(1, "savings", 500);
  gone.deleted = DayNumber("2024-01-03") * 86400 + 3600;
  std::vector<BalanceRow> history = {{1, "2024-01-01", 500, {}}};
  std::vector<SeriesPoint> s = BuildSeries({gone}, history, "2024-01-01", "2024-01-04");
  CHECK(s[1].total == 500);
  CHECK(s[2].total == 0);
  CHECK(s[3].total == 0);
}

TEST_CASE("assets: view by class with shares of the gross assets and the net worth", "[assets]") {
  std::vector<AccountRow> live = {Account(1, "checking", 25000), Account(2, "savings", 75000),
                                  Account(3, "mortgage", -40000), Account(4, "checking", 999, "USD")};
  std::vector<BalanceRow> history = {{1, "2024-01-01", 20000, {}}, {2, "2024-01-01", 75000, {}},
                                     {3, "2024-01-01", -41000, {}}};
  std::vector<AssetsView> views = BuildAssetsViews(live, live, history, false, "2024-01-02");
  REQUIRE(views.size() == 2);
  const AssetsView& eur = views[0];
  CHECK(eur.currency.code == "EUR");
  CHECK(eur.gross_minor == 100000);
  CHECK(eur.net_worth_minor == 60000);
  CHECK(eur.change_minor == 60000 - (20000 + 75000 - 41000));
  REQUIRE(eur.lines.size() == 3);
  CHECK(eur.lines[0].label == "checking");
  CHECK(eur.lines[0].share_bp == 2500);
  CHECK(eur.lines[0].change_minor == 5000);
  CHECK(eur.lines[2].label == "loans");
  CHECK(eur.lines[2].value_minor == -40000);
  CHECK(eur.lines[2].share_bp == -4000);
  CHECK(views[1].currency.code == "USD");
  std::vector<AssetsView> by_account = BuildAssetsViews(live, live, history, true, "2024-01-02");
  CHECK(by_account[0].lines.size() == 3);
  CHECK(by_account[0].lines[2].change_minor == 1000);
}

TEST_CASE("assets: holdings profit from the bank's diff or from quantity x unit cost", "[assets]") {
  HoldingRow a;
  a.id = 1, a.account_id = 7, a.account_name = "PEA", a.label = "ETF World";
  a.quantity = "12.5", a.unitprice = "80.1234", a.unitvalue = "101.2";
  a.valuation_minor = 126500;
  HoldingRow b = a;
  b.id = 2, b.label = "Fund", b.valuation_minor = 73500, b.diff_minor = -1500;
  std::vector<AccountHoldings> out = ComputeHoldings({a, b}).value();
  REQUIRE(out.size() == 1);
  const HoldingFigures& first = out[0].holdings[0];
  CHECK(first.cost_minor == 100154);  // 12.5 x 80.1234 = 1001.5425
  CHECK(first.profit_minor == 126500 - 100154);
  CHECK(first.profit_bp == 2631);     // 263.46 / 1001.54 = 26.305 %
  CHECK(first.share_bp == 6325);      // 1265 / 2000
  CHECK(out[0].holdings[1].cost_minor == 75000);
  CHECK(out[0].holdings[1].profit_bp == -200);
  CHECK(out[0].valuation_minor == 200000);
  CHECK(out[0].profit_minor == 26346 - 1500);
  CHECK(out[0].cost_minor == 175154);
  HoldingRow bad = a;
  bad.quantity = "lots";
  CHECK(!ComputeHoldings({bad}).ok());
}

TEST_CASE("assets: loan progress from the remaining capital", "[assets]") {
  LoanRow row;
  row.balance_minor = -15000000;
  row.loan.total_amount_minor = 20000000;
  row.loan.nb_payments_total = 240;
  row.loan.nb_payments_left = 180;
  LoanFigures f = ComputeLoan(row);
  CHECK(f.remaining_minor == 15000000);
  CHECK(f.repaid_bp == 2500);
  CHECK(f.payments_done == 60);
}

}  // namespace
}  // namespace freenahi
