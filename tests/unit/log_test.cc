// SPDX-License-Identifier: MIT
// Log line formats: the terminal's timestamped lines, journald's "<N>" priorities and procd's
// stdout/stderr split, none with a tag where the manager adds one; and how the format is chosen.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "catch.h"
#include "log.h"
#include "test_util.h"

namespace freenahi {
namespace {

// 2026-01-15 12:34:56 UTC; the plain format prints local time, so only its shape is checked.
constexpr std::time_t kNoon = 1768480496;

std::string StreamOf(int fd) {
  struct stat st;
  REQUIRE(fstat(fd, &st) == 0);
  return std::to_string(static_cast<uintmax_t>(st.st_dev)) + ":" + std::to_string(static_cast<uintmax_t>(st.st_ino));
}

TEST_CASE("plain lines carry time, process and level", "[log]") {
  std::string line = FormatLogLine(LogFormat::kPlain, LogLevel::kWarn, "disk low", kNoon, 42);
  // "YYYY-MM-DD HH:MM:SS freenahi[42]: warn: disk low\n"
  REQUIRE(line.size() == 20 + std::string("freenahi[42]: warn: disk low\n").size());
  CHECK(line.substr(19) == " freenahi[42]: warn: disk low\n");
  CHECK(line[4] == '-');
  CHECK(line[10] == ' ');
  CHECK(line[13] == ':');
  CHECK(FormatLogLine(LogFormat::kPlain, LogLevel::kInfo, "up", kNoon, 7).substr(19) == " freenahi[7]: info: up\n");
}

TEST_CASE("journal lines start with the sd-daemon priority and carry no tag", "[log]") {
  CHECK(FormatLogLine(LogFormat::kJournal, LogLevel::kError, "boom", kNoon, 42) == "<3>error: boom\n");
  CHECK(FormatLogLine(LogFormat::kJournal, LogLevel::kWarn, "odd", kNoon, 42) == "<4>warn: odd\n");
  CHECK(FormatLogLine(LogFormat::kJournal, LogLevel::kInfo, "listening", kNoon, 42) == "<6>listening\n");
  CHECK(FormatLogLine(LogFormat::kJournal, LogLevel::kDebug, "detail", kNoon, 42) == "<7>debug: detail\n");
}

TEST_CASE("procd lines carry no tag; info goes to stdout, warnings and errors to stderr", "[log]") {
  CHECK(FormatLogLine(LogFormat::kProcd, LogLevel::kInfo, "listening", kNoon, 42) == "listening\n");
  CHECK(FormatLogLine(LogFormat::kProcd, LogLevel::kWarn, "odd", kNoon, 42) == "warn: odd\n");
  CHECK(FormatLogLine(LogFormat::kProcd, LogLevel::kError, "boom", kNoon, 42) == "error: boom\n");
  CHECK(LogDescriptor(LogFormat::kProcd, LogLevel::kInfo) == STDOUT_FILENO);
  CHECK(LogDescriptor(LogFormat::kProcd, LogLevel::kDebug) == STDOUT_FILENO);
  CHECK(LogDescriptor(LogFormat::kProcd, LogLevel::kWarn) == STDERR_FILENO);
  CHECK(LogDescriptor(LogFormat::kProcd, LogLevel::kError) == STDERR_FILENO);
  CHECK(LogDescriptor(LogFormat::kJournal, LogLevel::kInfo) == STDERR_FILENO);
  CHECK(LogDescriptor(LogFormat::kPlain, LogLevel::kInfo) == STDERR_FILENO);
}

TEST_CASE("a long message is cut but the line still ends with a newline", "[log]") {
  std::string line = FormatLogLine(LogFormat::kJournal, LogLevel::kInfo, std::string(5000, 'x'), kNoon, 1, 1024);
  CHECK(line.size() == 1024);
  CHECK(line.back() == '\n');
  CHECK(line.compare(0, 4, "<6>x") == 0);
}

TEST_CASE("the format comes from FREENAHI_LOG_FORMAT, else from JOURNAL_STREAM naming stderr", "[log]") {
  ScopedTempDir dir;
  int fd = open(dir.Write("stderr", "").c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  int other = open(dir.Write("other", "").c_str(), O_WRONLY | O_CLOEXEC);
  REQUIRE(other >= 0);
  const std::string stream = StreamOf(fd);
  bool unknown = true;
  CHECK(ChooseLogFormat(nullptr, nullptr, fd, &unknown) == LogFormat::kPlain);
  CHECK_FALSE(unknown);
  CHECK(ChooseLogFormat(nullptr, stream.c_str(), fd, &unknown) == LogFormat::kJournal);
  CHECK(ChooseLogFormat("auto", stream.c_str(), fd, &unknown) == LogFormat::kJournal);
  // Inherited by a child whose stderr went elsewhere (a pipe, a file): not the journal.
  CHECK(ChooseLogFormat(nullptr, stream.c_str(), other, &unknown) == LogFormat::kPlain);
  CHECK(ChooseLogFormat(nullptr, (stream + "9").c_str(), fd, &unknown) == LogFormat::kPlain);
  CHECK(ChooseLogFormat(nullptr, "garbage", fd, &unknown) == LogFormat::kPlain);
  CHECK(ChooseLogFormat(nullptr, (stream + ":1").c_str(), fd, &unknown) == LogFormat::kPlain);
  // Explicit values win.
  CHECK(ChooseLogFormat("procd", nullptr, fd, &unknown) == LogFormat::kProcd);
  CHECK(ChooseLogFormat("journal", nullptr, fd, &unknown) == LogFormat::kJournal);
  CHECK(ChooseLogFormat("plain", stream.c_str(), fd, &unknown) == LogFormat::kPlain);
  CHECK_FALSE(unknown);
  CHECK(ChooseLogFormat("syslog", stream.c_str(), fd, &unknown) == LogFormat::kPlain);
  CHECK(unknown);
  close(fd);
  close(other);
}

}  // namespace
}  // namespace freenahi
