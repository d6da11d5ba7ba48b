// SPDX-License-Identifier: MIT
// Powens inside `freenahi serve`: pulls at start-up, every pull_interval and after a bank is
// connected, each in a child process (`<self> pull --config PATH`) the loop supervises, one at a
// time; the webview's callback page (GET on redirect_uri's path, only with a `state` that
// `freenahi connect` stored); and the health hooks fired once per change. Never blocks the loop: the child does the network. Owned by serve's Daemon.
#ifndef FREENAHI_SERVE_POWENS_H_
#define FREENAHI_SERVE_POWENS_H_

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config.h"
#include "event_loop.h"
#include "http_router.h"
#include "store.h"

namespace freenahi {

class Hooks;
enum class HookEvent;
class Subprocess;
struct SubprocessResult;

class ServePowens {
 public:
  // `loop`, `store` and `hooks` (may be null) must outlive this object; `config_path` is handed
  // to the children.
  ServePowens(EventLoop* loop, Store* store, Hooks* hooks, std::string config_path);
  ~ServePowens();
  ServePowens(const ServePowens&) = delete;
  ServePowens& operator=(const ServePowens&) = delete;

  // The settings in use (start-up and SIGHUP): pull_interval, redirect_uri's path, hooks.
  void Configure(const Config& config);
  // Registers GET <redirect_uri path> (when redirect_uri is set). Call once, before serving.
  void Register(HttpRouter* router);
  // First pull now (when a Powens user exists), then every pull_interval.
  void Start();
  // Cancels timers and kills a running pull (SIGTERM of serve).
  void Stop();
  // Re-reads connection health and fires hooks for what turned bad (once per change). Serve
  // calls it after ingesting webhooks; pulls call it when they end.
  void CheckHealth();

  // The HTML the callback answers; exposed for tests. `accounts` < 0: unknown.
  static std::string CallbackPage(const std::string& error, const std::string& description,
                                  std::optional<int64_t> connection_id, int64_t accounts);
  // The page a callback without a valid `state` gets.
  static std::string RefusedPage();

 private:
  void RequestPull(std::optional<int64_t> connection_id);
  void StartNextPull();
  void PullEnded(const SubprocessResult& result);
  void ScheduleInterval();
  void Callback(const HttpRequest& req, HttpResponse& res);
  // The callback's single-use check: nullptr when `state` is accepted (and now used), else why
  // it is refused.
  const char* TakeState(const std::string& state);
  // Deletes the states taken while the database was busy (a pull child writing); those that stay
  // are refused from memory meanwhile.
  void ForgetTakenStates();
  void FireHook(HookEvent event, const std::string& json);

  EventLoop* loop_;
  Store* store_;
  Hooks* hooks_;
  std::string config_path_;
  Config config_;
  std::unique_ptr<Subprocess> child_;
  std::deque<std::optional<int64_t>> queue_;  // pulls waiting; nullopt = the whole user
  std::string rate_history_;                  // call times of the previous child
  EventLoop::TimerId interval_timer_ = 0;
  EventLoop::TimerId retry_timer_ = 0;
  bool stopped_ = false;
  std::set<std::string> taken_states_;  // used, still in the database (it was busy)
};

}  // namespace freenahi

#endif  // FREENAHI_SERVE_POWENS_H_
