// SPDX-License-Identifier: MIT
// `freenahi accounts | transactions | inbox`: read the store, print a table or JSON. Amounts are
// exact decimal strings with their currency; datetimes are UTC in ISO 8601.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli.h"
#include "cli_internal.h"
#include "config.h"
#include "ingest.h"
#include "money.h"
#include "paris_time.h"
#include "store.h"

namespace freenahi {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

std::string IsoUtc(UnixSeconds t) {
  std::string s = FormatUtc(t);
  s[10] = 'T';
  return s + "Z";
}

void Key(JsonWriter& w, const char* key) { w.Key(key); }
void Str(JsonWriter& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}
void Int(JsonWriter& w, const char* key, int64_t value) {
  w.Key(key);
  w.Int64(value);
}
void OptTime(JsonWriter& w, const char* key, const std::optional<UnixSeconds>& t) {
  w.Key(key);
  if (t) {
    std::string iso = IsoUtc(*t);
    w.String(iso.c_str());
  } else {
    w.Null();
  }
}
void OptAmount(JsonWriter& w, const char* key, const std::optional<int64_t>& minor, int precision) {
  w.Key(key);
  if (minor) {
    std::string text = FormatMinorUnits(*minor, precision);
    w.String(text.c_str());
  } else {
    w.Null();
  }
}

// Prints `rows` as one JSON array, each element written by `write`.
template <typename Row>
void PrintJsonArray(const std::vector<Row>& rows, void (*write)(JsonWriter&, const Row&)) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartArray();
  for (const Row& row : rows) write(writer, row);
  writer.EndArray();
  printf("%s\n", buffer.GetString());
}

// Opens the database named by the config, read-only unless `writable`.
Result<std::unique_ptr<Store>> OpenStore(const CliArgs& args, bool writable) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfig(args.config_path(), &warnings);
  for (const std::string& w : warnings) fprintf(stderr, "freenahi: warning: %s\n", w.c_str());
  // Any config problem, a missing file included, is the caller's to fix: exit 2, like usage.
  if (!config.ok()) return Status::InvalidArgument(config.status().message());
  Store::Options options;
  options.read_only = !writable;
  options.busy_timeout_ms = 5000;  // the daemon may be writing; a person can wait a moment
  return Store::Open(config->database, options);
}

int StoreError(const Status& status) {
  bool config_problem = status.code() == Status::Code::kInvalidArgument;
  return CliError(config_problem ? kExitUsage : kExitFailure, status.message());
}

std::string Amount(const std::optional<int64_t>& minor, const Currency& currency) {
  return minor ? FormatMinorUnits(*minor, currency.precision) + " " + currency.code : "-";
}

void WriteAccount(JsonWriter& w, const AccountRow& a) {
  w.StartObject();
  Int(w, "id", a.id);
  Int(w, "connection_id", a.connection_id);
  Str(w, "name", a.name);
  Str(w, "number", a.number);
  Str(w, "iban", a.iban);
  Str(w, "type", a.type);
  Str(w, "currency", a.currency.code);
  OptAmount(w, "balance", a.balance_minor, a.currency.precision);
  OptAmount(w, "coming", a.coming_minor, a.currency.precision);
  OptTime(w, "last_update", a.last_update);
  OptTime(w, "deleted", a.deleted);
  OptTime(w, "disabled", a.disabled);
  Key(w, "connection_state");
  if (a.connection_state) w.String(a.connection_state->c_str()); else w.Null();
  w.EndObject();
}

void WriteTransaction(JsonWriter& w, const TransactionRow& t) {
  w.StartObject();
  Int(w, "id", t.id);
  Int(w, "account_id", t.account_id);
  Str(w, "date", t.date);
  OptTime(w, "datetime", t.datetime);
  Str(w, "value", FormatMinorUnits(t.value_minor, t.currency.precision));
  Str(w, "currency", t.currency.code);
  Str(w, "wording", t.wording);
  Str(w, "original_wording", t.original_wording);
  Str(w, "type", t.type);
  Key(w, "coming");
  w.Bool(t.coming);
  OptTime(w, "deleted", t.deleted);
  OptTime(w, "last_update", t.last_update);
  Key(w, "category");
  if (t.category) w.String(t.category->c_str()); else w.Null();
  w.EndObject();
}

void WriteInboxItem(JsonWriter& w, const InboxItem& item) {
  w.StartObject();
  Int(w, "id", item.id);
  Key(w, "webhook_id");
  if (item.webhook_id) w.Int64(*item.webhook_id); else w.Null();
  Str(w, "event", item.event);
  Key(w, "user_id");
  if (item.user_id) w.Int64(*item.user_id); else w.Null();
  OptTime(w, "received_at", item.received_at);
  Str(w, "state", InboxStateName(item.state));
  Key(w, "error");
  if (item.state == InboxState::kFailed) w.String(item.error.c_str()); else w.Null();
  OptTime(w, "applied_at", item.applied_at);
  Int(w, "body_bytes", item.body_bytes);
  w.EndObject();
}

bool ParseCount(const std::optional<std::string>& text, int fallback, int* out) {
  if (!text) return *out = fallback, true;
  if (text->empty() || text->size() > 9 || text->find_first_not_of("0123456789") != std::string::npos)
    return false;
  *out = std::stoi(*text);  // digits only, at most 9: cannot throw
  return true;
}

int NoPositional(const CliArgs& args) {
  if (args.positional.empty()) return kExitOk;
  return CliError(kExitUsage, "unexpected argument '" + args.positional[0] + "' (see --help)");
}

int ReplayInbox(const CliArgs& args) {
  if (args.positional.size() != 2) return CliError(kExitUsage, "usage: freenahi inbox replay ID");
  const std::string& id_text = args.positional[1];
  if (id_text.empty() || id_text.size() > 18 || id_text.find_first_not_of("0123456789") != std::string::npos)
    return CliError(kExitUsage, "inbox replay: '" + id_text + "' is not an inbox id");
  int64_t id = std::stoll(id_text);
  Result<std::unique_ptr<Store>> store = OpenStore(args, /*writable=*/true);
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

}  // namespace

int CmdAccounts(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  Result<std::unique_ptr<Store>> store = OpenStore(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<AccountRow>> accounts = (*store)->ListAccounts(args.Has("all"));
  if (!accounts.ok()) return StoreError(accounts.status());
  if (args.json()) {
    PrintJsonArray(*accounts, WriteAccount);
    return kExitOk;
  }
  printf("%-8s %-28s %-12s %20s  %s\n", "ID", "NAME", "TYPE", "BALANCE", "STATE");
  for (const AccountRow& a : *accounts) {
    std::string state = a.deleted ? "deleted" : a.disabled ? "disabled" : a.connection_state.value_or("ok");
    printf("%-8lld %-28.28s %-12.12s %20s  %s\n", static_cast<long long>(a.id), a.name.c_str(),
           a.type.c_str(), Amount(a.balance_minor, a.currency).c_str(), state.c_str());
  }
  return kExitOk;
}

int CmdTransactions(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  TransactionQuery query;
  if (!ParseCount(args.Value("limit"), 50, &query.limit))
    return CliError(kExitUsage, "--limit: expected a number of rows");
  if (auto account = args.Value("account")) {
    int account_id;
    if (!ParseCount(account, 0, &account_id)) return CliError(kExitUsage, "--account: expected an account id");
    query.account_id = account_id;
  }
  query.include_deleted = args.Has("deleted");
  Result<std::unique_ptr<Store>> store = OpenStore(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<TransactionRow>> rows = (*store)->ListTransactions(query);
  if (!rows.ok()) return StoreError(rows.status());
  if (args.json()) {
    PrintJsonArray(*rows, WriteTransaction);
    return kExitOk;
  }
  printf("%-10s %-8s %16s  %-7s %s\n", "DATE", "ACCOUNT", "AMOUNT", "STATUS", "WORDING");
  for (const TransactionRow& t : *rows) {
    const char* status = t.deleted ? "deleted" : t.coming ? "pending" : "";
    printf("%-10s %-8lld %16s  %-7s %s\n", t.date.c_str(), static_cast<long long>(t.account_id),
           Amount(t.value_minor, t.currency).c_str(), status, t.wording.c_str());
  }
  return kExitOk;
}

int CmdInbox(const CliArgs& args) {
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
  Result<std::unique_ptr<Store>> store = OpenStore(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<InboxItem>> items = (*store)->ListInbox(only, limit);
  if (!items.ok()) return StoreError(items.status());
  if (args.json()) {
    PrintJsonArray(*items, WriteInboxItem);
    return kExitOk;
  }
  printf("%-6s %-10s %-19s %-20s %-8s %9s  %s\n", "ID", "WEBHOOK", "EVENT", "RECEIVED (UTC)", "STATE", "BYTES", "ERROR");
  for (const InboxItem& item : *items) {
    printf("%-6lld %-10s %-19s %-20s %-8s %9lld  %s\n", static_cast<long long>(item.id),
           item.webhook_id ? std::to_string(*item.webhook_id).c_str() : "-", item.event.c_str(),
           FormatUtc(item.received_at).c_str(), InboxStateName(item.state),
           static_cast<long long>(item.body_bytes), item.error.c_str());
  }
  return kExitOk;
}

}  // namespace freenahi
