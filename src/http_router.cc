// SPDX-License-Identifier: MIT
// HttpRouter: an httplib::Server that never touches a socket. Its head parser, route matching and
// response writer run over a buffer (BufferStream); handlers get plain HttpRequest/HttpResponse
// copies, and the body stays where RequestReader put it.
#include "http_router.h"

#include <httplib.h>

#include <algorithm>
#include <cstring>
#include <regex>
#include <type_traits>
#include <utility>

// cpp-httplib moved status_message out of `detail` between Debian bookworm's 0.11 and trixie's
// 0.18; with both namespaces in scope, unqualified lookup finds whichever this header has.
namespace freenahi_httplib_compat {
using namespace httplib;
using namespace httplib::detail;
inline const char* StatusText(int status) { return status_message(status); }
}  // namespace freenahi_httplib_compat

namespace freenahi {
namespace {

using freenahi_httplib_compat::StatusText;

// httplib reads the head from here and writes the response into `out`.
class BufferStream : public httplib::Stream {
 public:
  BufferStream(const std::string& head, std::string* out, const std::string& ip, int port)
      : head_(head), out_(out), ip_(ip), port_(port) {}
  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, head_.size() - offset_);
    memcpy(ptr, head_.data() + offset_, n);
    offset_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_->append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = ip_;
    port = port_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip.clear();
    port = 0;
  }
  socket_t socket() const override { return INVALID_SOCKET; }  // httplib only compares it

 private:
  const std::string& head_;
  size_t offset_ = 0;
  std::string* out_;
  const std::string& ip_;
  int port_;
};

HttpRequest CopyRequest(const httplib::Request& req) {
  HttpRequest out;
  out.method = req.method;
  out.path = req.path;
  out.remote_addr = req.remote_addr;
  out.remote_port = req.remote_port;
  out.headers.assign(req.headers.begin(), req.headers.end());
  out.params.assign(req.params.begin(), req.params.end());
  for (const auto& match : req.matches) out.matches.push_back(match.str());
  return out;
}

void CopyResponse(const HttpResponse& from, httplib::Response* res) {
  res->status = from.status;
  for (const auto& [name, value] : from.headers) res->set_header(name, value);
  if (!from.body.empty() || !from.content_type.empty()) res->set_content(from.body, from.content_type);
}

std::string FirstValue(const std::vector<std::pair<std::string, std::string>>& pairs,
                       std::string_view name, bool any_case) {
  for (const auto& [key, value] : pairs) {
    if (any_case ? HeaderNameEquals(key, name) : key == name) return value;
  }
  return {};
}

}  // namespace

std::string HttpRequest::Header(std::string_view name) const { return FirstValue(headers, name, true); }
std::string HttpRequest::Param(std::string_view name) const { return FirstValue(params, name, false); }

struct HttpRouter::Impl : httplib::Server {
  RequestBody* current_body = nullptr;
  KeepAlive* current_keep_alive = nullptr;  // set while Handle runs with keep-alive wanted
  bool current_http10 = false;
  struct BodyRoute {
    std::regex pattern;
    HeadCheck admit;
  };
  std::vector<BodyRoute> body_routes;

  Impl();
  // httplib's post-routing hook: the Connection/Keep-Alive headers as current_keep_alive says.
  void ApplyKeepAlive(httplib::Response& res);
  void AllowOnly(const std::string& pattern, const std::string& allowed);
  // httplib's handler for a route: the handler's answer to a plain copy of the request.
  template <typename Body>
  httplib::Server::Handler Adapt(std::function<void(const HttpRequest&, Body, HttpResponse&)> handler);
  void Process(BufferStream& stream, const std::string& peer_ip, int peer_port, bool keep);

  // Whether httplib::Server::process_request takes the peer's address (cpp-httplib 0.18, Debian
  // trixie) or asks the stream (0.11, bookworm). Nested, because process_request is protected.
  template <typename Server, typename = void>
  struct TakesPeerArguments : std::false_type {};
  template <typename Server>
  struct TakesPeerArguments<Server, std::void_t<decltype(std::declval<Server&>().process_request(
                                        std::declval<httplib::Stream&>(), std::string(), 0,
                                        std::string(), 0, true, std::declval<bool&>(), nullptr))>>
      : std::true_type {};
};

HttpRouter::Impl::Impl() {
  httplib::Server::HandlerWithResponse on_error = [](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      res.set_content(ErrorBody(StatusText(res.status)), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  set_error_handler(on_error);
  set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) { ApplyKeepAlive(res); });
}

void HttpRouter::Impl::ApplyKeepAlive(httplib::Response& res) {
  if (current_keep_alive == nullptr) return;  // httplib wrote "Connection: close"
  res.headers.erase("Keep-Alive");
  if (res.status >= 400) {  // an error ends the exchange: the client starts afresh
    current_keep_alive->kept = false;
    res.set_header("Connection", "close");
    return;
  }
  current_keep_alive->kept = true;
  res.set_header("Keep-Alive", "timeout=" + std::to_string(current_keep_alive->timeout_s) +
                                   ", max=" + std::to_string(current_keep_alive->remaining));
  if (current_http10) res.set_header("Connection", "keep-alive");
}

template <typename Body>
httplib::Server::Handler HttpRouter::Impl::Adapt(
    std::function<void(const HttpRequest&, Body, HttpResponse&)> handler) {
  return [this, handler](const httplib::Request& req, httplib::Response& res) {
    HttpResponse answer;
    if constexpr (std::is_same_v<Body, RequestBody&>) {
      RequestBody empty;
      handler(CopyRequest(req), current_body ? *current_body : empty, answer);
    } else {
      handler(CopyRequest(req), current_body ? current_body->memory() : std::string_view(), answer);
    }
    CopyResponse(answer, &res);
  };
}

void HttpRouter::Impl::AllowOnly(const std::string& pattern, const std::string& allowed) {
  auto not_allowed = [allowed](const httplib::Request&, httplib::Response& res) {
    res.status = 405;
    res.set_header("Allow", allowed);
    res.set_content(ErrorBody("method not allowed"), "application/json");
  };
  if (allowed != "POST") httplib::Server::Post(pattern, not_allowed);
  if (allowed == "POST") httplib::Server::Get(pattern, not_allowed);
  Put(pattern, not_allowed);
  Delete(pattern, not_allowed);
  Patch(pattern, not_allowed);
  Options(pattern, not_allowed);
}

void HttpRouter::Impl::Process(BufferStream& stream, const std::string& peer_ip, int peer_port,
                               bool keep) {
  bool connection_closed = true;
  // A generic lambda, so that only the process_request this cpp-httplib declares is instantiated.
  auto process = [&](auto& server) {
    if constexpr (TakesPeerArguments<std::decay_t<decltype(server)>>::value) {
      server.process_request(stream, peer_ip, peer_port, std::string(), 0,
                             /*close_connection=*/!keep, connection_closed, nullptr);
    } else {
      server.process_request(stream, /*close_connection=*/!keep, connection_closed, nullptr);
    }
  };
  process(*this);
}

HttpRouter::HttpRouter() : impl_(std::make_unique<Impl>()) {}
HttpRouter::~HttpRouter() = default;

void HttpRouter::Post(const std::string& pattern, Handler handler, HeadCheck admit) {
  impl_->httplib::Server::Post(pattern, impl_->Adapt<std::string_view>(std::move(handler)));
  impl_->AllowOnly(pattern, "POST");
  impl_->body_routes.push_back(Impl::BodyRoute{std::regex(pattern), std::move(admit)});
}

void HttpRouter::PostBody(const std::string& pattern, BodyHandler handler, HeadCheck admit) {
  impl_->httplib::Server::Post(pattern, impl_->Adapt<RequestBody&>(std::move(handler)));
  impl_->AllowOnly(pattern, "POST");
  impl_->body_routes.push_back(Impl::BodyRoute{std::regex(pattern), std::move(admit)});
}

void HttpRouter::Get(const std::string& pattern, Handler handler) {
  impl_->httplib::Server::Get(pattern, impl_->Adapt<std::string_view>(std::move(handler)));
  impl_->AllowOnly(pattern, "GET, HEAD");
}

HeadVerdict HttpRouter::Admit(const std::string& head) const {
  RequestHeadView view(head);
  HeadVerdict skip;
  skip.action = HeadVerdict::Action::kSkipBody;
  if (view.method() != "POST") return skip;
  std::string path(view.path());
  for (const Impl::BodyRoute& route : impl_->body_routes) {
    if (!std::regex_match(path, route.pattern)) continue;
    return route.admit ? route.admit(head) : HeadVerdict{};
  }
  return skip;
}

std::string HttpRouter::Handle(const std::string& head, std::string_view body,
                               const std::string& peer_ip, int peer_port) {
  RequestBody whole{std::string(body)};
  return Handle(head, whole, peer_ip, peer_port);
}

std::string HttpRouter::Handle(const std::string& head, RequestBody& body,
                               const std::string& peer_ip, int peer_port, KeepAlive* keep_alive) {
  std::string out;
  BufferStream stream(head, &out, peer_ip, peer_port);
  if (keep_alive != nullptr) keep_alive->kept = false;
  bool keep = keep_alive != nullptr && keep_alive->offered && ClientWantsKeepAlive(head);
  impl_->current_body = &body;
  impl_->current_keep_alive = keep ? keep_alive : nullptr;
  impl_->current_http10 = RequestHeadView(head).version() == "HTTP/1.0";
  impl_->Process(stream, peer_ip, peer_port, keep);
  impl_->current_body = nullptr;
  impl_->current_keep_alive = nullptr;
  return out;
}

std::string ErrorBody(const std::string& reason) {
  std::string json = "{\"error\":\"";
  for (char c : reason) {
    if (c == '"' || c == '\\') json.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) continue;
    json.push_back(c);
  }
  return json + "\"}";
}

std::string ErrorResponse(int status, const std::string& reason) {
  std::string body = ErrorBody(reason);
  return "HTTP/1.1 " + std::to_string(status) + " " + StatusText(status) +
         (status == 503 ? "\r\nRetry-After: 60" : "") +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace freenahi
