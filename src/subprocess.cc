// SPDX-License-Identifier: MIT
// posix_spawnp (no shell) into a new process group; stdin over a socketpair (send() with
// MSG_NOSIGNAL: a child that ignores its stdin cannot kill us with SIGPIPE), stdout/stderr over
// non-blocking pipes, the end seen through a pidfd (Linux >= 5.3) or a 50 ms waitpid timer.
#include "subprocess.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>

extern char** environ;

namespace freenahi {
namespace {

constexpr int64_t kWaitPollMs = 50;
constexpr size_t kReadChunk = 16384;

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// The inherited environment with `extra` added or replacing variables of the same name.
std::vector<std::string> BuildEnvironment(const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    std::string_view name = text.substr(0, text.find('='));
    bool replaced = std::any_of(extra.begin(), extra.end(),
                                [&](const auto& pair) { return pair.first == name; });
    if (!replaced) out.emplace_back(text);
  }
  for (const auto& [name, value] : extra) out.push_back(name + "=" + value);
  return out;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// A pidfd for `pid`, or an invalid fd where the kernel or libc has none.
UniqueFd OpenPidFd(pid_t pid) {
#if defined(SYS_pidfd_open)
  return UniqueFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return UniqueFd();
#endif
}

// Owners for the spawn attribute objects.
struct SpawnActions {
  posix_spawn_file_actions_t value;
  SpawnActions() { posix_spawn_file_actions_init(&value); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&value); }
};
struct SpawnAttributes {
  posix_spawnattr_t value;
  SpawnAttributes() { posix_spawnattr_init(&value); }
  ~SpawnAttributes() { posix_spawnattr_destroy(&value); }
};

}  // namespace

std::string SubprocessResult::Describe() const {
  if (timed_out) return "killed at its timeout";
  if (signal != 0) return "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  return "exit " + std::to_string(exit_code);
}

Subprocess::Subprocess(EventLoop* loop, SubprocessSpec spec, DoneCallback done)
    : loop_(loop), spec_(std::move(spec)), done_(std::move(done)) {}

Result<std::unique_ptr<Subprocess>> Subprocess::Start(EventLoop* loop, SubprocessSpec spec,
                                                      DoneCallback done) {
  if (spec.argv.empty() || spec.argv[0].empty()) return Status::InvalidArgument("no program to run");
  std::unique_ptr<Subprocess> process(new Subprocess(loop, std::move(spec), std::move(done)));
  FREENAHI_RETURN_IF_ERROR(process->Spawn());
  process->WatchPipes();
  return process;
}

// Whether execvp would find `program`: a path is checked as given, a bare name along $PATH.
// posix_spawnp reports a missing program itself only where the C library can see exec fail
// before it returns (glibc's CLONE_VFORK); elsewhere (qemu-user, some libcs) the child would
// just exit 127. Checking first gives the same one-line error everywhere.
static Status CheckRunnable(const std::string& program) {
  auto runnable = [](const std::string& path) { return ::access(path.c_str(), X_OK) == 0; };
  if (program.find('/') != std::string::npos) {
    if (runnable(program)) return Status::Ok();
    return Status::NotFound(program + ": " + strerror(errno));
  }
  const char* path_env = getenv("PATH");
  std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    if (runnable((dir.empty() ? "." : dir) + "/" + program)) return Status::Ok();
    start = end + 1;
  }
  return Status::NotFound(program + ": " + strerror(ENOENT));
}

Status Subprocess::Spawn() {
  FREENAHI_RETURN_IF_ERROR(CheckRunnable(spec_.argv[0]));
  int in[2], out[2], err[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0)
    return Status::IOError(std::string("socketpair: ") + strerror(errno));
  UniqueFd in_parent(in[0]), in_child(in[1]);
  if (::pipe2(out, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + strerror(errno));
  UniqueFd out_parent(out[0]), out_child(out[1]);
  if (::pipe2(err, O_CLOEXEC) != 0) return Status::IOError(std::string("pipe: ") + strerror(errno));
  UniqueFd err_parent(err[0]), err_child(err[1]);

  SpawnActions actions;
  posix_spawn_file_actions_adddup2(&actions.value, in_child.get(), 0);
  posix_spawn_file_actions_adddup2(&actions.value, out_child.get(), 1);
  posix_spawn_file_actions_adddup2(&actions.value, err_child.get(), 2);
  SpawnAttributes attributes;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attributes.value, &none);
  posix_spawnattr_setsigdefault(&attributes.value, &all);  // serve ignores SIGPIPE; children don't
  posix_spawnattr_setpgroup(&attributes.value, 0);         // a group of its own, killed as one
  posix_spawnattr_setflags(&attributes.value,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> argv_strings = spec_.argv;
  std::vector<char*> argv = Pointers(argv_strings);
  std::vector<std::string> env_strings = BuildEnvironment(spec_.env);
  std::vector<char*> envp = Pointers(env_strings);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0], &actions.value, &attributes.value, argv.data(), envp.data());
  if (rc != 0) return Status::NotFound(spec_.argv[0] + ": " + strerror(rc));
  pid_ = pid;
  stdin_ = std::move(in_parent);
  stdout_ = std::move(out_parent);
  stderr_ = std::move(err_parent);
  SetNonBlocking(stdin_.get());
  SetNonBlocking(stdout_.get());
  SetNonBlocking(stderr_.get());
  exit_fd_ = OpenPidFd(pid_);
  return Status::Ok();
}

void Subprocess::WatchPipes() {
  if (spec_.stdin_data.empty()) {
    stdin_.Reset();
  } else {
    loop_->AddFd(stdin_.get(), EventLoop::kWritable, [this](unsigned) { OnStdinWritable(); });
  }
  loop_->AddFd(stdout_.get(), EventLoop::kReadable, [this](unsigned) { OnOutput(stdout_.get(), true); });
  loop_->AddFd(stderr_.get(), EventLoop::kReadable, [this](unsigned) { OnOutput(stderr_.get(), false); });
  if (exit_fd_.valid()) {
    loop_->AddFd(exit_fd_.get(), EventLoop::kReadable, [this](unsigned) { CheckExited(); });
  } else {
    poll_timer_ = loop_->AddTimer(kWaitPollMs, [this] { CheckExited(); });
  }
  if (spec_.timeout_ms > 0) timeout_timer_ = loop_->AddTimer(spec_.timeout_ms, [this] { OnTimeout(); });
}

void Subprocess::OnStdinWritable() {
  const std::string& data = spec_.stdin_data;
  while (stdin_sent_ < data.size()) {
    ssize_t n = ::send(stdin_.get(), data.data() + stdin_sent_, data.size() - stdin_sent_,
                       MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n > 0) {
      stdin_sent_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    break;  // the child closed its stdin: it did not want the rest
  }
  loop_->RemoveFd(stdin_.get());
  stdin_.Reset();  // EOF for the child
}

void Subprocess::OnOutput(int fd, bool is_stdout) {
  char buffer[kReadChunk];
  for (int reads = 0; reads < 64; ++reads) {  // bounded: a chatty child cannot hold the loop
    ssize_t n = ::read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {  // EOF or error: nothing more will come
      loop_->RemoveFd(fd);
      (is_stdout ? stdout_ : stderr_).Reset();
      return;
    }
    if (is_stdout) {
      size_t room = spec_.max_stdout_bytes - std::min(spec_.max_stdout_bytes, result_.stdout_data.size());
      result_.stdout_data.append(buffer, std::min(room, static_cast<size_t>(n)));
      if (static_cast<size_t>(n) > room) result_.stdout_truncated = true;
    } else {
      std::string& tail = result_.stderr_tail;
      tail.append(buffer, static_cast<size_t>(n));
      if (tail.size() > 2 * spec_.stderr_tail_bytes + kReadChunk)
        tail.erase(0, tail.size() - spec_.stderr_tail_bytes);
    }
  }
}

void Subprocess::CheckExited() {
  int status = 0;
  pid_t done;
  do {
    done = ::waitpid(pid_, &status, WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == pid_ || (done < 0 && errno == ECHILD)) {
    Finish(done == pid_ ? status : 0);
    return;
  }
  if (!exit_fd_.valid()) poll_timer_ = loop_->AddTimer(kWaitPollMs, [this] { CheckExited(); });
}

void Subprocess::OnTimeout() {
  timeout_timer_ = 0;
  result_.timed_out = true;
  ::kill(-pid_, SIGKILL);  // the whole group: a hook's own children go too
}

void Subprocess::Finish(int wait_status) {
  pid_ = -1;
  // What the child wrote just before it ended is still in the pipes: take it now rather than
  // wait for EOF, which a leftover grandchild could hold back for ever.
  if (stdout_.valid()) OnOutput(stdout_.get(), true);
  if (stderr_.valid()) OnOutput(stderr_.get(), false);
  if (WIFEXITED(wait_status)) result_.exit_code = WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) result_.signal = WTERMSIG(wait_status);
  if (result_.stderr_tail.size() > spec_.stderr_tail_bytes)
    result_.stderr_tail.erase(0, result_.stderr_tail.size() - spec_.stderr_tail_bytes);
  CloseAll();
  DoneCallback done = std::move(done_);
  SubprocessResult result = std::move(result_);
  if (done) done(result);  // may destroy this: nothing after
}

void Subprocess::CloseAll() {
  for (UniqueFd* fd : {&stdin_, &stdout_, &stderr_, &exit_fd_}) {
    if (!fd->valid()) continue;
    loop_->RemoveFd(fd->get());
    fd->Reset();
  }
  loop_->CancelTimer(timeout_timer_);
  loop_->CancelTimer(poll_timer_);
  timeout_timer_ = poll_timer_ = 0;
}

Subprocess::~Subprocess() {
  if (pid_ > 0) {
    ::kill(-pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  CloseAll();
}

Result<std::vector<std::string>> SplitCommandLine(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (++i == line.size()) return Status::InvalidArgument("trailing backslash");
      word.push_back(line[i]);
    } else if (c == '\'') {
      size_t close = line.find('\'', i + 1);
      if (close == std::string_view::npos) return Status::InvalidArgument("unbalanced single quote");
      word.append(line.substr(i + 1, close - i - 1));
      i = close;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i == line.size()) return Status::InvalidArgument("unbalanced double quote");
        if (line[i] == '"') break;
        if (line[i] == '\\' && i + 1 < line.size() &&
            std::string_view("\"\\$`\n").find(line[i + 1]) != std::string_view::npos)
          ++i;
        word.push_back(line[i]);
      }
    } else {
      word.push_back(c);
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<SubprocessResult> RunSubprocess(const SubprocessSpec& spec) {
  EventLoop loop;
  bool finished = false;
  SubprocessResult result;
  auto process = Subprocess::Start(&loop, spec, [&](const SubprocessResult& r) {
    result = r;
    finished = true;
  });
  if (!process.ok()) return process.status();
  while (!finished) loop.RunOnce(-1);
  return result;
}

}  // namespace freenahi
