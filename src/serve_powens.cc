// SPDX-License-Identifier: MIT
// ServePowens: the pull queue (one child at a time), the interval timer, the /connected page and
// the health hooks. The child is `<self> pull`, run by subprocess.cc in the loop: its stdout
// carries its call times (for the rate limit), its stderr its one-line error, and a timeout kills it.
#include "serve_powens.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>
#include <utility>

#include "hooks.h"
#include "log.h"
#include "report.h"  // HtmlEscape
#include "subprocess.h"

namespace freenahi {

namespace {

constexpr int64_t kPullTimeoutMs = 15 * 60 * 1000;  // a pull of years of history, slowly
constexpr size_t kMaxChildOutput = 64 * 1024;
constexpr int64_t kConsentWarningS = 14 * 24 * 3600;

std::string SelfExe() {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "freenahi";
  return std::string(path, static_cast<size_t>(n));
}

// The path part of "https://host:port/path?query".
std::string PathOf(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return "/";
  std::string path = url.substr(slash);
  return path.substr(0, path.find_first_of("?#"));
}

std::string RegexEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) out += '\\';
    out += c;
  }
  return out;
}


std::string JsonEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// The "freenahi: warning: ..." lines a successful pull child printed (investments a domain
// refuses, say): one log line each, so a daemon user sees them too.
void LogChildWarnings(const std::string& stderr_text) {
  constexpr std::string_view kPrefix = "freenahi: warning: ";
  size_t start = 0;
  while (start < stderr_text.size()) {
    size_t end = stderr_text.find('\n', start);
    if (end == std::string::npos) end = stderr_text.size();
    std::string_view line(stderr_text.data() + start, end - start);
    if (line.substr(0, kPrefix.size()) == kPrefix) {
      std::string text(line.substr(kPrefix.size()));
      LOG_WARN("powens: pull: %s", text.c_str());
    }
    start = end + 1;
  }
}

// A small standalone HTML page; `title` is plain text, `body_html` already escaped.
std::string Page(const std::string& title, const std::string& body_html) {
  return "<!doctype html><html><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width\"><title>freenahi: " + title +
         "</title><style>body{font-family:sans-serif;max-width:32em;margin:3em auto;padding:0 1em}"
         "</style></head><body><h1>" + title + "</h1>" + body_html + "</body></html>\n";
}

}  // namespace

ServePowens::ServePowens(EventLoop* loop, Store* store, Hooks* hooks, std::string config_path)
    : loop_(loop), store_(store), hooks_(hooks), config_path_(std::move(config_path)) {}

ServePowens::~ServePowens() { Stop(); }

void ServePowens::Configure(const Config& config) {
  bool interval_changed = config.pull_interval_s != config_.pull_interval_s;
  config_ = config;
  if (interval_changed && interval_timer_ != 0) ScheduleInterval();
}

void ServePowens::Register(HttpRouter* router) {
  if (config_.redirect_uri.empty()) return;
  std::string path = PathOf(config_.redirect_uri);
  router->Get(RegexEscape(path), [this](const HttpRequest& req, std::string_view,
                                        HttpResponse& res) { Callback(req, res); });
  LOG_INFO("webview callback on %s", path.c_str());
}

void ServePowens::Start() {
  stopped_ = false;
  Result<std::optional<PowensUser>> user = store_->PowensUserWithToken();
  if (!user.ok() || !*user) {
    LOG_INFO("powens: no user yet (run `freenahi init`): no pulls");
    return;
  }
  if (config_.pull_interval_s > 0) RequestPull(std::nullopt);
  ScheduleInterval();
  CheckHealth();
}

void ServePowens::Stop() {
  stopped_ = true;
  loop_->CancelTimer(interval_timer_);
  loop_->CancelTimer(retry_timer_);
  interval_timer_ = retry_timer_ = 0;
  queue_.clear();
  child_.reset();
}

void ServePowens::ScheduleInterval() {
  loop_->CancelTimer(interval_timer_);
  interval_timer_ = 0;
  if (config_.pull_interval_s <= 0 || stopped_) return;
  interval_timer_ = loop_->AddTimer(config_.pull_interval_s * 1000, [this] {
    interval_timer_ = 0;
    RequestPull(std::nullopt);
    ScheduleInterval();
  });
}

void ServePowens::RequestPull(std::optional<int64_t> connection_id) {
  if (stopped_) return;
  for (const auto& queued : queue_)
    if (queued == connection_id || !queued) return;  // already covered
  queue_.push_back(connection_id);
  if (!child_) StartNextPull();
}

void ServePowens::StartNextPull() {
  if (queue_.empty() || child_ || stopped_) return;
  std::optional<int64_t> connection = queue_.front();
  queue_.pop_front();
  std::vector<std::string> argv = {SelfExe(), "pull", "--config", config_path_, "--report-calls"};
  if (connection) argv.insert(argv.end(), {"--connection", std::to_string(*connection)});
  if (!rate_history_.empty()) argv.insert(argv.end(), {"--rate-history", rate_history_});
  LOG_INFO("powens: pull%s started", connection ? (" of connection " + std::to_string(*connection)).c_str() : "");
  SubprocessSpec spec;
  spec.argv = std::move(argv);
  spec.timeout_ms = kPullTimeoutMs;
  spec.max_stdout_bytes = kMaxChildOutput;
  Result<std::unique_ptr<Subprocess>> child = Subprocess::Start(
      loop_, std::move(spec), [this](const SubprocessResult& result) { PullEnded(result); });
  if (!child.ok()) {
    LOG_ERROR("powens: cannot start the pull: %s", child.status().message().c_str());
    return;
  }
  child_ = std::move(*child);
}

void ServePowens::PullEnded(const SubprocessResult& result) {
  const std::string& output = result.stdout_data;
  // "calls: t1 t2 ..." → "t1,t2,...": the next child counts these against the same minute.
  size_t at = output.rfind("calls:");
  if (at != std::string::npos) {
    std::string list = output.substr(at + 6, output.find('\n', at) - at - 6);
    rate_history_.clear();
    size_t start = 0;
    while ((start = list.find_first_not_of(' ', start)) != std::string::npos) {
      size_t end = list.find(' ', start);
      rate_history_ += (rate_history_.empty() ? "" : ",") + list.substr(start, end - start);
      start = end;
    }
  }
  if (result.ok()) {
    LOG_INFO("powens: pull done");
    LogChildWarnings(result.stderr_tail);
  } else {
    std::string why = result.stderr_tail;  // the child's one-line error, never a secret
    while (!why.empty() && why.back() == '\n') why.pop_back();
    why = why.substr(why.rfind('\n') == std::string::npos ? 0 : why.rfind('\n') + 1);
    LOG_WARN("powens: pull failed (%s): %s", result.Describe().c_str(), why.c_str());
  }
  std::unique_ptr<Subprocess> finished = std::move(child_);
  loop_->AddTimer(0, [this, holder = std::shared_ptr<Subprocess>(std::move(finished))] {
    (void)holder;  // destroyed here, outside its own callback
    ForgetTakenStates();  // the child's writes are over
    CheckHealth();
    StartNextPull();
  });
}

const char* ServePowens::TakeState(const std::string& state) {
  ForgetTakenStates();
  const char* const kUnknown = "unknown, expired or already used state";
  Result<std::optional<std::string>> page =
      store_->WebviewStatePage(state, static_cast<UnixSeconds>(time(nullptr)));
  if (!page.ok()) {
    LOG_ERROR("webview callback: %s", page.status().message().c_str());
    return "database error";
  }
  if (!*page || taken_states_.count(state) > 0) return kUnknown;
  Result<bool> forgotten = store_->ForgetWebviewState(state);
  if (forgotten.ok()) return *forgotten ? nullptr : kUnknown;  // false: another process took it
  // Busy (a pull child is writing): the link is good, and the person who just connected a bank
  // must not see a refusal. It is used from now on; the database forgets it later.
  LOG_INFO("webview callback: link used; the database is busy (%s): forgotten later",
           forgotten.status().message().c_str());
  taken_states_.insert(state);
  return nullptr;
}

void ServePowens::ForgetTakenStates() {
  for (auto it = taken_states_.begin(); it != taken_states_.end();) {
    Result<bool> forgotten = store_->ForgetWebviewState(*it);
    if (!forgotten.ok()) return;  // still busy: next time
    it = taken_states_.erase(it);
  }
}

// The webview's return, accepted once per link `freenahi connect` made (its `state`, within the
// hour); anything else gets a page saying so, schedules nothing and logs one line.
void ServePowens::Callback(const HttpRequest& req, HttpResponse& res) {
  res.AddHeader("Cache-Control", "no-store");
  const std::string state = req.Param("state");
  const char* refused = state.empty() ? "no state" : nullptr;
  if (refused == nullptr) refused = TakeState(state);
  if (refused != nullptr) {
    LOG_WARN("webview callback refused: %s", refused);  // never the value itself
    res.status = 403;
    res.SetContent(RefusedPage(), "text/html; charset=utf-8");
    return;
  }
  std::string error = req.Param("error");
  std::string description = req.Param("error_description");
  std::optional<int64_t> connection;
  std::string id_text = req.Param("connection_id");
  if (!id_text.empty() && id_text.size() <= 18 &&
      id_text.find_first_not_of("0123456789") == std::string::npos)
    connection = std::stoll(id_text);
  int64_t accounts = -1;
  if (connection) {
    Result<std::vector<ConnectionHealth>> all = store_->ListConnectionHealth();
    if (all.ok())
      for (const ConnectionHealth& c : *all)
        if (c.id == *connection) accounts = c.accounts;
  }
  res.status = 200;
  res.SetContent(CallbackPage(error, description, connection, accounts), "text/html; charset=utf-8");
  if (!error.empty()) {
    LOG_WARN("webview callback: %s", error.c_str());
    return;
  }
  LOG_INFO("webview callback: connection %s", id_text.empty() ? "-" : id_text.c_str());
  RequestPull(connection);  // a reconnect or manage comes back without an id: pull everything
}

std::string ServePowens::RefusedPage() {
  return Page("Link not recognised",
              "<p>This page only accepts the return of a link printed by <code>freenahi "
              "connect</code> on this box, once, within an hour.</p><p>Nothing was changed. Run "
              "<code>freenahi connect</code> again for a new link.</p>");
}

std::string ServePowens::CallbackPage(const std::string& error, const std::string& description,
                                      std::optional<int64_t> connection_id, int64_t accounts) {
  std::string title, text;
  if (!error.empty()) {
    title = "Bank not connected";
    text = "<p>Powens says: <b>" + HtmlEscape(error) + "</b>" +
           (description.empty() ? "" : ": " + HtmlEscape(description)) +
           "</p><p>Nothing was changed. Run <code>freenahi connect</code> to try again.</p>";
  } else {
    title = "Bank connected";
    std::string what = accounts > 0 ? std::to_string(accounts) + " accounts" : "accounts";
    text = "<p>" + what + (connection_id ? " (connection " + std::to_string(*connection_id) + ")" : "") +
           ", transactions arriving. You can close this page.</p>"
           "<p>Accounts you did not enable in the webview stay empty: "
           "<code>freenahi connect --manage</code> enables more.</p>";
  }
  return Page(title, text);
}

void ServePowens::CheckHealth() {
  Result<std::vector<ConnectionHealth>> all = store_->ListConnectionHealth();
  if (!all.ok()) return;
  const UnixSeconds now = static_cast<UnixSeconds>(time(nullptr));
  for (const ConnectionHealth& c : *all) {
    if (c.deleted) continue;
    bool bad = c.state && !c.state->empty() && *c.state != "validating" && *c.state != "decoupled";
    bool state_changed = c.state != c.alerted_state;
    bool expiring = c.access_expire && *c.access_expire - now < kConsentWarningS;
    bool consent_new = expiring && c.consent_alerted != c.access_expire;
    if (!state_changed && !consent_new) continue;
    std::string id = std::to_string(c.id);
    if (bad && state_changed) {
      LOG_WARN("connection %s %s: %s", id.c_str(), c.bank.c_str(), c.state->c_str());
      FireHook(HookEvent::kSyncError,
               "{\"event\":\"sync_error\",\"connection_id\":" + id + ",\"bank\":\"" +
                   JsonEscape(c.bank) + "\",\"state\":\"" + JsonEscape(*c.state) +
                   "\",\"error_message\":\"" + JsonEscape(c.error_message.value_or("")) + "\"}");
    }
    if (consent_new) {
      LOG_WARN("connection %s %s: bank consent expires soon", id.c_str(), c.bank.c_str());
      FireHook(HookEvent::kConsentExpiring,
               "{\"event\":\"consent_expiring\",\"connection_id\":" + id + ",\"bank\":\"" +
                   JsonEscape(c.bank) + "\",\"access_expire\":" + std::to_string(*c.access_expire) +
                   ",\"days_left\":" + std::to_string((*c.access_expire - now) / 86400) +
                   ",\"command\":\"freenahi connect --reconnect " + id + "\"}");
    }
    Status marked = store_->MarkAlerted(c.id, c.state, expiring ? c.access_expire : c.consent_alerted);
    if (!marked.ok()) LOG_WARN("%s", marked.message().c_str());
  }
}

// One log line per event (ids, bank, state: no secret), then the user's hook, if configured.
void ServePowens::FireHook(HookEvent event, const std::string& json) {
  LOG_INFO("health event %s: %s", HookEventName(event), json.c_str());
  if (hooks_ != nullptr) hooks_->Fire(event, json);
}

}  // namespace freenahi
