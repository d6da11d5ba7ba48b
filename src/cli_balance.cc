// SPDX-License-Identifier: MIT
// `freenahi balance`: per currency, the total of each kind of account (checking, savings,
// investments; loans counted negative) and the net worth; `--at DATE` reads balance history.
#include <cstdio>
#include <map>

#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "store.h"
#include "store_query.h"

namespace freenahi {
namespace {

// Powens account types → the group they count in, in display order.
struct Kind {
  const char* group;
  const char* types;  // space-separated Powens types
};
constexpr Kind kKinds[] = {
    {"checking", "checking card joint"},
    {"savings", "savings deposit"},
    {"investments",
     "market pea pee per perco perp madelin lifeinsurance capitalisation article83 rsp "
     "crowdlending real_estate realEstate"},
    {"loans", "loan mortgage consumercredit revolvingcredit"},
};
constexpr const char* kOther = "other";

std::string GroupOf(const std::string& type) {
  for (const Kind& k : kKinds) {
    std::string list = std::string(" ") + k.types + " ";
    if (list.find(" " + type + " ") != std::string::npos) return k.group;
  }
  return kOther;
}

int GroupRank(const std::string& group) {
  int rank = 0;
  for (const Kind& k : kKinds) {
    if (group == k.group) return rank;
    ++rank;
  }
  return rank;
}

// A loan's balance is a debt whatever sign the bank gives it.
int64_t Counted(const std::string& group, int64_t balance) {
  if (group != "loans") return balance;
  return balance > 0 ? -balance : balance;
}

struct GroupTotal {
  std::string currency, group;
  Currency unit;
  int64_t total_minor = 0;
  int accounts = 0;
};

struct Report {
  std::vector<GroupTotal> groups;        // currency, then group order
  std::map<std::string, GroupTotal> net;  // per currency
  int unknown = 0;                        // accounts without a balance for the day
};

Report Build(const std::vector<BalanceView>& balances) {
  std::map<std::pair<std::string, int>, GroupTotal> by_group;
  Report report;
  for (const BalanceView& b : balances) {
    if (!b.balance_minor) {
      ++report.unknown;
      continue;
    }
    const std::string group = GroupOf(b.account.type);
    const Currency& c = b.account.currency;
    GroupTotal& g = by_group[{c.code, GroupRank(group)}];
    g.currency = c.code, g.group = group, g.unit = c;
    g.total_minor += Counted(group, *b.balance_minor);
    ++g.accounts;
    GroupTotal& n = report.net[c.code];
    n.currency = c.code, n.group = "net worth", n.unit = c;
    n.total_minor += Counted(group, *b.balance_minor);
    ++n.accounts;
  }
  for (auto& [key, g] : by_group) report.groups.push_back(g);
  return report;
}

void PrintJson(const Report& r, const std::string& at) {
  JsonWriter w(stdout);
  w.BeginObject();
  w.Key("at");
  at.empty() ? w.Null() : w.String(at);
  w.Key("currencies");
  w.BeginArray();
  for (const auto& [code, net] : r.net) {
    w.BeginObject();
    w.Field("currency", code);
    w.Key("groups");
    w.BeginObject();
    for (const GroupTotal& g : r.groups) {
      if (g.currency != code) continue;
      w.Key(g.group);
      w.Money(g.total_minor, g.unit.precision);
    }
    w.EndObject();
    w.Key("net_worth");
    w.Money(net.total_minor, net.unit.precision);
    w.Field("accounts", static_cast<int64_t>(net.accounts));
    w.EndObject();
  }
  w.EndArray();
  w.Field("accounts_without_balance", static_cast<int64_t>(r.unknown));
  w.EndObject();
  w.EndDocument();
}

void PrintCsv(const Report& r) {
  CsvWriter csv(stdout, {"currency", "group", "accounts", "total"});
  for (const GroupTotal& g : r.groups)
    csv.Row({g.currency, g.group, std::to_string(g.accounts), MoneyNumber(g.total_minor, g.unit)});
  for (const auto& [code, n] : r.net)
    csv.Row({code, "net worth", std::to_string(n.accounts), MoneyNumber(n.total_minor, n.unit)});
}

void PrintTable(const CliArgs& args, const Report& r, const std::string& at) {
  using A = Table::Align;
  Table table({{"CURRENCY"}, {"GROUP"}, {"ACCOUNTS", A::kRight}, {"TOTAL", A::kRight}});
  for (const GroupTotal& g : r.groups) {
    table.AddRow({g.currency, g.group, std::to_string(g.accounts),
                  {MoneyText(g.total_minor, g.unit), g.total_minor < 0 ? Tone::kNegative : Tone::kPlain}});
  }
  for (const auto& [code, n] : r.net)
    table.AddTotal({code, "net worth", std::to_string(n.accounts), MoneyText(n.total_minor, n.unit)});
  table.Print(stdout, args.style());
  if (!at.empty()) printf("balances as of %s (the newest known on or before that day)\n", at.c_str());
  if (r.unknown > 0)
    printf("%d account(s) had no known balance%s and are not counted\n", r.unknown,
           at.empty() ? "" : " by then");
}

int RunBalance(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  std::string at;
  if (auto text = args.Value("at")) {
    Result<std::string> day = ParseDateBound("at", *text, /*upper=*/true, TodayDate());
    if (!day.ok()) return StoreError(day.status());
    at = *day;
  }
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<BalanceView>> balances = QueryBalances(**store, at);
  if (!balances.ok()) return StoreError(balances.status());
  Report report = Build(*balances);
  switch (args.format()) {
    case OutputFormat::kJson: PrintJson(report, at); break;
    case OutputFormat::kCsv: PrintCsv(report); break;
    case OutputFormat::kTable: PrintTable(args, report, at); break;
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kBalanceCommand = {
    "balance", "totals per currency by kind of account, and net worth",
    "usage: freenahi balance [--at DATE] [--json|--csv]\n"
    "  Sums the balances of the visible accounts per currency: checking (and cards), savings,\n"
    "  investments, loans (always counted negative), other; the net worth is their sum.\n"
    "  Currencies are never mixed or converted.\n"
    "  --at DATE   balances on that day, from the daily balance history (YYYY-MM-DD, YYYY-MM\n"
    "              for its last day, or 30d, 3m, 1y ago)\n"
    "examples:\n"
    "  freenahi balance\n"
    "  freenahi balance --at 2024-01-31 --json\n",
    "at", "json csv", RunBalance};

}  // namespace freenahi
