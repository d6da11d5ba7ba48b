// SPDX-License-Identifier: MIT
// `freenahi investments` (holdings with cost, value, profit and share, totals per account) and
// `freenahi loans` (amounts, rate, dates, payments, remaining capital, % repaid with a bar on a
// terminal). Figures from assets.cc; money exact, percentages in hundredths.
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "assets.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "decimal.h"
#include "store.h"
#include "store_assets.h"

namespace freenahi {
namespace {

std::string Pct(const std::optional<int64_t>& bp) { return bp ? FormatBasisPoints(*bp) + " %" : "-"; }
std::string PctJson(const std::optional<int64_t>& bp) { return bp ? FormatBasisPoints(*bp) : ""; }
std::string Money(const std::optional<int64_t>& minor, const Currency& c) {
  return minor ? MoneyText(*minor, c) : "-";
}
std::string Number(const std::optional<int64_t>& minor, const Currency& c) {
  return minor ? MoneyNumber(*minor, c) : "";
}
void JsonMoney(JsonWriter& w, const char* key, const std::optional<int64_t>& minor, int precision) {
  w.Key(key);
  minor ? w.Money(*minor, precision) : w.Null();
}
void JsonPct(JsonWriter& w, const char* key, const std::optional<int64_t>& bp) {
  w.Key(key);
  bp ? w.String(FormatBasisPoints(*bp)) : w.Null();
}

void InvestmentsJson(const std::vector<AccountHoldings>& accounts) {
  JsonWriter w(stdout);
  w.BeginArray();
  for (const AccountHoldings& a : accounts) {
    const int p = a.currency.precision;
    w.BeginObject();
    w.Field("account_id", a.account_id);
    w.Field("account", a.account_name);
    w.Field("currency", a.currency.code);
    w.Key("holdings");
    w.BeginArray();
    for (const HoldingFigures& h : a.holdings) {
      w.BeginObject();
      w.Field("id", h.row.id);
      w.Field("label", h.row.label);
      w.Field("code", h.row.code);
      w.Field("code_type", h.row.code_type);
      w.Field("quantity", h.row.quantity);
      w.Field("unit_cost", h.row.unitprice);
      w.Field("unit_value", h.row.unitvalue);
      w.Key("valuation");
      w.Money(h.row.valuation_minor, p);
      JsonMoney(w, "cost", h.cost_minor, p);
      JsonMoney(w, "profit", h.profit_minor, p);
      JsonPct(w, "profit_pct", h.profit_bp);
      JsonPct(w, "share_pct", h.share_bp);
      w.Field("vdate", h.row.vdate);
      w.EndObject();
    }
    w.EndArray();
    w.Key("valuation");
    w.Money(a.valuation_minor, p);
    JsonMoney(w, "cost", a.cost_minor, p);
    JsonMoney(w, "profit", a.profit_minor, p);
    JsonPct(w, "profit_pct", a.profit_bp);
    w.EndObject();
  }
  w.EndArray();
  w.EndDocument();
}

void InvestmentsCsv(const std::vector<AccountHoldings>& accounts) {
  CsvWriter csv(stdout, {"account_id", "account", "label", "code", "quantity", "unit_cost",
                         "unit_value", "valuation", "cost", "profit", "profit_pct", "share_pct",
                         "currency"});
  for (const AccountHoldings& a : accounts) {
    for (const HoldingFigures& h : a.holdings) {
      csv.Row({std::to_string(a.account_id), a.account_name, h.row.label, h.row.code,
               h.row.quantity.value_or(""), h.row.unitprice.value_or(""), h.row.unitvalue.value_or(""),
               MoneyNumber(h.row.valuation_minor, a.currency), Number(h.cost_minor, a.currency),
               Number(h.profit_minor, a.currency), PctJson(h.profit_bp), PctJson(h.share_bp),
               a.currency.code});
    }
  }
}

Tone ToneOf(const std::optional<int64_t>& v) {
  return !v || *v == 0 ? Tone::kPlain : *v < 0 ? Tone::kNegative : Tone::kPositive;
}

void InvestmentsTable(const CliArgs& args, const std::vector<AccountHoldings>& accounts) {
  using A = Table::Align;
  for (const AccountHoldings& a : accounts) {
    printf("%s (%lld)\n", a.account_name.c_str(), static_cast<long long>(a.account_id));
    Table table({{"LABEL", A::kLeft, 32}, {"CODE"}, {"QUANTITY", A::kRight}, {"UNIT COST", A::kRight},
                 {"UNIT VALUE", A::kRight}, {"VALUATION", A::kRight}, {"PROFIT", A::kRight},
                 {"PROFIT %", A::kRight}, {"SHARE", A::kRight}});
    for (const HoldingFigures& h : a.holdings) {
      table.AddRow({h.row.label, h.row.code, h.row.quantity.value_or("-"),
                    h.row.unitprice.value_or("-"), h.row.unitvalue.value_or("-"),
                    MoneyText(h.row.valuation_minor, a.currency),
                    {Money(h.profit_minor, a.currency), ToneOf(h.profit_minor)},
                    {Pct(h.profit_bp), ToneOf(h.profit_bp)}, Pct(h.share_bp)});
    }
    table.AddTotal({"total", "", "", "", "", MoneyText(a.valuation_minor, a.currency),
                    Money(a.profit_minor, a.currency), Pct(a.profit_bp), "100.00 %"});
    table.Print(stdout, args.style());
    printf("\n");
  }
  printf("profit: the bank's figure when it gives one, else valuation − quantity × unit cost\n");
}

int RunInvestments(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  std::optional<int64_t> account_id;
  if (args.Value("account")) {
    TransactionFilter filter;  // reuses --account's id-or-name resolution
    Status resolved = FilterFromArgs(args, **store, &filter);
    if (!resolved.ok()) return StoreError(resolved);
    if (filter.account_ids.size() != 1)
      return CliError(kExitUsage, "--account '" + *args.Value("account") + "' names " +
                                      std::to_string(filter.account_ids.size()) + " accounts: give its id");
    account_id = filter.account_ids.front();
  }
  Result<std::vector<HoldingRow>> rows = ListHoldings(**store, account_id);
  if (!rows.ok()) return StoreError(rows.status());
  Result<std::vector<AccountHoldings>> accounts = ComputeHoldings(*rows);
  if (!accounts.ok()) return StoreError(accounts.status());
  switch (args.format()) {
    case OutputFormat::kJson: InvestmentsJson(*accounts); break;
    case OutputFormat::kCsv: InvestmentsCsv(*accounts); break;
    case OutputFormat::kTable:
      if (accounts->empty()) printf("no investments (Powens sends them for market, PEA and life insurance accounts)\n");
      else InvestmentsTable(args, *accounts);
  }
  return kExitOk;
}

// "[#######.............] 35.00 %" over `width` cells.
std::string ProgressBar(int64_t bp, size_t width) {
  size_t filled = static_cast<size_t>(std::clamp<int64_t>(bp, 0, 10000) * static_cast<int64_t>(width) / 10000);
  std::string bar;
  for (size_t i = 0; i < width; ++i) bar += i < filled ? "█" : "░";
  return bar;
}

void LoansJson(const std::vector<LoanFigures>& loans) {
  JsonWriter w(stdout);
  w.BeginArray();
  for (const LoanFigures& f : loans) {
    const Loan& l = f.row.loan;
    const int p = f.row.currency.precision;
    w.BeginObject();
    w.Field("account_id", f.row.account_id);
    w.Field("account", f.row.account_name);
    w.Field("type", l.type);
    w.Field("currency", f.row.currency.code);
    JsonMoney(w, "amount", l.total_amount_minor, p);
    w.Field("rate", l.rate);
    w.Field("duration_months", l.duration);
    w.Field("subscription_date", l.subscription_date);
    w.Field("maturity_date", l.maturity_date);
    w.Field("payments_done", f.payments_done);
    w.Field("payments_left", l.nb_payments_left);
    w.Field("payments_total", l.nb_payments_total);
    w.Field("next_payment_date", l.next_payment_date);
    JsonMoney(w, "next_payment_amount", l.next_payment_amount_minor, p);
    JsonMoney(w, "remaining", f.remaining_minor, p);
    JsonPct(w, "repaid_pct", f.repaid_bp);
    w.EndObject();
  }
  w.EndArray();
  w.EndDocument();
}

void LoansCsv(const std::vector<LoanFigures>& loans) {
  CsvWriter csv(stdout, {"account_id", "account", "type", "amount", "rate", "duration_months",
                         "subscription_date", "maturity_date", "payments_done", "payments_left",
                         "payments_total", "next_payment_date", "next_payment_amount", "remaining",
                         "repaid_pct", "currency"});
  auto n = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : ""; };
  for (const LoanFigures& f : loans) {
    const Loan& l = f.row.loan;
    const Currency& c = f.row.currency;
    csv.Row({std::to_string(f.row.account_id), f.row.account_name, l.type, Number(l.total_amount_minor, c),
             l.rate.value_or(""), n(l.duration), l.subscription_date.value_or(""),
             l.maturity_date.value_or(""), n(f.payments_done), n(l.nb_payments_left),
             n(l.nb_payments_total), l.next_payment_date.value_or(""),
             Number(l.next_payment_amount_minor, c), Number(f.remaining_minor, c),
             PctJson(f.repaid_bp), c.code});
  }
}

void LoansTable(const CliArgs& args, const std::vector<LoanFigures>& loans) {
  const bool tty = isatty(fileno(stdout));
  auto n = [](const std::optional<int64_t>& v) { return v ? std::to_string(*v) : std::string("-"); };
  Style style = args.style();
  for (const LoanFigures& f : loans) {
    const Loan& l = f.row.loan;
    const Currency& c = f.row.currency;
    printf("%s (%lld)%s%s\n", style.Paint(f.row.account_name, Tone::kHeader).c_str(),
           static_cast<long long>(f.row.account_id), l.type.empty() ? "" : ", ", l.type.c_str());
    printf("  amount      %s at %s %% over %s months (%s → %s)\n", Money(l.total_amount_minor, c).c_str(),
           l.rate.value_or("-").c_str(), n(l.duration).c_str(), l.subscription_date.value_or("?").c_str(),
           l.maturity_date.value_or("?").c_str());
    printf("  payments    %s done, %s left, %s in all\n", n(f.payments_done).c_str(),
           n(l.nb_payments_left).c_str(), n(l.nb_payments_total).c_str());
    printf("  next        %s on %s\n", Money(l.next_payment_amount_minor, c).c_str(),
           l.next_payment_date.value_or("-").c_str());
    printf("  remaining   %s\n", Money(f.remaining_minor, c).c_str());
    std::string bar = tty && f.repaid_bp ? ProgressBar(*f.repaid_bp, 30) + " " : "";
    printf("  repaid      %s%s\n\n", bar.c_str(), Pct(f.repaid_bp).c_str());
  }
}

int RunLoans(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<LoanRow>> rows = ListLoans(**store);
  if (!rows.ok()) return StoreError(rows.status());
  std::vector<LoanFigures> loans;
  for (const LoanRow& row : *rows) loans.push_back(ComputeLoan(row));
  switch (args.format()) {
    case OutputFormat::kJson: LoansJson(loans); break;
    case OutputFormat::kCsv: LoansCsv(loans); break;
    case OutputFormat::kTable:
      if (loans.empty()) printf("no loans\n");
      else LoansTable(args, loans);
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kInvestmentsCommand = {
    "investments", "holdings per account: value, profit (money and %), share",
    "usage: freenahi investments [--account A] [--json|--csv]\n"
    "  Per holding: label, ISIN or code, quantity, unit cost, unit value, valuation, profit in\n"
    "  money and % of the cost, share of the account; totals per account. Money is exact.\n"
    "  --account A    only this account (id, or part of its name)\n"
    "examples:\n"
    "  freenahi investments\n"
    "  freenahi investments --account pea --json\n",
    "account", "json csv", RunInvestments};

extern const CommandSpec kLoansCommand = {
    "loans", "loans: amounts, rate, payments done and left, how much is repaid",
    "usage: freenahi loans [--json|--csv]\n"
    "  Per loan: type, amount, rate, duration, subscription and maturity dates, payments done,\n"
    "  left and in all, the next payment, the remaining capital (the account's balance) and the\n"
    "  share repaid, with a progress bar on a terminal.\n"
    "examples:\n"
    "  freenahi loans\n"
    "  freenahi loans --json | jq '.[].repaid_pct'\n",
    "", "json csv", RunLoans};

}  // namespace freenahi
