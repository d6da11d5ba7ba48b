// SPDX-License-Identifier: MIT
// Log sink: formats one line and writes it to stderr in a single write(2), so lines from the
// daemon never interleave. procd and systemd both forward stderr to the system log.
#include "log.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>

namespace freenahi {
namespace {
LogLevel g_level = LogLevel::kInfo;  // process-wide by nature: one log per process
const char* const kLevelNames[] = {"error", "warn", "info", "debug"};
}  // namespace

bool ParseLogLevel(const std::string& text, LogLevel* level) {
  for (int i = 0; i < 4; ++i) {
    if (text == kLevelNames[i]) {
      *level = static_cast<LogLevel>(i);
      return true;
    }
  }
  return false;
}

void SetLogLevel(LogLevel level) { g_level = level; }
LogLevel CurrentLogLevel() { return g_level; }

void Log(LogLevel level, const char* format, ...) {
  if (level > g_level) return;
  char line[1024];
  int n = snprintf(line, sizeof(line), "freenahi[%d]: %s: ", static_cast<int>(getpid()),
                   kLevelNames[static_cast<int>(level)]);
  va_list args;
  va_start(args, format);
  int m = vsnprintf(line + n, sizeof(line) - n - 1, format, args);
  va_end(args);
  size_t len = n + (m < 0 ? 0 : static_cast<size_t>(m));
  if (len > sizeof(line) - 2) len = sizeof(line) - 2;  // truncated: keep the newline
  line[len++] = '\n';
  ssize_t ignored = write(STDERR_FILENO, line, len);
  (void)ignored;  // nowhere left to report a failing stderr
}

}  // namespace freenahi
