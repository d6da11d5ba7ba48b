// SPDX-License-Identifier: MIT
// `freenahi report`: gathers the figures (assets.h, annotate.h, store_query.h), renders the page
// (report.h) and writes it atomically to -o (default report.html) with mode 0600: it holds every
// balance.
#include <cstdio>

#include "annotate.h"
#include "assets.h"
#include "atomic_file.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "config.h"
#include "paris_time.h"
#include "report.h"
#include "store.h"
#include "store_assets.h"
#include "store_query.h"

namespace freenahi {
namespace {

std::vector<SummaryRow> InCurrency(std::vector<SummaryRow> rows, const std::string& code) {
  std::vector<SummaryRow> out;
  for (SummaryRow& r : rows) {
    if (r.currency.code == code) out.push_back(std::move(r));
  }
  return out;
}

Status Gather(Store& store, Period period, ReportData* d) {
  Result<WealthData> wealth = LoadWealth(store);
  if (!wealth.ok()) return wealth.status();
  const std::string code = MainCurrency(wealth->live);
  std::vector<AccountRow> live = AccountsIn(wealth->live, code);
  d->currency = live.empty() ? Currency{code, 2} : live.front().currency;
  std::string earliest = EarliestDay(wealth->all, wealth->history).value_or(d->as_of);
  std::string since = PeriodStart(period, d->as_of, earliest);
  std::vector<AssetsView> by_class = BuildAssetsViews(live, wealth->all, wealth->history, false, since);
  std::vector<AssetsView> by_account = BuildAssetsViews(live, wealth->all, wealth->history, true, since);
  if (!by_class.empty()) d->by_class = by_class.front(), d->by_account = by_account.front();
  d->series = SeriesFor(*wealth, code, period, d->as_of);
  for (const AccountRow& a : live) {
    AccountHistory h{a, {}};
    if (!d->series.empty()) h.series = BuildSeries({a}, wealth->history, d->series.front().day, d->as_of);
    d->accounts.push_back(std::move(h));
  }
  Result<std::vector<HoldingRow>> holdings = ListHoldings(store, std::nullopt);
  if (!holdings.ok()) return holdings.status();
  Result<std::vector<AccountHoldings>> computed = ComputeHoldings(*holdings);
  if (!computed.ok()) return computed.status();
  d->holdings = std::move(*computed);
  Result<std::vector<LoanRow>> loans = ListLoans(store);
  if (!loans.ok()) return loans.status();
  for (const LoanRow& row : *loans) d->loans.push_back(ComputeLoan(row));
  TransactionFilter filter;
  filter.since = since.substr(0, 8) + "01";  // whole months
  filter.until = d->as_of;
  Result<std::vector<SummaryRow>> months = QuerySummary(store, filter, SummaryGroup::kMonth);
  if (!months.ok()) return months.status();
  d->months = InCurrency(std::move(*months), code);
  Result<std::vector<SummaryRow>> categories = SummarizeByCategory(store, filter);
  if (!categories.ok()) return categories.status();
  d->categories = InCurrency(std::move(*categories), code);
  return Status::Ok();
}

int RunReport(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  ReportData data;
  Period period = Period::kYear;
  data.period_name = "year";
  if (auto p = args.Value("period")) {
    std::optional<Period> parsed = PeriodFromName(*p);
    if (!parsed) return CliError(kExitUsage, "--period '" + *p + "': expected month, year or all");
    period = *parsed;
    data.period_name = *p;
  }
  data.as_of = TodayDate();
  if (auto until = args.Value("until")) {
    if (!IsIsoDate(*until)) return CliError(kExitUsage, "--until '" + *until + "': expected YYYY-MM-DD");
    data.as_of = *until;
  }
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfig(args.config_path(), &warnings);
  if (!config.ok()) return CliError(kExitUsage, config.status().message());
  std::string lang = args.Value("lang").value_or(config->report_lang);
  if (lang != "en" && lang != "fr") return CliError(kExitUsage, "--lang '" + lang + "': expected en or fr");
  data.lang = lang == "fr" ? ReportLang::kFr : ReportLang::kEn;
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Status gathered = Gather(**store, period, &data);
  if (!gathered.ok()) return StoreError(gathered);
  std::string html = RenderReport(data);
  std::string path = args.Value("output").value_or("report.html");
  if (path == "-") {
    fwrite(html.data(), 1, html.size(), stdout);
    return fflush(stdout) == 0 ? kExitOk : CliError(kExitFailure, "write standard output failed");
  }
  Result<std::unique_ptr<AtomicFile>> file = AtomicFile::Create(path, 0600);
  if (!file.ok()) return CliError(kExitFailure, file.status().message() + " (check the -o path)");
  fwrite(html.data(), 1, html.size(), (*file)->stream());
  Status committed = (*file)->Commit();
  if (!committed.ok()) return CliError(kExitFailure, committed.message());
  fprintf(stderr, "wrote %s (%zu bytes)\n", path.c_str(), html.size());
  return kExitOk;
}

}  // namespace

extern const CommandSpec kReportCommand = {
    "report", "one HTML file with charts: net worth, accounts, investments, loans, spending",
    "usage: freenahi report [-o FILE] [--period month|year|all] [--lang en|fr] [--until DAY]\n"
    "  Writes one self-contained HTML page (inline CSS and SVG, no script, nothing fetched;\n"
    "  readable on a phone): net worth over time stacked by asset class (loans below zero), the\n"
    "  accounts with their share and history, investments with profit, loans with progress,\n"
    "  income and spending per month, spending per category. Every value shown is exact.\n"
    "  -o, --output FILE   where to write (default report.html; - for stdout); replaced\n"
    "                      atomically, mode 0600\n"
    "  --period P          month, year (default) or all: the span of the charts\n"
    "  --lang L            en or fr: dates and amounts (default: [report] lang)\n"
    "  --until DAY         the last day (YYYY-MM-DD; default today)\n"
    "examples:\n"
    "  freenahi report\n"
    "  freenahi report -o /var/www/html/money.html --period all --lang fr\n",
    "output period lang until", "", RunReport};

}  // namespace freenahi
