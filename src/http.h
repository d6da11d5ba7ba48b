// SPDX-License-Identifier: MIT
// HTTP over buffers, no sockets: RequestReader frames one request from incoming bytes (limits;
// the body through body_framing.h); HttpRouter lets cpp-httplib parse the head, route and write
// the response, without its thread-per-connection server. The body never goes through httplib:
// handlers get it as a view, so a 10 MB sync is held once, not twice.
#ifndef FREENAHI_HTTP_H_
#define FREENAHI_HTTP_H_

#include <httplib.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "body_framing.h"

namespace freenahi {

struct HttpLimits {
  size_t max_header_bytes = 16384;  // request line + headers
  size_t max_body = 64 << 20;       // after gzip decoding, and on the wire
};

class RequestReader {
 public:
  enum class State { kHeaders, kBody, kComplete, kRejected };
  explicit RequestReader(const HttpLimits& limits) : limits_(limits) {}

  // Consumes bytes; returns the state after them. Bytes past the end of the request are ignored
  // (one request per connection).
  State Feed(const char* data, size_t size);
  State state() const { return state_; }
  bool headers_done() const { return state_ != State::kHeaders; }
  // True once, right after the headers of a request that sent "Expect: 100-continue" and passed
  // the limits: the caller sends "HTTP/1.1 100 Continue" so curl does not wait a second.
  bool TakeContinueRequest();
  // kRejected: the status (400, 411, 413, 415, 431, 501) and a reason for the JSON error body.
  int reject_status() const { return reject_status_; }
  const std::string& reject_reason() const { return reject_reason_; }
  // kComplete: the head for httplib (Expect/Content-Encoding/Transfer-Encoding/Content-Length
  // removed, "Content-Length: 0" added) and the decoded body.
  const std::string& head() const { return head_; }
  std::string& body() { return decoder_ ? decoder_->body() : empty_body_; }

 private:
  State Reject(int status, std::string reason);
  State ParseHead();
  State FeedBody(const char* data, size_t size);

  HttpLimits limits_;
  State state_ = State::kHeaders;
  std::string head_;
  BodyFraming framing_;
  std::unique_ptr<BodyDecoder> decoder_;  // set once the head is parsed
  std::string empty_body_;
  bool continue_pending_ = false;
  int reject_status_ = 0;
  std::string reject_reason_;
};

// Routes framed requests with httplib's matching and answers with its serialisation. Unknown
// paths 404, known paths with another method 405, every error with {"error": "..."}.
class HttpRouter : private httplib::Server {
 public:
  using Handler =
      std::function<void(const httplib::Request&, std::string_view body, httplib::Response&)>;
  HttpRouter();
  // `pattern` is an ECMAScript regex over the whole path. Registration order is match order.
  void Post(const std::string& pattern, Handler handler);
  void Get(const std::string& pattern, Handler handler);
  // Full response bytes ("HTTP/1.1 ...", Connection: close) for one request.
  std::string Handle(const std::string& head, std::string_view body, const std::string& peer_ip,
                     int peer_port);

 private:
  void AllowOnly(const std::string& pattern, const std::string& allowed);
  std::string_view current_body_;

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

// A complete error response for a request httplib never saw (framing rejects, timeouts).
std::string ErrorResponse(int status, const std::string& reason);
// {"error":"<reason>"} with JSON escaping.
std::string ErrorBody(const std::string& reason);

}  // namespace freenahi

#endif  // FREENAHI_HTTP_H_
