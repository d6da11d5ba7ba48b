// SPDX-License-Identifier: MIT
// Hooks: config command lines → argv once, events → a bounded queue → at most kMaxRunning
// Subprocesses. Logs the program's name and outcome only: its arguments may hold a token
// (a webhook URL, an ntfy password), so they never reach the log.
#include "hooks.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <utility>

#include "log.h"

namespace freenahi {
namespace {

const char* const kEventNames[] = {"new_transactions", "sync_error", "consent_expiring"};

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// FREENAHI_* variables from the well-known top-level members of the event JSON.
std::vector<std::pair<std::string, std::string>> EventVariables(const std::string& json) {
  static const struct {
    const char* member;
    const char* variable;
  } kVariables[] = {{"count", "FREENAHI_COUNT"},
                    {"connection_id", "FREENAHI_CONNECTION"},
                    {"state", "FREENAHI_STATE"},
                    {"days_left", "FREENAHI_DAYS_LEFT"}};
  std::vector<std::pair<std::string, std::string>> out;
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  if (document.HasParseError() || !document.IsObject()) return out;
  for (const auto& v : kVariables) {
    auto it = document.FindMember(v.member);
    if (it == document.MemberEnd()) continue;
    const rapidjson::Value& value = it->value;
    if (value.IsInt64()) out.emplace_back(v.variable, std::to_string(value.GetInt64()));
    else if (value.IsString()) out.emplace_back(v.variable, std::string(value.GetString(), value.GetStringLength()));
  }
  return out;
}

}  // namespace

const char* HookEventName(HookEvent event) { return kEventNames[static_cast<int>(event)]; }

Hooks::Hooks(EventLoop* loop, const Config& config) : loop_(loop) { Reconfigure(config); }

Hooks::~Hooks() {
  queue_.clear();
  running_.clear();  // each Subprocess kills its group and reaps it
}

void Hooks::Reconfigure(const Config& config) {
  const std::string* lines[] = {&config.on_new_transactions, &config.on_sync_error,
                                &config.on_consent_expiring};
  for (int i = 0; i < 3; ++i) {
    argv_[i].reset();
    if (lines[i]->empty()) continue;
    Result<std::vector<std::string>> argv = SplitCommandLine(*lines[i]);
    if (!argv.ok()) {
      LOG_ERROR("hook on_%s: %s; it will not run", kEventNames[i], argv.status().message().c_str());
    } else if (!argv->empty()) {
      argv_[i] = std::move(*argv);
    }
  }
  config_path_ = config.path;
  timeout_ms_ = config.hook_timeout_s * 1000;
}

void Hooks::Fire(HookEvent event, const std::string& event_json) {
  const auto& argv = argv_[static_cast<int>(event)];
  if (!argv) return;
  if (queue_.size() >= kMaxQueued) {
    LOG_WARN("hook on_%s (%s): %zu hooks already waiting, this event is dropped",
             HookEventName(event), Basename((*argv)[0]).c_str(), queue_.size());
    return;
  }
  SubprocessSpec spec;
  spec.argv = *argv;
  spec.env = EventVariables(event_json);
  spec.env.emplace_back("FREENAHI_EVENT", HookEventName(event));
  spec.env.emplace_back("FREENAHI_CONFIG", config_path_);
  spec.stdin_data = event_json;
  spec.timeout_ms = timeout_ms_;
  spec.max_stdout_bytes = 0;  // a hook's output goes nowhere
  queue_.push_back(Pending{event, *argv, std::move(spec)});
  StartNext();
}

void Hooks::StartNext() {
  while (running_.size() < kMaxRunning && !queue_.empty()) {
    Pending next = std::move(queue_.front());
    queue_.pop_front();
    std::string name = std::string("on_") + HookEventName(next.event) + " (" + Basename(next.argv[0]) + ")";
    auto it = running_.insert(running_.end(), Running{name, loop_->NowMs(), nullptr});
    auto process = Subprocess::Start(loop_, std::move(next.spec),
                                     [this, it](const SubprocessResult& result) { OnDone(it, result); });
    if (!process.ok()) {
      LOG_WARN("hook %s: cannot run: %s", name.c_str(), process.status().message().c_str());
      running_.erase(it);
      ++finished_;
      continue;
    }
    it->process = std::move(*process);
  }
}

void Hooks::OnDone(std::list<Running>::iterator it, const SubprocessResult& result) {
  long ms = static_cast<long>(loop_->NowMs() - it->started_ms);
  std::string outcome = result.Describe();
  if (result.ok()) {
    LOG_INFO("hook %s: %s in %ld ms", it->name.c_str(), outcome.c_str(), ms);
  } else {
    LOG_WARN("hook %s: %s in %ld ms", it->name.c_str(), outcome.c_str(), ms);
  }
  running_.erase(it);  // destroys the Subprocess that called us: allowed, it touches nothing after
  ++finished_;
  StartNext();
}

std::string NewTransactionsEventJson(int64_t count, const std::vector<int64_t>& inbox_ids,
                                     int64_t unix_time) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("event");
  w.String(HookEventName(HookEvent::kNewTransactions));
  w.Key("count");
  w.Int64(count);
  w.Key("inbox_ids");
  w.StartArray();
  for (int64_t id : inbox_ids) w.Int64(id);
  w.EndArray();
  w.Key("time");
  w.Int64(unix_time);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace freenahi
