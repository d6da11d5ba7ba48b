// SPDX-License-Identifier: MIT
// Log sink: picks the line format for the reader (terminal, journald, procd; see log.h), formats
// one line and writes it in a single write(2), so lines from the daemon never interleave.
#include "log.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace freenahi {
namespace {
LogLevel g_level = LogLevel::kInfo;  // process-wide by nature: one log per process
const char* const kLevelNames[] = {"error", "warn", "info", "debug"};
// sd-daemon(3) priorities: LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG.
const char* const kJournalPrefixes[] = {"<3>", "<4>", "<6>", "<7>"};

const char* LevelName(LogLevel level) { return kLevelNames[static_cast<int>(level)]; }

// True when $JOURNAL_STREAM ("DEV:INODE", decimal) is the file `fd` is open on.
bool NamesDescriptor(const char* journal_stream, int fd) {
  if (journal_stream == nullptr) return false;
  uintmax_t dev = 0, ino = 0;
  char extra = 0;
  if (std::sscanf(journal_stream, "%" SCNuMAX ":%" SCNuMAX "%c", &dev, &ino, &extra) != 2) return false;
  struct stat st;
  if (fstat(fd, &st) != 0) return false;
  return static_cast<uintmax_t>(st.st_dev) == dev && static_cast<uintmax_t>(st.st_ino) == ino;
}

// What the reader is told besides the message: a person reads the time, the process and the
// level; a service manager adds its own tag and time, and knows the level from the priority
// (procd only tells info from error: warn, error and debug keep their word).
std::string Prefix(LogFormat format, LogLevel level, std::time_t now, int pid) {
  char prefix[96];
  switch (format) {
    case LogFormat::kJournal:
      std::snprintf(prefix, sizeof(prefix), "%s%s%s", kJournalPrefixes[static_cast<int>(level)],
                    level == LogLevel::kInfo ? "" : LevelName(level), level == LogLevel::kInfo ? "" : ": ");
      break;
    case LogFormat::kProcd:
      std::snprintf(prefix, sizeof(prefix), "%s%s", level == LogLevel::kInfo ? "" : LevelName(level),
                    level == LogLevel::kInfo ? "" : ": ");
      break;
    case LogFormat::kPlain: {
      struct tm local;
      char when[32] = "";
      if (localtime_r(&now, &local) != nullptr) std::strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &local);
      std::snprintf(prefix, sizeof(prefix), "%s freenahi[%d]: %s: ", when, pid, LevelName(level));
      break;
    }
  }
  return prefix;
}

LogFormat ProcessLogFormat() {
  // Chosen once: the environment and stderr do not change under a running daemon.
  static bool unknown = false;
  static const LogFormat format =
      ChooseLogFormat(std::getenv(kLogFormatVariable), std::getenv("JOURNAL_STREAM"), STDERR_FILENO, &unknown);
  if (unknown) {
    unknown = false;
    Log(LogLevel::kWarn, "%s: not auto, plain, journal or procd; using plain", kLogFormatVariable);
  }
  return format;
}
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

LogFormat ChooseLogFormat(const char* format_value, const char* journal_stream, int stderr_fd,
                          bool* unknown) {
  *unknown = false;
  const std::string value = format_value == nullptr ? "" : format_value;
  if (value == "plain") return LogFormat::kPlain;
  if (value == "journal") return LogFormat::kJournal;
  if (value == "procd") return LogFormat::kProcd;
  if (!value.empty() && value != "auto") *unknown = true;
  if (!*unknown && NamesDescriptor(journal_stream, stderr_fd)) return LogFormat::kJournal;
  return LogFormat::kPlain;
}

std::string FormatLogLine(LogFormat format, LogLevel level, const std::string& message,
                          std::time_t now, int pid, size_t max) {
  std::string line = Prefix(format, level, now, pid) + message;
  if (line.size() > max - 1) line.resize(max - 1);  // cut the message, keep the newline
  line += '\n';
  return line;
}

int LogDescriptor(LogFormat format, LogLevel level) {
  if (format == LogFormat::kProcd && level >= LogLevel::kInfo) return STDOUT_FILENO;
  return STDERR_FILENO;
}

void Log(LogLevel level, const char* format, ...) {
  if (level > g_level) return;
  char message[1024];
  va_list args;
  va_start(args, format);
  int n = std::vsnprintf(message, sizeof(message), format, args);
  va_end(args);
  if (n < 0) message[0] = '\0';
  const LogFormat log_format = ProcessLogFormat();
  const std::string line = FormatLogLine(log_format, level, message, std::time(nullptr), static_cast<int>(getpid()));
  ssize_t ignored = write(LogDescriptor(log_format, level), line.data(), line.size());
  (void)ignored;  // nowhere left to report a failing stderr
}

}  // namespace freenahi
