// SPDX-License-Identifier: MIT
// Request framing and httplib-driven routing over buffers. The framing is ours because the loop
// must know when a request is complete before anything parses it, and because limits (header
// bytes, body bytes, gzip expansion) must hold before memory is spent.
#include "http.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
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

constexpr size_t kMaxChunkLine = 1024;

bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseDecimal(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() > 18) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *value = v;
  return true;
}

bool ParseHex(std::string_view text, uint64_t* value) {
  if (text.empty() || text.size() > 15) return false;
  uint64_t v = 0;
  for (char c : text) {
    int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                : (c >= 'a' && c <= 'f')                     ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                     ? c - 'A' + 10
                                                             : -1;
    if (digit < 0) return false;
    v = v * 16 + static_cast<uint64_t>(digit);
  }
  *value = v;
  return true;
}

// Inflates a gzip body, refusing to grow past `max_bytes` (a gzip bomb costs nothing).
// Returns 0 on success, else the HTTP status to answer.
int Gunzip(const std::string& compressed, size_t max_bytes, std::string* out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return 500;
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  out->clear();
  char buffer[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) return 400;
    size_t produced = sizeof(buffer) - zs.avail_out;
    if (out->size() + produced > max_bytes) return 413;
    out->append(buffer, produced);
    if (rc == Z_OK && produced == 0 && zs.avail_in == 0) return 400;  // truncated stream
  }
  return 0;
}

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

}  // namespace

RequestHeadView::RequestHeadView(std::string_view head) : head_(head) {
  std::string_view line = head.substr(0, head.find("\r\n"));
  size_t space = line.find(' ');
  if (space == std::string_view::npos) return;
  method_ = line.substr(0, space);
  std::string_view target = line.substr(space + 1);
  target = target.substr(0, target.find(' '));
  path_ = target.substr(0, target.find('?'));
}

std::string_view RequestHeadView::Header(std::string_view name) const {
  size_t start = head_.find("\r\n");
  while (start != std::string_view::npos && start + 2 < head_.size()) {
    start += 2;
    size_t eol = head_.find("\r\n", start);
    std::string_view line = head_.substr(start, eol == std::string_view::npos ? eol : eol - start);
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && IEquals(line.substr(0, colon), name))
      return Trim(line.substr(colon + 1));
    start = eol;
  }
  return {};
}

bool RequestReader::TakeContinueRequest() { return std::exchange(continue_pending_, false); }

RequestReader::State RequestReader::Reject(int status, std::string reason) {
  reject_status_ = status;
  reject_reason_ = std::move(reason);
  continue_pending_ = false;  // no "100 Continue" for a request already refused
  body_.clear();
  body_.shrink_to_fit();
  return state_ = State::kRejected;
}

RequestReader::State RequestReader::Feed(const char* data, size_t size) {
  if (state_ == State::kHeaders) {
    size_t before = head_.size();
    head_.append(data, size);  // bounded by the caller's read buffer
    // Search from a little before the new bytes: the blank line may straddle two reads.
    size_t end = head_.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
    if ((end == std::string::npos ? head_.size() : end) > limits_.max_header_bytes)
      return Reject(431, "request headers larger than " + std::to_string(limits_.max_header_bytes) + " bytes");
    if (end == std::string::npos) return state_;
    size_t consumed = end + 4 - before;
    head_.resize(end + 2);  // keep the last header's CRLF; ParseHead adds the blank line back
    if (ParseHead() != State::kBody) return state_;
    return FeedBody(data + consumed, size - consumed);
  }
  if (state_ == State::kBody) return FeedBody(data, size);
  return state_;
}

RequestReader::State RequestReader::ParseHead() {
  std::string kept;
  kept.reserve(head_.size() + 24);
  bool have_length = false;
  size_t start = 0;
  bool first = true;
  while (start < head_.size()) {
    size_t eol = head_.find("\r\n", start);
    std::string_view line(head_.data() + start, eol - start);
    start = eol + 2;
    if (first) {
      first = false;
      kept.append(line).append("\r\n");
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Reject(400, "malformed header line");
    std::string_view name = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (IEquals(name, "Content-Length")) {
      uint64_t length;
      if (!ParseDecimal(value, &length)) return Reject(400, "malformed Content-Length");
      if (have_length && length != content_length_) return Reject(400, "conflicting Content-Length");
      have_length = true;
      content_length_ = length;
    } else if (IEquals(name, "Transfer-Encoding")) {
      if (!IEquals(value, "chunked")) return Reject(501, "unsupported Transfer-Encoding");
      chunked_ = true;
    } else if (IEquals(name, "Content-Encoding")) {
      if (IEquals(value, "gzip") || IEquals(value, "x-gzip")) gzip_ = true;
      else if (!IEquals(value, "identity")) return Reject(415, "unsupported Content-Encoding (gzip only)");
    } else if (IEquals(name, "Expect")) {
      if (!IEquals(value, "100-continue")) return Reject(417, "unsupported Expect");
      continue_pending_ = true;
    } else {
      kept.append(line).append("\r\n");
    }
  }
  if (chunked_ && have_length) return Reject(400, "both Content-Length and chunked");
  if (content_length_ > limits_.max_body)
    return Reject(413, "body larger than " + std::to_string(limits_.max_body) + " bytes");
  kept.append("Content-Length: 0\r\n\r\n");
  head_ = std::move(kept);
  bool has_body = chunked_ || content_length_ > 0;
  if (has_body && check_ && ApplyHeadCheck() != State::kBody) return state_;
  if (!chunked_) body_.reserve(content_length_);
  state_ = State::kBody;
  return has_body ? state_ : Finish();
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
  return state_ = State::kBody;
}

bool RequestReader::AppendBody(const char* data, size_t size) {
  if (body_.size() + size > limits_.max_body) {
    Reject(413, "body larger than " + std::to_string(limits_.max_body) + " bytes");
    return false;
  }
  body_.append(data, size);
  return true;
}

RequestReader::State RequestReader::FeedBody(const char* data, size_t size) {
  if (state_ != State::kBody) return state_;
  body_wire_bytes_ += size;
  if (chunked_) return FeedChunked(data, size);
  size_t take = static_cast<size_t>(std::min<uint64_t>(size, content_length_ - body_.size()));
  if (!AppendBody(data, take)) return state_;
  return body_.size() == content_length_ ? Finish() : state_;
}

RequestReader::State RequestReader::FeedChunked(const char* data, size_t size) {
  size_t i = 0;
  while (i < size && state_ == State::kBody) {
    if (chunk_part_ == ChunkPart::kData) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(size - i, chunk_left_));
      if (!AppendBody(data + i, take)) return state_;
      i += take;
      chunk_left_ -= take;
      if (chunk_left_ == 0) chunk_part_ = ChunkPart::kDataEnd;
      continue;
    }
    char c = data[i++];
    if (c != '\n') {
      if (chunk_line_.size() >= kMaxChunkLine) return Reject(400, "malformed chunked body");
      chunk_line_.push_back(c);
      continue;
    }
    std::string_view line = Trim(chunk_line_);
    if (chunk_part_ == ChunkPart::kSize) {
      std::string_view hex = line.substr(0, line.find(';'));  // chunk extensions are ignored
      if (!ParseHex(Trim(hex), &chunk_left_)) return Reject(400, "malformed chunk size");
      chunk_part_ = chunk_left_ == 0 ? ChunkPart::kTrailer : ChunkPart::kData;
    } else if (chunk_part_ == ChunkPart::kDataEnd) {
      if (!line.empty()) return Reject(400, "malformed chunked body");
      chunk_part_ = ChunkPart::kSize;
    } else if (line.empty()) {  // kTrailer: a blank line ends the message
      chunk_line_.clear();
      return Finish();
    }
    chunk_line_.clear();
  }
  return state_;
}

RequestReader::State RequestReader::Finish() {
  if (gzip_) {
    std::string decoded;
    int status = Gunzip(body_, limits_.max_body, &decoded);
    if (status == 413)
      return Reject(413, "decoded body larger than " + std::to_string(limits_.max_body) + " bytes");
    if (status != 0) return Reject(status, "malformed gzip body");
    body_.swap(decoded);
  }
  return state_ = State::kComplete;
}

HttpRouter::HttpRouter() {
  httplib::Server::HandlerWithResponse on_error = [](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty())
      res.set_content(ErrorBody(StatusText(res.status)), "application/json");
    return httplib::Server::HandlerResponse::Handled;
  };
  set_error_handler(on_error);
}

void HttpRouter::Post(const std::string& pattern, Handler handler, HeadCheck admit) {
  httplib::Server::Post(pattern, [this, handler](const httplib::Request& req, httplib::Response& res) {
    handler(req, current_body_, res);
  });
  AllowOnly(pattern, "POST");
  body_routes_.push_back(BodyRoute{std::regex(pattern), std::move(admit)});
}

HeadVerdict HttpRouter::Admit(const std::string& head) const {
  RequestHeadView view(head);
  HeadVerdict skip;
  skip.action = HeadVerdict::Action::kSkipBody;
  if (view.method() != "POST") return skip;
  std::string path(view.path());
  for (const BodyRoute& route : body_routes_) {
    if (!std::regex_match(path, route.pattern)) continue;
    return route.admit ? route.admit(head) : HeadVerdict{};
  }
  return skip;
}

void HttpRouter::Get(const std::string& pattern, Handler handler) {
  httplib::Server::Get(pattern, [this, handler](const httplib::Request& req, httplib::Response& res) {
    handler(req, current_body_, res);
  });
  AllowOnly(pattern, "GET, HEAD");
}

void HttpRouter::AllowOnly(const std::string& pattern, const std::string& allowed) {
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

std::string HttpRouter::Handle(const std::string& head, std::string_view body,
                               const std::string& peer_ip, int peer_port) {
  std::string out;
  BufferStream stream(head, &out, peer_ip, peer_port);
  current_body_ = body;
  bool connection_closed = true;
  // A generic lambda, so that only the process_request this cpp-httplib declares is instantiated.
  auto process = [&](auto& server) {
    if constexpr (TakesPeerArguments<std::decay_t<decltype(server)>>::value) {
      server.process_request(stream, peer_ip, peer_port, std::string(), 0,
                             /*close_connection=*/true, connection_closed, nullptr);
    } else {
      server.process_request(stream, /*close_connection=*/true, connection_closed, nullptr);
    }
  };
  process(*this);
  current_body_ = {};
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
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

}  // namespace freenahi
