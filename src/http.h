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
#include <regex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "body_framing.h"
#include "request_body.h"

namespace freenahi {

struct HttpLimits {
  size_t max_header_bytes = 16384;  // request line + headers
  size_t max_body = 64 << 20;       // after gzip decoding, and on the wire
};

// What to do with a request once its head is read, before any byte of its body is kept or
// inflated: decided by the routes (a webhook checks its Bearer token here), so a body nobody
// will accept costs its headers only.
struct HeadVerdict {
  enum class Action { kReadBody, kSkipBody, kReject };
  Action action = Action::kReadBody;  // kSkipBody: answer from the head, discard the body
  int status = 0;                     // kReject
  std::string reason;                 // kReject: the JSON error body's text
  std::string log_detail;             // kReject: why, for the log (never a secret)
  // kReadBody: where a body larger than `spool_above` bytes goes (RequestBody); empty: memory.
  std::string spool_dir;
  size_t spool_above = 2 << 20;
  // kReadBody, when `mac_key` is set: the body computes HMAC-SHA256(mac_key, mac_prefix + body)
  // as it arrives (RequestBody::StartMac).
  std::string mac_key;
  std::string mac_prefix;
};
// Called with the head as RequestHeadView reads it (framing headers removed).
using HeadCheck = std::function<HeadVerdict(const std::string& head)>;

// Read-only access to a head's request line and headers (for HeadCheck).
class RequestHeadView {
 public:
  explicit RequestHeadView(std::string_view head);
  std::string_view method() const { return method_; }
  std::string_view path() const { return path_; }  // without the query string
  std::string_view version() const { return version_; }  // "HTTP/1.1"
  // The first header named `name` (case-insensitive), trimmed; empty when absent.
  std::string_view Header(std::string_view name) const;

 private:
  std::string_view head_, method_, path_, version_;
};

// Whether the client lets the connection stay open after this request (`head` as the reader
// gives it): HTTP/1.1 unless a Connection header says "close"; HTTP/1.0 only when it says
// "keep-alive" (comma-separated tokens, any case).
bool ClientWantsKeepAlive(std::string_view head);

// One request's keep-alive: what the connection offers, and what the answer decided.
struct KeepAlive {
  bool offered = false;   // the connection may take another request after this one
  int64_t timeout_s = 5;  // idle time allowed before that request (the Keep-Alive header)
  size_t remaining = 0;   // requests the connection takes after this one
  bool kept = false;      // set by HttpRouter::Handle: the answer leaves the connection open
};

class RequestReader {
 public:
  enum class State { kHeaders, kBody, kComplete, kRejected };
  // `check` (optional) runs once the head is read, when the request has a body.
  explicit RequestReader(const HttpLimits& limits, HeadCheck check = nullptr)
      : limits_(limits), check_(std::move(check)) {}

  // Consumes bytes; returns the state after them. Bytes past the end of a complete request (a
  // pipelined next request) are kept for StartNext(); after a rejection they are ignored.
  State Feed(const char* data, size_t size);
  // The next request on the same connection (keep-alive): forgets this one, then feeds the new
  // one the bytes already received past its end. Returns the state after them.
  State StartNext();
  // Bytes received past the end of the complete request, waiting for StartNext().
  size_t extra_bytes() const { return extra_.size(); }
  State state() const { return state_; }
  bool headers_done() const { return state_ != State::kHeaders; }
  // True once, right after the headers of a request that sent "Expect: 100-continue" and passed
  // the limits: the caller sends "HTTP/1.1 100 Continue" so curl does not wait a second.
  bool TakeContinueRequest();
  // kRejected: the status (400, 411, 413, 415, 431, 501) and a reason for the JSON error body.
  int reject_status() const { return reject_status_; }
  const std::string& reject_reason() const { return reject_reason_; }
  // kRejected by the HeadCheck: its log detail (empty otherwise).
  const std::string& reject_detail() const { return reject_detail_; }
  // kComplete without reading the body (HeadVerdict kSkipBody): the rest of it is unread.
  bool body_skipped() const { return body_skipped_; }
  // Body bytes taken so far, on the wire (before gzip decoding): the listener's rate check.
  uint64_t body_bytes_received() const { return body_wire_bytes_; }
  // kComplete: the head for httplib (Expect/Content-Encoding/Transfer-Encoding/Content-Length
  // removed, "Content-Length: 0" added) and the decoded body (in memory or spooled, as the
  // HeadCheck's verdict said).
  const std::string& head() const { return head_; }
  RequestBody& body() { return body_; }

 private:
  State Reject(int status, std::string reason);
  State ParseHead();
  State FeedBody(const char* data, size_t size);

  State ApplyHeadCheck();
  void KeepExtra(const char* data, size_t size);

  HttpLimits limits_;
  HeadCheck check_;
  State state_ = State::kHeaders;
  std::string head_;
  BodyFraming framing_;
  std::unique_ptr<BodyDecoder> decoder_;  // set once the head is parsed
  RequestBody body_;                      // the decoder's output
  bool continue_pending_ = false;
  int reject_status_ = 0;
  std::string reject_reason_;
  std::string reject_detail_;
  bool body_skipped_ = false;
  uint64_t body_wire_bytes_ = 0;
  std::string extra_;  // bytes past the end of the complete request
};

// Routes framed requests with httplib's matching and answers with its serialisation. Unknown
// paths 404, known paths with another method 405, every error with {"error": "..."}.
class HttpRouter : private httplib::Server {
 public:
  using Handler =
      std::function<void(const httplib::Request&, std::string_view body, httplib::Response&)>;
  // For routes whose `admit` may spool the body: it comes as a RequestBody.
  using BodyHandler =
      std::function<void(const httplib::Request&, RequestBody& body, httplib::Response&)>;
  HttpRouter();
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
  void AllowOnly(const std::string& pattern, const std::string& allowed);
  // httplib's post-routing hook: the Connection/Keep-Alive headers as current_keep_alive_ says.
  void ApplyKeepAlive(httplib::Response& res);
  RequestBody* current_body_ = nullptr;
  KeepAlive* current_keep_alive_ = nullptr;  // set while Handle runs with keep-alive wanted
  bool current_http10_ = false;
  struct BodyRoute {
    std::regex pattern;
    HeadCheck admit;
  };
  std::vector<BodyRoute> body_routes_;

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
