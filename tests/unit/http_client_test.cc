// SPDX-License-Identifier: MIT
// Tests for http_client.cc and tls_client.cc against real TLS servers on 127.0.0.1: our own
// TlsServerContext in a thread, with a test CA and certificates made by the openssl tool.
#include "http_client.h"

#include "catch.h"

#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"
#include "tls.h"
#include "tls_client.h"

namespace freenahi {
namespace {

using Io = Conn::Io;
constexpr char kSecret[] = "Bearer SECRET-TOKEN-4242";

// A test CA, a certificate for localhost signed by it, one for other.example signed by it, and
// one for localhost signed by a CA nobody trusts.
struct TestPki {
  ScopedTempDir dir;
  TestPki() {
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30"
        " -subj /CN=freenahi-test-ca -keyout ca.key -out ca.pem");
    Run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30"
        " -subj /CN=rogue-ca -keyout rogue.key -out rogue.pem");
    Leaf("localhost", "ca");
    Leaf("other.example", "ca");
    Leaf("localhost", "rogue");
  }
  void Run(const std::string& command) {
    std::string full = "cd " + dir.path() + " && " + command + " >/dev/null 2>&1";
    REQUIRE(std::system(full.c_str()) == 0);
  }
  void Leaf(const std::string& name, const std::string& ca) {
    std::string base = name + "-by-" + ca;
    dir.Write(base + ".ext", "subjectAltName=DNS:" + name + "\nbasicConstraints=CA:FALSE\n");
    Run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=" + name +
        " -keyout " + base + ".key -out " + base + ".csr");
    Run("openssl x509 -req -days 30 -in " + base + ".csr -CA " + ca + ".pem -CAkey " + ca +
        ".key -CAcreateserial -extfile " + base + ".ext -out " + base + ".pem");
  }
  std::string Cert(const std::string& base) const { return dir.File(base + ".pem"); }
  std::string Key(const std::string& base) const { return dir.File(base + ".key"); }
};

const TestPki& Pki() {
  static TestPki pki;
  return pki;
}

struct Reply {
  std::string bytes;
  int stall_ms = 0;  // before sending anything
};

// One TLS server thread on 127.0.0.1, answering each connection with handler(request).
class TestServer {
 public:
  TestServer(const std::string& cert_base, std::function<Reply(const std::string&)> handler)
      : handler_(std::move(handler)) {
    auto context = TlsServerContext::Load(Pki().Cert(cert_base), Pki().Key(cert_base));
    REQUIRE(context.ok());
    context_ = *context;
    listen_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(listen_.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    REQUIRE(::listen(listen_.get(), 8) == 0);
    socklen_t size = sizeof(address);
    REQUIRE(::getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~TestServer() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return port_; }
  std::string Url(const std::string& path, const std::string& host = "localhost") const {
    return "https://" + host + ":" + std::to_string(port_) + path;
  }
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  bool WaitFor(const Conn& conn, Io io) {
    for (int i = 0; i < 200 && !stop_; ++i) {  // 10 s at most
      if (io == Io::kWantRead && conn.HasBufferedInput()) return true;
      pollfd p = {conn.fd(), static_cast<short>(io == Io::kWantWrite ? POLLOUT : POLLIN), 0};
      if (::poll(&p, 1, 50) > 0) return true;
    }
    return false;
  }
  void Serve(Conn* conn) {
    std::string request;
    char buffer[4096];
    for (;;) {
      size_t end = request.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length_at = request.find("Content-Length: ");
        size_t length = length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
        if (request.size() >= end + 4 + length) break;
      }
      Conn::IoResult r = conn->Read(buffer, sizeof(buffer));
      if (r.io == Io::kDone) request.append(buffer, r.bytes);
      else if ((r.io != Io::kWantRead && r.io != Io::kWantWrite) || !WaitFor(*conn, r.io)) return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(request);
    }
    Reply reply = handler_(request);
    for (int waited = 0; waited < reply.stall_ms && !stop_; waited += 20)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    size_t sent = 0;
    while (sent < reply.bytes.size()) {
      Conn::IoResult r = conn->Write(reply.bytes.data() + sent, reply.bytes.size() - sent);
      if (r.io == Io::kDone) sent += r.bytes;
      else if ((r.io != Io::kWantRead && r.io != Io::kWantWrite) || !WaitFor(*conn, r.io)) return;
    }
  }
  void Run() {
    while (!stop_) {
      pollfd p = {listen_.get(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      UniqueFd fd(::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
      if (!fd.valid()) continue;
      std::unique_ptr<Conn> conn = context_->Accept(std::move(fd));
      Serve(conn.get());
    }
  }

  std::function<Reply(const std::string&)> handler_;
  std::shared_ptr<TlsServerContext> context_;
  UniqueFd listen_;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::vector<std::string> requests_;
  std::thread thread_;  // last: started once everything above exists
};

std::string Response(int status, const std::string& extra_headers, const std::string& body) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

HttpClientOptions Trusting() {
  HttpClientOptions options;
  options.ca_file = Pki().Cert("ca");
  options.read_timeout_ms = 5000;
  options.total_timeout_ms = 20000;
  return options;
}

HttpClientRequest Get(const std::string& url) {
  HttpClientRequest request;
  request.method = "GET";
  request.url = url;
  request.headers = {{"Authorization", kSecret}};
  return request;
}

TEST_CASE("http_client: trusted via ca_file, 200 with body, request headers as documented", "[http_client]") {
  TestServer server("localhost-by-ca", [](const std::string&) {
    return Reply{Response(200, "Content-Type: application/json\r\nX-Thing: Yes\r\n", "{\"ok\":1}")};
  });
  HttpClientRequest request = Get(server.Url("/2.0/users/me?expand=accounts"));
  request.method = "POST";
  request.body = "{\"a\":2}";
  auto response = HttpFetch(request, Trusting());
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  CHECK(response->body == "{\"ok\":1}");
  CHECK(response->Header("x-thing") == "Yes");
  CHECK(response->Header("content-type") == "application/json");
  CHECK_FALSE(response->Header("absent").has_value());
  std::vector<std::string> seen = server.requests();
  REQUIRE(seen.size() == 1);
  const std::string& wire = seen[0];
  CHECK(wire.rfind("POST /2.0/users/me?expand=accounts HTTP/1.1\r\n", 0) == 0);
  CHECK(wire.find("\r\nHost: localhost:" + std::to_string(server.port()) + "\r\n") != std::string::npos);
  CHECK(wire.find("\r\nUser-Agent: freenahi/" FREENAHI_VERSION "\r\n") != std::string::npos);
  CHECK(wire.find("\r\nAccept-Encoding: gzip\r\n") != std::string::npos);
  CHECK(wire.find("\r\nConnection: close\r\n") != std::string::npos);
  CHECK(wire.find("\r\nAuthorization: " + std::string(kSecret) + "\r\n") != std::string::npos);
  CHECK(wire.find("\r\nContent-Length: 7\r\n\r\n{\"a\":2}") != std::string::npos);

  SECTION("one HttpClient serves several requests") {
    auto client = HttpClient::Create(Trusting());
    REQUIRE(client.ok());
    for (int i = 0; i < 3; ++i) {
      auto again = client->Fetch(Get(server.Url("/again")));
      REQUIRE(again.ok());
      CHECK(again->body == "{\"ok\":1}");
    }
  }
}

TEST_CASE("http_client: chunked and gzip response decoded", "[http_client]") {
  std::string payload;
  for (int i = 0; i < 5000; ++i) payload += "{\"id\":" + std::to_string(i) + "},";
  std::string gz = Gzip(payload);
  std::string chunked;
  for (size_t i = 0; i < gz.size(); i += 777) {
    std::string part = gz.substr(i, 777);
    char size[16];
    snprintf(size, sizeof(size), "%zx", part.size());
    chunked += std::string(size) + "\r\n" + part + "\r\n";
  }
  chunked += "0\r\n\r\n";
  TestServer server("localhost-by-ca", [&](const std::string&) {
    return Reply{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + chunked};
  });
  auto response = HttpFetch(Get(server.Url("/t")), Trusting());
  REQUIRE(response.ok());
  CHECK(response->body == payload);

  SECTION("a body past max_response_body is refused, on the wire or decoded") {
    HttpClientOptions options = Trusting();
    options.max_response_body = 10000;
    auto refused = HttpFetch(Get(server.Url("/t")), options);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().code() == Status::Code::kTooLarge);
    CHECK(refused.status().message() == "localhost:" + std::to_string(server.port()) +
                                            ": response decoded body larger than 10000 bytes");
  }
}

TEST_CASE("http_client: a body until close, a too-large Content-Length, a 204", "[http_client]") {
  TestServer server("localhost-by-ca", [](const std::string& request) {
    if (request.find(" /close ") != std::string::npos) return Reply{"HTTP/1.1 200 OK\r\n\r\nuntil-close"};
    if (request.find(" /empty ") != std::string::npos) return Reply{"HTTP/1.1 204 No Content\r\n\r\n"};
    return Reply{"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\nabc"};
  });
  auto close = HttpFetch(Get(server.Url("/close")), Trusting());
  REQUIRE(close.ok());
  CHECK(close->body == "until-close");
  auto empty = HttpFetch(Get(server.Url("/empty")), Trusting());
  REQUIRE(empty.ok());
  CHECK(empty->status == 204);
  CHECK(empty->body.empty());
  auto big = HttpFetch(Get(server.Url("/big")), Trusting());
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == Status::Code::kTooLarge);
}

TEST_CASE("http_client: a redirect is returned, never followed", "[http_client]") {
  TestServer server("localhost-by-ca", [](const std::string&) {
    return Reply{Response(302, "Location: https://evil.example/steal\r\n", "")};
  });
  auto response = HttpFetch(Get(server.Url("/r")), Trusting());
  REQUIRE(response.ok());
  CHECK(response->status == 302);
  CHECK(response->Header("location") == "https://evil.example/steal");
  CHECK(server.requests().size() == 1);
}

std::vector<std::string> g_error_texts;  // every error seen, checked for the secret at the end

TEST_CASE("http_client: certificates from an unknown CA or for another name are refused", "[http_client]") {
  SECTION("unknown CA") {
    TestServer server("localhost-by-rogue", [](const std::string&) { return Reply{Response(200, "", "x")}; });
    auto response = HttpFetch(Get(server.Url("/")), Trusting());
    REQUIRE_FALSE(response.ok());
    g_error_texts.push_back(response.status().message());
    CHECK(response.status().code() == Status::Code::kIOError);
    CHECK(response.status().message() == "localhost:" + std::to_string(server.port()) +
                                             ": certificate not trusted: issued by an unknown authority");
    CHECK(server.requests().empty());
  }
  SECTION("hostname mismatch") {
    TestServer server("other.example-by-ca", [](const std::string&) { return Reply{Response(200, "", "x")}; });
    auto response = HttpFetch(Get(server.Url("/")), Trusting());
    REQUIRE_FALSE(response.ok());
    g_error_texts.push_back(response.status().message());
    CHECK(response.status().message() ==
          "localhost:" + std::to_string(server.port()) + ": certificate is not for localhost");
    CHECK(server.requests().empty());
  }
  SECTION("no ca_file: the test CA is unknown to the system bundle") {
    TestServer server("localhost-by-ca", [](const std::string&) { return Reply{Response(200, "", "x")}; });
    HttpClientOptions options = Trusting();
    options.ca_file.clear();
    if (DefaultSystemCaBundle().empty()) options.system_ca_bundle = Pki().Cert("rogue");
    auto response = HttpFetch(Get(server.Url("/")), options);
    REQUIRE_FALSE(response.ok());
    CHECK(response.status().message().find("certificate not trusted") != std::string::npos);
  }
}

TEST_CASE("http_client: a stalled server hits the read timeout within bounds", "[http_client]") {
  TestServer server("localhost-by-ca", [](const std::string&) { return Reply{Response(200, "", "late"), 6000}; });
  HttpClientOptions options = Trusting();
  options.read_timeout_ms = 1000;
  auto start = std::chrono::steady_clock::now();
  auto response = HttpFetch(Get(server.Url("/slow")), options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE_FALSE(response.ok());
  g_error_texts.push_back(response.status().message());
  CHECK(response.status().code() == Status::Code::kTimeout);
  CHECK(response.status().message() == "localhost:" + std::to_string(server.port()) + ": no answer within 1 s");
  CHECK(seconds >= 0.9);
  CHECK(seconds < 4.5);

  SECTION("the total timeout bounds the whole exchange") {
    options.read_timeout_ms = 5000;
    options.total_timeout_ms = 1500;
    start = std::chrono::steady_clock::now();
    auto total = HttpFetch(Get(server.Url("/slow")), options);
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    REQUIRE_FALSE(total.ok());
    CHECK(total.status().message() == "localhost:" + std::to_string(server.port()) +
                                          ": no complete answer within 1.5 s");
    CHECK(seconds >= 1.4);
    CHECK(seconds < 5);
  }
}

TEST_CASE("http_client: connection refused is one line with host:port", "[http_client]") {
  int port;
  {
    UniqueFd probe(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    socklen_t size = sizeof(address);
    REQUIRE(::getsockname(probe.get(), reinterpret_cast<sockaddr*>(&address), &size) == 0);
    port = ntohs(address.sin_port);
  }  // closed, never listened: refused
  auto response = HttpFetch(Get("https://127.0.0.1:" + std::to_string(port) + "/x"), Trusting());
  REQUIRE_FALSE(response.ok());
  g_error_texts.push_back(response.status().message());
  CHECK(response.status().code() == Status::Code::kUnavailable);
  CHECK(response.status().message() == "127.0.0.1:" + std::to_string(port) + ": connect: Connection refused");

  HttpClientRequest injected = Get("https://127.0.0.1:1/x");
  injected.headers.push_back({"X-Evil", "a\r\nInjected: 1"});
  auto refused = HttpFetch(injected, Trusting());
  REQUIRE_FALSE(refused.ok());
  g_error_texts.push_back(refused.status().message());
  CHECK(refused.status().message() == "127.0.0.1:1: header X-Evil: line break in value");

  HttpClientOptions missing = Trusting();
  missing.ca_file = "/nonexistent/ca.pem";
  auto no_ca = HttpFetch(Get("https://127.0.0.1:1/x"), missing);
  REQUIRE_FALSE(no_ca.ok());
  CHECK(no_ca.status().message() == "CA file /nonexistent/ca.pem: No such file or directory");
}

TEST_CASE("http_client: no Authorization value in any error text", "[http_client]") {
  // Runs after the cases above (Catch2 keeps declaration order) and checks what they gathered.
  TestServer server("localhost-by-ca", [](const std::string&) { return Reply{"HTTP/1.1 200 OK\r\nbroken"}; });
  auto broken = HttpFetch(Get(server.Url("/b")), Trusting());
  REQUIRE_FALSE(broken.ok());
  g_error_texts.push_back(broken.status().message());
  for (const std::string& text : g_error_texts) {
    INFO(text);
    CHECK(text.find("SECRET") == std::string::npos);
    CHECK(text.find('\n') == std::string::npos);
  }
}

TEST_CASE("http_client: URL parsing", "[http_client]") {
  struct Case {
    const char* url;
    const char* host;
    int port;
    const char* target;
  };
  const Case good[] = {
      {"https://demo-sandbox.biapi.pro/2.0/", "demo-sandbox.biapi.pro", 443, "/2.0/"},
      {"https://h:8443", "h", 8443, "/"},
      {"https://h?x=1#frag", "h", 443, "/?x=1"},
      {"HTTPS://[::1]:9443/a/b?c=d", "::1", 9443, "/a/b?c=d"},
      {"https://127.0.0.1/p", "127.0.0.1", 443, "/p"},
  };
  for (const Case& c : good) {
    INFO(c.url);
    auto parsed = ParseHttpsUrl(c.url);
    REQUIRE(parsed.ok());
    CHECK(parsed->host == c.host);
    CHECK(parsed->port == c.port);
    CHECK(parsed->target == c.target);
  }
  for (const char* bad : {"http://h/", "https://", "https://u:p@h/", "https://h:0/", "https://h:99999/",
                          "https://h:x/", "https://[::1/", "https://h:/"}) {
    INFO(bad);
    CHECK_FALSE(ParseHttpsUrl(bad).ok());
  }
}

}  // namespace
}  // namespace freenahi
