// SPDX-License-Identifier: MIT
// User hooks ([hooks] in the config): a program run without a shell when something happens, the
// event as JSON on its stdin, a few FREENAHI_* variables, a timeout. Runs inside serve's loop
// through Subprocess; never blocks it. serve fires kNewTransactions; the Powens code the others.
#ifndef FREENAHI_HOOKS_H_
#define FREENAHI_HOOKS_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "event_loop.h"
#include "subprocess.h"

namespace freenahi {

enum class HookEvent { kNewTransactions, kSyncError, kConsentExpiring };
// "new_transactions", "sync_error", "consent_expiring": FREENAHI_EVENT and the JSON's "event".
const char* HookEventName(HookEvent event);

class Hooks {
 public:
  static constexpr size_t kMaxRunning = 2;  // more wait in a queue...
  static constexpr size_t kMaxQueued = 32;  // ...and past this are dropped with a warning

  // REQUIRES: `loop` outlives the Hooks. Command lines that do not split are logged once here
  // (config parsing already refuses them, so only a hand-built Config gets that far).
  Hooks(EventLoop* loop, const Config& config);
  ~Hooks();  // kills hooks still running (their whole process group)
  Hooks(const Hooks&) = delete;
  Hooks& operator=(const Hooks&) = delete;

  // A new configuration (SIGHUP): later events use it; running hooks go on.
  void Reconfigure(const Config& config);

  // Runs the hook configured for `event`, if any: `event_json` (an object) on its stdin, and in
  // its environment FREENAHI_EVENT, FREENAHI_CONFIG, plus one variable per well-known top-level
  // member of the JSON: "count" → FREENAHI_COUNT, "connection_id" → FREENAHI_CONNECTION,
  // "state" → FREENAHI_STATE, "days_left" → FREENAHI_DAYS_LEFT (numbers and strings only).
  // Returns at once; the outcome is one log line: "hook on_x (program): exit 0 in 12 ms".
  void Fire(HookEvent event, const std::string& event_json);

  size_t running() const { return running_.size(); }
  size_t queued() const { return queue_.size(); }
  // How many hooks have ended since start (any outcome); tests wait on it.
  uint64_t finished() const { return finished_; }

 private:
  struct Pending {
    HookEvent event;
    std::vector<std::string> argv;
    SubprocessSpec spec;
  };
  struct Running {
    std::string name;  // "on_new_transactions (curl)": what the log line shows
    int64_t started_ms;
    std::unique_ptr<Subprocess> process;
  };
  void StartNext();
  void OnDone(std::list<Running>::iterator it, const SubprocessResult& result);

  EventLoop* loop_;
  std::optional<std::vector<std::string>> argv_[3];  // per HookEvent; nullopt: no hook
  std::string config_path_;
  int64_t timeout_ms_ = 30000;
  std::deque<Pending> queue_;
  std::list<Running> running_;
  uint64_t finished_ = 0;
};

// The JSON of a kNewTransactions event: {"event":"new_transactions","count":N,"inbox_ids":[..],
// "time":<unix seconds>}.
std::string NewTransactionsEventJson(int64_t count, const std::vector<int64_t>& inbox_ids,
                                     int64_t unix_time);

}  // namespace freenahi

#endif  // FREENAHI_HOOKS_H_
