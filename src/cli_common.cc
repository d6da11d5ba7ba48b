// SPDX-License-Identifier: MIT
// What every command file shares: flag lookups, the one-line error, the read-only store opened
// from the config with errors a person can act on, small number parsing.
#include <sys/stat.h>

#include <cstdio>

#include "cli.h"
#include "cli_internal.h"
#include "config.h"
#include "store.h"

namespace freenahi {

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

OutputFormat CliArgs::format() const {
  if (Has("json")) return OutputFormat::kJson;
  if (Has("csv")) return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

Style CliArgs::style() const { return Style::For(stdout, Has("no-color")); }

int CliError(int code, const std::string& message) {
  fflush(stdout);
  fprintf(stderr, "freenahi: error: %s\n", message.c_str());
  return code;
}

Result<std::unique_ptr<Store>> OpenStoreForCli(const CliArgs& args, bool writable) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfig(args.config_path(), &warnings);
  for (const std::string& w : warnings) fprintf(stderr, "freenahi: warning: %s\n", w.c_str());
  // Any config problem, a missing file included, is the caller's to fix: exit 2, like usage.
  if (!config.ok()) return Status::InvalidArgument(config.status().message());
  struct stat st;
  if (stat(config->database.c_str(), &st) != 0) {
    return Status::NotFound("no database at " + config->database +
                            ": start `freenahi serve` or check [store] database in " +
                            config->path);
  }
  Store::Options options;
  options.read_only = !writable;
  options.busy_timeout_ms = 5000;  // the daemon may be writing; a person can wait a moment
  return Store::Open(config->database, options);
}

int StoreError(const Status& status) {
  bool config_problem = status.code() == Status::Code::kInvalidArgument;
  return CliError(config_problem ? kExitUsage : kExitFailure, status.message());
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
  return CliError(kExitUsage, "unexpected argument '" + args.positional[0] + "' (see freenahi " +
                                  args.command + " --help)");
}

}  // namespace freenahi
