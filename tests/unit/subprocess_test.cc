// SPDX-License-Identifier: MIT
// Tests for subprocess.cc with real children (/bin/sh, cat, sleep): stdin, environment, exit
// status, signals, stderr tail, timeouts that kill the process group while the loop keeps going.
#include "subprocess.h"

#include "catch.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "test_util.h"

namespace freenahi {
namespace {

SubprocessSpec Shell(const std::string& script) {
  SubprocessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  spec.timeout_ms = 20000;
  return spec;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_CASE("subprocess: stdin, environment, stdout and exit status", "[subprocess]") {
  SubprocessSpec spec = Shell("cat; echo \"[$FREENAHI_X][$HOME_SET]\"; echo oops >&2; exit 3");
  spec.stdin_data = std::string(200000, 'a') + "END\n";  // more than a pipe buffer
  spec.env = {{"FREENAHI_X", "hello world"}, {"HOME_SET", "$(touch nothing)"}};
  auto result = RunSubprocess(spec);
  REQUIRE(result.ok());
  CHECK(result->exit_code == 3);
  CHECK_FALSE(result->ok());
  CHECK(result->Describe() == "exit 3");
  CHECK(result->stdout_data == spec.stdin_data + "[hello world][$(touch nothing)]\n");
  CHECK(result->stderr_tail == "oops\n");
}

TEST_CASE("subprocess: stdout is capped, stderr keeps its tail", "[subprocess]") {
  SubprocessSpec spec = Shell("i=0; while [ $i -lt 300 ]; do echo line-$i; echo err-$i >&2; i=$((i+1)); done");
  spec.max_stdout_bytes = 100;
  spec.stderr_tail_bytes = 64;
  auto result = RunSubprocess(spec);
  REQUIRE(result.ok());
  CHECK(result->ok());
  CHECK(result->stdout_data.size() == 100);
  CHECK(result->stdout_truncated);
  CHECK(result->stderr_tail.size() == 64);
  CHECK(result->stderr_tail.substr(result->stderr_tail.size() - 8) == "err-299\n");
}

TEST_CASE("subprocess: a signal and a missing program are reported", "[subprocess]") {
  auto killed = RunSubprocess(Shell("kill -TERM $$"));
  REQUIRE(killed.ok());
  CHECK(killed->signal == SIGTERM);
  CHECK(killed->Describe().rfind("killed by signal 15", 0) == 0);

  SubprocessSpec missing;
  missing.argv = {"/nonexistent/program", "x"};
  auto none = RunSubprocess(missing);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message() == "/nonexistent/program: No such file or directory");

  SubprocessSpec empty;
  CHECK_FALSE(RunSubprocess(empty).ok());
}

TEST_CASE("subprocess: argv is never shell-interpreted", "[subprocess]") {
  ScopedTempDir dir;
  SubprocessSpec spec;
  spec.argv = {"printf", "%s|", "$(touch " + dir.File("x") + ")", "a b", "'q'", "*"};
  auto result = RunSubprocess(spec);
  REQUIRE(result.ok());
  CHECK(result->stdout_data == "$(touch " + dir.File("x") + ")|a b|'q'|*|");
  struct stat st;
  CHECK(::stat(dir.File("x").c_str(), &st) != 0);
}

TEST_CASE("subprocess: a hanging child and its children are killed at the timeout while the loop runs timers", "[subprocess]") {
  ScopedTempDir dir;
  EventLoop loop;
  // The grandchild (sleep) must die with the group, or it would write the marker file.
  SubprocessSpec spec = Shell("(sleep 3; touch " + dir.File("grandchild-survived") + ") & sleep 30");
  spec.timeout_ms = 500;
  bool finished = false;
  SubprocessResult seen;
  auto start = std::chrono::steady_clock::now();
  auto process = Subprocess::Start(&loop, spec, [&](const SubprocessResult& r) {
    seen = r;
    finished = true;
  });
  REQUIRE(process.ok());
  CHECK((*process)->running());
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    if (!finished) loop.AddTimer(50, tick);
  };
  loop.AddTimer(50, tick);
  while (!finished && SecondsSince(start) < 10) loop.RunOnce(100);
  double seconds = SecondsSince(start);
  REQUIRE(finished);
  CHECK(seen.timed_out);
  CHECK(seen.signal == SIGKILL);
  CHECK(seen.Describe() == "killed at its timeout");
  CHECK(seconds >= 0.45);
  CHECK(seconds < 5);
  CHECK(ticks >= 4);  // the loop went on running timers while the child hung
  CHECK_FALSE((*process)->running());
  CHECK(loop.watched_fd_count() == 0);
  ::sleep(4);
  struct stat st;
  CHECK(::stat(dir.File("grandchild-survived").c_str(), &st) != 0);
}

TEST_CASE("subprocess: destroying a running Subprocess kills and reaps it", "[subprocess]") {
  EventLoop loop;
  pid_t pid;
  {
    auto process = Subprocess::Start(&loop, Shell("sleep 30"), [](const SubprocessResult&) {});
    REQUIRE(process.ok());
    pid = (*process)->pid();
    CHECK(::kill(pid, 0) == 0);
  }
  CHECK(::kill(pid, 0) != 0);  // gone and reaped: not even a zombie
  CHECK(loop.watched_fd_count() == 0);
}

TEST_CASE("subprocess: the done callback may destroy its Subprocess", "[subprocess]") {
  EventLoop loop;
  std::unique_ptr<Subprocess> owner;
  bool finished = false;
  auto process = Subprocess::Start(&loop, Shell("exit 0"), [&](const SubprocessResult& r) {
    CHECK(r.ok());
    owner.reset();
    finished = true;
  });
  REQUIRE(process.ok());
  owner = std::move(*process);
  for (int i = 0; i < 100 && !finished; ++i) loop.RunOnce(100);
  CHECK(finished);
  CHECK(owner == nullptr);
}

}  // namespace
}  // namespace freenahi
