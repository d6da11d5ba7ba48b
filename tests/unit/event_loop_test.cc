// SPDX-License-Identifier: MIT
// The loop's contract: timer order, timers added or cancelled inside callbacks, fd readiness,
// removal inside a callback, signals through the self-pipe. A fake clock: no sleeping.
#include "event_loop.h"

#include <signal.h>
#include <unistd.h>

#include "catch.h"
#include <string>
#include <vector>

namespace freenahi {
namespace {

class FakeClock : public Clock {
 public:
  int64_t NowMs() const override { return now_ms; }
  int64_t now_ms = 1000;
};

struct Pipe {
  Pipe() {
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    read_end.Reset(fds[0]);
    write_end.Reset(fds[1]);
  }
  UniqueFd read_end, write_end;
};

TEST_CASE("event_loop: timers fire in due order, ties in insertion order", "[event_loop]") {
  FakeClock clock;
  EventLoop loop(&clock);
  std::string order;
  loop.AddTimer(30, [&] { order += "c"; });
  loop.AddTimer(10, [&] { order += "a"; });
  loop.AddTimer(10, [&] { order += "b"; });
  loop.RunOnce(0);
  CHECK(order.empty());
  clock.now_ms += 10;
  loop.RunOnce(0);
  CHECK(order == "ab");
  clock.now_ms += 100;
  loop.RunOnce(0);
  CHECK(order == "abc");
}

TEST_CASE("event_loop: a timer added in a callback waits for the next pass", "[event_loop]") {
  FakeClock clock;
  EventLoop loop(&clock);
  int inner_runs = 0;
  loop.AddTimer(0, [&] { loop.AddTimer(0, [&] { ++inner_runs; }); });
  loop.RunOnce(0);
  CHECK(inner_runs == 0);
  loop.RunOnce(0);
  CHECK(inner_runs == 1);
}

TEST_CASE("event_loop: cancelling a timer, also from another timer's callback", "[event_loop]") {
  FakeClock clock;
  EventLoop loop(&clock);
  int runs = 0;
  EventLoop::TimerId second = 0;
  loop.AddTimer(5, [&] { loop.CancelTimer(second); });
  second = loop.AddTimer(5, [&] { ++runs; });
  EventLoop::TimerId third = loop.AddTimer(1, [&] { ++runs; });
  loop.CancelTimer(third);
  clock.now_ms += 5;
  loop.RunOnce(0);
  CHECK(runs == 0);
  loop.CancelTimer(12345);  // unknown: no-op
}

TEST_CASE("event_loop: readable fd runs its callback; removal inside it is safe", "[event_loop]") {
  EventLoop loop;
  Pipe a, b;
  int a_runs = 0, b_runs = 0;
  loop.AddFd(a.read_end.get(), EventLoop::kReadable, [&](unsigned ready) {
    CHECK((ready & EventLoop::kReadable) != 0);
    ++a_runs;
    loop.RemoveFd(a.read_end.get());
    loop.RemoveFd(b.read_end.get());  // b is ready in the same pass: must not run now
  });
  loop.AddFd(b.read_end.get(), EventLoop::kReadable, [&](unsigned) { ++b_runs; });
  REQUIRE(write(a.write_end.get(), "x", 1) == 1);
  REQUIRE(write(b.write_end.get(), "y", 1) == 1);
  loop.RunOnce(1000);
  CHECK(a_runs == 1);
  CHECK(b_runs == 0);
  CHECK(loop.watched_fd_count() == 0);
}

TEST_CASE("event_loop: UpdateFd to 0 silences an fd without removing it", "[event_loop]") {
  EventLoop loop;
  Pipe p;
  int runs = 0;
  loop.AddFd(p.read_end.get(), EventLoop::kReadable, [&](unsigned) { ++runs; });
  loop.UpdateFd(p.read_end.get(), 0);
  REQUIRE(write(p.write_end.get(), "x", 1) == 1);
  loop.RunOnce(0);
  CHECK(runs == 0);
  loop.UpdateFd(p.read_end.get(), EventLoop::kReadable);
  loop.RunOnce(1000);
  CHECK(runs == 1);
}

TEST_CASE("event_loop: writable fd reports kWritable", "[event_loop]") {
  EventLoop loop;
  Pipe p;
  unsigned seen = 0;
  loop.AddFd(p.write_end.get(), EventLoop::kWritable, [&](unsigned ready) {
    seen = ready;
    loop.RemoveFd(p.write_end.get());
  });
  loop.RunOnce(1000);
  CHECK(seen == EventLoop::kWritable);
}

TEST_CASE("event_loop: a signal runs its callback inside the loop", "[event_loop]") {
  EventLoop loop;
  int hups = 0;
  REQUIRE(loop.OnSignal(SIGHUP, [&] { ++hups; }).ok());
  REQUIRE(loop.OnSignal(SIGUSR1, [&] { loop.Stop(); }).ok());
  raise(SIGHUP);
  CHECK(hups == 0);  // nothing runs in the handler itself
  loop.RunOnce(1000);
  CHECK(hups == 1);
  raise(SIGUSR1);
  loop.Run();  // returns because the SIGUSR1 callback stops it
  CHECK(loop.stopped());
}

TEST_CASE("event_loop: RunOnce waits no longer than the next timer", "[event_loop]") {
  EventLoop loop;
  bool fired = false;
  loop.AddTimer(20, [&] { fired = true; });
  int64_t start = loop.NowMs();
  for (int i = 0; i < 50 && !fired; ++i) loop.RunOnce(5000);
  CHECK(fired);
  CHECK(loop.NowMs() - start < 2000);
}

}  // namespace
}  // namespace freenahi
