// SPDX-License-Identifier: MIT
// The single-threaded event loop: the only caller of poll(). Watches fds, runs timers from a
// min-heap on a monotonic Clock, and turns signals into callbacks through a self-pipe.
// Callbacks run in the loop, one at a time; removing anything from inside a callback is safe.
#ifndef FREENAHI_EVENT_LOOP_H_
#define FREENAHI_EVENT_LOOP_H_

#include <poll.h>
#include <signal.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <queue>
#include <vector>

#include "status.h"
#include "unique_fd.h"

namespace freenahi {

// Monotonic milliseconds. Injected so tests can drive timers without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowMs() const = 0;
};
// CLOCK_MONOTONIC; lives forever.
Clock* SystemClock();

class EventLoop {
 public:
  enum Events : unsigned { kReadable = 1, kWritable = 2 };
  // `ready` is a mask of Events; errors and hang-ups are reported as kReadable so the owner reads
  // and sees the failure there.
  using FdCallback = std::function<void(unsigned ready)>;
  using TimerId = uint64_t;

  explicit EventLoop(Clock* clock = SystemClock());
  ~EventLoop();  // restores the signal dispositions it changed
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // REQUIRES: fd not already watched. `callback` runs while fd is watched and `events` overlap.
  void AddFd(int fd, unsigned events, FdCallback callback);
  void UpdateFd(int fd, unsigned events);  // 0: keep the fd, watch nothing
  void RemoveFd(int fd);                   // safe inside any callback; no-op if not watched

  // Runs `callback` once, `delay_ms` from now (0: on the next pass). A timer added during a pass
  // never runs in that same pass.
  TimerId AddTimer(int64_t delay_ms, std::function<void()> callback);
  void CancelTimer(TimerId id);  // safe inside callbacks; no-op for unknown or fired timers

  // Runs `callback` in the loop after `signo` arrives (SIGTERM, SIGINT, SIGHUP). Only one
  // EventLoop per process may watch signals: the handler writes to this loop's self-pipe.
  Status OnSignal(int signo, std::function<void()> callback);

  // One pass: waits at most `max_wait_ms` (-1: until something happens), then dispatches.
  void RunOnce(int64_t max_wait_ms);
  void Run();   // passes until Stop()
  void Stop();  // Run() returns after the current pass
  bool stopped() const { return stopped_; }
  int64_t NowMs() const { return clock_->NowMs(); }
  size_t watched_fd_count() const { return fds_.size(); }

 private:
  struct Watch {
    unsigned events;
    FdCallback callback;
    uint64_t generation;  // tells a re-added fd from the one removed earlier in the same pass
  };
  struct Timer {
    int64_t due_ms;
    TimerId id;
    bool operator>(const Timer& other) const {
      return due_ms != other.due_ms ? due_ms > other.due_ms : id > other.id;
    }
  };
  int64_t PollTimeoutMs(int64_t max_wait_ms) const;
  void DispatchFds(const std::vector<struct pollfd>& polled);
  void RunDueTimers();
  void DrainSignals();

  Clock* clock_;
  bool stopped_ = false;
  uint64_t next_generation_ = 1;
  std::map<int, Watch> fds_;
  TimerId next_timer_id_ = 1;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timer_heap_;
  // A cancelled timer is erased here only; its heap entry is dropped when it comes due (bounded
  // by the longest timeout, 30 s of connection deadlines: cheaper than a heap with removal).
  std::map<TimerId, std::function<void()>> timer_callbacks_;
  UniqueFd signal_read_, signal_write_;
  std::map<int, std::function<void()>> signal_callbacks_;
  std::map<int, struct sigaction> saved_actions_;
};

}  // namespace freenahi

#endif  // FREENAHI_EVENT_LOOP_H_
