// SPDX-License-Identifier: MIT
// Request framing over buffers. It is ours, not httplib's, because the loop must know when a
// request is complete before anything parses it, and because limits (header bytes, body bytes,
// gzip expansion) must hold before memory is spent. Routing is http_router.cc's.
#include "http.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <utility>

namespace freenahi {
namespace {

constexpr size_t kMaxRequestLine = 8192;  // CPPHTTPLIB_REQUEST_URI_MAX_LENGTH's default

// An RFC 9110 token (header field names): visible ASCII but no separators.
bool IsToken(std::string_view s) {
  for (char c : s) {
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
    if (!ok || c == '\0') return false;
  }
  return !s.empty();
}

}  // namespace

RequestHeadView::RequestHeadView(std::string_view head) : head_(head) {
  std::string_view line = head.substr(0, head.find("\r\n"));
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return;
  method_ = line.substr(0, space);
  std::string_view target = line.substr(space + 1);
  size_t second = target.find(' ');
  if (second != std::string_view::npos) version_ = target.substr(second + 1);
  target = target.substr(0, second);
  path_ = target.substr(0, target.find('?'));
}

std::string_view RequestHeadView::Header(std::string_view name) const {
  size_t start = head_.find("\r\n");
  while (start != std::string_view::npos && start + 2 < head_.size()) {
    start += 2;
    size_t eol = head_.find("\r\n", start);
    std::string_view line = head_.substr(start, eol == std::string_view::npos ? eol : eol - start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && HeaderNameEquals(line.substr(0, colon), name))
      return TrimHeaderValue(line.substr(colon + 1));
    start = eol;
  }
  return {};
}

bool ClientWantsKeepAlive(std::string_view head) {
  RequestHeadView view(head);
  bool http11 = view.version() == "HTTP/1.1";
  if (!http11 && view.version() != "HTTP/1.0") return false;
  bool close = false, keep = false;
  std::string_view tokens = view.Header("Connection");
  while (!tokens.empty()) {
    size_t comma = tokens.find(',');
    std::string_view token = TrimHeaderValue(tokens.substr(0, comma));
    close = close || HeaderNameEquals(token, "close");
    keep = keep || HeaderNameEquals(token, "keep-alive");
    tokens = comma == std::string_view::npos ? std::string_view() : tokens.substr(comma + 1);
  }
  return !close && (http11 || keep);
}

bool RequestReader::TakeContinueRequest() { return std::exchange(continue_pending_, false); }

RequestReader::State RequestReader::Reject(int status, std::string reason) {
  reject_status_ = status;
  reject_reason_ = std::move(reason);
  continue_pending_ = false;  // no "100 Continue" for a request already refused
  decoder_.reset();
  body_.Clear();
  return state_ = State::kRejected;
}

RequestReader::State RequestReader::Feed(const char* data, size_t size) {
  if (state_ == State::kHeaders) {
    size_t before = head_.size();
    head_.append(data, size);  // bounded by the caller's read buffer
    // Search from a little before the new bytes: the blank line may straddle two reads.
    size_t end = head_.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
    // The head's size is where its blank line starts. Until that is seen, the last 3 bytes may
    // be its start: counting them would refuse a head of exactly the limit in some splits only.
    size_t at_least =
        end != std::string::npos ? end : head_.size() - std::min<size_t>(head_.size(), 3);
    if (at_least > limits_.max_header_bytes)
      return Reject(431, "request headers larger than " + std::to_string(limits_.max_header_bytes) + " bytes");
    if (end == std::string::npos) return state_;
    size_t consumed = end + 4 - before;
    head_.resize(end + 2);  // keep the last header's CRLF; ParseHead adds the blank line back
    ParseHead();  // then the bytes after the head: body, or a pipelined request (KeepExtra)
    return FeedBody(data + consumed, size - consumed);
  }
  if (state_ == State::kBody) return FeedBody(data, size);
  KeepExtra(data, size);
  return state_;
}

RequestReader::State RequestReader::StartNext() {
  std::string extra = std::move(extra_);
  HttpLimits limits = limits_;
  HeadCheck check = std::move(check_);
  *this = RequestReader(limits, std::move(check));
  return extra.empty() ? state_ : Feed(extra.data(), extra.size());
}

// Only after a request read to its end: after a rejection or a skipped body, what follows is
// not a request (and the connection closes).
void RequestReader::KeepExtra(const char* data, size_t size) {
  if (state_ == State::kComplete && !body_skipped_ && size > 0) extra_.append(data, size);
}

RequestReader::State RequestReader::ParseHead() {
  std::string kept;
  kept.reserve(head_.size() + 24);
  size_t start = 0;
  bool first = true;
  FramingError error;
  while (start < head_.size()) {
    size_t eol = head_.find("\r\n", start);
    std::string_view line(head_.data() + start, eol - start);
    start = eol + 2;
    if (first) {
      first = false;
      if (line.size() + 2 > kMaxRequestLine)  // httplib's own limit would answer 414 unlogged
        return Reject(414, "request line longer than " + std::to_string(kMaxRequestLine) + " bytes");
      kept.append(line).append("\r\n");
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Reject(400, "malformed header line");
    // RFC 9112 §5.1: no whitespace between name and colon ("Transfer-Encoding : chunked" would
    // be a header we ignore while a proxy in front honours it: request smuggling).
    if (!IsToken(line.substr(0, colon))) return Reject(400, "malformed header name");
    std::string_view name = line.substr(0, colon), value = TrimHeaderValue(line.substr(colon + 1));
    BodyFraming::Header use = framing_.Take(name, value, &error);
    if (use == BodyFraming::Header::kRejected) return Reject(error.status, error.reason);
    if (use == BodyFraming::Header::kTaken) continue;
    if (HeaderNameEquals(name, "Expect")) {
      if (!HeaderNameEquals(value, "100-continue")) return Reject(417, "unsupported Expect");
      continue_pending_ = true;
    } else {
      kept.append(line).append("\r\n");
    }
  }
  if (!framing_.Check(limits_.max_body, &error)) return Reject(error.status, error.reason);
  kept.append("Content-Length: 0\r\n\r\n");
  head_ = std::move(kept);
  bool has_body = framing_.chunked || (framing_.have_length && framing_.content_length > 0);
  if (has_body && check_ && ApplyHeadCheck() != State::kBody) return state_;
  if (!framing_.gzip && !framing_.chunked) body_.Reserve(framing_.content_length);
  decoder_ = std::make_unique<BodyDecoder>(BodyDecoder::RequestMode(framing_),
                                           framing_.content_length, framing_.gzip, limits_.max_body,
                                           &body_);
  state_ = State::kBody;
  return FeedBody(nullptr, 0);
}

RequestReader::State RequestReader::ApplyHeadCheck() {
  HeadVerdict verdict = check_(head_);
  if (verdict.action == HeadVerdict::Action::kReject) {
    Reject(verdict.status, std::move(verdict.reason));
    reject_detail_ = std::move(verdict.log_detail);
    return state_;
  }
  if (verdict.action == HeadVerdict::Action::kSkipBody) {
    body_skipped_ = true;
    continue_pending_ = false;
    return state_ = State::kComplete;
  }
  if (!verdict.spool_dir.empty()) body_ = RequestBody(std::move(verdict.spool_dir), verdict.spool_above);
  if (!verdict.mac_key.empty()) body_.StartMac(verdict.mac_key, std::move(verdict.mac_prefix));
  return state_ = State::kBody;
}

RequestReader::State RequestReader::FeedBody(const char* data, size_t size) {
  if (state_ != State::kBody) {
    KeepExtra(data, size);
    return state_;
  }
  size_t consumed = 0;
  BodyDecoder::State decoded = decoder_->Feed(data, size, &consumed);
  body_wire_bytes_ += consumed;
  switch (decoded) {
    case BodyDecoder::State::kBody:
      return state_;
    case BodyDecoder::State::kComplete:
      state_ = State::kComplete;
      KeepExtra(data + consumed, size - consumed);
      return state_;
    case BodyDecoder::State::kRejected:
      break;
  }
  FramingError error = decoder_->error();
  return Reject(error.status, error.reason);
}

}  // namespace freenahi
