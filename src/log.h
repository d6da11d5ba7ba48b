// SPDX-License-Identifier: MIT
// One line per event, shaped for whoever reads it (LogFormat): a person at a terminal (timestamp,
// "freenahi[pid]: level:"), systemd's journal (an sd-daemon "<N>" priority prefix, no tag: journald
// adds it) or procd (info on stdout, warnings and errors on stderr, which procd logs at LOG_INFO
// and LOG_ERR; no tag: procd adds it). Levels error/warn/info/debug.
// Never pass tokens, secrets or bodies here: log ids and sizes.
#ifndef FREENAHI_LOG_H_
#define FREENAHI_LOG_H_

#include <ctime>
#include <string>

namespace freenahi {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };
enum class LogFormat { kPlain, kJournal, kProcd };

// Parses "error" | "warn" | "info" | "debug"; false on anything else.
bool ParseLogLevel(const std::string& text, LogLevel* level);
void SetLogLevel(LogLevel level);
LogLevel CurrentLogLevel();

// The environment variable naming the format: auto (default), plain, journal or procd. The
// OpenWrt init script sets procd; auto picks journal when $JOURNAL_STREAM names stderr (systemd
// sets it when stderr is the journal), plain otherwise.
constexpr const char* kLogFormatVariable = "FREENAHI_LOG_FORMAT";
// The format for these settings. `format_value`, `journal_stream`: the variables' values (null when
// unset); `stderr_fd`: the descriptor $JOURNAL_STREAM must name. An unknown value gives plain and
// sets *unknown (the caller warns once).
LogFormat ChooseLogFormat(const char* format_value, const char* journal_stream, int stderr_fd,
                          bool* unknown);
// One formatted line, newline included, at most `max` bytes (the message is cut, not the newline).
std::string FormatLogLine(LogFormat format, LogLevel level, const std::string& message,
                          std::time_t now, int pid, size_t max = 1024);
// The descriptor the line goes to: stdout for procd's info and debug lines, stderr otherwise.
int LogDescriptor(LogFormat format, LogLevel level);

// printf-style; a message above the current level costs one comparison. The format is chosen
// from the environment at the first line logged.
void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));
#define LOG_ERROR(...) ::freenahi::Log(::freenahi::LogLevel::kError, __VA_ARGS__)
#define LOG_WARN(...) ::freenahi::Log(::freenahi::LogLevel::kWarn, __VA_ARGS__)
#define LOG_INFO(...) ::freenahi::Log(::freenahi::LogLevel::kInfo, __VA_ARGS__)
#define LOG_DEBUG(...) ::freenahi::Log(::freenahi::LogLevel::kDebug, __VA_ARGS__)

}  // namespace freenahi

#endif  // FREENAHI_LOG_H_
