// SPDX-License-Identifier: MIT
// `freenahi serve` and `freenahi version`: the daemon's entry (serve.cc does the work) and the
// version line.
#include <cstdio>

#include "cli.h"
#include "cli_internal.h"
#include "serve.h"

namespace freenahi {
namespace {

int RunServeCommand(const CliArgs& args) {
  if (int rc = NoPositional(args)) return rc;
  return RunServe(args.config_path(), args.Has("verbose"));
}

int RunVersion(const CliArgs&) {
  printf("freenahi %s\n", FREENAHI_VERSION);
  return kExitOk;
}

}  // namespace

extern const CommandSpec kServeCommand = {
    "serve", "run the daemon in the foreground (webhooks over TLS into SQLite)",
    "usage: freenahi serve [--config PATH] [-v]\n"
    "  Listens for Powens webhooks, stores each one durably, then applies it to the database.\n"
    "  SIGHUP reloads the config and certificate; SIGTERM/SIGINT stop cleanly.\n"
    "  -v, --verbose   log debug lines too\n"
    "examples:\n"
    "  freenahi serve --config /etc/freenahi/freenahi.ini\n"
    "  freenahi --config ./dev.ini serve -v\n",
    "", "verbose", RunServeCommand};

extern const CommandSpec kVersionCommand = {"version", "print the version",
                                            "usage: freenahi version   (or freenahi --version)\n",
                                            "", "", RunVersion};

}  // namespace freenahi
