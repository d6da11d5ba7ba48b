// SPDX-License-Identifier: MIT
// `freenahi init`: from the three Powens credentials to a Powens user. Writes or completes the
// config (the user's other lines are kept), calls POST /auth/init once and keeps the permanent
// token in the database (owner-only), then prints what to register in the Powens console.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "cli.h"
#include "cli_powens.h"
#include "ini_edit.h"
#include "unique_fd.h"

namespace freenahi {
namespace {

bool FileExists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

Result<std::string> ReadFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return Status::IOError("read " + path + ": " + strerror(errno));
  std::string text;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd.get(), buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError("read " + path + ": " + strerror(errno));
    if (n == 0) return text;
    text.append(buffer, static_cast<size_t>(n));
  }
}

// Writes `text` to a temporary file beside `path` (mode 0600), then renames it over `path`.
Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  UniqueFd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd.valid()) return Status::IOError("write " + tmp + ": " + strerror(errno));
  fchmod(fd.get(), 0600);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IOError("write " + tmp + ": " + strerror(errno));
    done += static_cast<size_t>(n);
  }
  if (fsync(fd.get()) != 0) return Status::IOError("write " + tmp + ": " + strerror(errno));
  if (rename(tmp.c_str(), path.c_str()) != 0)
    return Status::IOError("rename " + tmp + ": " + strerror(errno));
  return Status::Ok();
}

bool CanPrompt() { return isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1; }

// One line from stdin; echo off when `secret` (the terminal is restored on every path).
std::string ReadLine(bool secret) {
  termios saved{};
  bool restore = secret && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (restore) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  int c;
  while ((c = fgetc(stdin)) != EOF && c != '\n') line += static_cast<char>(c);
  if (restore) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    fputc('\n', stderr);
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

std::string Prompt(const char* question, bool secret) {
  fprintf(stderr, "%s: ", question);
  fflush(stderr);
  return ReadLine(secret);
}

// The public origin of this box ("https://host:port"): --public-url, the redirect_uri's origin,
// else this machine's name and the listen port.
std::string PublicOrigin(const CliArgs& args, const Config& config) {
  std::string origin;
  if (auto flag = args.Value("public-url")) {
    origin = *flag;
  } else if (!config.redirect_uri.empty()) {
    size_t start = config.redirect_uri.find("://");
    size_t slash = config.redirect_uri.find('/', start == std::string::npos ? 0 : start + 3);
    origin = config.redirect_uri.substr(0, slash);
  } else {
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    std::string port = config.listen.substr(config.listen.rfind(':') + 1);
    origin = "https://" + std::string(host) + (port == "443" ? "" : ":" + port);
  }
  while (!origin.empty() && origin.back() == '/') origin.pop_back();
  return origin;
}

// The database holds the token: owner-only, and owned by the daemon's user when root runs init
// for a state directory that user owns (the packaged layout).
void SecureDatabase(const Config& config) {
  struct stat dir;
  bool give_away = geteuid() == 0 && stat(config.DatabaseDir().c_str(), &dir) == 0 && dir.st_uid != 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = config.database + suffix;
    if (!FileExists(file)) continue;
    chmod(file.c_str(), 0600);
    if (give_away && chown(file.c_str(), dir.st_uid, dir.st_gid) != 0)
      fprintf(stderr, "freenahi: warning: chown %s: %s\n", file.c_str(), strerror(errno));
  }
}

struct Credentials {
  std::string domain, client_id, client_secret;
  bool complete() const { return !domain.empty() && !client_id.empty() && !client_secret.empty(); }
};

constexpr const char* kSecretEnv = "FREENAHI_CLIENT_SECRET";

// Flags first, then the environment (the secret only), then the config's values, then questions
// on a terminal. A secret given as a literal flag works but is warned about: every local user
// sees a process's argv in `ps` and /proc, and the shell keeps it in its history.
Credentials GatherCredentials(const CliArgs& args, const Config& current) {
  Credentials c{current.domain, current.client_id, current.client_secret};
  if (auto v = args.Value("domain")) c.domain = *v;
  if (auto v = args.Value("client-id")) c.client_id = *v;
  const char* from_env = getenv(kSecretEnv);
  if (auto v = args.Value("client-secret")) {
    if (*v == "-") {
      c.client_secret = ReadLine(false);
      if (!c.client_secret.empty() && c.client_secret.back() == '\r') c.client_secret.pop_back();
    } else {
      c.client_secret = *v;
      fprintf(stderr, "freenahi: warning: --client-secret VALUE shows in `ps` and your shell "
                      "history: use %s=... or --client-secret - (stdin) instead\n", kSecretEnv);
    }
  } else if (from_env != nullptr && *from_env != '\0') {
    c.client_secret = from_env;
  }
  if (!CanPrompt()) return c;
  if (c.domain.empty()) c.domain = Prompt("Powens domain (name-sandbox)", false);
  if (c.client_id.empty()) c.client_id = Prompt("Powens client ID", false);
  if (c.client_secret.empty()) c.client_secret = Prompt("Powens client secret (not shown)", true);
  return c;
}

// Creates the Powens user unless one is stored; returns its id.
Result<int64_t> EnsurePowensUser(const Config& config, const Credentials& credentials, Store* store,
                                 bool* created) {
  Result<std::optional<PowensUser>> existing = store->PowensUserWithToken();
  if (!existing.ok()) return existing.status();
  if (*existing) return (*existing)->id;
  std::unique_ptr<PowensClient> client = MakePowensClient(config, nullptr, false);
  Result<AuthInitReply> reply = client->AuthInit(credentials.client_id, credentials.client_secret);
  if (!reply.ok()) return reply.status();
  FREENAHI_RETURN_IF_ERROR(store->SetUserToken(reply->user_id, reply->token));
  *created = true;
  return reply->user_id;
}

void PrintNextSteps(const Config& config, const std::string& origin, int64_t user_id,
                    bool created) {
  printf("%s Powens user %lld; its token is kept in %s (readable by its owner only).\n\n",
         created ? "Created" : "Already set up:", static_cast<long long>(user_id),
         config.database.c_str());
  printf("In the Powens console (console.powens.com), once:\n");
  printf("  1. Webhooks: add connection_synced with the URL\n       %s/webhook/connection_synced/\n",
         origin.c_str());
  printf("  2. Client application: add this redirect URI to its whitelist\n       %s\n\n",
         config.redirect_uri.c_str());
  printf("Then start the daemon (systemctl start freenahi, or freenahi serve) and connect a bank:\n"
         "  freenahi connect\n");
}

}  // namespace

int CmdInit(const CliArgs& args) {
  const std::string path = args.config_path();
  const bool fresh = !FileExists(path) || args.Has("force");
  std::string text;
  if (fresh) {
    text = RenderConfig(Config(), /*include_secrets=*/false);
  } else {
    Result<std::string> read = ReadFile(path);
    if (!read.ok()) return CliError(kExitFailure, read.status().message());
    text = std::move(*read);
  }
  if (auto v = args.Value("listen")) text = IniSet(text, "server", "listen", *v);
  if (auto v = args.Value("database")) text = IniSet(text, "store", "database", *v);
  Result<Config> current = ParseConfig(text, path, nullptr);
  if (!current.ok()) return CliError(kExitUsage, current.status().message());
  Credentials credentials = GatherCredentials(args, *current);
  if (!credentials.complete()) {
    if (!fresh)
      return CliError(kExitFailure, path + " exists (use --force to overwrite it, or give "
                                           "--domain --client-id --client-secret to complete it)");
    Status written = WriteFileAtomically(path, text);
    if (!written.ok()) return CliError(kExitFailure, written.message());
    printf("wrote %s: add your Powens domain, client_id and client_secret (or pass them as\n"
           "--domain --client-id --client-secret), then run `freenahi init` again\n",
           path.c_str());
    return kExitOk;
  }
  text = IniSet(text, "powens", "domain", credentials.domain);
  text = IniSet(text, "powens", "client_id", credentials.client_id);
  text = IniSet(text, "powens", "client_secret", credentials.client_secret);
  std::string origin = PublicOrigin(args, *current);
  std::string redirect = args.Value("redirect-uri").value_or(current->redirect_uri);
  if (redirect.empty()) redirect = origin + "/connected";
  text = IniSet(text, "powens", "redirect_uri", redirect);
  Result<Config> config = ParseConfig(text, path, nullptr);
  if (!config.ok()) return CliError(kExitUsage, config.status().message());
  Status written = WriteFileAtomically(path, text);
  if (!written.ok()) return CliError(kExitFailure, written.message());
  int code = kExitOk;
  std::unique_ptr<Store> store = OpenPowensStore(*config, &code);
  if (!store) return code;
  bool created = false;
  Result<int64_t> user = EnsurePowensUser(*config, credentials, store.get(), &created);
  store.reset();
  SecureDatabase(*config);
  if (!user.ok()) return CliError(kExitFailure, user.status().message());
  PrintNextSteps(*config, origin, *user, created);
  return kExitOk;
}

extern const CommandSpec kInitCommand = {
    "init", "set up: write the config, create the Powens user, print what to register",
     "usage: freenahi init [--config PATH] [--domain NAME] [--client-id ID] [--client-secret S|-]\n"
     "                     [--redirect-uri URL] [--public-url https://HOST[:PORT]]\n"
     "                     [--listen HOST:PORT] [--database PATH] [--force]\n"
     "  Writes the config (mode 0600), or completes an existing one keeping its other lines.\n"
     "  With the three Powens credentials (flags, the config, or asked on a terminal; the\n"
     "  secret is not echoed), calls POST /auth/init once and keeps the permanent user token in\n"
     "  the database; running it again never creates a second Powens user. Then prints the\n"
     "  webhook URL and the redirect URI to register in the Powens console.\n"
     "  The client secret: --client-secret - reads it from stdin, or set FREENAHI_CLIENT_SECRET\n"
     "  in the environment. A literal --client-secret VALUE still works (scripts written for it\n"
     "  keep running) but prints a warning: any local user sees it in `ps`, and it stays in the\n"
     "  shell history.\n"
     "  --public-url    how Powens reaches this box (default https://<hostname>[:port])\n"
     "  --force         start from a fresh config instead of completing the existing one\n"
     "  A relative --database is relative to the config file's directory.\n"
     "example: freenahi init --domain exampleco-sandbox --client-id 12345678 --client-secret -\n"
     "example: FREENAHI_CLIENT_SECRET=\"$(cat secret.txt)\" freenahi init --client-id 12345678\n",
    "listen database domain client-id client-secret redirect-uri public-url", "force", CmdInit};

}  // namespace freenahi
