// SPDX-License-Identifier: MIT
// HttpFetch: URL → getaddrinfo → non-blocking connect under a deadline → TLS (tls_client.cc) →
// one HTTP/1.1 exchange driven by poll() → response head + body (body_framing.cc). Every error is
// one line starting "host:port: "; request headers and bodies never reach an error or a log.
#include "http_client.h"

#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cctype>

#include "body_framing.h"
#include "tls.h"
#include "tls_client.h"
#include "unique_fd.h"

namespace freenahi {
namespace {

using Io = Conn::Io;

int64_t MonotonicMs() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

// "30 s", "1.5 s".
std::string Seconds(int64_t ms) {
  std::string text = std::to_string(ms / 1000);
  if (ms % 1000 != 0) {
    char fraction[8];
    snprintf(fraction, sizeof(fraction), ".%03d", static_cast<int>(ms % 1000));
    std::string digits(fraction);
    while (digits.back() == '0') digits.pop_back();
    text += digits;
  }
  return text + " s";
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

// The request bytes. InvalidArgument (naming the header, never its value) on CR/LF injection.
Result<std::string> BuildRequest(const HttpClientRequest& request, const HttpsUrl& url) {
  std::string method = request.method.empty() ? "GET" : request.method;
  if (HasLineBreak(method) || method.find(' ') != std::string::npos)
    return Status::InvalidArgument("bad HTTP method");
  std::string out = method + " " + url.target + " HTTP/1.1\r\nHost: " + url.authority +
                    "\r\nUser-Agent: freenahi/" FREENAHI_VERSION
                    "\r\nAccept-Encoding: gzip\r\nConnection: close\r\n";
  for (const auto& [name, value] : request.headers) {
    if (name.empty() || HasLineBreak(name) || name.find(':') != std::string::npos)
      return Status::InvalidArgument("bad request header name");
    if (HasLineBreak(value)) return Status::InvalidArgument("header " + name + ": line break in value");
    out += name + ": " + value + "\r\n";
  }
  if (!request.body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  out += "\r\n";
  out += request.body;
  return out;
}

// One exchange over one connection, with its deadlines and its "host:port: " error prefix.
class Exchange {
 public:
  Exchange(std::string where, const HttpClientOptions& options, int64_t total_deadline)
      : where_(std::move(where)), options_(options), total_deadline_(total_deadline) {}

  Result<UniqueFd> Connect(const HttpsUrl& url);
  Status WriteAll(Conn* conn, const std::string& data);
  Result<HttpClientResponse> ReadResponse(Conn* conn, bool head_request);

 private:
  Status Error(Status::Code code, const std::string& what) const;
  Status ConnError(const Conn& conn) const;
  // Waits until `conn` can go on after `want`; Timeout when silent too long or past the total.
  Status Wait(const Conn& conn, Io want);
  // Head bytes → response fields; `*no_body` for 1xx/204/304/HEAD. Framing errors are IOError.
  Status ParseHead(const std::string& head, HttpClientResponse* response, BodyFraming* framing);

  std::string where_;
  const HttpClientOptions& options_;
  int64_t total_deadline_;
};

Status Exchange::Error(Status::Code code, const std::string& what) const {
  std::string message = where_ + ": " + what;
  switch (code) {
    case Status::Code::kTimeout: return Status::Timeout(message);
    case Status::Code::kIOError: return Status::IOError(message);
    case Status::Code::kTooLarge: return Status::TooLarge(message);
    default: return Status::Unavailable(message);
  }
}

Status Exchange::ConnError(const Conn& conn) const {
  const std::string& text = conn.last_error();
  bool certificate = text.rfind("certificate ", 0) == 0;
  return Error(certificate ? Status::Code::kIOError : Status::Code::kUnavailable, text);
}

// "localhost" and "*.localhost" are the loopback address (RFC 6761 §6.3), as curl treats them,
// even where /etc/hosts is missing (a bare chroot, a minimal router image). The certificate is
// still checked against the name given.
std::string ResolvableHost(const std::string& host) {
  std::string lower = host;
  for (char& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  const std::string suffix = ".localhost";
  bool loopback = lower == "localhost" ||
                  (lower.size() > suffix.size() &&
                   lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0);
  return loopback ? "127.0.0.1" : host;
}

Result<UniqueFd> Exchange::Connect(const HttpsUrl& url) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  int rc = ::getaddrinfo(ResolvableHost(url.host).c_str(), std::to_string(url.port).c_str(), &hints,
                         &found);
  if (rc != 0) return Error(Status::Code::kUnavailable, std::string("cannot resolve: ") + gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard(found, freeaddrinfo);
  Status last = Error(Status::Code::kUnavailable, "connect: no address");
  for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
    UniqueFd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
    if (!fd.valid()) {
      last = Error(Status::Code::kUnavailable, std::string("socket: ") + strerror(errno));
      continue;
    }
    if (::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = Error(Status::Code::kUnavailable, std::string("connect: ") + strerror(errno));
      continue;
    }
    int64_t wait = std::min(options_.connect_timeout_ms, total_deadline_ - MonotonicMs());
    pollfd p = {fd.get(), POLLOUT, 0};
    int ready;
    do {
      ready = ::poll(&p, 1, static_cast<int>(std::max<int64_t>(wait, 0)));
    } while (ready < 0 && errno == EINTR);
    if (ready == 0) {
      last = Error(Status::Code::kTimeout, "connect: no answer within " + Seconds(options_.connect_timeout_ms));
      continue;
    }
    int error = 0;
    socklen_t size = sizeof(error);
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) error = errno;
    if (error != 0) {
      last = Error(Status::Code::kUnavailable, std::string("connect: ") + strerror(error));
      continue;
    }
    return fd;
  }
  return last;
}

Status Exchange::Wait(const Conn& conn, Io want) {
  if (want == Io::kWantRead && conn.HasBufferedInput()) return Status::Ok();
  for (;;) {
    int64_t left = total_deadline_ - MonotonicMs();
    if (left <= 0)
      return Error(Status::Code::kTimeout, "no complete answer within " + Seconds(options_.total_timeout_ms));
    int64_t wait = std::min(options_.read_timeout_ms, left);
    pollfd p = {conn.fd(), static_cast<short>(want == Io::kWantWrite ? POLLOUT : POLLIN), 0};
    int ready = ::poll(&p, 1, static_cast<int>(wait));
    if (ready > 0) return Status::Ok();
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Error(Status::Code::kUnavailable, std::string("poll: ") + strerror(errno));
    if (wait == options_.read_timeout_ms)
      return Error(Status::Code::kTimeout, "no answer within " + Seconds(options_.read_timeout_ms));
  }
}

Status Exchange::WriteAll(Conn* conn, const std::string& data) {
  size_t sent = 0;
  // The loop also runs the handshake when `data` is empty.
  do {
    Conn::IoResult r = conn->Write(data.data() + sent, data.size() - sent);
    if (r.io == Io::kDone) {
      sent += r.bytes;
    } else if (r.io == Io::kWantRead || r.io == Io::kWantWrite) {
      FREENAHI_RETURN_IF_ERROR(Wait(*conn, r.io));
    } else if (r.io == Io::kClosed) {
      return Error(Status::Code::kUnavailable, "connection closed while sending the request");
    } else {
      return ConnError(*conn);
    }
  } while (sent < data.size());
  return Status::Ok();
}

Status Exchange::ParseHead(const std::string& head, HttpClientResponse* response,
                           BodyFraming* framing) {
  size_t eol = head.find("\r\n");
  std::string_view status_line(head.data(), eol == std::string::npos ? head.size() : eol);
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ' ||
      !std::isdigit(static_cast<unsigned char>(status_line[9])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[10])) ||
      !std::isdigit(static_cast<unsigned char>(status_line[11])))
    return Error(Status::Code::kIOError, "bad response: not HTTP/1.x");
  response->status = (status_line[9] - '0') * 100 + (status_line[10] - '0') * 10 + (status_line[11] - '0');
  response->headers.clear();
  size_t start = eol == std::string::npos ? head.size() : eol + 2;
  FramingError error;
  while (start < head.size()) {
    size_t end = head.find("\r\n", start);
    if (end == std::string::npos) end = head.size();
    std::string_view line(head.data() + start, end - start);
    start = end + 2;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Error(Status::Code::kIOError, "bad response: malformed header line");
    std::string_view name = line.substr(0, colon), value = TrimHeaderValue(line.substr(colon + 1));
    if (framing->Take(name, value, &error) == BodyFraming::Header::kRejected)
      return Error(Status::Code::kIOError, "bad response: " + error.reason);
    response->headers.emplace_back(Lower(name), std::string(value));
  }
  if (!framing->Check(options_.max_response_body, &error)) {
    return Error(error.status == 413 ? Status::Code::kTooLarge : Status::Code::kIOError,
                 "bad response: " + error.reason);
  }
  return Status::Ok();
}

Result<HttpClientResponse> Exchange::ReadResponse(Conn* conn, bool head_request) {
  HttpClientResponse response;
  std::string head;
  std::unique_ptr<BodyDecoder> decoder;
  char buffer[16384];
  for (;;) {
    Conn::IoResult r = conn->Read(buffer, sizeof(buffer));
    if (r.io == Io::kWantRead || r.io == Io::kWantWrite) {
      FREENAHI_RETURN_IF_ERROR(Wait(*conn, r.io));
      continue;
    }
    if (r.io == Io::kError) return ConnError(*conn);
    if (r.io == Io::kClosed && !decoder)
      return Error(Status::Code::kUnavailable, "connection closed before a complete response");
    std::string_view data(buffer, r.bytes);
    if (!decoder) {
      head.append(data);
      data = {};
      // Heads of interim (1xx) responses are skipped; the final one starts the body.
      for (size_t end; !decoder && (end = head.find("\r\n\r\n")) != std::string::npos;) {
        BodyFraming framing;
        FREENAHI_RETURN_IF_ERROR(ParseHead(head.substr(0, end), &response, &framing));
        std::string rest = head.substr(end + 4);
        head.swap(rest);
        if (response.status >= 100 && response.status < 200) continue;
        if (head_request || response.status == 204 || response.status == 304) return response;
        decoder = std::make_unique<BodyDecoder>(BodyDecoder::ResponseMode(framing),
                                                framing.content_length, framing.gzip,
                                                options_.max_response_body);
      }
      if (!decoder && head.size() > options_.max_response_head)
        return Error(Status::Code::kTooLarge, "response head larger than " +
                                                  std::to_string(options_.max_response_head) + " bytes");
      if (decoder) data = head;
    }
    if (!decoder) continue;
    BodyDecoder::State state = r.io == Io::kClosed ? decoder->FinishAtClose()
                                                   : decoder->Feed(data.data(), data.size());
    head.clear();
    if (state == BodyDecoder::State::kComplete) {
      response.body = std::move(decoder->body());
      return response;
    }
    if (state == BodyDecoder::State::kRejected) {
      const FramingError& error = decoder->error();
      if (error.status == 413)
        return Error(Status::Code::kTooLarge, "response " + error.reason);
      return Error(Status::Code::kIOError, "bad response: " + error.reason);
    }
  }
}

}  // namespace

std::optional<std::string> HttpClientResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return std::nullopt;
}

Result<HttpsUrl> ParseHttpsUrl(const std::string& url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() < kScheme.size() || Lower(url.substr(0, kScheme.size())) != kScheme)
    return Status::InvalidArgument("URL must start with https://: " + url.substr(0, url.find('?')));
  std::string rest = url.substr(kScheme.size());
  rest = rest.substr(0, rest.find('#'));
  size_t slash = rest.find_first_of("/?");
  HttpsUrl parsed;
  parsed.authority = rest.substr(0, slash);
  parsed.target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (parsed.target[0] == '?') parsed.target = "/" + parsed.target;
  const std::string& authority = parsed.authority;
  if (authority.empty() || authority.find('@') != std::string::npos)
    return Status::InvalidArgument("URL has no usable host: " + authority);
  std::string port_text;
  if (authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) return Status::InvalidArgument("URL has a bad IPv6 host: " + authority);
    parsed.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Status::InvalidArgument("URL has a bad host: " + authority);
      port_text = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.find(':');
    parsed.host = authority.substr(0, colon);
    if (colon != std::string::npos) port_text = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) return Status::InvalidArgument("URL has no host: " + authority);
  if (!port_text.empty() || authority.back() == ':') {
    bool digits = !port_text.empty() && port_text.size() <= 5 &&
                  std::all_of(port_text.begin(), port_text.end(), [](char c) { return c >= '0' && c <= '9'; });
    int port = digits ? std::stoi(port_text) : 0;
    if (port < 1 || port > 65535) return Status::InvalidArgument("URL has a bad port: " + authority);
    parsed.port = port;
  }
  return parsed;
}

Result<HttpClient> HttpClient::Create(const HttpClientOptions& options) {
  std::string bundle = options.system_ca_bundle.empty() ? DefaultSystemCaBundle() : options.system_ca_bundle;
  auto tls = TlsClientContext::Load(bundle, options.ca_file);
  if (!tls.ok()) return tls.status();
  return HttpClient(options, std::move(tls.value()));
}

Result<HttpClientResponse> HttpClient::Fetch(const HttpClientRequest& request) const {
  auto url = ParseHttpsUrl(request.url);
  if (!url.ok()) return url.status();
  bool ipv6 = url->host.find(':') != std::string::npos;
  std::string where = (ipv6 ? "[" + url->host + "]" : url->host) + ":" + std::to_string(url->port);
  auto bytes = BuildRequest(request, *url);
  if (!bytes.ok()) return bytes.status().WithContext(where);
  Exchange exchange(where, options_, MonotonicMs() + options_.total_timeout_ms);
  auto fd = exchange.Connect(*url);
  if (!fd.ok()) return fd.status();
  std::unique_ptr<Conn> conn = tls_->Connect(std::move(fd.value()), url->host);
  FREENAHI_RETURN_IF_ERROR(exchange.WriteAll(conn.get(), *bytes));
  return exchange.ReadResponse(conn.get(), request.method == "HEAD");
}

Result<HttpClientResponse> HttpFetch(const HttpClientRequest& request, const HttpClientOptions& options) {
  auto client = HttpClient::Create(options);
  if (!client.ok()) return client.status();
  return client->Fetch(request);
}

}  // namespace freenahi
