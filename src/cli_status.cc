// SPDX-License-Identifier: MIT
// `freenahi status`: is the daemon up, what came in last (webhook, pull), what failed, and for
// each connection its bank, state, last sync and what the user must do. Read-only; never calls
// Powens; last, the database size and free space. Sections are functions in a table.
#include <time.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "cli_powens.h"
#include "disk_space.h"
#include "http_client.h"
#include "paris_time.h"

namespace freenahi {
namespace {

constexpr int64_t kConsentWarningS = 14 * 24 * 3600;

std::string When(const std::optional<UnixSeconds>& t) {
  return t ? FormatUtc(*t) + " UTC" : "never";
}

// The daemon's /healthz over its own listen address, trusting its (generated) certificate.
void PrintDaemon(const Config& config, Store*) {
  std::string target = ProbeUrl(config, "/healthz");
  HttpClientOptions options;
  if (config.tls) options.ca_file = config.CertPath();
  options.connect_timeout_ms = 2000;
  options.total_timeout_ms = 4000;
  HttpClientRequest request;
  request.method = "GET";
  request.url = target;
  Result<HttpClientResponse> response = HttpFetch(request, options);
  if (response.ok() && response->status == 200)
    printf("daemon: up (%s)\n", target.c_str());
  else
    printf("daemon: NOT reachable at %s: %s\n", target.c_str(),
           response.ok() ? ("HTTP " + std::to_string(response->status)).c_str()
                         : response.status().message().c_str());
}

void PrintInbox(const Config&, Store* store) {
  Result<std::vector<InboxItem>> last = store->ListInbox(std::nullopt, 1);
  if (!last.ok() || last->empty()) {
    printf("last webhook: none received yet\n");
  } else {
    const InboxItem& item = last->front();
    printf("last webhook: %s %s, %s%s%s\n", When(item.received_at).c_str(), item.event.c_str(),
           InboxStateName(item.state), item.error.empty() ? "" : ": ", item.error.c_str());
  }
  Result<std::vector<InboxItem>> failed = store->ListInbox(InboxState::kFailed, 0);
  if (failed.ok() && !failed->empty())
    printf("inbox: %zu webhook(s) could not be applied: see `freenahi inbox --state failed`\n",
           failed->size());
}

void PrintPull(const Config&, Store* store) {
  Result<std::optional<PowensUser>> user = store->PowensUserWithToken();
  if (!user.ok() || !*user) {
    printf("powens user: none: run `freenahi init`\n");
    return;
  }
  Result<std::optional<PullRecord>> pull = store->LastPull((*user)->id);
  if (!pull.ok() || !*pull) {
    printf("last pull: never\n");
    return;
  }
  const PullRecord& p = **pull;
  if (!p.ok)
    printf("last pull: started %s, not finished (running, or interrupted)\n", When(p.started_at).c_str());
  else if (*p.ok)
    printf("last pull: %s, ok (%lld pages, %lld rows)\n", When(p.finished_at).c_str(),
           static_cast<long long>(p.pages), static_cast<long long>(p.rows));
  else
    printf("last pull: %s, FAILED: %s\n", When(p.finished_at).c_str(), p.error.c_str());
}

void PrintConnections(const Config&, Store* store) {
  Result<std::vector<ConnectionHealth>> all = store->ListConnectionHealth();
  if (!all.ok()) {
    printf("connections: %s\n", all.status().message().c_str());
    return;
  }
  int shown = 0;
  const UnixSeconds now = static_cast<UnixSeconds>(time(nullptr));
  for (const ConnectionHealth& c : *all) {
    if (c.deleted) continue;
    ++shown;
    std::string todo = WhatToDo(c.state, c.id);
    printf("connection %lld %s: %s, %lld accounts, last sync %s\n", static_cast<long long>(c.id),
           c.bank.c_str(), c.state ? c.state->c_str() : "ok", static_cast<long long>(c.accounts),
           When(c.last_update).c_str());
    if (c.error_message && !c.error_message->empty())
      printf("  bank says: %s\n", c.error_message->c_str());
    if (!todo.empty()) printf("  what to do: %s\n", todo.c_str());
    if (c.access_expire && *c.access_expire - now < kConsentWarningS)
      printf("  warning: bank consent %s %s: renew it with: freenahi connect --reconnect %lld\n",
             *c.access_expire < now ? "expired" : "expires", ParisDate(*c.access_expire).c_str(),
             static_cast<long long>(c.id));
  }
  if (shown == 0) printf("connections: none yet: run `freenahi connect`\n");
}

// Database size and free space on its filesystem, with DescribeDiskSpace's warning when low.
void PrintDisk(const Config& config, Store*) {
  Result<DiskSpace> space = MeasureDiskSpace(config.database);
  printf("disk: %s\n", space.ok() ? DescribeDiskSpace(*space).c_str() : space.status().message().c_str());
}

using Section = void (*)(const Config&, Store*);
const Section kSections[] = {PrintDaemon, PrintInbox, PrintPull, PrintConnections, PrintDisk};

}  // namespace

std::string ProbeUrl(const Config& config, const std::string& path) {
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  std::string port = config.listen.substr(config.listen.rfind(':') + 1);
  // "localhost": the generated certificate names it (its 127.0.0.1 entry is not an IP SAN).
  if (host == "0.0.0.0" || host.empty() || host == "127.0.0.1") host = "localhost";
  if (host == "[::]") host = "[::1]";
  return std::string(config.tls ? "https" : "http") + "://" + host + ":" + port + path;
}

int CmdStatus(const CliArgs& args) {
  int code = kExitOk;
  std::optional<Config> config = LoadConfigForCli(args, &code);
  if (!config) return code;
  Store::Options options;
  options.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::Open(config->database, options);
  if (!store.ok()) return CliError(kExitFailure, store.status().message());
  for (Section section : kSections) section(*config, store->get());
  return kExitOk;
}

extern const CommandSpec kStatusCommand = {
    "status", "daemon, last webhook and pull, each connection and what to do",
     "usage: freenahi status [--config PATH]\n"
     "  Whether the daemon answers, the last webhook and pull, failed inbox items, and for each\n"
     "  bank connection its state, last sync and the command that fixes it when it needs you;\n"
     "  then the database size and the free space on its filesystem (a warning when low).\n"
     "example: freenahi status\n",
    "", "", CmdStatus};

}  // namespace freenahi
