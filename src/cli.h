// SPDX-License-Identifier: MIT
// The `freenahi` command line: a table of subcommands {name, help line, handler}, global flags,
// and exit codes scripts can rely on. main.cc hands argv here and does nothing else.
#ifndef FREENAHI_CLI_H_
#define FREENAHI_CLI_H_

namespace freenahi {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,      // the command ran and failed (unreachable file, bad data, ...)
  kExitUsage = 2,        // bad command line or bad config file
  kExitInterrupted = 130,
};

int RunCli(int argc, char** argv);

}  // namespace freenahi

#endif  // FREENAHI_CLI_H_
