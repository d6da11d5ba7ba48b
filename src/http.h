// SPDX-License-Identifier: MIT
// HTTP over buffers, no sockets: RequestReader frames one request from incoming bytes (limits;
// the body through body_framing.h) and says what its head asks for; http_router.h answers it.
// The body never goes through httplib: handlers get it as a view, so a 10 MB sync is held once,
// not twice.
#ifndef FREENAHI_HTTP_H_
#define FREENAHI_HTTP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
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

}  // namespace freenahi

#endif  // FREENAHI_HTTP_H_
