// SPDX-License-Identifier: MIT
// Routing of framed requests (http.h's RequestReader) to handlers, with cpp-httplib parsing the
// head, matching the routes and writing the response, without its thread-per-connection server.
// Handlers see plain HttpRequest/HttpResponse structs: only http_router.cc includes httplib.h,
// whose std::regex-heavy templates cost ~20 s of compiling per file that includes it (~70 s
// under ASan).
#ifndef FREENAHI_HTTP_ROUTER_H_
#define FREENAHI_HTTP_ROUTER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http.h"
#include "request_body.h"

namespace freenahi {

// What a handler sees of a request, copied from httplib's parse of the head.
struct HttpRequest {
  std::string method;
  std::string path;  // without the query string
  std::string remote_addr;
  int remote_port = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // by name; same names as received
  std::vector<std::pair<std::string, std::string>> params;   // the query string, decoded
  std::vector<std::string> matches;  // the route pattern's match: [0] the path, then its groups

  // The first header named `name` (case-insensitive); empty when absent.
  std::string Header(std::string_view name) const;
  // The first query parameter named `name`; empty when absent.
  std::string Param(std::string_view name) const;
};

// What a handler answers. A status of 400 or more with no body gets {"error": "<status text>"}.
struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;  // added to the defaults

  void SetContent(std::string content, std::string type) {
    body = std::move(content);
    content_type = std::move(type);
  }
  void AddHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

// Unknown paths 404, known paths with another method 405, every error with {"error": "..."}.
class HttpRouter {
 public:
  using Handler = std::function<void(const HttpRequest&, std::string_view body, HttpResponse&)>;
  // For routes whose `admit` may spool the body: it comes as a RequestBody.
  using BodyHandler = std::function<void(const HttpRequest&, RequestBody& body, HttpResponse&)>;
  HttpRouter();
  ~HttpRouter();
  HttpRouter(const HttpRouter&) = delete;
  HttpRouter& operator=(const HttpRouter&) = delete;

  // `pattern` is an ECMAScript regex over the whole path. Registration order is match order.
  // `admit` (optional) decides from the head whether the body is read at all (HeadCheck); it
  // must not ask for a spool (the body comes as a view of memory).
  void Post(const std::string& pattern, Handler handler, HeadCheck admit = nullptr);
  // The same for a handler that takes a body that may be spooled.
  void PostBody(const std::string& pattern, BodyHandler handler, HeadCheck admit);
  void Get(const std::string& pattern, Handler handler);
  // Full response bytes ("HTTP/1.1 ...") for one request. Without `keep_alive` (or when it is
  // not offered, the client does not want it, or the status is 400 or above) the answer says
  // "Connection: close"; else it carries "Keep-Alive: timeout=T, max=N" and keep_alive->kept.
  std::string Handle(const std::string& head, RequestBody& body, const std::string& peer_ip,
                     int peer_port, KeepAlive* keep_alive = nullptr);
  // The same with a body in memory (tests).
  std::string Handle(const std::string& head, std::string_view body, const std::string& peer_ip,
                     int peer_port);
  // The HeadCheck for every request: a POST matching a route with `admit` asks it; a POST
  // matching another POST route reads its body; anything else is answered from its head alone
  // (GET routes take no body; 404 and 405 need none), its body discarded unread.
  HeadVerdict Admit(const std::string& head) const;

 private:
  struct Impl;  // an httplib::Server driven over buffers
  std::unique_ptr<Impl> impl_;
};

// A complete error response for a request httplib never saw (framing rejects, timeouts).
std::string ErrorResponse(int status, const std::string& reason);
// {"error":"<reason>"} with JSON escaping.
std::string ErrorBody(const std::string& reason);

}  // namespace freenahi

#endif  // FREENAHI_HTTP_ROUTER_H_
