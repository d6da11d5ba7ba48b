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
int CmdInit(const CliArgs& args);
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
    {"init", "write a commented config file",
     "usage: freenahi init [--config PATH] [--listen HOST:PORT] [--database PATH] [--force]\n"
     "  Writes every key with its documentation and default (mode 0600). Refuses to overwrite\n"
     "  an existing file unless --force. A relative --database is relative to the config\n"
     "  file's directory, like every path inside the file.\n",
     "config listen database", CmdInit},
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

const char* const kKnownSwitches[] = {"help", "verbose", "json", "all", "deleted", "force"};

int CheckSwitches(const CliArgs& args) {
  for (const std::string& s : args.switches) {
    bool known = false;
    for (const char* k : kKnownSwitches) known = known || s == k;
    if (!known) return CliError(kExitUsage, "unknown option --" + s + " for '" + args.command + "' (see --help)");
  }
  return kExitOk;
}

int CmdInit(const CliArgs& args) {
  std::string path = args.config_path();
  Config config;
  if (auto listen = args.Value("listen")) config.listen = *listen;
  if (auto database = args.Value("database")) config.database = *database;
  std::string text = RenderConfig(config, /*include_secrets=*/false);
  // Validate what we are about to write, so init never produces a file serve rejects.
  Result<Config> check = ParseConfig(text, path, nullptr);
  if (!check.ok()) return CliError(kExitUsage, check.status().message());
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (args.Has("force") ? O_TRUNC : O_EXCL);
  int fd = open(path.c_str(), flags, 0600);
  if (fd < 0)
    return CliError(kExitFailure, "write " + path + ": " + strerror(errno) +
                                      (errno == EEXIST ? " (use --force to overwrite)" : ""));
  ssize_t written = write(fd, text.data(), text.size());
  bool ok = written == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) return CliError(kExitFailure, "write " + path + ": " + strerror(errno));
  printf("wrote %s: add your Powens client_id, client_secret, domain and user_token\n", path.c_str());
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
