// SPDX-License-Identifier: MIT
// Tests for hooks.cc (and SplitCommandLine): real hook programs (sh scripts) get the JSON on
// stdin and the FREENAHI_* environment, argv is never shell-interpreted, a hanging hook is killed
// at its timeout while the loop keeps running timers, at most kMaxRunning run at once.
#include "hooks.h"

#include "catch.h"

#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"

namespace freenahi {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Runs the loop until `hooks` has finished `count` hooks or `seconds` pass.
void RunUntilFinished(EventLoop* loop, const Hooks& hooks, uint64_t count, double seconds) {
  auto start = std::chrono::steady_clock::now();
  while (hooks.finished() < count &&
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds)
    loop->RunOnce(100);
}

// A hook script that records its stdin, argv and FREENAHI_* environment under `dir`.
std::string RecorderScript(ScopedTempDir* dir) {
  return dir->Write("record.sh",
                    "#!/bin/sh\n"
                    "out=\"$(dirname \"$0\")\"\n"
                    "cat > \"$out/stdin.json\"\n"
                    "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$out/argv.txt\"\n"
                    "env | grep -E '^FREENAHI_(EVENT|CONFIG|COUNT|CONNECTION|STATE|DAYS_LEFT)=' | sort > \"$out/env.txt\"\n"
                    "exit 0\n",
                    0755);
}

TEST_CASE("hooks: the event JSON on stdin, FREENAHI_* in the environment, argv literal", "[hooks]") {
  ScopedTempDir dir;
  std::string script = RecorderScript(&dir);
  Config config;
  config.path = "/etc/freenahi/test.ini";
  config.on_new_transactions = script + " 'two words' \"\\$(touch " + dir.File("pwned") + ")\" '$HOME' *";
  EventLoop loop;
  Hooks hooks(&loop, config);
  std::string json = NewTransactionsEventJson(12, {4, 5}, 1764460800);
  CHECK(json == "{\"event\":\"new_transactions\",\"count\":12,\"inbox_ids\":[4,5],\"time\":1764460800}");
  hooks.Fire(HookEvent::kNewTransactions, json);
  hooks.Fire(HookEvent::kSyncError, "{}");  // not configured: nothing runs
  CHECK(hooks.running() == 1);
  RunUntilFinished(&loop, hooks, 1, 10);
  REQUIRE(hooks.finished() == 1);
  CHECK(ReadFile(dir.File("stdin.json")) == json);
  CHECK(ReadFile(dir.File("argv.txt")) == "two words\n$(touch " + dir.File("pwned") + ")\n$HOME\n*\n");
  CHECK_FALSE(Exists(dir.File("pwned")));
  CHECK(ReadFile(dir.File("env.txt")) ==
        "FREENAHI_CONFIG=/etc/freenahi/test.ini\nFREENAHI_COUNT=12\nFREENAHI_EVENT=new_transactions\n");
}

TEST_CASE("hooks: sync_error and consent_expiring variables come from the JSON", "[hooks]") {
  ScopedTempDir dir;
  Config config;
  config.on_sync_error = RecorderScript(&dir);
  EventLoop loop;
  Hooks hooks(&loop, config);
  hooks.Fire(HookEvent::kSyncError,
             "{\"event\":\"sync_error\",\"connection_id\":7,\"state\":\"SCARequired\",\"days_left\":3}");
  RunUntilFinished(&loop, hooks, 1, 10);
  CHECK(ReadFile(dir.File("env.txt")) ==
        "FREENAHI_CONFIG=\nFREENAHI_CONNECTION=7\nFREENAHI_DAYS_LEFT=3\nFREENAHI_EVENT=sync_error\n"
        "FREENAHI_STATE=SCARequired\n");
}

TEST_CASE("hooks: a hanging hook is killed at its timeout while the loop runs timers", "[hooks]") {
  ScopedTempDir dir;
  Config config;
  config.on_consent_expiring = "/bin/sh -c 'sleep 60; touch " + dir.File("finished") + "'";
  config.hook_timeout_s = 1;
  EventLoop loop;
  Hooks hooks(&loop, config);
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    loop.AddTimer(50, tick);
  };
  loop.AddTimer(50, tick);
  auto start = std::chrono::steady_clock::now();
  hooks.Fire(HookEvent::kConsentExpiring, "{\"event\":\"consent_expiring\"}");
  RunUntilFinished(&loop, hooks, 1, 10);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(hooks.finished() == 1);
  CHECK(hooks.running() == 0);
  CHECK(seconds >= 0.9);
  CHECK(seconds < 6);
  CHECK(ticks >= 10);  // ~20 expected in 1 s; the loop never waited on the hook
  CHECK_FALSE(Exists(dir.File("finished")));
}

TEST_CASE("hooks: at most kMaxRunning at once, the rest queued, then all run", "[hooks]") {
  ScopedTempDir dir;
  Config config;
  config.on_new_transactions = "/bin/sh -c 'sleep 0.3; echo x >> " + dir.File("runs") + "'";
  EventLoop loop;
  Hooks hooks(&loop, config);
  for (int i = 0; i < 5; ++i) hooks.Fire(HookEvent::kNewTransactions, "{}");
  CHECK(hooks.running() == Hooks::kMaxRunning);
  CHECK(hooks.queued() == 5 - Hooks::kMaxRunning);
  RunUntilFinished(&loop, hooks, 5, 20);
  CHECK(hooks.finished() == 5);
  CHECK(ReadFile(dir.File("runs")) == "x\nx\nx\nx\nx\n");

  SECTION("a missing program is logged and counted, and does not block the queue") {
    config.on_new_transactions = "/nonexistent/hook";
    hooks.Reconfigure(config);
    hooks.Fire(HookEvent::kNewTransactions, "{}");
    CHECK(hooks.finished() == 6);
    CHECK(hooks.running() == 0);
  }
}

TEST_CASE("hooks: SplitCommandLine splits like a shell, expands nothing", "[hooks]") {
  struct Case {
    const char* line;
    std::vector<std::string> words;
  };
  const Case cases[] = {
      {"", {}},
      {"   ", {}},
      {"/bin/x a  b\tc", {"/bin/x", "a", "b", "c"}},
      {"curl -d 'hello world' \"https://x/a b\"", {"curl", "-d", "hello world", "https://x/a b"}},
      {"a\\ b c", {"a b", "c"}},
      {"x '' \"\"", {"x", "", ""}},
      {"x \"a\\\"b\\\\c\\$d\\n\"", {"x", "a\"b\\c$d\\n"}},
      {"x 'it'\\''s'", {"x", "it's"}},
      {"x $(rm -rf /) `id` ; | > $HOME", {"x", "$(rm", "-rf", "/)", "`id`", ";", "|", ">", "$HOME"}},
  };
  for (const Case& c : cases) {
    INFO(c.line);
    auto words = SplitCommandLine(c.line);
    REQUIRE(words.ok());
    CHECK(*words == c.words);
  }
  CHECK(SplitCommandLine("x 'a").status().message() == "unbalanced single quote");
  CHECK(SplitCommandLine("x \"a").status().message() == "unbalanced double quote");
  CHECK(SplitCommandLine("x \\").status().message() == "trailing backslash");
}

}  // namespace
}  // namespace freenahi
