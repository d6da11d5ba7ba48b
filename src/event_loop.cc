// SPDX-License-Identifier: MIT
// poll()-based loop. O(n) per pass over watched fds: n is at most max_connections + 2, so a
// rebuilt pollfd array is simpler than epoll and portable to every libc OpenWrt uses.
#include "event_loop.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <string>

namespace freenahi {
namespace {

class MonotonicClock : public Clock {
 public:
  int64_t NowMs() const override {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
  }
};

// The write end of the self-pipe of the loop that watches signals. A signal handler can reach
// nothing else; -1 when no loop watches signals.
volatile sig_atomic_t g_signal_pipe = -1;

void OnSignalArrived(int signo) {
  int saved_errno = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  if (g_signal_pipe >= 0) {
    ssize_t ignored = write(g_signal_pipe, &byte, 1);  // full pipe: the signal is pending anyway
    (void)ignored;
  }
  errno = saved_errno;
}

}  // namespace

Clock* SystemClock() {
  static MonotonicClock clock;
  return &clock;
}

EventLoop::EventLoop(Clock* clock) : clock_(clock) {}

EventLoop::~EventLoop() {
  for (const auto& [signo, action] : saved_actions_) sigaction(signo, &action, nullptr);
  if (signal_write_.valid() && g_signal_pipe == signal_write_.get()) g_signal_pipe = -1;
}

void EventLoop::AddFd(int fd, unsigned events, FdCallback callback) {
  fds_[fd] = Watch{events, std::move(callback), next_generation_++};
}

void EventLoop::UpdateFd(int fd, unsigned events) {
  auto it = fds_.find(fd);
  if (it != fds_.end()) it->second.events = events;
}

void EventLoop::RemoveFd(int fd) { fds_.erase(fd); }

EventLoop::TimerId EventLoop::AddTimer(int64_t delay_ms, std::function<void()> callback) {
  TimerId id = next_timer_id_++;
  timer_heap_.push(Timer{clock_->NowMs() + (delay_ms < 0 ? 0 : delay_ms), id});
  timer_callbacks_[id] = std::move(callback);
  return id;
}

void EventLoop::CancelTimer(TimerId id) { timer_callbacks_.erase(id); }

Status EventLoop::OnSignal(int signo, std::function<void()> callback) {
  if (!signal_read_.valid()) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
      return Status::IOError(std::string("signal pipe: ") + strerror(errno));
    signal_read_.Reset(fds[0]);
    signal_write_.Reset(fds[1]);
    g_signal_pipe = signal_write_.get();
    AddFd(signal_read_.get(), kReadable, [this](unsigned) { DrainSignals(); });
  }
  signal_callbacks_[signo] = std::move(callback);
  struct sigaction action {};
  action.sa_handler = OnSignalArrived;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  struct sigaction old {};
  if (sigaction(signo, &action, &old) != 0)
    return Status::IOError(std::string("sigaction: ") + strerror(errno));
  saved_actions_.emplace(signo, old);  // keeps the first, the one from before this loop
  return Status::Ok();
}

void EventLoop::DrainSignals() {
  unsigned char signals[64];
  ssize_t n;
  while ((n = read(signal_read_.get(), signals, sizeof(signals))) > 0) {
    for (ssize_t i = 0; i < n; ++i) {
      auto it = signal_callbacks_.find(signals[i]);
      if (it != signal_callbacks_.end()) {
        auto callback = it->second;  // a copy: the callback may replace itself
        callback();
      }
    }
  }
}

int64_t EventLoop::PollTimeoutMs(int64_t max_wait_ms) const {
  int64_t timeout = max_wait_ms;
  if (!timer_heap_.empty()) {
    int64_t until_due = timer_heap_.top().due_ms - clock_->NowMs();
    if (until_due < 0) until_due = 0;
    if (timeout < 0 || until_due < timeout) timeout = until_due;
  }
  return timeout;
}

void EventLoop::RunOnce(int64_t max_wait_ms) {
  std::vector<pollfd> polled;
  polled.reserve(fds_.size());
  for (const auto& [fd, watch] : fds_) {
    short events = 0;
    if (watch.events & kReadable) events |= POLLIN;
    if (watch.events & kWritable) events |= POLLOUT;
    if (events != 0) polled.push_back(pollfd{fd, events, 0});
  }
  int64_t timeout = PollTimeoutMs(max_wait_ms);
  int n = poll(polled.data(), polled.size(), timeout > INT32_MAX ? INT32_MAX : static_cast<int>(timeout));
  if (n > 0) DispatchFds(polled);
  RunDueTimers();
}

void EventLoop::DispatchFds(const std::vector<pollfd>& polled) {
  // Generations taken before dispatch: an fd closed and reused by a callback in this pass gets a
  // new generation and is skipped until the next poll() reports on it (ae's re-check).
  std::vector<std::pair<int, uint64_t>> ready;
  for (const pollfd& p : polled) {
    if (p.revents != 0) ready.emplace_back(p.fd, fds_[p.fd].generation);
  }
  size_t r = 0;
  for (const pollfd& p : polled) {
    if (p.revents == 0) continue;
    uint64_t generation = ready[r++].second;
    auto it = fds_.find(p.fd);
    if (it == fds_.end() || it->second.generation != generation) continue;
    unsigned mask = 0;
    if (p.revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) mask |= kReadable;
    if (p.revents & POLLOUT) mask |= kWritable;
    mask &= it->second.events | kReadable;  // errors always reach the owner
    if (mask == 0) continue;
    FdCallback callback = it->second.callback;  // a copy: the callback may remove its watch
    callback(mask);
  }
}

void EventLoop::RunDueTimers() {
  // Only timers that exist now may fire: ids are increasing, so a timer added by a callback
  // during this pass has an id above the bound and waits for the next pass.
  const TimerId bound = next_timer_id_;
  const int64_t now = clock_->NowMs();
  std::vector<Timer> deferred;
  while (!timer_heap_.empty() && timer_heap_.top().due_ms <= now) {
    Timer timer = timer_heap_.top();
    timer_heap_.pop();
    if (timer.id >= bound) {
      deferred.push_back(timer);
      continue;
    }
    auto it = timer_callbacks_.find(timer.id);
    if (it == timer_callbacks_.end()) continue;  // cancelled
    std::function<void()> callback = std::move(it->second);
    timer_callbacks_.erase(it);
    callback();
  }
  for (const Timer& timer : deferred) timer_heap_.push(timer);
}

void EventLoop::Run() {
  stopped_ = false;
  while (!stopped_) RunOnce(-1);
}

void EventLoop::Stop() { stopped_ = true; }

}  // namespace freenahi
