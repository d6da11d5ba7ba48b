// SPDX-License-Identifier: MIT
// `freenahi init`: writes a commented config file (config.cc renders it), never overwriting one
// unless --force, and only a file `serve` would accept.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <cstdio>

#include "cli.h"
#include "cli_internal.h"
#include "config.h"

namespace freenahi {
namespace {

int RunInit(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
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

extern const CommandSpec kInitCommand = {
    "init", "write a commented config file",
    "usage: freenahi init [--config PATH] [--listen HOST:PORT] [--database PATH] [--force]\n"
    "  Writes every key with its documentation and default (mode 0600). Refuses to overwrite\n"
    "  an existing file unless --force. A relative --database is relative to the config\n"
    "  file's directory, like every path inside the file.\n"
    "examples:\n"
    "  freenahi init --config /etc/freenahi/freenahi.ini\n"
    "  freenahi --config ./dev.ini init --listen 127.0.0.1:8443 --database dev.db\n",
    "listen database", "force", RunInit};

}  // namespace freenahi
