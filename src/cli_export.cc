// SPDX-License-Identifier: MIT
// `freenahi export`: every matching transaction, oldest first in a stable order, in a format
// another tool reads (export*.cc), to stdout or atomically to -o FILE.
#include <cstdio>

#include "annotate.h"
#include "atomic_file.h"
#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "export.h"
#include "store.h"
#include "store_query.h"

namespace freenahi {
namespace {

constexpr const char* kFormats = "csv, json, ndjson, ledger, beancount, ofx or qif";

// The format named by --format, else guessed from the -o file's extension.
std::optional<ExportFormat> FormatFor(const std::optional<std::string>& name,
                                      const std::optional<std::string>& output) {
  if (name) return ExportFormatFromName(*name);
  if (!output) return std::nullopt;
  size_t dot = output->rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  std::string ext = output->substr(dot + 1);
  if (ext == "journal" || ext == "hledger" || ext == "dat") return ExportFormat::kLedger;
  if (ext == "bean") return ExportFormat::kBeancount;
  return ExportFormatFromName(ext);
}

Status Walk(Store& store, ExportWriter& writer, const std::vector<AccountView>& accounts,
            const TransactionFilter& filter) {
  bool pending = writer.takes_pending();
  Result<Annotator> annotator = Annotator::Load(store);  // the user's notes and categories
  if (!annotator.ok()) return annotator.status();
  TransactionView annotated;
  auto row = [&writer, pending, &annotator, &annotated](const TransactionView& t) {
    if (!pending && t.coming) return Status::Ok();
    annotated = t;
    annotator->Fill(&annotated);
    writer.Transaction(annotated);
    return Status::Ok();
  };
  writer.Begin(accounts);
  if (!writer.grouped_by_account()) {
    FREENAHI_RETURN_IF_ERROR(ForEachTransaction(store, filter, TransactionOrder::kOldestFirst, 0, 0, row));
  } else {
    for (const AccountView& a : accounts) {
      TransactionFilter one = filter;
      one.account_ids = {a.id};
      writer.BeginAccount(a);
      FREENAHI_RETURN_IF_ERROR(ForEachTransaction(store, one, TransactionOrder::kOldestFirst, 0, 0, row));
      writer.EndAccount(a);
    }
  }
  writer.End();
  return Status::Ok();
}

int RunExport(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  std::optional<std::string> output = args.Value("output");
  std::optional<ExportFormat> format = FormatFor(args.Value("format"), output);
  if (!format) {
    return CliError(kExitUsage, args.Value("format") ? "--format '" + *args.Value("format") + "': expected " + kFormats
                                                     : std::string("--format is needed: ") + kFormats);
  }
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  TransactionFilter filter;
  Status parsed = FilterFromArgs(args, **store, &filter);
  if (!parsed.ok()) return StoreError(parsed);
  Result<std::vector<AccountView>> all = QueryAccounts(**store, /*include_hidden=*/true);
  if (!all.ok()) return StoreError(all.status());
  std::vector<AccountView> accounts;
  for (const AccountView& a : *all) {
    bool wanted = filter.account_ids.empty();
    for (int64_t id : filter.account_ids) wanted = wanted || id == a.id;
    if (wanted) accounts.push_back(a);
  }
  std::unique_ptr<AtomicFile> file;
  if (output && *output != "-") {
    Result<std::unique_ptr<AtomicFile>> created = AtomicFile::Create(*output, 0600);
    if (!created.ok()) return CliError(kExitFailure, created.status().message() + " (check the -o path)");
    file = std::move(*created);
  }
  FILE* out = file ? file->stream() : stdout;
  std::unique_ptr<ExportWriter> writer = MakeExportWriter(*format, out);
  Status walked = Walk(**store, *writer, accounts, filter);
  if (!walked.ok()) return StoreError(walked);
  if (file) {
    Status committed = file->Commit();
    if (!committed.ok()) return CliError(kExitFailure, committed.message());
  } else if (fflush(stdout) != 0 || ferror(stdout)) {
    return CliError(kExitFailure, "write standard output failed");
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kExportCommand = {
    "export", "export transactions for hledger, ledger, beancount, spreadsheets, OFX, QIF",
    "usage: freenahi export --format FORMAT [-o FILE] [filters]\n"
    "  FORMAT: csv (RFC 4180), json (one document: accounts and transactions), ndjson (one\n"
    "  transaction per line), ledger (ledger and hledger journal), beancount, ofx (OFX 2.2),\n"
    "  qif. Without --format, the -o file's extension decides (.journal and .bean too).\n"
    "  Transactions go oldest first in a stable order and keep their Powens id (journal code,\n"
    "  beancount `id`, OFX FITID, QIF N), so exports after a new sync diff cleanly. Pending\n"
    "  transactions are flagged ! in journals and left out of OFX and QIF (not on a statement\n"
    "  yet); transactions deleted at the bank are left out unless --include-deleted.\n"
    "  -o, --output FILE  write FILE atomically (mode 0600) instead of standard output\n"
    "  filters            as for `freenahi transactions`: --account, --since, --until, --min,\n"
    "                     --max, --search, --type, --pending, --include-deleted\n"
    "examples:\n"
    "  freenahi export --format ledger -o ~/money.journal && hledger -f ~/money.journal bal\n"
    "  freenahi export --format beancount --since 2024 -o 2024.beancount\n"
    "  freenahi export --format ofx --account 'compte de depot' --since 3m -o releve.ofx\n"
    "  freenahi export --format csv --since 2024-01 --until 2024-12 > 2024.csv\n",
    "format output account since until min max search type",
    "pending include-deleted deleted", RunExport};

}  // namespace freenahi
