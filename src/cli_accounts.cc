// SPDX-License-Identifier: MIT
// `freenahi accounts`: every account with its bank, masked number, balance, pending amount, last
// sync and connection state (with what to do about a bad state), as a table, JSON or CSV.
#include <cstdio>
#include <set>

#include "cli.h"
#include "cli_filters.h"
#include "cli_internal.h"
#include "store.h"
#include "store_query.h"

namespace freenahi {
namespace {

std::string StateOf(const AccountView& a) {
  if (a.deleted) return "deleted";
  if (a.connection_deleted) return "connection deleted";
  if (a.disabled) return "disabled";
  return a.connection_state.value_or("ok");
}

// What the user should do for a Powens connection state (DESIGN §3.5).
const char* Advice(const std::string& state) {
  struct Entry {
    const char* state;
    const char* advice;
  };
  static const Entry kAdvice[] = {
      {"SCARequired", "renew the bank's strong authentication: freenahi connect --reconnect ID"},
      {"webauthRequired", "log in again through the webview: freenahi connect --reconnect ID"},
      {"decoupled", "confirm on your bank's app, then wait for the next sync"},
      {"validating", "the bank is checking the connection: wait for the next sync"},
      {"additionalInformationNeeded", "answer the bank's question: freenahi connect --reconnect ID"},
      {"actionNeeded", "accept the bank's new terms on its site, then freenahi connect --manage"},
      {"passwordExpired", "change the password at the bank, then freenahi connect --reconnect ID"},
      {"wrongpass", "the password was refused: freenahi connect --reconnect ID"},
      {"rateLimiting", "the bank limits syncs: wait, nothing to do"},
      {"websiteUnavailable", "the bank's site is down: wait for the next sync"},
      {"bug", "Powens reports an error on its side: wait, or contact its support if it lasts"},
      {"notSupported", "this bank is not supported any more by Powens"},
  };
  for (const Entry& e : kAdvice)
    if (state == e.state) return e.advice;
  return nullptr;
}

void PrintJson(const std::vector<AccountView>& accounts) {
  JsonWriter w(stdout);
  w.BeginArray();
  for (const AccountView& a : accounts) {
    w.BeginObject();
    w.Field("id", a.id);
    w.Field("connection_id", a.connection_id);
    w.Field("bank", a.bank);
    w.Field("name", a.name);
    w.Field("type", a.type);
    w.Field("number", a.number);
    w.Field("iban", a.iban);
    w.Field("currency", a.currency.code);
    w.Key("balance");
    a.balance_minor ? w.Money(*a.balance_minor, a.currency.precision) : w.Null();
    w.Key("coming");
    a.coming_minor ? w.Money(*a.coming_minor, a.currency.precision) : w.Null();
    w.Key("last_update");
    a.last_update ? w.String(IsoUtc(*a.last_update)) : w.Null();
    w.Key("deleted");
    a.deleted ? w.String(IsoUtc(*a.deleted)) : w.Null();
    w.Key("disabled");
    a.disabled ? w.String(IsoUtc(*a.disabled)) : w.Null();
    w.Field("connection_state", a.connection_state);
    w.Field("state", StateOf(a));
    w.EndObject();
  }
  w.EndArray();
  w.EndDocument();
}

std::string OptMoney(const std::optional<int64_t>& minor, const Currency& currency) {
  return minor ? MoneyNumber(*minor, currency) : "";
}

void PrintCsv(const std::vector<AccountView>& accounts) {
  CsvWriter csv(stdout, {"id", "bank", "name", "type", "number", "iban", "currency", "balance",
                         "coming", "last_update", "state"});
  for (const AccountView& a : accounts) {
    csv.Row({std::to_string(a.id), a.bank, a.name, a.type, a.number, a.iban, a.currency.code,
             OptMoney(a.balance_minor, a.currency), OptMoney(a.coming_minor, a.currency),
             a.last_update ? IsoUtc(*a.last_update) : "", StateOf(a)});
  }
}

void PrintTable(const CliArgs& args, const std::vector<AccountView>& accounts) {
  using A = Table::Align;
  Table table({{"ID", A::kRight}, {"BANK", A::kLeft, 24}, {"ACCOUNT", A::kLeft, 32}, {"TYPE"},
               {"NUMBER"}, {"BALANCE", A::kRight}, {"PENDING", A::kRight}, {"LAST SYNC"},
               {"STATE"}});
  std::set<std::string> bad_states;
  for (const AccountView& a : accounts) {
    std::string state = StateOf(a);
    if (Advice(state)) bad_states.insert(state);
    Tone balance_tone = a.balance_minor && *a.balance_minor < 0 ? Tone::kNegative : Tone::kPlain;
    table.AddRow({std::to_string(a.id), a.bank, a.name, a.type, MaskIdentifier(a.iban, a.number),
                  {a.balance_minor ? MoneyText(*a.balance_minor, a.currency) : "-", balance_tone},
                  {a.coming_minor && *a.coming_minor != 0 ? MoneyText(*a.coming_minor, a.currency) : "", Tone::kDim},
                  LocalTime(a.last_update),
                  {state, state == "ok" ? Tone::kPlain : Tone::kWarn}});
  }
  Style style = args.style();
  table.Print(stdout, style);
  for (const std::string& state : bad_states)
    printf("%s: %s\n", style.Paint(state, Tone::kWarn).c_str(), Advice(state));
}

int RunAccounts(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  Result<std::unique_ptr<Store>> store = OpenStoreForCli(args, false);
  if (!store.ok()) return StoreError(store.status());
  Result<std::vector<AccountView>> accounts = QueryAccounts(**store, args.Has("all"));
  if (!accounts.ok()) return StoreError(accounts.status());
  switch (args.format()) {
    case OutputFormat::kJson: PrintJson(*accounts); break;
    case OutputFormat::kCsv: PrintCsv(*accounts); break;
    case OutputFormat::kTable: PrintTable(args, *accounts); break;
  }
  return kExitOk;
}

}  // namespace

extern const CommandSpec kAccountsCommand = {
    "accounts", "list bank accounts, balances and connection states",
    "usage: freenahi accounts [--all] [--json|--csv]\n"
    "  One line per account: bank, name, type, masked IBAN or number, balance, pending amount\n"
    "  (not yet booked), last sync (local time) and the state of its bank connection, with what\n"
    "  to do when it needs you.\n"
    "  --all    also deleted and disabled accounts, and those of deleted connections\n"
    "  --json   one JSON document; amounts are exact decimal strings, times UTC ISO 8601\n"
    "  --csv    RFC 4180 CSV with a header row\n"
    "examples:\n"
    "  freenahi accounts\n"
    "  freenahi --config ~/freenahi.ini accounts --all --json\n",
    "", "all json csv", RunAccounts};

}  // namespace freenahi
