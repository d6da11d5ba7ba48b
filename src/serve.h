// SPDX-License-Identifier: MIT
// `freenahi serve`: builds store, TLS, loop, router, webhook and listener in that order (and tears
// them down in reverse), runs the loop, reloads on SIGHUP, stops cleanly on SIGTERM/SIGINT.
#ifndef FREENAHI_SERVE_H_
#define FREENAHI_SERVE_H_

#include <string>

namespace freenahi {

// Runs the daemon in the foreground until SIGTERM/SIGINT. Returns an ExitCode (cli.h): 0 after a
// clean stop, 2 for a bad config, 1 when it cannot start (port taken, database unreadable, ...).
int RunServe(const std::string& config_path, bool verbose);

}  // namespace freenahi

#endif  // FREENAHI_SERVE_H_
