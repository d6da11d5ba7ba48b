// SPDX-License-Identifier: MIT
// `freenahi summary`: income, spending and net per month (or week, year: the store's grouping
// table), per currency, with the same filters as `transactions`; `--top N` ranks where the
// money went.
#include <cctype>
#include <cstdio>
#include <map>

#include "annotate.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "store.h"
#include "store_query.h"

namespace freenahi {
namespace {

struct Summary {
  SummaryGroup group = SummaryGroup::kMonth;
  bool by_category = false;  // rows keyed by category (annotate.h) instead of by period
  const char* GroupName() const { return by_category ? "category" : SummaryGroupName(group); }
  std::vector<SummaryRow> rows;
  std::vector<TopRow> top;
  bool with_top = false;
};

void PrintJson(const Summary& s) {
  JsonWriter w(stdout);
  w.BeginObject();
  w.Field("by", s.GroupName());
  w.Key("rows");
  w.BeginArray();
  for (const SummaryRow& r : s.rows) {
    w.BeginObject();
    w.Field("key", r.key);
    w.Field("currency", r.currency.code);
    w.Key("income");
    w.Money(r.income_minor, r.currency.precision);
    w.Key("spending");
    w.Money(r.spending_minor, r.currency.precision);
    w.Key("net");
    w.Money(r.income_minor + r.spending_minor, r.currency.precision);
    w.Field("count", r.count);
    w.EndObject();
  }
  w.EndArray();
  if (s.with_top) {
    w.Key("top");
    w.BeginArray();
    for (const TopRow& t : s.top) {
      w.BeginObject();
      w.Field("label", t.label);
      w.Field("currency", t.currency.code);
      w.Key("spending");
      w.Money(t.spending_minor, t.currency.precision);
      w.Field("count", t.count);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  w.EndDocument();
}

void PrintCsv(const Summary& s) {
  CsvWriter csv(stdout, {s.GroupName(), "currency", "income", "spending", "net", "count"});
  for (const SummaryRow& r : s.rows) {
    csv.Row({r.key, r.currency.code, MoneyNumber(r.income_minor, r.currency),
             MoneyNumber(r.spending_minor, r.currency),
             MoneyNumber(r.income_minor + r.spending_minor, r.currency), std::to_string(r.count)});
  }
}

Tone SignTone(int64_t minor) { return minor < 0 ? Tone::kNegative : Tone::kPositive; }

void PrintTable(const CliArgs& args, const Summary& s) {
  using A = Table::Align;
  std::string title = s.GroupName();
  for (char& c : title) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  Table table({{title}, {"INCOME", A::kRight}, {"SPENDING", A::kRight}, {"NET", A::kRight},
               {"COUNT", A::kRight}});
  struct Sum {
    Currency currency;
    int64_t income = 0, spending = 0, count = 0;
  };
  std::map<std::string, Sum> sums;
  for (const SummaryRow& r : s.rows) {
    const int64_t net = r.income_minor + r.spending_minor;
    table.AddRow({r.key, MoneyText(r.income_minor, r.currency), MoneyText(r.spending_minor, r.currency),
                  {MoneyText(net, r.currency), SignTone(net)}, std::to_string(r.count)});
    Sum& sum = sums[r.currency.code];
    sum.currency = r.currency, sum.income += r.income_minor, sum.spending += r.spending_minor;
    sum.count += r.count;
  }
  for (const auto& [code, sum] : sums) {
    table.AddTotal({"total", MoneyText(sum.income, sum.currency), MoneyText(sum.spending, sum.currency),
                    MoneyText(sum.income + sum.spending, sum.currency), std::to_string(sum.count)});
  }
  Style style = args.style();
  table.Print(stdout, style);
  if (!s.with_top) return;
  printf("\n");
  Table top({{"SPENT ON", A::kLeft, 48}, {"SPENDING", A::kRight}, {"COUNT", A::kRight}});
  for (const TopRow& t : s.top)
    top.AddRow({t.label, MoneyText(t.spending_minor, t.currency), std::to_string(t.count)});
  top.Print(stdout, style);
}

int RunSummary(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  Summary summary;
  if (auto by = args.Value("by")) {
    std::optional<SummaryGroup> group = SummaryGroupFromName(*by);
    summary.by_category = *by == "category";
    if (!group && !summary.by_category)
      return CliError(kExitUsage, "--by '" + *by + "': expected week, month, year or category");
    if (group) summary.group = *group;
  }
  int top = 0;
  if (!ParseCount(args.Value("top"), 0, &top))
    return CliError(kExitUsage, "--top '" + *args.Value("top") + "': expected a number");
  summary.with_top = top > 0;
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  TransactionFilter filter;
  Status parsed = FilterFromArgs(args, **store, &filter);
  if (!parsed.ok()) return StoreError(parsed);
  // Without any date, the last 12 months (or 12 weeks); years cover everything.
  if (!filter.since && !filter.until && !args.Has("all") && summary.group != SummaryGroup::kYear) {
    const char* span = summary.group == SummaryGroup::kWeek ? "12w" : "11m";
    Result<std::string> since = ParseDateBound("since", span, false, TodayDate());
    if (since.ok()) filter.since = summary.group == SummaryGroup::kMonth ? since->substr(0, 8) + "01" : *since;
  }
  Result<std::vector<SummaryRow>> rows = summary.by_category ? SummarizeByCategory(**store, filter)
                                                             : QuerySummary(**store, filter, summary.group);
  if (!rows.ok()) return StoreError(rows.status());
  summary.rows = std::move(*rows);
  if (summary.with_top) {
    Result<std::vector<TopRow>> ranked = QueryTopSpending(**store, filter, top);
    if (!ranked.ok()) return StoreError(ranked.status());
    summary.top = std::move(*ranked);
  }
  switch (args.format()) {
    case OutputFormat::kJson: PrintJson(summary); break;
    case OutputFormat::kCsv: PrintCsv(summary); break;
    case OutputFormat::kTable: PrintTable(args, summary); break;
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kSummaryCommand = {
    "summary", "income, spending and net per month, week or year",
    "usage: freenahi summary [--by week|month|year|category] [--top N] [filters] [--all] [--json|--csv]\n"
    "  Income is the sum of money in, spending of money out (negative), net their sum; one row\n"
    "  per period and currency (never converted), and a total per currency.\n"
    "  --by category: one row per category: your rules (freenahi rule), else Powens' category.\n"
    "  Without --since/--until: the last 12 months (--by week: 12 weeks; --by year: all);\n"
    "  --all lifts that default.\n"
    "  --top N    also the N counterparties (else wordings) money went to the most\n"
    "  filters    as for `freenahi transactions`: --account, --since, --until, --min, --max,\n"
    "             --search, --type, --pending, --include-deleted\n"
    "  --csv      the period rows only\n"
    "examples:\n"
    "  freenahi summary\n"
    "  freenahi summary --since 2024-03 --until 2024-03 --search carrefour\n"
    "  freenahi summary --by year --account 'compte de depot' --top 10\n",
    "by top account since until min max search type",
    "all pending include-deleted deleted json csv", RunSummary};

}  // namespace freenahi
