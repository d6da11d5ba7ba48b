// SPDX-License-Identifier: MIT
// `freenahi doctor`: one line per check, "ok ..." or "FAIL: what to do"; exit 1 when any fails.
// Checks are rows of a table (name, function), one row each.
#include <sys/stat.h>
#include <time.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cli.h"
#include "cli_powens.h"
#include "disk_space.h"
#include "http_client.h"
#include "paris_time.h"
#include "tls_inspect.h"

namespace freenahi {
namespace {

struct Verdict {
  bool ok;
  std::string text;  // ok: detail (may be empty); failed: what to do
};
Verdict Ok(std::string detail = "") { return {true, std::move(detail)}; }
Verdict Fail(std::string todo) { return {false, std::move(todo)}; }

struct DoctorContext {
  const Config& config;
  std::vector<std::string> warnings;
};

bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

Verdict CheckConfig(DoctorContext& ctx) {
  const Config& c = ctx.config;
  if (c.domain.empty() || c.client_id.empty())
    return Fail("[powens] domain and client_id are empty: run `freenahi init`");
  if (c.redirect_uri.empty())
    return Fail("[powens] redirect_uri is empty: run `freenahi init` (connect needs it)");
  for (const std::string& w : ctx.warnings)
    if (w.find("readable by others") != std::string::npos) return Fail(w);
  return Ok(c.path);
}

Verdict CheckCertificate(DoctorContext& ctx) {
  const Config& c = ctx.config;
  if (!c.tls) return Ok("tls = off (plain HTTP behind a proxy)");
  if (!Exists(c.CertPath()))
    return c.cert_is_generated() ? Ok("none yet: `freenahi serve` generates one on first start")
                                 : Fail(c.CertPath() + " does not exist: fix [server] cert");
  Result<CertificateInfo> info = InspectCertificate(c.CertPath());
  if (!info.ok()) return Fail(info.status().message() + ": fix [server] cert or delete it");
  Result<UnixSeconds> expires = ParseUtcDatetime(info->expires);
  const UnixSeconds now = static_cast<UnixSeconds>(time(nullptr));
  std::string names;
  for (const std::string& n : info->names) names += (names.empty() ? "" : ", ") + n;
  if (expires.ok() && *expires < now)
    return Fail("certificate expired on " + info->expires + ": renew " + c.CertPath());
  if (expires.ok() && *expires - now < 14 * 86400)
    return Fail("certificate expires on " + info->expires + ": renew " + c.CertPath() + " soon");
  return Ok("expires " + info->expires + ", names: " + (names.empty() ? "(none)" : names));
}

Verdict CheckPort(DoctorContext& ctx) {
  HttpClientOptions options;
  if (ctx.config.tls) options.ca_file = ctx.config.CertPath();
  options.connect_timeout_ms = 2000;
  options.total_timeout_ms = 4000;
  HttpClientRequest request;
  request.method = "GET";
  request.url = ProbeUrl(ctx.config, "/healthz");
  Result<HttpClientResponse> r = HttpFetch(request, options);
  if (r.ok() && r->status == 200) return Ok(request.url);
  return Fail(request.url + " does not answer (" +
              (r.ok() ? "HTTP " + std::to_string(r->status) : r.status().message()) +
              "): start the daemon (systemctl start freenahi, or freenahi serve)");
}

Verdict CheckDatabase(DoctorContext& ctx) {
  Store::Options options;
  options.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::Open(ctx.config.database, options);
  if (!store.ok())
    return Fail(store.status().message() + ": start the daemon once, or run `freenahi init`");
  Result<std::string> check = (*store)->IntegrityCheck();
  if (!check.ok()) return Fail(check.status().message());
  if (*check != "ok") return Fail("integrity check: " + *check + ": restore a backup");
  return Ok(ctx.config.database);
}

// `--search` reads the full-text index, or, where this SQLite lacks FTS5 (or the database has no
// index), scans every row with the same folding: the same results, slower on a large database.
Verdict CheckSearch(DoctorContext& ctx) {
  Store::Options options;
  options.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::Open(ctx.config.database, options);
  if (!store.ok()) return Fail("no database yet: start the daemon once, or run `freenahi init`");
  if ((*store)->HasFullTextSearch()) return Ok("full-text index, SQLite FTS5");
  return Ok("no full-text index (this SQLite has no FTS5, or the database no index): --search "
            "reads every row, same results, slower");
}

Verdict CheckDiskSpace(DoctorContext& ctx) {
  Result<DiskSpace> space = MeasureDiskSpace(ctx.config.database);
  if (!space.ok()) return Fail(space.status().message() + ": start the daemon once, or run `freenahi init`");
  if (!space->low) return Ok(DescribeDiskSpace(*space));
  char mib[64];
  snprintf(mib, sizeof(mib), "%.1f MiB free (under %.0f MiB)",
           static_cast<double>(space->free_bytes) / (1 << 20),
           static_cast<double>(kLowFreeSpaceBytes) / (1 << 20));
  return Fail(std::string(mib) + " on the database's filesystem: a large sync may be refused (503); "
              "free space there, or lower [store] keep_applied_bodies");
}

Verdict CheckCaBundle(DoctorContext& ctx) {
  if (!ctx.config.ca_file.empty() && !Exists(ctx.config.ca_file))
    return Fail(ctx.config.ca_file + " does not exist: fix [powens] ca_file");
  for (const char* bundle : {"/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/cert.pem"})
    if (Exists(bundle)) return Ok(bundle);
  if (!ctx.config.ca_file.empty()) return Ok(ctx.config.ca_file);
  return Fail("no CA bundle: install ca-certificates (Debian) or ca-bundle (OpenWrt)");
}

Verdict CheckPowens(DoctorContext& ctx) {
  int code = 0;
  Store::Options options;
  options.read_only = true;
  Result<std::unique_ptr<Store>> store = Store::Open(ctx.config.database, options);
  if (!store.ok()) return Fail("no database yet: run `freenahi init`");
  Result<std::optional<PowensUser>> user = (*store)->PowensUserWithToken();
  if (!user.ok() || !*user) return Fail("no Powens user yet: run `freenahi init`");
  (void)code;
  std::unique_ptr<PowensClient> client = MakePowensClient(ctx.config, &**user, false);
  Result<std::string> me = client->Get("/users/me", "reading the user");
  if (!me.ok()) return Fail(me.status().message());
  return Ok("user " + std::to_string((*user)->id) + " at " + client->host());
}

struct Check {
  const char* name;
  Verdict (*run)(DoctorContext&);
};
const Check kChecks[] = {
    {"config", CheckConfig},         {"certificate", CheckCertificate}, {"port", CheckPort},
    {"database", CheckDatabase},     {"search", CheckSearch},           {"disk space", CheckDiskSpace},
    {"ca bundle", CheckCaBundle},    {"powens", CheckPowens},
};

}  // namespace

int CmdDoctor(const CliArgs& args) {
  std::vector<std::string> warnings;
  Result<Config> config = LoadConfig(args.config_path(), &warnings);
  if (!config.ok()) {
    printf("config: FAIL: %s\n", config.status().message().c_str());
    return kExitFailure;
  }
  DoctorContext ctx{*config, warnings};
  bool all_ok = true;
  for (const Check& check : kChecks) {
    Verdict v = check.run(ctx);
    all_ok = all_ok && v.ok;
    if (v.ok)
      printf("%s: ok%s%s\n", check.name, v.text.empty() ? "" : " (", v.text.empty() ? "" : (v.text + ")").c_str());
    else
      printf("%s: FAIL: %s\n", check.name, v.text.c_str());
  }
  return all_ok ? kExitOk : kExitFailure;
}

extern const CommandSpec kDoctorCommand = {
    "doctor", "check config, certificate, port, database, search, disk space, CA bundle, Powens credentials",
     "usage: freenahi doctor [--config PATH]\n"
     "  One line per check: ok, or FAIL and what to do. Exit 1 when any check fails.\n"
     "example: freenahi doctor\n",
    "", "", CmdDoctor};

}  // namespace freenahi
