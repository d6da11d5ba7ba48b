// SPDX-License-Identifier: MIT
// Helpers every Powens command uses: config/store/user/client set-up with one-line errors, and
// the connection-state table that turns a Powens state into the command that fixes it.
#include "cli_powens.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "cli.h"

namespace freenahi {
namespace {

struct StateAction {
  const char* state;
  const char* todo;  // "%ID%" is replaced by the connection id; empty: nothing to do
  bool needs_user;
};

// DESIGN §3.5's connection states.
const StateAction kStateActions[] = {
    {"SCARequired", "run: freenahi connect --reconnect %ID%", true},
    {"webauthRequired", "run: freenahi connect --reconnect %ID%", true},
    {"decoupled", "validate the login in your bank's app", false},
    {"validating", "nothing: the bank is validating", false},
    {"additionalInformationNeeded", "run: freenahi connect --manage", true},
    {"actionNeeded", "run: freenahi connect --manage (the bank asks for an action)", true},
    {"wrongpass", "run: freenahi connect --manage (fix the bank login)", true},
    {"passwordExpired", "run: freenahi connect --manage (update the bank password)", true},
    {"rateLimiting", "nothing: Powens retries by itself", false},
    {"websiteUnavailable", "nothing: Powens retries by itself", false},
    {"bug", "nothing you can fix: Powens retries; if it lasts, contact Powens", true},
    {"notSupported", "nothing you can fix: this bank is not supported any more", true},
};

}  // namespace

std::optional<Config> LoadConfigForCli(const CliArgs& args, int* exit_code) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfig(args.config_path(), &warnings);
  for (const std::string& w : warnings) fprintf(stderr, "freenahi: warning: %s\n", w.c_str());
  if (!config.ok()) {
    *exit_code = CliError(kExitUsage, config.status().message());
    return std::nullopt;
  }
  return std::move(*config);
}

std::unique_ptr<Store> OpenPowensStore(const Config& config, int* exit_code) {
  std::string dir = config.DatabaseDir();
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 && mkdir(dir.c_str(), 0700) != 0) {
    *exit_code = CliError(kExitFailure, "create " + dir + ": " + strerror(errno));
    return nullptr;
  }
  mode_t old = umask(077);  // the database holds the user token: its owner only
  Result<std::unique_ptr<Store>> store = Store::Open(config.database);
  umask(old);
  if (!store.ok()) {
    *exit_code = CliError(kExitFailure, store.status().message());
    return nullptr;
  }
  return std::move(*store);
}

std::optional<PowensUser> RequirePowensUser(Store* store, int* exit_code) {
  Result<std::optional<PowensUser>> user = store->PowensUserWithToken();
  if (!user.ok()) {
    *exit_code = CliError(kExitFailure, user.status().message());
    return std::nullopt;
  }
  if (!*user) {
    *exit_code = CliError(kExitFailure, "no Powens user yet: run `freenahi init` first");
    return std::nullopt;
  }
  return **user;
}

std::unique_ptr<PowensClient> MakePowensClient(const Config& config, const PowensUser* user,
                                               bool progress) {
  PowensOptions options = PowensOptionsFrom(config);
  if (progress)
    options.progress = [](const std::string& line) { fprintf(stderr, "%s\n", line.c_str()); };
  auto client = std::make_unique<PowensClient>(std::move(options));
  if (user != nullptr) client->set_token(user->token);
  return client;
}

bool StderrIsTty() { return isatty(STDERR_FILENO) == 1; }
bool StdoutIsTty() { return isatty(STDOUT_FILENO) == 1; }

std::string PowensDomainHost(const std::string& domain) {
  std::string host = domain;
  size_t scheme = host.find("://");
  if (scheme != std::string::npos) host = host.substr(scheme + 3);
  host = host.substr(0, host.find('/'));
  if (host.find('.') != std::string::npos) return host;
  return host + ".biapi.pro";
}

std::string WhatToDo(const std::optional<std::string>& state, int64_t connection_id) {
  if (!state || state->empty()) return "";
  for (const StateAction& a : kStateActions) {
    if (*state != a.state) continue;
    std::string todo = a.todo;
    size_t at = todo.find("%ID%");
    if (at != std::string::npos) todo.replace(at, 4, std::to_string(connection_id));
    return todo;
  }
  return "run: freenahi connect --manage (state " + *state + ")";
}

bool StateNeedsUser(const std::optional<std::string>& state) {
  if (!state || state->empty()) return false;
  for (const StateAction& a : kStateActions)
    if (*state == a.state) return a.needs_user;
  return true;
}

}  // namespace freenahi
