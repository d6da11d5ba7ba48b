// SPDX-License-Identifier: MIT
// `freenahi rule add|list|rm`: category rules, applied when transactions are read (categorize.h),
// so a rule added today re-categorises the past too. Writes open the database read-write with a
// busy timeout: works while `serve` runs.
#include <cstdio>
#include <ctime>

#include "categorize.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "store.h"
#include "store_notes.h"

namespace freenahi {
namespace {

int AddRuleCommand(const CliArgs& args) {
  if (args.positional.size() != 1) return CliError(kExitUsage, "rule add takes no argument (see --help)");
  auto match = args.Value("match"), regex = args.Value("regex"), category = args.Value("category");
  if (!!match == !!regex) return CliError(kExitUsage, "rule add: give exactly one of --match TEXT or --regex REGEX");
  if (!category || category->empty()) return CliError(kExitUsage, "rule add: --category NAME is required");
  CategoryRule rule;
  rule.kind = match ? RuleKind::kMatch : RuleKind::kRegex;
  rule.pattern = match ? *match : *regex;
  rule.category = *category;
  rule.created_at = static_cast<UnixSeconds>(time(nullptr));
  Status valid = ValidateRulePattern(rule.kind, rule.pattern);
  if (!valid.ok()) return CliError(kExitUsage, "rule add: " + valid.message());
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, true);
  if (!store.ok()) return StoreError(store.status());
  Result<int64_t> id = AddRule(**store, rule);
  if (!id.ok()) return StoreError(id.status());
  printf("rule %lld: %s '%s' → %s\n", static_cast<long long>(*id), RuleKindName(rule.kind),
         rule.pattern.c_str(), rule.category.c_str());
  return kExitOk;
}

int ListRulesCommand(const CliArgs& args) {
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<CategoryRule>> rules = ListRules(**store);
  if (!rules.ok()) return StoreError(rules.status());
  if (args.json()) {
    JsonWriter w(stdout);
    w.BeginArray();
    for (const CategoryRule& r : *rules) {
      w.BeginObject();
      w.Field("id", r.id);
      w.Field("kind", RuleKindName(r.kind));
      w.Field("pattern", r.pattern);
      w.Field("category", r.category);
      w.Field("created_at", IsoUtc(r.created_at));
      w.EndObject();
    }
    w.EndArray();
    w.EndDocument();
    return kExitOk;
  }
  using A = Table::Align;
  Table table({{"ID", A::kRight}, {"KIND"}, {"PATTERN", A::kLeft, 40}, {"CATEGORY"}});
  for (const CategoryRule& r : *rules)
    table.AddRow({std::to_string(r.id), RuleKindName(r.kind), r.pattern, r.category});
  table.Print(stdout, args.style());
  printf("the newest matching rule wins; then Powens' category; else \"%s\"\n", kUncategorized);
  return kExitOk;
}

int RemoveRuleCommand(const CliArgs& args) {
  const std::vector<std::string>& p = args.positional;
  if (p.size() != 2 || p[1].empty() || p[1].size() > 18 ||
      p[1].find_first_not_of("0123456789") != std::string::npos)
    return CliError(kExitUsage, "usage: freenahi rule rm ID (ids from `freenahi rule list`)");
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, true);
  if (!store.ok()) return StoreError(store.status());
  Status removed = RemoveRule(**store, std::stoll(p[1]));
  if (!removed.ok()) return StoreError(removed);
  printf("rule %s removed\n", p[1].c_str());
  return kExitOk;
}

int RunRule(const CliArgs& args) {
  const std::string verb = args.positional.empty() ? "list" : args.positional[0];
  if (verb == "add") return AddRuleCommand(args);
  if (verb == "list") return ListRulesCommand(args);
  if (verb == "rm") return RemoveRuleCommand(args);
  return CliError(kExitUsage, "rule: unknown action '" + verb + "' (add, list, rm)");
}

}  // namespace

extern const CommandSpec kRuleCommand = {
    "rule", "category rules: your categories over the bank's, for past and future",
    "usage: freenahi rule add (--match TEXT | --regex REGEX) --category NAME\n"
    "       freenahi rule list [--json]\n"
    "       freenahi rule rm ID\n"
    "  A transaction's category is the one of the newest rule matching its wording (yours when\n"
    "  renamed, the bank's, or its original wording), else Powens' category, else\n"
    "  \"uncategorized\". Rules apply when transactions are read: a new rule re-categorises the\n"
    "  past. --match is a case-insensitive substring; --regex an ECMAScript regular expression,\n"
    "  case-insensitive.\n"
    "examples:\n"
    "  freenahi rule add --match librairie --category books\n"
    "  freenahi rule add --regex '^(PARKING|PEAGE) ' --category car\n"
    "  freenahi summary --by category\n",
    "match regex category", "json", RunRule};

}  // namespace freenahi
