// SPDX-License-Identifier: MIT
// Shared by the commands that talk to Powens (cli_init, cli_connect, cli_pull, cli_sync,
// cli_status, cli_doctor): config and store opening with one-line errors, the Powens user and
// client, terminal detection, and what the user must do for each connection state.
#ifndef FREENAHI_CLI_POWENS_H_
#define FREENAHI_CLI_POWENS_H_

#include <memory>
#include <optional>
#include <string>

#include "cli_internal.h"
#include "config.h"
#include "powens.h"
#include "store.h"

namespace freenahi {

// Loads the config (warnings on stderr); on failure prints the error and sets *exit_code (2).
std::optional<Config> LoadConfigForCli(const CliArgs& args, int* exit_code);
// Opens the database read-write (creating its directory); errors printed, *exit_code = 1.
std::unique_ptr<Store> OpenPowensStore(const Config& config, int* exit_code);
// The Powens user `freenahi init` stored; errors printed ("run `freenahi init` first").
std::optional<PowensUser> RequirePowensUser(Store* store, int* exit_code);
// A client for `config` carrying `user`'s token; progress lines on stderr when `progress`.
std::unique_ptr<PowensClient> MakePowensClient(const Config& config, const PowensUser* user,
                                               bool progress);

// "https://127.0.0.1:PORT<path>": the daemon's own listen address as this box reaches it.
std::string ProbeUrl(const Config& config, const std::string& path);

bool StderrIsTty();
bool StdoutIsTty();

// The host Powens knows the domain by: "name-sandbox" → "name-sandbox.biapi.pro"; a full host
// stays as it is.
std::string PowensDomainHost(const std::string& domain);

// What the user must do for a connection in `state` (nullopt/empty = fine): a command with the
// connection id filled in, or a sentence; empty when nothing is needed.
std::string WhatToDo(const std::optional<std::string>& state, int64_t connection_id);
// True for states that need the user (a hook fires when a connection enters one).
bool StateNeedsUser(const std::optional<std::string>& state);

}  // namespace freenahi

#endif  // FREENAHI_CLI_POWENS_H_
