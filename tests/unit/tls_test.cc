// SPDX-License-Identifier: MIT
// Tests for tls.cc and tls_cert.cc over real loopback sockets: an in-process mbedTLS client,
// curl and openssl as child processes, TLS 1.3 (mbedTLS 3.x) and 1.2 both served, plaintext and
// TLS 1.1 clients refused, load errors.
#include "tls.h"

#include "catch.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "crypto.h"
#include "tls_compat.h"  // the test client below speaks mbedTLS directly

extern char** environ;

#include "test_util.h"

namespace freenahi {
namespace {

using Io = Conn::Io;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool PollFor(int fd, short events, int timeout_ms) {
  pollfd p = {fd, events, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

// A listening socket on 127.0.0.1 with a kernel-chosen port.
class Listener {
 public:
  Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    REQUIRE(fd_.valid());
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    REQUIRE(::listen(fd_.get(), 8) == 0);
    socklen_t size = sizeof(address);
    REQUIRE(::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port_ = ntohs(address.sin_port);
  }
  int port() const { return port_; }
  // A non-blocking accepted socket, or an invalid fd after `timeout_ms`.
  UniqueFd Accept(int timeout_ms) {
    if (!PollFor(fd_.get(), POLLIN, timeout_ms)) return UniqueFd();
    return UniqueFd(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  }

 private:
  UniqueFd fd_;
  int port_ = 0;
};

UniqueFd ConnectTo(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  REQUIRE(fd.valid());
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  REQUIRE(::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
  REQUIRE(::fcntl(fd.get(), F_SETFL, O_NONBLOCK) == 0);
  return fd;
}

// A child process with stdin from /dev/null and stdout/stderr in files; killed and reaped on
// destruction if still running.
class Child {
 public:
  Child(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  bool started() const { return pid_ > 0; }
  // True once exited; `exit_code` is the exit status (or 128 + signal).
  bool Exited(int* exit_code) {
    int status = 0;
    if (pid_ <= 0 || ::waitpid(pid_, &status, WNOHANG) != pid_) return false;
    pid_ = -1;
    *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  bool WaitExit(int timeout_ms, int* exit_code) {
    for (int waited = 0; waited < timeout_ms; waited += 10) {
      if (Exited(exit_code)) return true;
      ::poll(nullptr, 0, 10);
    }
    return Exited(exit_code);
  }

 private:
  pid_t pid_ = -1;
};

// Calls `step` until it returns true, polling `fds` for input in between; gives up after
// `max_rounds` rounds of at most 20 ms.
bool RunUntil(const std::function<bool()>& step, std::vector<int> fds, int max_rounds = 500) {
  for (int round = 0; round < max_rounds; ++round) {
    if (step()) return true;
    std::vector<pollfd> polls;
    for (int fd : fds) polls.push_back({fd, POLLIN, 0});
    ::poll(polls.data(), polls.size(), 20);
  }
  return false;
}

// Generates a certificate for `common_name` into `dir` and loads it.
std::shared_ptr<TlsServerContext> MakeContext(const ScopedTempDir& dir,
                                              const std::string& common_name = "localhost") {
  Status status = GenerateSelfSignedCert(dir.File("cert.pem"), dir.File("key.pem"), common_name);
  REQUIRE(status.ToString() == "OK");
  auto context = TlsServerContext::Load(dir.File("cert.pem"), dir.File("key.pem"));
  REQUIRE(context.status().ToString() == "OK");
  REQUIRE(context.ok());
  return context.value();
}

// Runs `command` through the shell; its stdout and exit code.
std::string Shell(const std::string& command, int* exit_code) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  int status = ::pclose(pipe);
  *exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return output;
}

// Test-only TLS client: verifies the server against `ca_path` for host "localhost". Offers the
// newest protocol its mbedTLS has, or at most TLS 1.2 with `tls12_only`.
class TestClient {
 public:
  TestClient(const std::string& ca_path, UniqueFd fd, bool tls12_only = false)
      : fd_(std::move(fd)) {
    REQUIRE(rng_.Seed("freenahi tls test client") == 0);
    REQUIRE(mbedtls_x509_crt_parse_file(ca_.get(), ca_path.c_str()) == 0);
    REQUIRE(mbedtls_ssl_config_defaults(config_.get(), MBEDTLS_SSL_IS_CLIENT,
                                        MBEDTLS_SSL_TRANSPORT_STREAM,
                                        MBEDTLS_SSL_PRESET_DEFAULT) == 0);
    if (tls12_only) tls_compat::SetMaxTls12(config_.get());
    mbedtls_ssl_conf_authmode(config_.get(), MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(config_.get(), ca_.get(), nullptr);
    mbedtls_ssl_conf_rng(config_.get(), tls_compat::Rng::Function, &rng_);
    REQUIRE(mbedtls_ssl_setup(ssl_.get(), config_.get()) == 0);
    REQUIRE(mbedtls_ssl_set_hostname(ssl_.get(), "localhost") == 0);
    mbedtls_ssl_set_bio(ssl_.get(), &fd_, Send, Recv, nullptr);
  }
  mbedtls_ssl_context* ssl() { return ssl_.get(); }
  int fd() const { return fd_.get(); }

 private:
  static int Send(void* fd, const unsigned char* data, size_t size) {
    ssize_t n = ::send(static_cast<UniqueFd*>(fd)->get(), data, size, MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    return errno == EAGAIN ? MBEDTLS_ERR_SSL_WANT_WRITE : MBEDTLS_ERR_NET_SEND_FAILED;
  }
  static int Recv(void* fd, unsigned char* buffer, size_t size) {
    ssize_t n = ::recv(static_cast<UniqueFd*>(fd)->get(), buffer, size, 0);
    if (n >= 0) return static_cast<int>(n);
    return errno == EAGAIN ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
  }

  UniqueFd fd_;
  tls_compat::Rng rng_;
  tls_compat::X509Crt ca_;
  tls_compat::SslConfig config_;
  tls_compat::SslContext ssl_;
};

bool IsWant(int ret) {
  return ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

// "AB:CD:..." with 32 upper-case hex pairs (no std::regex: GCC 12 warns inside it with ASan).
bool IsFingerprint(const std::string& text) {
  if (text.size() != 32 * 3 - 1) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    if (i % 3 == 2 ? c != ':' : !hex) return false;
  }
  return true;
}

TEST_CASE("tls: generated certificate files, modes and fingerprint", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  CHECK(IsFingerprint(context->fingerprint()));
  struct stat info;
  REQUIRE(::stat(dir.File("key.pem").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  REQUIRE(::stat(dir.File("cert.pem").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0644);
  size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    INFO(entry.path().string());
    ++entries;
  }
  CHECK(entries == 2);  // no temporary file left behind
  CHECK(ReadFile(dir.File("cert.pem")).rfind("-----BEGIN CERTIFICATE-----", 0) == 0);

  int code = 0;
  std::string cert = dir.File("cert.pem");
  std::string openssl_fp = Shell("openssl x509 -noout -fingerprint -sha256 -in " + cert, &code);
  REQUIRE(code == 0);
  CHECK(openssl_fp.substr(openssl_fp.find('=') + 1) == context->fingerprint() + "\n");
  std::string san = Shell("openssl x509 -noout -ext subjectAltName -in " + cert, &code);
  CHECK(code == 0);
  CHECK(san.find("DNS:localhost") != std::string::npos);
  CHECK(san.find("IP Address:127.0.0.1") != std::string::npos);
  std::string subject = Shell("openssl x509 -noout -subject -nameopt RFC2253 -in " + cert, &code);
  CHECK(subject == "subject=O=freenahi,CN=localhost\n");
  std::string verify = Shell("openssl verify -CAfile " + cert + " " + cert + " 2>&1", &code);
  CHECK(code == 0);
  CHECK(verify == cert + ": OK\n");
}

TEST_CASE("tls: certificate for another host name and an IP", "[tls]") {
  ScopedTempDir dir;
  REQUIRE(GenerateSelfSignedCert(dir.File("c.pem"), dir.File("k.pem"), "nas.example.org").ok());
  REQUIRE(GenerateSelfSignedCert(dir.File("c6.pem"), dir.File("k6.pem"), "fd00::7").ok());
  int code = 0;
  std::string san =
      Shell("openssl x509 -noout -ext subjectAltName -in " + dir.File("c.pem"), &code);
  CHECK(san.find("DNS:nas.example.org, DNS:localhost, IP Address:127.0.0.1") != std::string::npos);
  san = Shell("openssl x509 -noout -ext subjectAltName -in " + dir.File("c6.pem"), &code);
  CHECK(san.find("IP Address:FD00:0:0:0:0:0:0:7") != std::string::npos);
  std::string dates =
      Shell("openssl x509 -noout -checkend 315000000 -in " + dir.File("c.pem"), &code);
  CHECK(code == 0);  // still valid in ~9.98 years
}

TEST_CASE("tls: GenerateSelfSignedCert errors", "[tls]") {
  ScopedTempDir dir;
  Status bad_name = GenerateSelfSignedCert(dir.File("c.pem"), dir.File("k.pem"), "a,b=c");
  CHECK(bad_name.code() == Status::Code::kInvalidArgument);
  CHECK(bad_name.message() ==
        "certificate common name \"a,b=c\": expected a host name or IP address");
  CHECK(GenerateSelfSignedCert(dir.File("c.pem"), dir.File("k.pem"), "").code() ==
        Status::Code::kInvalidArgument);
  std::string missing = dir.File("no/such/dir/key.pem");
  Status no_dir = GenerateSelfSignedCert(dir.File("c.pem"), missing, "localhost");
  CHECK(no_dir.code() == Status::Code::kIOError);
  CHECK(no_dir.message() == "create " + missing + ": No such file or directory");
  CHECK_FALSE(std::filesystem::exists(dir.File("c.pem")));
}

TEST_CASE("tls: Load errors name the file", "[tls]") {
  ScopedTempDir dir;
  MakeContext(dir);
  std::string cert = dir.File("cert.pem");
  std::string key = dir.File("key.pem");
  std::string missing = dir.File("missing.pem");
  auto result = TlsServerContext::Load(missing, key);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message() == "load certificate " + missing + ": No such file or directory");
  result = TlsServerContext::Load(cert, missing);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message() == "load key " + missing + ": No such file or directory");

  std::string garbage = dir.File("garbage.pem");
  std::ofstream(garbage) << "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
                            "-----END CERTIFICATE-----\n";
  result = TlsServerContext::Load(garbage, key);
  REQUIRE_FALSE(result.ok());
  INFO(result.status().message());
  CHECK(result.status().message() == "load certificate " + garbage +
                                         ": PEM - PEM string is not as expected : "
                                         "BASE64 - Invalid character in input");
  std::string text = dir.File("text.pem");
  std::ofstream(text) << "just some text\n";
  result = TlsServerContext::Load(text, key);
  REQUIRE_FALSE(result.ok());
  INFO(result.status().message());
  CHECK(result.status().message().rfind("load certificate " + text + ": X509 - ", 0) == 0);
  result = TlsServerContext::Load(cert, garbage);
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().rfind("load key " + garbage + ": PK - ", 0) == 0);

  ScopedTempDir other;
  MakeContext(other);
  result = TlsServerContext::Load(cert, other.File("key.pem"));
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message().rfind(
            "key " + other.File("key.pem") + " does not match certificate " + cert + ": ", 0) == 0);
}

TEST_CASE("tls: plain conn echo over a socketpair", "[tls]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  UniqueFd peer(fds[1]);
  std::unique_ptr<Conn> conn = MakePlainConn(UniqueFd(fds[0]));
  CHECK(conn->fd() == fds[0]);
  char buffer[64];
  CHECK(conn->Read(buffer, sizeof(buffer)).io == Io::kWantRead);
  REQUIRE(::write(peer.get(), "ping", 4) == 4);
  Conn::IoResult read = conn->Read(buffer, sizeof(buffer));
  REQUIRE(read.io == Io::kDone);
  CHECK(std::string(buffer, read.bytes) == "ping");
  CHECK_FALSE(conn->HasBufferedInput());
  Conn::IoResult wrote = conn->Write("pong", 4);
  REQUIRE(wrote.io == Io::kDone);
  CHECK(wrote.bytes == 4);
  REQUIRE(::read(peer.get(), buffer, sizeof(buffer)) == 4);
  CHECK(std::string(buffer, 4) == "pong");
  // Fill the socket buffer: the conn answers kWantWrite instead of blocking.
  std::string chunk(65536, 'x');
  Conn::IoResult fill{Io::kDone, 0};
  for (int i = 0; i < 1000 && fill.io == Io::kDone; ++i)
    fill = conn->Write(chunk.data(), chunk.size());
  CHECK(fill.io == Io::kWantWrite);
}

TEST_CASE("tls: plain conn sees the peer close", "[tls]") {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  std::unique_ptr<Conn> conn = MakePlainConn(UniqueFd(fds[0]));
  ::close(fds[1]);
  char buffer[16];
  CHECK(conn->Read(buffer, sizeof(buffer)).io == Io::kClosed);
  Conn::IoResult broken = conn->Write("x", 1);  // no SIGPIPE: MSG_NOSIGNAL
  CHECK(broken.io == Io::kError);
  CHECK(conn->last_error() == "write: Broken pipe");
}

// Drives the handshake of `client` against `server` on one thread.
void Handshake(TestClient& client, Conn& server) {
  char buffer[16];
  bool done = RunUntil(
      [&] {
        Conn::IoResult r = server.Read(buffer, sizeof(buffer));
        INFO(server.last_error());
        REQUIRE((r.io == Io::kWantRead || r.io == Io::kWantWrite));
        int ret = mbedtls_ssl_handshake(client.ssl());
        if (ret == 0) return true;
        INFO(tls_compat::ErrorText(ret));
        REQUIRE(IsWant(ret));
        return false;
      },
      {client.fd(), server.fd()});
  REQUIRE(done);
  CHECK(mbedtls_ssl_get_verify_result(client.ssl()) == 0);
}

// One side of the echo: the server Conn drains its input (small reads, so decrypted bytes stay
// buffered) and writes back everything it got, as the event loop would.
struct EchoServer {
  Conn* conn;
  std::string got;
  size_t sent = 0;
  bool saw_buffered = false;

  void Step() {
    char buffer[1000];
    for (Conn::IoResult r = conn->Read(buffer, sizeof(buffer));;
         r = conn->Read(buffer, sizeof(buffer))) {
      INFO(conn->last_error());
      if (r.io != Io::kDone) {
        REQUIRE((r.io == Io::kWantRead || r.io == Io::kWantWrite));
        break;
      }
      got.append(buffer, r.bytes);
      saw_buffered = saw_buffered || conn->HasBufferedInput();
    }
    while (sent < got.size()) {
      Conn::IoResult w = conn->Write(got.data() + sent, got.size() - sent);
      if (w.io != Io::kDone) break;
      sent += w.bytes;
    }
  }
};

// Sends what is left of `message` and collects the reply; true once it all came back.
bool EchoClientStep(TestClient& client, const std::string& message, size_t* sent,
                    std::string* got) {
  if (*sent < message.size()) {
    int ret = mbedtls_ssl_write(client.ssl(),
                                reinterpret_cast<const unsigned char*>(message.data() + *sent),
                                message.size() - *sent);
    if (ret > 0) *sent += static_cast<size_t>(ret);
    if (ret <= 0) REQUIRE(IsWant(ret));
  }
  unsigned char in[4096];
  int ret;
  while ((ret = mbedtls_ssl_read(client.ssl(), in, sizeof(in))) > 0) {
    got->append(reinterpret_cast<char*>(in), static_cast<size_t>(ret));
  }
  REQUIRE(IsWant(ret));
  return got->size() >= message.size();
}

TEST_CASE("tls: handshake and echo with a verifying mbedTLS client", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  Listener listener;
  TestClient client(dir.File("cert.pem"), ConnectTo(listener.port()));
  UniqueFd accepted = listener.Accept(5000);
  REQUIRE(accepted.valid());
  std::unique_ptr<Conn> server = context->Accept(std::move(accepted));
  context.reset();  // as after a SIGHUP swap: the connection keeps its context alive
  Handshake(client, *server);

  std::string message = "hello over tls\n";
  while (message.size() < 100000) message += message;  // several 16 KB records
  size_t client_sent = 0;
  std::string client_got;
  EchoServer echo{server.get()};
  auto step = [&] {
    echo.Step();
    return EchoClientStep(client, message, &client_sent, &client_got);
  };
  REQUIRE(RunUntil(step, {client.fd(), server->fd()}, 2000));
  CHECK(client_got == message);
  CHECK(echo.saw_buffered);

  REQUIRE(mbedtls_ssl_close_notify(client.ssl()) == 0);
  Conn::IoResult end{Io::kWantRead, 0};
  char buffer[16];
  REQUIRE(RunUntil([&] { return (end = server->Read(buffer, sizeof(buffer))).io != Io::kWantRead; },
                   {server->fd()}));
  CHECK(end.io == Io::kClosed);
}

// Accepts one connection on `listener`, answers one HTTP request with "ok", while `child`
// runs; the child's exit code (-1 if it did not finish within 20 s).
int ServeOneRequest(Listener& listener, TlsServerContext& context, Child& child) {
  int exit_code = -1;
  UniqueFd accepted;
  for (int i = 0; i < 200 && !accepted.valid(); ++i) {
    if (child.Exited(&exit_code)) return exit_code;  // it gave up before connecting
    accepted = listener.Accept(100);
  }
  REQUIRE(accepted.valid());
  std::unique_ptr<Conn> conn = context.Accept(std::move(accepted));
  std::string request;
  std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
  size_t sent = 0;
  char buffer[4096];
  RunUntil(
      [&] {
        Conn::IoResult r = conn->Read(buffer, sizeof(buffer));
        if (r.io == Io::kDone) request.append(buffer, r.bytes);
        if (r.io == Io::kClosed || r.io == Io::kError) return true;  // e.g. curl refused us
        if (request.find("\r\n\r\n") == std::string::npos) return false;
        Conn::IoResult w = conn->Write(response.data() + sent, response.size() - sent);
        if (w.io == Io::kDone) sent += w.bytes;
        return sent == response.size();
      },
      {conn->fd()});
  conn.reset();  // close_notify, then close
  child.WaitExit(20000, &exit_code);
  return exit_code;
}

TEST_CASE("tls: curl verifies the generated certificate by name and by IP", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  Listener listener;
  std::string port = std::to_string(listener.port());
  std::vector<std::string> curl = {"curl",      "--silent", "--show-error",
                                   "--noproxy", "*",        "--max-time",
                                   "15",        "-o",       dir.File("body.txt")};
  struct Case {
    std::string url;
    std::vector<std::string> extra;
    int expected_exit;
  };
  const Case cases[] = {
      {"https://localhost:" + port + "/",
       {"--cacert", dir.File("cert.pem"), "--resolve", "localhost:" + port + ":127.0.0.1"},
       0},
      {"https://127.0.0.1:" + port + "/", {"--cacert", dir.File("cert.pem")}, 0},
      {"https://localhost:" + port + "/", {"--resolve", "localhost:" + port + ":127.0.0.1"}, 60},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = curl;
    argv.insert(argv.end(), c.extra.begin(), c.extra.end());
    argv.push_back(c.url);
    std::filesystem::remove(dir.File("body.txt"));
    Child child(argv, dir.File("curl.out"), dir.File("curl.err"));
    REQUIRE(child.started());
    int exit_code = ServeOneRequest(listener, *context, child);
    INFO(c.url << " stderr: " << ReadFile(dir.File("curl.err")));
    CHECK(exit_code == c.expected_exit);
    if (c.expected_exit == 0) CHECK(ReadFile(dir.File("body.txt")) == "ok");
  }
}

// Reads from `conn` until it stops asking for input; the last result.
Conn::IoResult ReadUntilSettled(Conn& conn) {
  char buffer[256];
  Conn::IoResult r{Io::kWantRead, 0};
  RunUntil(
      [&] {
        r = conn.Read(buffer, sizeof(buffer));
        return r.io != Io::kWantRead && r.io != Io::kWantWrite;
      },
      {conn.fd()});
  return r;
}

// The server side of a connection the test has just opened to `listener`.
std::unique_ptr<Conn> AcceptTls(Listener& listener, TlsServerContext& context) {
  UniqueFd accepted = listener.Accept(5000);
  REQUIRE(accepted.valid());
  return context.Accept(std::move(accepted));
}

TEST_CASE("tls: plaintext HTTP on the TLS port is a clean error", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  Listener listener;
  UniqueFd client = ConnectTo(listener.port());
  std::unique_ptr<Conn> server = AcceptTls(listener, *context);
  const std::string request = "GET / HTTP/1.1\r\n\r\n";
  REQUIRE(::send(client.get(), request.data(), request.size(), 0) ==
          static_cast<ssize_t>(request.size()));
  Conn::IoResult r = ReadUntilSettled(*server);
  INFO(server->last_error());
  CHECK(r.io == Io::kError);
  CHECK(server->last_error().rfind("TLS handshake failed: SSL - ", 0) == 0);
}

TEST_CASE("tls: a client that connects and leaves is just closed", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  Listener listener;
  UniqueFd client = ConnectTo(listener.port());
  std::unique_ptr<Conn> server = AcceptTls(listener, *context);
  client.Reset();
  CHECK(ReadUntilSettled(*server).io == Io::kClosed);
}

// mbedTLS 3.x negotiates TLS 1.3 where 2.28 had only 1.2: the server must speak whichever the
// client offers, to our mbedTLS client and to curl (OpenSSL) alike.
TEST_CASE("tls: the newest protocol is negotiated and TLS 1.2 clients are still served", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  Listener listener;
  for (bool tls12_only : {false, true}) {
    const std::string expected = tls12_only ? "TLSv1.2" : tls_compat::kNewestTls;
    INFO("mbedTLS client, expecting " << expected);
    TestClient client(dir.File("cert.pem"), ConnectTo(listener.port()), tls12_only);
    std::unique_ptr<Conn> server = AcceptTls(listener, *context);
    Handshake(client, *server);
    CHECK(std::string(mbedtls_ssl_get_version(client.ssl())) == expected);
    const std::string message = "after the handshake\n";
    size_t sent = 0;
    std::string got;
    EchoServer echo{server.get()};
    auto step = [&] {
      echo.Step();
      return EchoClientStep(client, message, &sent, &got);
    };
    REQUIRE(RunUntil(step, {client.fd(), server->fd()}));
    CHECK(got == message);
  }
  for (bool tls12_only : {false, true}) {
    const std::string expected = tls12_only ? "TLSv1.2" : tls_compat::kNewestTls;
    std::vector<std::string> argv = {"curl", "--silent", "--show-error", "--verbose"};
    argv.insert(argv.end(), {"--noproxy", "*", "--max-time", "15", "-o", dir.File("body.txt")});
    argv.insert(argv.end(), {"--cacert", dir.File("cert.pem")});
    if (tls12_only) argv.insert(argv.end(), {"--tls-max", "1.2"});
    argv.push_back("https://127.0.0.1:" + std::to_string(listener.port()) + "/");
    Child child(argv, dir.File("curl.out"), dir.File("curl.err"));
    REQUIRE(child.started());
    int exit_code = ServeOneRequest(listener, *context, child);
    std::string log = ReadFile(dir.File("curl.err"));
    INFO("curl, expecting " << expected << ": " << log);
    CHECK(exit_code == 0);
    CHECK(log.find("SSL connection using " + expected + " / ") != std::string::npos);
  }
}

TEST_CASE("tls: a TLS 1.1 client is refused", "[tls]") {
  ScopedTempDir dir;
  std::shared_ptr<TlsServerContext> context = MakeContext(dir);
  Listener listener;
  Child client({"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(listener.port()),
                "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"},
               dir.File("out"), dir.File("err"));
  REQUIRE(client.started());
  UniqueFd accepted = listener.Accept(5000);
  if (!accepted.valid()) {
    WARN("openssl s_client -tls1_1 did not connect; skipped: " << ReadFile(dir.File("err")));
    return;
  }
  std::unique_ptr<Conn> server = context->Accept(std::move(accepted));
  Conn::IoResult r = ReadUntilSettled(*server);
  if (r.io == Io::kClosed) {
    WARN("openssl s_client connected but sent no TLS 1.1 hello; skipped");
    return;
  }
  INFO(server->last_error());
  CHECK(r.io == Io::kError);
  CHECK(server->last_error().rfind("TLS handshake failed: ", 0) == 0);
  server.reset();
  int exit_code = 0;
  REQUIRE(client.WaitExit(10000, &exit_code));
  CHECK(exit_code != 0);
}

}  // namespace
}  // namespace freenahi
