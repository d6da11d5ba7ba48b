// SPDX-License-Identifier: MIT
// The command table, global and per-command flag parsing, help texts and exit codes. Each
// command's handler and help live in its own cli_<name>.cc; this file only dispatches.
#include "cli.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "cli_internal.h"
#include "config.h"

namespace freenahi {

// The command table: one line per command, in `freenahi --help` order. X(Name) refers to
// kNameCommand, defined in cli_<name>.cc.
#define FREENAHI_COMMANDS(X) \
  X(Serve)                   \
  X(Init)                    \
  X(Connect)                 \
  X(Pull)                    \
  X(Sync)                    \
  X(Status)                  \
  X(Doctor)                  \
  X(Accounts)                \
  X(Balance)                 \
  X(Transactions)            \
  X(Summary)                 \
  X(Export)                  \
  X(Inbox)                   \
  X(Assets)                  \
  X(Investments)             \
  X(Loans)                   \
  X(Tx)                      \
  X(Rule)                    \
  X(Report)                  \
  X(Version)

#define FREENAHI_DECLARE_COMMAND(name) extern const CommandSpec k##name##Command;
FREENAHI_COMMANDS(FREENAHI_DECLARE_COMMAND)
#undef FREENAHI_DECLARE_COMMAND

namespace {

#define FREENAHI_COMMAND_ENTRY(name) &k##name##Command,
const CommandSpec* const kCommands[] = {FREENAHI_COMMANDS(FREENAHI_COMMAND_ENTRY)};
#undef FREENAHI_COMMAND_ENTRY

// Flags every command accepts, before or after its name.
constexpr const char* kGlobalValueFlags = "config";
constexpr const char* kGlobalSwitches = "help no-color";

void PrintUsage(FILE* out) {
  fprintf(out,
          "usage: freenahi [--config PATH] [--json|--csv] [--no-color] <command> [options]\n\n"
          "A private bank-data hub: Powens webhooks in, SQLite on this box, answers here.\n\n"
          "commands:\n");
  for (const CommandSpec* c : kCommands) fprintf(out, "  %-13s %s\n", c->name, c->summary);
  fprintf(out,
          "\nEvery command takes --config PATH (default $FREENAHI_CONFIG, else %s),\n"
          "--help and --no-color (colour is only used on a terminal, never with NO_COLOR set);\n"
          "these, --json and --csv may come before or after the command name.\n"
          "Exit codes: 0 ok, 1 failure, 2 usage or config error. `freenahi <command> --help` shows\n"
          "examples.\n",
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

const CommandSpec* FindCommand(const std::string& name) {
  for (const CommandSpec* c : kCommands)
    if (name == c->name) return c;
  return nullptr;
}

int UnknownCommand(const std::string& name) {
  const CommandSpec* best = nullptr;
  size_t best_distance = 3;
  for (const CommandSpec* c : kCommands) {
    size_t d = EditDistance(name, c->name);
    if (d < best_distance) best = c, best_distance = d;
  }
  std::string message = "unknown command '" + name + "'";
  if (best) message += ", did you mean '" + std::string(best->name) + "'?";
  return CliError(kExitUsage, message + " (see freenahi --help)");
}

bool InList(const char* list, const std::string& flag) {
  std::string flags = std::string(" ") + list + " ";
  return flags.find(" " + flag + " ") != std::string::npos;
}

// Flags that take a value, for the command (null: before the command, only global ones).
bool TakesValue(const CommandSpec* command, const std::string& flag) {
  return InList(kGlobalValueFlags, flag) || (command && InList(command->value_flags, flag));
}

std::string Canonical(std::string arg) {
  if (arg == "-v") return "--verbose";
  if (arg == "-h") return "--help";
  if (arg == "-c") return "--config";
  if (arg == "-o") return "--output";
  if (arg == "-n") return "--limit";
  if (arg == "-V") return "--version";
  return arg;
}

// Parses argv[*index...] into `args`. Before the command (`command` null) it stops at the first
// word that is not a flag and leaves *index there. Returns false (message printed) on a usage
// error.
bool ParseFlags(const CommandSpec* command, int argc, char** argv, int* index, CliArgs* args) {
  for (; *index < argc; ++*index) {
    std::string arg = Canonical(argv[*index]);
    bool is_flag = arg.size() >= 3 && arg.compare(0, 2, "--") == 0;
    if (!is_flag) {
      if (command == nullptr) return true;
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
      if (*index + 1 >= argc) return CliError(kExitUsage, "--" + name + " needs a value"), false;
      value = argv[++*index];
    }
    args->values[name] = value;
  }
  return true;
}

int CheckFlags(const CommandSpec& command, const CliArgs& args) {
  for (const std::string& s : args.switches) {
    if (InList(kGlobalSwitches, s) || InList(command.switch_flags, s)) continue;
    if (InList(command.value_flags, s) || InList(kGlobalValueFlags, s))
      return CliError(kExitUsage, "--" + s + " needs a value");
    return CliError(kExitUsage,
                    "unknown option --" + s + " for '" + args.command + "' (see freenahi " +
                        args.command + " --help)");
  }
  for (const auto& [name, value] : args.values) {
    if (!TakesValue(&command, name))
      return CliError(kExitUsage, "unknown option --" + name + " for '" + args.command + "'");
  }
  if (args.Has("json") && args.Has("csv")) return CliError(kExitUsage, "--json and --csv: choose one");
  return kExitOk;
}

}  // namespace

int RunCli(int argc, char** argv) {
  CliArgs args;
  int index = 1;
  // Global flags before the command name (a value flag there is always a global one).
  if (!ParseFlags(nullptr, argc, argv, &index, &args)) return kExitUsage;
  if (args.Has("version") || args.Has("V")) return FindCommand("version")->run(args);
  if (index >= argc) {
    bool help = args.Has("help");
    PrintUsage(help ? stdout : stderr);
    return help ? kExitOk : kExitUsage;
  }
  std::string name = argv[index];
  if (name == "help") {
    if (index + 1 >= argc) return PrintUsage(stdout), kExitOk;
    name = argv[index + 1], args.switches.push_back("help"), index = argc - 1;
  }
  const CommandSpec* command = FindCommand(name);
  if (command == nullptr) return UnknownCommand(name);
  args.command = command->name;
  ++index;
  if (!ParseFlags(command, argc, argv, &index, &args)) return kExitUsage;
  if (args.Has("help")) {
    printf("freenahi %s: %s\n%s", command->name, command->summary, command->usage);
    return kExitOk;
  }
  if (int rc = CheckFlags(*command, args)) return rc;
  return command->run(args);
}

}  // namespace freenahi
