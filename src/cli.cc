// SPDX-License-Identifier: MIT
// The command table, argument parsing, help texts and exit codes. Each command's work lives in
// its own module (serve.cc, cli_query.cc); this file only dispatches.
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli_internal.h"
#include "cli_powens.h"
#include "config.h"
#include "serve.h"

namespace freenahi {
namespace {

struct Command {
  const char* name;
  const char* summary;
  const char* usage;  // full --help text after the summary
  const char* value_flags;  // space-separated flags that take a value
  int (*run)(const CliArgs&);
};

int CmdServe(const CliArgs& args) { return RunServe(args.config_path(), args.Has("verbose")); }
int CmdVersion(const CliArgs&) {
  printf("freenahi %s\n", FREENAHI_VERSION);
  return kExitOk;
}

const Command kCommands[] = {
    {"serve", "run the daemon in the foreground (webhooks over TLS into SQLite)",
     "usage: freenahi serve [--config PATH] [-v]\n"
     "  Listens for Powens webhooks, stores each one durably, then applies it to the database.\n"
     "  SIGHUP reloads the config and certificate; SIGTERM/SIGINT stop cleanly.\n"
     "  -v, --verbose   log debug lines too\n",
     "config", CmdServe},
    {"init", "set up: write the config, create the Powens user, print what to register",
     "usage: freenahi init [--config PATH] [--domain NAME] [--client-id ID] [--client-secret S|-]\n"
     "                     [--redirect-uri URL] [--public-url https://HOST[:PORT]]\n"
     "                     [--listen HOST:PORT] [--database PATH] [--force]\n"
     "  Writes the config (mode 0600), or completes an existing one keeping its other lines.\n"
     "  With the three Powens credentials (flags, the config, or asked on a terminal; the\n"
     "  secret is not echoed), calls POST /auth/init once and keeps the permanent user token in\n"
     "  the database; running it again never creates a second Powens user. Then prints the\n"
     "  webhook URL and the redirect URI to register in the Powens console.\n"
     "  --client-secret - reads the secret from stdin (a flag value shows in `ps`).\n"
     "  --public-url    how Powens reaches this box (default https://<hostname>[:port])\n"
     "  --force         start from a fresh config instead of completing the existing one\n"
     "  A relative --database is relative to the config file's directory.\n"
     "example: freenahi init --domain exampleco-sandbox --client-id 12345678 --client-secret -\n",
     "config listen database domain client-id client-secret redirect-uri public-url", CmdInit},
    {"connect", "print the Powens link (and QR code) that connects a bank",
     "usage: freenahi connect [--config PATH] [--lang fr] [--manage | --reconnect CONNECTION_ID]\n"
     "  Gets a single-use code from Powens and prints the webview link: connect a new bank,\n"
     "  --manage to enable accounts or fix a login, --reconnect ID to renew a bank's consent\n"
     "  (SCA). On a terminal, also as a QR code for a phone. The webview comes back to\n"
     "  [powens] redirect_uri, which `freenahi serve` answers and then pulls the new data.\n"
     "example: freenahi connect --lang fr\n",
     "config lang reconnect", CmdConnect},
    {"pull", "fetch from the Powens API what webhooks missed",
     "usage: freenahi pull [--config PATH] [--full] [--connection ID]\n"
     "  Reads connections, accounts and transactions (changed since the last pull) page by\n"
     "  page into the database, exactly as webhooks would. serve runs it at start-up and\n"
     "  every [powens] pull_interval. Progress on a terminal; quiet otherwise.\n"
     "  --full            every transaction, not only those changed since the last pull\n"
     "  --connection ID   only this connection\n"
     "example: freenahi pull --full\n",
     "config connection rate-history", CmdPull},
    {"sync", "ask Powens to sync a bank now, then show its state",
     "usage: freenahi sync [--config PATH] [CONNECTION_ID]\n"
     "  PUT /users/me/connections/ID: the bank is synced now (can take minutes); without an id,\n"
     "  every connection. The new data arrives by webhook (or `freenahi pull`).\n"
     "example: freenahi sync 317\n",
     "config", CmdSync},
    {"status", "daemon, last webhook and pull, each connection and what to do",
     "usage: freenahi status [--config PATH]\n"
     "  Whether the daemon answers, the last webhook and pull, failed inbox items, and for each\n"
     "  bank connection its state, last sync and the command that fixes it when it needs you.\n"
     "example: freenahi status\n",
     "config", CmdStatus},
    {"doctor", "check config, certificate, port, database, CA bundle, Powens credentials",
     "usage: freenahi doctor [--config PATH]\n"
     "  One line per check: ok, or FAIL and what to do. Exit 1 when any check fails.\n"
     "example: freenahi doctor\n",
     "config", CmdDoctor},
    {"accounts", "list bank accounts and balances",
     "usage: freenahi accounts [--config PATH] [--all] [--json]\n"
     "  --all    include accounts deleted at the bank\n"
     "  --json   machine-readable output; amounts are exact decimal strings\n",
     "config", CmdAccounts},
    {"transactions", "list transactions, newest first",
     "usage: freenahi transactions [--config PATH] [--account ID] [--limit N] [--deleted] [--json]\n"
     "  --account ID   only this account\n"
     "  --limit N      at most N rows (default 50; 0: all)\n"
     "  --deleted      include transactions deleted at the bank\n"
     "  --json         machine-readable output; amounts are exact decimal strings\n",
     "config account limit", CmdTransactions},
    {"inbox", "list received webhooks; replay one",
     "usage: freenahi inbox [--config PATH] [--state pending|applied|failed] [--limit N] [--json]\n"
     "       freenahi inbox replay ID [--config PATH]\n"
     "  Every webhook body is kept here before it is applied. An item that could not be applied\n"
     "  keeps its reason; `replay` applies it again (after an upgrade, say).\n",
     "config state limit", CmdInbox},
    {"version", "print the version", "usage: freenahi version\n", "", CmdVersion},
};

void PrintUsage(FILE* out) {
  fprintf(out,
          "usage: freenahi [--version] [--help] <command> [options]\n\n"
          "A private bank-data hub: Powens webhooks in, SQLite on this box, answers here.\n\n"
          "commands:\n");
  for (const Command& c : kCommands) fprintf(out, "  %-13s %s\n", c.name, c.summary);
  fprintf(out,
          "\nEvery command takes --config PATH (default $FREENAHI_CONFIG, else %s)\n"
          "and --help. Exit codes: 0 ok, 1 failure, 2 usage or config error.\n",
          kDefaultConfigPath);
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

const Command* FindCommand(const std::string& name) {
  for (const Command& c : kCommands)
    if (name == c.name) return &c;
  return nullptr;
}

int UnknownCommand(const std::string& name) {
  const Command* best = nullptr;
  size_t best_distance = 3;
  for (const Command& c : kCommands) {
    size_t d = EditDistance(name, c.name);
    if (d < best_distance) best = &c, best_distance = d;
  }
  std::string message = "unknown command '" + name + "'";
  if (best) message += ", did you mean '" + std::string(best->name) + "'?";
  return CliError(kExitUsage, message + " (see freenahi --help)");
}

bool TakesValue(const Command& command, const std::string& flag) {
  std::string flags = std::string(" ") + command.value_flags + " ";
  return flags.find(" " + flag + " ") != std::string::npos;
}

// Parses argv after the command name. Returns false (message printed) on a usage error.
bool ParseFlags(const Command& command, int argc, char** argv, int first, CliArgs* args) {
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-v") arg = "--verbose";
    if (arg == "-h") arg = "--help";
    if (arg == "-c") arg = "--config";
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0) {
      args->positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool inline_value = eq != std::string::npos;
    if (inline_value) value = name.substr(eq + 1), name = name.substr(0, eq);
    if (!TakesValue(command, name)) {
      if (inline_value) return CliError(kExitUsage, "--" + name + " takes no value"), false;
      args->switches.push_back(name);
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= argc) return CliError(kExitUsage, "--" + name + " needs a value"), false;
      value = argv[++i];
    }
    args->values[name] = value;
  }
  return true;
}

const char* const kKnownSwitches[] = {"help",   "verbose", "json",        "all",
                                      "deleted", "force",  "manage",     "full",
                                      "report-calls"};

int CheckSwitches(const CliArgs& args) {
  for (const std::string& s : args.switches) {
    bool known = false;
    for (const char* k : kKnownSwitches) known = known || s == k;
    if (!known) return CliError(kExitUsage, "unknown option --" + s + " for '" + args.command + "' (see --help)");
  }
  return kExitOk;
}

}  // namespace

bool CliArgs::Has(const std::string& flag) const {
  for (const std::string& s : switches)
    if (s == flag) return true;
  return false;
}

std::optional<std::string> CliArgs::Value(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string CliArgs::config_path() const {
  auto flag = Value("config");
  return ResolveConfigPath(flag ? *flag : "");
}

int CliError(int code, const std::string& message) {
  fprintf(stderr, "freenahi: error: %s\n", message.c_str());
  return code;
}

int RunCli(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  std::string first = argv[1];
  if (first == "--help" || first == "-h" || first == "help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  if (first == "--version" || first == "-V") return CmdVersion(CliArgs());
  const Command* command = FindCommand(first);
  if (command == nullptr) return UnknownCommand(first);
  CliArgs args;
  args.command = command->name;
  if (!ParseFlags(*command, argc, argv, 2, &args)) return kExitUsage;
  if (args.Has("help")) {
    printf("freenahi %s: %s\n%s", command->name, command->summary, command->usage);
    return kExitOk;
  }
  int checked = CheckSwitches(args);
  if (checked != kExitOk) return checked;
  return command->run(args);
}

}  // namespace freenahi
