// SPDX-License-Identifier: MIT
// `freenahi assets`: value per asset class (or per account) with share and change over a period,
// the net worth with loans subtracted; `--history` prints the daily series as a table, JSON, CSV,
// or on a terminal a block-character chart. Figures come from assets.cc.
#include <unistd.h>

#include <cctype>
#include <cstdio>

#include "assets.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "decimal.h"
#include "paris_time.h"
#include "store.h"
#include "text_chart.h"

namespace freenahi {
namespace {

struct AssetsArgs {
  bool by_account = false;
  Period period = Period::kMonth;
  std::string period_name = "month";
  std::string until;
  std::optional<std::string> currency;
};

std::string Share(const std::optional<int64_t>& bp) {
  return bp ? FormatBasisPoints(*bp) + " %" : "-";
}

std::string Signed(int64_t minor, const Currency& currency) {
  return (minor > 0 ? "+" : "") + MoneyText(minor, currency);
}

void PrintViewsJson(const AssetsArgs& a, const std::string& since,
                    const std::vector<AssetsView>& views) {
  JsonWriter w(stdout);
  w.BeginObject();
  w.Field("as_of", a.until);
  w.Field("period", a.period_name);
  w.Field("since", since);
  w.Key("currencies");
  w.BeginArray();
  for (const AssetsView& v : views) {
    const int p = v.currency.precision;
    w.BeginObject();
    w.Field("currency", v.currency.code);
    w.Key("lines");
    w.BeginArray();
    for (const AssetLine& line : v.lines) {
      w.BeginObject();
      w.Field("class", AssetClassName(line.asset_class));
      w.Field("label", line.label);
      w.Field("account_id", line.account_id);
      w.Key("value");
      w.Money(line.value_minor, p);
      w.Key("share");
      line.share_bp ? w.String(FormatBasisPoints(*line.share_bp)) : w.Null();
      w.Key("change");
      w.Money(line.change_minor, p);
      w.EndObject();
    }
    w.EndArray();
    w.Key("gross");
    w.Money(v.gross_minor, p);
    w.Key("net_worth");
    w.Money(v.net_worth_minor, p);
    w.Key("change");
    w.Money(v.change_minor, p);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndDocument();
}

void PrintViewsCsv(const std::vector<AssetsView>& views) {
  CsvWriter csv(stdout, {"currency", "class", "label", "account_id", "value", "share", "change"});
  for (const AssetsView& v : views) {
    for (const AssetLine& l : v.lines) {
      csv.Row({v.currency.code, AssetClassName(l.asset_class), l.label,
               l.account_id ? std::to_string(*l.account_id) : "",
               MoneyNumber(l.value_minor, v.currency), l.share_bp ? FormatBasisPoints(*l.share_bp) : "",
               MoneyNumber(l.change_minor, v.currency)});
    }
  }
}

void PrintViewsTable(const CliArgs& args, const AssetsArgs& a, const std::string& since,
                     const std::vector<AssetsView>& views) {
  using A = Table::Align;
  for (const AssetsView& v : views) {
    Table table({{a.by_account ? "ACCOUNT" : "CLASS", A::kLeft, 32}, {"TYPE"}, {"VALUE", A::kRight},
                 {"SHARE", A::kRight}, {"CHANGE", A::kRight}});
    for (const AssetLine& l : v.lines) {
      Tone tone = l.value_minor < 0 ? Tone::kNegative : Tone::kPlain;
      table.AddRow({l.label, a.by_account ? AssetClassName(l.asset_class) : "",
                    {MoneyText(l.value_minor, v.currency), tone}, Share(l.share_bp),
                    {Signed(l.change_minor, v.currency), Tone::kDim}});
    }
    table.AddTotal({"assets (without loans)", "", MoneyText(v.gross_minor, v.currency), "", ""});
    table.AddTotal({"net worth", "", MoneyText(v.net_worth_minor, v.currency), "",
                    Signed(v.change_minor, v.currency)});
    table.Print(stdout, args.style());
  }
  printf("as of %s; change since %s (--period %s); shares are of the assets without loans\n",
         a.until.c_str(), since.c_str(), a.period_name.c_str());
}

std::vector<AssetClass> ClassesIn(const std::vector<SeriesPoint>& series) {
  std::vector<AssetClass> out;
  for (AssetClass c : kAllAssetClasses) {
    for (const SeriesPoint& p : series) {
      if (p.by_class[static_cast<size_t>(c)] != 0) {
        out.push_back(c);
        break;
      }
    }
  }
  return out;
}

void PrintHistoryJson(const AssetsArgs& a, const Currency& currency,
                      const std::vector<SeriesPoint>& series) {
  JsonWriter w(stdout);
  w.BeginObject();
  w.Field("currency", currency.code);
  w.Field("period", a.period_name);
  w.Key("from");
  series.empty() ? w.Null() : w.String(series.front().day);
  w.Field("until", a.until);
  w.Key("points");
  w.BeginArray();
  for (const SeriesPoint& p : series) {
    w.BeginObject();
    w.Field("day", p.day);
    for (AssetClass c : kAllAssetClasses) {
      w.Key(AssetClassName(c));
      w.Money(p.by_class[static_cast<size_t>(c)], currency.precision);
    }
    w.Key("net_worth");
    w.Money(p.total, currency.precision);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndDocument();
}

void PrintHistoryRows(const CliArgs& args, const Currency& currency,
                      const std::vector<SeriesPoint>& series) {
  std::vector<AssetClass> classes = ClassesIn(series);
  std::vector<std::string> header = {"day"};
  for (AssetClass c : classes) header.push_back(AssetClassName(c));
  header.push_back("net_worth");
  if (args.format() == OutputFormat::kCsv) {
    CsvWriter csv(stdout, header);
    for (const SeriesPoint& p : series) {
      std::vector<std::string> row = {p.day};
      for (AssetClass c : classes) row.push_back(MoneyNumber(p.by_class[static_cast<size_t>(c)], currency));
      row.push_back(MoneyNumber(p.total, currency));
      csv.Row(row);
    }
    return;
  }
  std::vector<Table::Column> columns;
  for (const std::string& h : header) {
    std::string title = h;
    for (char& ch : title) ch = static_cast<char>(toupper(static_cast<unsigned char>(ch)));
    columns.push_back({title, h == "day" ? Table::Align::kLeft : Table::Align::kRight});
  }
  Table table(columns);
  for (const SeriesPoint& p : series) {
    std::vector<Table::Cell> row = {p.day};
    for (AssetClass c : classes) row.push_back(MoneyNumber(p.by_class[static_cast<size_t>(c)], currency));
    row.push_back(MoneyNumber(p.total, currency));
    table.AddRow(row);
  }
  table.Print(stdout, args.style());
  printf("amounts in %s; gaps carried forward from the last known balance; loans negative\n",
         currency.code.c_str());
}

void PrintHistoryChart(const Currency& currency, const std::vector<SeriesPoint>& series) {
  std::vector<ChartPoint> points;
  for (const SeriesPoint& p : series) points.push_back({p.day, p.total, MoneyText(p.total, currency)});
  printf("net worth, %s to %s\n", series.front().day.c_str(), series.back().day.c_str());
  for (const std::string& line : DrawBarChart(points, TerminalColumns(stdout), 8))
    printf("%s\n", line.c_str());
  printf("now %s; `freenahi assets --history | cat` prints the daily table\n",
         MoneyText(series.back().total, currency).c_str());
}

int RunHistory(const CliArgs& args, const AssetsArgs& a, const WealthData& data) {
  std::string code = a.currency.value_or(MainCurrency(data.live));
  std::vector<AccountRow> accounts = AccountsIn(data.all, code);
  if (accounts.empty()) return CliError(kExitFailure, "no account in " + code + " (see freenahi accounts)");
  Currency currency = accounts.front().currency;
  std::vector<SeriesPoint> series = SeriesFor(data, code, a.period, a.until);
  if (args.format() == OutputFormat::kJson) {
    PrintHistoryJson(a, currency, series);
  } else if (series.empty()) {
    printf("no balance history yet: it grows by one row per account per day of sync\n");
  } else if (args.format() == OutputFormat::kTable && isatty(fileno(stdout))) {
    PrintHistoryChart(currency, series);
  } else {
    PrintHistoryRows(args, currency, series);
  }
  return kExitOk;
}

int ParseAssetsArgs(const CliArgs& args, AssetsArgs* a) {
  if (auto by = args.Value("by")) {
    if (*by != "type" && *by != "account")
      return CliError(kExitUsage, "--by '" + *by + "': expected type or account");
    a->by_account = *by == "account";
  }
  if (auto period = args.Value("period")) {
    std::optional<Period> p = PeriodFromName(*period);
    if (!p) return CliError(kExitUsage, "--period '" + *period + "': expected month, year or all");
    a->period = *p;
    a->period_name = *period;
  } else if (args.Has("history")) {
    a->period = Period::kYear;
    a->period_name = "year";
  }
  a->until = TodayDate();
  if (auto until = args.Value("until")) {
    if (!IsIsoDate(*until)) return CliError(kExitUsage, "--until '" + *until + "': expected YYYY-MM-DD");
    a->until = *until;
  }
  a->currency = args.Value("currency");
  return kExitOk;
}

int RunAssets(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  AssetsArgs a;
  if (int rc = ParseAssetsArgs(args, &a)) return rc;
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<WealthData> data = LoadWealth(**store);
  if (!data.ok()) return StoreError(data.status());
  if (args.Has("history")) return RunHistory(args, a, *data);
  std::string since = PeriodStart(a.period, a.until, EarliestDay(data->all, data->history).value_or(a.until));
  std::vector<AssetsView> views = BuildAssetsViews(data->live, data->all, data->history, a.by_account, since);
  switch (args.format()) {
    case OutputFormat::kJson: PrintViewsJson(a, since, views); break;
    case OutputFormat::kCsv: PrintViewsCsv(views); break;
    case OutputFormat::kTable: PrintViewsTable(args, a, since, views); break;
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kAssetsCommand = {
    "assets", "net worth by asset class (loans subtracted), and how it evolved",
    "usage: freenahi assets [--by type|account] [--period month|year|all] [--until DAY]\n"
    "                       [--history [--currency CODE]] [--json|--csv]\n"
    "  Value per asset class (checking, savings, investments, life_insurance, loans, other), its\n"
    "  share of the assets without loans, its change over the period, and the net worth: every\n"
    "  loan counts negative. One block per currency.\n"
    "  --by account    one line per account instead of per class\n"
    "  --period P      month (default), year or all: the change column's starting day\n"
    "  --history       the daily net worth per class over the period (default year): each\n"
    "                  account's last known balance carried over gaps and on to today, summed.\n"
    "                  On a terminal, a chart as wide as the terminal; piped, a table\n"
    "  --currency C    the currency of --history (default: the one most accounts use)\n"
    "  --until DAY     the last day (YYYY-MM-DD; default today)\n"
    "  --json, --csv   exact decimal strings\n"
    "examples:\n"
    "  freenahi assets\n"
    "  freenahi assets --by account --period year\n"
    "  freenahi assets --history --period all\n"
    "  freenahi assets --history --json | jq '.points[-1]'\n",
    "by period until currency", "history json csv", RunAssets};

}  // namespace freenahi
