// SPDX-License-Identifier: MIT
// `freenahi inbox [replay ID]`: the received webhooks as a table, JSON or CSV, and replaying one
// that could not be applied. Times are UTC.
#include <time.h>

#include <cstdio>

#include "cli.h"
#include "cli_internal.h"
#include "ingest.h"
#include "paris_time.h"
#include "store.h"

namespace freenahi {
namespace {

std::string IsoUtc(UnixSeconds t) {
  std::string s = FormatUtc(t);
  s[10] = 'T';
  return s + "Z";
}

std::string OptIso(const std::optional<UnixSeconds>& t) { return t ? IsoUtc(*t) : ""; }
std::string OptNumber(const std::optional<int64_t>& n) { return n ? std::to_string(*n) : ""; }

void PrintJson(const std::vector<InboxItem>& items) {
  JsonWriter w(stdout);
  w.BeginArray();
  for (const InboxItem& item : items) {
    w.BeginObject();
    w.Field("id", item.id);
    w.Field("webhook_id", item.webhook_id);
    w.Field("event", item.event);
    w.Field("user_id", item.user_id);
    w.Field("received_at", IsoUtc(item.received_at));
    w.Field("state", InboxStateName(item.state));
    w.Key("error");
    if (item.state == InboxState::kFailed) w.String(item.error); else w.Null();
    w.Key("applied_at");
    if (item.applied_at) w.String(IsoUtc(*item.applied_at)); else w.Null();
    w.Field("body_bytes", item.body_bytes);
    w.EndObject();
  }
  w.EndArray();
  w.EndDocument();
}

void PrintCsv(const std::vector<InboxItem>& items) {
  CsvWriter csv(stdout, {"id", "webhook_id", "event", "user_id", "received_at", "state", "error",
                         "applied_at", "body_bytes"});
  for (const InboxItem& item : items) {
    csv.Row({std::to_string(item.id), OptNumber(item.webhook_id), item.event,
             OptNumber(item.user_id), IsoUtc(item.received_at), InboxStateName(item.state),
             item.error, OptIso(item.applied_at), std::to_string(item.body_bytes)});
  }
}

void PrintTable(const CliArgs& args, const std::vector<InboxItem>& items) {
  using A = Table::Align;
  Table table({{"ID", A::kRight}, {"WEBHOOK", A::kRight}, {"EVENT"}, {"RECEIVED (UTC)"},
               {"STATE"}, {"BYTES", A::kRight}, {"ERROR", A::kLeft, 60}});
  for (const InboxItem& item : items) {
    Tone tone = item.state == InboxState::kFailed ? Tone::kNegative
                : item.state == InboxState::kPending ? Tone::kWarn : Tone::kPlain;
    table.AddRow({std::to_string(item.id), item.webhook_id ? std::to_string(*item.webhook_id) : "-",
                  item.event, FormatUtc(item.received_at), {InboxStateName(item.state), tone},
                  std::to_string(item.body_bytes), item.error});
  }
  table.Print(stdout, args.style());
}

int ReplayInbox(const CliArgs& args) {
  if (args.positional.size() != 2) return CliError(kExitUsage, "usage: freenahi inbox replay ID");
  const std::string& id_text = args.positional[1];
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos)
    return CliError(kExitUsage, "inbox replay: '" + id_text + "' is not an inbox id");
  int64_t id = std::stoll(id_text);
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, /*writable=*/true);
  if (!store.ok()) return StoreError(store.status());
  std::string detail;
  IngestOutcome outcome = IngestOne(store->get(), id, static_cast<UnixSeconds>(time(nullptr)), &detail);
  if (outcome == IngestOutcome::kApplied) {
    printf("inbox %lld: applied\n", static_cast<long long>(id));
    return kExitOk;
  }
  return CliError(kExitFailure, "inbox " + id_text + ": " +
                                    (outcome == IngestOutcome::kFailed ? "not applied: " : "try again later: ") + detail);
}

int RunInbox(const CliArgs& args) {
  if (!args.positional.empty() && args.positional[0] == "replay") return ReplayInbox(args);
  if (int rc = NoPositional(args)) return rc;
  std::optional<InboxState> only;
  if (auto state = args.Value("state")) {
    for (InboxState s : {InboxState::kPending, InboxState::kApplied, InboxState::kFailed})
      if (*state == InboxStateName(s)) only = s;
    if (!only) return CliError(kExitUsage, "--state: expected pending, applied or failed");
  }
  int limit;
  if (!ParseCount(args.Value("limit"), 50, &limit)) return CliError(kExitUsage, "--limit: expected a number");
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<InboxItem>> items = (*store)->ListInbox(only, limit);
  if (!items.ok()) return StoreError(items.status());
  switch (args.format()) {
    case OutputFormat::kJson: PrintJson(*items); break;
    case OutputFormat::kCsv: PrintCsv(*items); break;
    case OutputFormat::kTable: PrintTable(args, *items); break;
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kInboxCommand = {
    "inbox", "list received webhooks; replay one",
    "usage: freenahi inbox [--state pending|applied|failed] [--limit N] [--json|--csv]\n"
    "       freenahi inbox replay ID\n"
    "  Every webhook body is kept here before it is applied. An item that could not be applied\n"
    "  keeps its reason; `replay` applies it again (after an upgrade, say).\n"
    "examples:\n"
    "  freenahi inbox --state failed\n"
    "  freenahi inbox replay 42\n",
    "state limit", "json csv", RunInbox};

}  // namespace freenahi
