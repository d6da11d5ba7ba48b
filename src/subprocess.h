// SPDX-License-Identifier: MIT
// Child processes without a shell: argv + extra environment, data on stdin, stdout kept, the tail
// of stderr kept, a timeout that kills the child's whole process group. Subprocess is driven by
// the EventLoop and never blocks it; RunSubprocess is the blocking form for CLI commands.
#ifndef FREENAHI_SUBPROCESS_H_
#define FREENAHI_SUBPROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "event_loop.h"
#include "status.h"
#include "unique_fd.h"

namespace freenahi {

struct SubprocessSpec {
  std::vector<std::string> argv;  // argv[0] is looked up in PATH when it has no '/'
  // Added to the inherited environment (replacing a variable of the same name).
  std::vector<std::pair<std::string, std::string>> env;
  std::string stdin_data;  // written to the child's stdin, which is then closed
  int64_t timeout_ms = 30000;        // then SIGKILL to the process group; <= 0: no timeout
  size_t max_stdout_bytes = 1 << 20;  // kept from the start; the rest is read and dropped
  size_t stderr_tail_bytes = 2048;    // the last bytes of stderr kept
};

struct SubprocessResult {
  int exit_code = -1;      // >= 0 when the child exited by itself
  int signal = 0;          // the signal that ended it, else 0
  bool timed_out = false;  // killed at the timeout (signal is then SIGKILL)
  std::string stdout_data;
  bool stdout_truncated = false;
  std::string stderr_tail;
  bool ok() const { return exit_code == 0; }
  // "exit 0", "exit 3", "killed by signal 15", "killed after the 30 s timeout".
  std::string Describe() const;
};

// One running child. Owned by whoever started it; destroying it while the child runs kills the
// group and reaps it (a short blocking waitpid after SIGKILL), so no zombie and no fd is left.
class Subprocess {
 public:
  // Runs in the loop once, when the child has ended and its output is read. It may destroy the
  // Subprocess that called it.
  using DoneCallback = std::function<void(const SubprocessResult&)>;

  // Starts the child in its own process group. Errors: an empty argv, or the program cannot be
  // run ("<argv0>: No such file or directory"). REQUIRES: `loop` outlives the Subprocess.
  static Result<std::unique_ptr<Subprocess>> Start(EventLoop* loop, SubprocessSpec spec,
                                                   DoneCallback done);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

 private:
  Subprocess(EventLoop* loop, SubprocessSpec spec, DoneCallback done);
  Status Spawn();
  void WatchPipes();
  void OnStdinWritable();
  void OnOutput(int fd, bool is_stdout);
  void CheckExited();  // waitpid(WNOHANG); finishes when the child is gone
  void OnTimeout();
  void Finish(int wait_status);
  void CloseAll();

  EventLoop* loop_;
  SubprocessSpec spec_;
  DoneCallback done_;
  pid_t pid_ = -1;  // -1: not running (never started, or reaped)
  UniqueFd stdin_, stdout_, stderr_, exit_fd_;  // exit_fd_: a pidfd, when the kernel has them
  size_t stdin_sent_ = 0;
  EventLoop::TimerId timeout_timer_ = 0;
  EventLoop::TimerId poll_timer_ = 0;  // without pidfd: waitpid every 50 ms
  SubprocessResult result_;
};

// Splits a command line into argv the way a POSIX shell splits words, and nothing more: blanks
// separate words; '...' is literal; in "..." a backslash escapes only " \\ $ ` and newline;
// outside quotes a backslash escapes any character. No variables, globs, $(...), pipes or
// redirections: those characters stay literal. InvalidArgument on an unbalanced quote or a
// trailing backslash. An empty or blank line gives an empty vector.
Result<std::vector<std::string>> SplitCommandLine(std::string_view line);

// Blocking: runs the child with its own private loop until it ends (or its timeout).
Result<SubprocessResult> RunSubprocess(const SubprocessSpec& spec);

}  // namespace freenahi

#endif  // FREENAHI_SUBPROCESS_H_
