// SPDX-License-Identifier: MIT
// Shared by cli.cc and cli_query.cc only: parsed flags and the command handlers' signature.
#ifndef FREENAHI_CLI_INTERNAL_H_
#define FREENAHI_CLI_INTERNAL_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace freenahi {

// Flags after the command name. `values` holds --name=value / --name value options; `switches`
// the boolean ones; `positional` the rest in order.
struct CliArgs {
  std::string command;
  std::map<std::string, std::string> values;
  std::vector<std::string> switches;
  std::vector<std::string> positional;
  bool Has(const std::string& flag) const;
  std::optional<std::string> Value(const std::string& name) const;
  std::string config_path() const;  // --config, $FREENAHI_CONFIG or the default
  bool json() const { return Has("json"); }
};

// Prints "freenahi: error: <message>" to stderr and returns `code`.
int CliError(int code, const std::string& message);

int CmdAccounts(const CliArgs& args);
int CmdTransactions(const CliArgs& args);
int CmdInbox(const CliArgs& args);

}  // namespace freenahi

#endif  // FREENAHI_CLI_INTERNAL_H_
