// SPDX-License-Identifier: MIT
// `freenahi pull [--full] [--connection ID]` and `freenahi sync [CONNECTION_ID]`: the blocking
// Powens commands. serve runs `pull` as its child process, with --rate-history so that its
// children together stay under rate_limit_per_min.
#include <time.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "cli_powens.h"
#include "paris_time.h"
#include "pull.h"

namespace freenahi {
namespace {

constexpr int64_t kSyncTimeoutMs = 10 * 60 * 1000;  // a bank sync can take minutes

UnixSeconds Now() { return static_cast<UnixSeconds>(time(nullptr)); }

bool ParseId(const std::string& text, int64_t* id) {
  if (text.empty() || text.size() > 18) return false;
  *id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    *id = *id * 10 + (c - '0');
  }
  return *id > 0;
}

// "t1,t2,...": monotonic call times (ms) of earlier pulls in the last minute.
void SeedRateHistory(const std::string& list, PowensClient* client) {
  size_t start = 0;
  while (start < list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    int64_t t = 0;
    if (ParseId(list.substr(start, comma - start), &t)) client->limiter().Record(t);
    start = comma + 1;
  }
}

}  // namespace

int CmdPull(const CliArgs& args) {
  int code = kExitOk;
  std::optional<Config> config = LoadConfigForCli(args, &code);
  if (!config) return code;
  PullOptions options;
  options.full = args.Has("full");
  if (auto id = args.Value("connection")) {
    int64_t parsed = 0;
    if (!ParseId(*id, &parsed)) return CliError(kExitUsage, "--connection takes a connection id");
    options.connection_id = parsed;
  }
  const bool tty = StderrIsTty();
  if (tty) options.progress = [](const std::string& line) { fprintf(stderr, "%s\n", line.c_str()); };
  std::unique_ptr<Store> store = OpenPowensStore(*config, &code);
  if (!store) return code;
  std::optional<PowensUser> user = RequirePowensUser(store.get(), &code);
  if (!user) return code;
  std::unique_ptr<PowensClient> client = MakePowensClient(*config, &*user, tty);
  if (auto history = args.Value("rate-history")) SeedRateHistory(*history, client.get());
  Result<PullSummary> summary = RunPull(client.get(), store.get(), *user, options, Now);
  // For serve: this pull's call times, so the next child counts them (one line on stdout).
  if (args.Has("report-calls")) {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    std::string line = "calls:";
    for (int64_t t : client->limiter().Recent(int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000))
      line += " " + std::to_string(t);
    printf("%s\n", line.c_str());
  }
  if (!summary.ok()) return CliError(kExitFailure, summary.status().message());
  for (const std::string& warning : summary->warnings)  // never a secret: ids, codes, hosts
    fprintf(stderr, "freenahi: warning: %s\n", warning.c_str());
  if (tty)
    fprintf(stderr, "pulled %lld pages, %lld rows in %lld calls%s\n",
            static_cast<long long>(summary->pages), static_cast<long long>(summary->rows),
            static_cast<long long>(client->calls()),
            summary->skipped ? " (some records of unlisted accounts skipped)" : "");
  return kExitOk;
}

int CmdSync(const CliArgs& args) {
  int code = kExitOk;
  std::optional<Config> config = LoadConfigForCli(args, &code);
  if (!config) return code;
  std::unique_ptr<Store> store = OpenPowensStore(*config, &code);
  if (!store) return code;
  std::optional<PowensUser> user = RequirePowensUser(store.get(), &code);
  if (!user) return code;
  std::vector<int64_t> ids;
  if (!args.positional.empty()) {
    int64_t id = 0;
    if (!ParseId(args.positional[0], &id)) return CliError(kExitUsage, "sync takes a connection id");
    ids.push_back(id);
  } else {
    Result<std::vector<ConnectionHealth>> all = store->ListConnectionHealth();
    if (!all.ok()) return CliError(kExitFailure, all.status().message());
    for (const ConnectionHealth& c : *all)
      if (!c.deleted) ids.push_back(c.id);
    if (ids.empty()) return CliError(kExitFailure, "no connection yet: run `freenahi connect` first");
  }
  std::unique_ptr<PowensClient> client = MakePowensClient(*config, &*user, StderrIsTty());
  int result = kExitOk;
  for (int64_t id : ids) {
    if (StderrIsTty()) fprintf(stderr, "syncing connection %lld (this can take minutes)...\n", static_cast<long long>(id));
    Result<std::string> body = client->Put("/users/me/connections/" + std::to_string(id) +
                                               "?psu_requested=false",
                                           "syncing connection " + std::to_string(id), kSyncTimeoutMs);
    PulledPage page;
    Status status = body.ok() ? ParseConnectionObject(*body, &page) : body.status();
    if (status.ok()) status = store->ApplyPulled(page, Now());
    if (!status.ok()) {
      result = CliError(kExitFailure, status.message());
      continue;
    }
    const Connection& c = page.connections.front();
    std::string when = c.last_update ? FormatUtc(*c.last_update) + " UTC" : "never";
    std::string todo = WhatToDo(c.state, c.id);
    printf("connection %lld %s: %s, last sync %s%s%s\n", static_cast<long long>(c.id),
           c.connector_name.c_str(), c.state && !c.state->empty() ? c.state->c_str() : "ok",
           when.c_str(), todo.empty() ? "" : "; ", todo.c_str());
  }
  return result;
}

extern const CommandSpec kPullCommand = {
    "pull", "fetch from the Powens API what webhooks missed",
     "usage: freenahi pull [--config PATH] [--full] [--connection ID]\n"
     "  Reads connections, accounts and transactions (changed since the last pull) page by\n"
     "  page into the database, exactly as webhooks would. serve runs it at start-up and\n"
     "  every [powens] pull_interval. Progress on a terminal; quiet otherwise.\n"
     "  --full            every transaction, not only those changed since the last pull\n"
     "  --connection ID   only this connection\n"
     "example: freenahi pull --full\n",
    "connection rate-history", "full report-calls", CmdPull};

extern const CommandSpec kSyncCommand = {
    "sync", "ask Powens to sync a bank now, then show its state",
     "usage: freenahi sync [--config PATH] [CONNECTION_ID]\n"
     "  PUT /users/me/connections/ID: the bank is synced now (can take minutes); without an id,\n"
     "  every connection. The new data arrives by webhook (or `freenahi pull`).\n"
     "example: freenahi sync 317\n",
    "", "", CmdSync};

}  // namespace freenahi
