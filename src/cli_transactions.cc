// SPDX-License-Identifier: MIT
// `freenahi transactions`: filtered transactions newest first, as a table with a total per
// currency (over every match, not only the rows shown), one JSON document, or CSV.
#include <cstdio>
#include <functional>
#include <optional>
#include <vector>

#include "annotate.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "store.h"
#include "store_query.h"

namespace freenahi {
namespace {

std::string Tags(const TransactionView& t, const char* separator) {
  std::string out;
  for (const std::string& tag : t.tags) out += (out.empty() ? "" : separator) + tag;
  return out;
}

// The user's wording when renamed, the bank's otherwise; then the note and #tags.
std::string DescriptionOf(const TransactionView& t) {
  std::string text = !t.local_wording.empty() ? t.local_wording
                     : t.wording.empty()      ? t.original_wording
                                              : t.wording;
  if (!t.note.empty()) text += " — " + t.note;
  for (const std::string& tag : t.tags) text += " #" + tag;
  return text;
}

const char* StatusOf(const TransactionView& t) {
  return t.deleted ? "deleted" : t.coming ? "pending" : "";
}

void WriteJsonRow(JsonWriter& w, const TransactionView& t) {
  w.BeginObject();
  w.Field("id", t.id);
  w.Field("account_id", t.account_id);
  w.Field("account", t.account_name);
  w.Field("date", t.date);
  w.Key("datetime");
  t.datetime ? w.String(IsoUtc(*t.datetime)) : w.Null();
  w.Key("value");
  w.Money(t.value_minor, t.currency.precision);
  w.Field("currency", t.currency.code);
  w.Field("type", t.type);
  w.Field("wording", t.wording);
  w.Field("original_wording", t.original_wording);
  w.Field("counterparty", t.counterparty);
  w.Field("coming", t.coming);
  w.Key("deleted");
  t.deleted ? w.String(IsoUtc(*t.deleted)) : w.Null();
  w.Field("categories", t.categories);
  w.Field("category", t.category);
  w.Field("local_wording", t.local_wording);
  w.Field("note", t.note);
  w.Key("tags");
  w.BeginArray();
  for (const std::string& tag : t.tags) w.String(tag);
  w.EndArray();
  w.Field("pinned", t.pinned);
  w.EndObject();
}

std::vector<std::string> CsvRow(const TransactionView& t) {
  return {std::to_string(t.id), t.date, std::to_string(t.account_id), t.account_name,
          MoneyNumber(t.value_minor, t.currency), t.currency.code, t.type, t.wording,
          t.original_wording, t.counterparty, t.coming ? "pending" : "booked",
          t.deleted ? IsoUtc(*t.deleted) : "", t.category, t.local_wording, t.note, Tags(t, " "),
          t.pinned ? "1" : "0"};
}

const std::vector<std::string> kCsvHeader = {"id", "date", "account_id", "account", "amount",
                                             "currency", "type", "wording", "original_wording",
                                             "counterparty", "status", "deleted", "category",
                                             "local_wording", "note", "tags", "pinned"};

struct Listing {
  TransactionFilter filter;
  int limit = 50, offset = 0;
  Annotator annotator;  // the user's notes and categories, put on each row
  std::optional<std::vector<int64_t>> page;  // the rows to show, when already chosen
};

// The listing's rows (its page, or a walk over the filter), each with its annotations.
Status EachRow(Store& store, const Listing& l, const std::function<void(const TransactionView&)>& use) {
  TransactionView annotated;
  auto annotate = [&](const TransactionView& t) {
    annotated = t;
    l.annotator.Fill(&annotated);
    use(annotated);
    return Status::Ok();
  };
  if (l.page) return ForEachTransactionIn(store, *l.page, annotate);
  return ForEachTransaction(store, l.filter, TransactionOrder::kNewestFirst, l.limit, l.offset, annotate);
}

// The totals over every match, and the page to show when there is a limit: one pass then.
Result<std::vector<CurrencySum>> ChoosePage(Store& store, Listing* l) {
  if (l->limit <= 0) return SumTransactions(store, l->filter);
  Result<TransactionPage> page = QueryTransactionPage(store, l->filter, l->limit, l->offset);
  if (!page.ok()) return page.status();
  l->page = std::move(page->ids);
  return std::move(page->totals);
}

int PrintJson(Store& store, const Listing& l, const std::vector<CurrencySum>& sums) {
  JsonWriter w(stdout);
  w.BeginObject();
  w.Key("transactions");
  w.BeginArray();
  Status status = EachRow(store, l, [&w](const TransactionView& t) { WriteJsonRow(w, t); });
  if (!status.ok()) return StoreError(status);
  w.EndArray();
  w.Key("totals");
  w.BeginArray();
  for (const CurrencySum& s : sums) {
    w.BeginObject();
    w.Field("currency", s.currency.code);
    w.Key("total");
    w.Money(s.total_minor, s.currency.precision);
    w.Field("count", s.count);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndDocument();
  return kExitOk;
}

int PrintCsv(Store& store, const Listing& l) {
  CsvWriter csv(stdout, kCsvHeader);
  Status status = EachRow(store, l, [&csv](const TransactionView& t) { csv.Row(CsvRow(t)); });
  return status.ok() ? kExitOk : StoreError(status);
}

int PrintTable(const CliArgs& args, Store& store, const Listing& l,
               const std::vector<CurrencySum>& sums) {
  using A = Table::Align;
  Table table({{"DATE"}, {"ACCOUNT", A::kLeft, 24}, {"AMOUNT", A::kRight}, {"STATUS"},
               {"CATEGORY", A::kLeft, 20}, {"DESCRIPTION", A::kLeft, 60}});
  int64_t shown = 0;
  Status status = EachRow(
      store, l, [&table, &shown](const TransactionView& t) {
        ++shown;
        table.AddRow({t.date, t.account_name,
                      {MoneyText(t.value_minor, t.currency), t.value_minor < 0 ? Tone::kNegative : Tone::kPositive},
                      {std::string(t.pinned ? "pinned " : "") + StatusOf(t), Tone::kDim},
                      t.category, DescriptionOf(t)});
      });
  if (!status.ok()) return StoreError(status);
  int64_t matched = 0;
  for (const CurrencySum& s : sums) {
    matched += s.count;
    table.AddTotal({"total", std::to_string(s.count) + (s.count == 1 ? " transaction" : " transactions"),
                    MoneyText(s.total_minor, s.currency)});
  }
  table.Print(stdout, args.style());
  if (shown < matched) {
    printf("%lld of %lld shown (newest first); --limit 0 shows all, --offset N skips N\n",
           static_cast<long long>(shown), static_cast<long long>(matched));
  }
  return kExitOk;
}

int RunTransactions(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  Listing listing;
  if (!ParseCount(args.Value("limit"), 50, &listing.limit))
    return CliError(kExitUsage, "--limit '" + *args.Value("limit") + "': expected a number of rows (0: all)");
  if (!ParseCount(args.Value("offset"), 0, &listing.offset))
    return CliError(kExitUsage, "--offset '" + *args.Value("offset") + "': expected a number of rows");
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Status filter = FilterFromArgs(args, **store, &listing.filter);
  if (!filter.ok()) return StoreError(filter);
  Result<Annotator> annotator = Annotator::Load(**store);
  if (!annotator.ok()) return StoreError(annotator.status());
  listing.annotator = std::move(*annotator);
  if (args.format() == OutputFormat::kCsv) return PrintCsv(**store, listing);
  Result<std::vector<CurrencySum>> sums = ChoosePage(**store, &listing);
  if (!sums.ok()) return StoreError(sums.status());
  if (args.format() == OutputFormat::kJson) return PrintJson(**store, listing, *sums);
  return PrintTable(args, **store, listing, *sums);
}

}  // namespace

extern const CommandSpec kTransactionsCommand = {
    "transactions", "list transactions, newest first, with filters and totals",
    "usage: freenahi transactions [filters] [--limit N] [--offset N] [--json|--csv]\n"
    "filters (all combine):\n"
    "  --account A        account id, or part of its name (accents and case ignored)\n"
    "  --since D          from date D: YYYY-MM-DD, YYYY-MM, YYYY, or 30d, 6w, 3m, 1y ago\n"
    "  --until D          up to date D (same forms; 2024-03 means up to 2024-03-31)\n"
    "  --min X, --max X   amount bounds, signed: spending is negative (--max -100)\n"
    "  --search TEXT      words found in any wording or the counterparty, as word starts;\n"
    "                     case and accents ignored; several words must all match\n"
    "  --type T           Powens type: card, transfer, order, withdrawal, deposit, ...\n"
    "  --pending          only pending (not yet booked) transactions\n"
    "  --include-deleted  also transactions the bank removed\n"
    "  --limit N          at most N rows (default 50; 0: all); totals always cover every match\n"
    "  --offset N         skip the N newest matches\n"
    "  --json             {\"transactions\":[...],\"totals\":[...]}; amounts exact decimal strings\n"
    "  --csv              RFC 4180 CSV with a header row, no totals\n"
    "examples:\n"
    "  freenahi transactions --since 2024-03 --until 2024-03 --search carrefour\n"
    "  freenahi transactions --account livret --since 1y --limit 0 --csv > livret.csv\n"
    "  freenahi transactions --max -100 --since 3m --pending\n",
    "account since until min max search type limit offset",
    "pending include-deleted deleted json csv", RunTransactions};

}  // namespace freenahi
