// SPDX-License-Identifier: MIT
// Shared by cli.cc and the cli_<command>.cc files: parsed flags, the command table entry every
// command file defines, and the helpers all of them use (errors, the read-only store, numbers).
#ifndef FREENAHI_CLI_INTERNAL_H_
#define FREENAHI_CLI_INTERNAL_H_

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "output.h"
#include "status.h"

namespace freenahi {

class Store;

// Flags before and after the command name. `values` holds --name=value / --name value options;
// `switches` the boolean ones; `positional` the rest in order.
struct CliArgs {
  std::string command;
  std::map<std::string, std::string> values;
  std::vector<std::string> switches;
  std::vector<std::string> positional;
  bool Has(const std::string& flag) const;
  std::optional<std::string> Value(const std::string& name) const;
  std::string config_path() const;  // --config, $FREENAHI_CONFIG or the default
  bool json() const { return Has("json"); }
  OutputFormat format() const;       // --json, --csv, else a table
  Style style() const;               // colour for stdout (TTY, NO_COLOR, --no-color)
};

// One entry of the command table. Each command defines one in its own cli_<name>.cc and adds
// one line to the table in cli.cc. Flags every command takes without declaring them: --config,
// --help, --no-color.
struct CommandSpec {
  const char* name;
  const char* summary;       // one line for `freenahi --help`
  const char* usage;         // the full --help text after the summary, examples included
  const char* value_flags;   // space-separated flags that take a value ("account since")
  const char* switch_flags;  // space-separated boolean flags ("all json csv")
  int (*run)(const CliArgs&);
};

// Prints "freenahi: error: <message>" to stderr and returns `code`.
int CliError(int code, const std::string& message);

// Opens the configured database read-only (works while `serve` writes: WAL). Errors are ready
// to print: a config problem → kInvalidArgument (exit 2), a missing database →
// "no database at X: start `freenahi serve` or check [store] database" (exit 1).
Result<std::unique_ptr<Store>> OpenStoreForCli(const CliArgs& args, bool writable);
// Prints a store/config error and returns its exit code (2 for kInvalidArgument, else 1).
int StoreError(const Status& status);

// "N" digits only (≤ 9 digits); `fallback` when absent. False on anything else.
bool ParseCount(const std::optional<std::string>& text, int fallback, int* out);
// A usage error for the first positional argument, if any; else kExitOk (0).
int NoPositional(const CliArgs& args);

}  // namespace freenahi

#endif  // FREENAHI_CLI_INTERNAL_H_
