// SPDX-License-Identifier: MIT
// One line per event to stderr: "freenahi[pid]: <level>: <message>". Levels error/warn/info/debug.
// Never pass tokens, secrets or bodies here: log ids and sizes.
#ifndef FREENAHI_LOG_H_
#define FREENAHI_LOG_H_

#include <string>

namespace freenahi {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Parses "error" | "warn" | "info" | "debug"; false on anything else.
bool ParseLogLevel(const std::string& text, LogLevel* level);
void SetLogLevel(LogLevel level);
LogLevel CurrentLogLevel();

// printf-style; a message above the current level costs one comparison.
void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));
#define LOG_ERROR(...) ::freenahi::Log(::freenahi::LogLevel::kError, __VA_ARGS__)
#define LOG_WARN(...) ::freenahi::Log(::freenahi::LogLevel::kWarn, __VA_ARGS__)
#define LOG_INFO(...) ::freenahi::Log(::freenahi::LogLevel::kInfo, __VA_ARGS__)
#define LOG_DEBUG(...) ::freenahi::Log(::freenahi::LogLevel::kDebug, __VA_ARGS__)

}  // namespace freenahi

#endif  // FREENAHI_LOG_H_
