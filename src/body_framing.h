// SPDX-License-Identifier: MIT
// HTTP/1.1 message body framing shared by both sides: the server's RequestReader and the
// client's response reader. Reads the framing headers, then decodes a body incrementally
// (Content-Length, chunked, or until the peer closes; gzip through zlib) within a size limit.
#ifndef FREENAHI_BODY_FRAMING_H_
#define FREENAHI_BODY_FRAMING_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace freenahi {

// Why a message was refused: an HTTP status (400 malformed, 411, 413 too large, 415 unknown
// Content-Encoding, 501 unknown Transfer-Encoding) and a reason for the error text.
struct FramingError {
  int status = 0;  // 0: no error
  std::string reason;
};

// The framing headers of one message, gathered one header line at a time.
struct BodyFraming {
  bool have_length = false;
  uint64_t content_length = 0;  // meaningful when have_length
  bool chunked = false;
  bool gzip = false;

  enum class Header { kOther, kTaken, kRejected };
  // Looks at one header: kTaken when it is Content-Length, Transfer-Encoding or
  // Content-Encoding and was understood; kRejected (with *error set) when malformed or
  // unsupported; kOther for every other header. `value` is already trimmed.
  Header Take(std::string_view name, std::string_view value, FramingError* error);
  // After the last header: refuses Content-Length together with chunked, and a declared length
  // past `max_body`. Returns false with *error set.
  bool Check(size_t max_body, FramingError* error) const;
};

// Where a decoder puts decoded bytes instead of its own string (the server's RequestBody, which
// spools a large body to a file).
class BodyConsumer {
 public:
  virtual ~BodyConsumer() = default;
  // false with *error set refuses the body (503 when it cannot be stored for now).
  virtual bool Consume(const char* data, size_t size, FramingError* error) = 0;
};

// Decodes one body. Feed() wire bytes as they come; bytes after the end of the body are not
// consumed (the count is returned through `consumed`).
class BodyDecoder {
 public:
  enum class Mode { kContentLength, kChunked, kUntilClose };
  enum class State { kBody, kComplete, kRejected };

  // `max_body` bounds both the wire bytes (chunk payloads) and the decoded bytes. `consumer`
  // (optional, must outlive the decoder) takes the decoded bytes; body() stays empty then.
  BodyDecoder(Mode mode, uint64_t content_length, bool gzip, size_t max_body,
              BodyConsumer* consumer = nullptr);
  // The mode for a request (no length and not chunked: empty body) or a response (until close).
  static Mode RequestMode(const BodyFraming& framing);
  static Mode ResponseMode(const BodyFraming& framing);
  ~BodyDecoder();
  BodyDecoder(const BodyDecoder&) = delete;
  BodyDecoder& operator=(const BodyDecoder&) = delete;

  // Consumes bytes; returns the state after them. `consumed` (may be null) receives how many
  // bytes belonged to the body.
  State Feed(const char* data, size_t size, size_t* consumed = nullptr);
  // The peer closed the stream: completes an until-close body, else rejects a truncated one.
  State FinishAtClose();
  State state() const { return state_; }
  const FramingError& error() const { return error_; }
  // The decoded body (complete once state() is kComplete).
  std::string& body() { return body_; }

 private:
  State Reject(int status, std::string reason);
  State Complete();
  bool Append(const char* data, size_t size);  // decodes gzip; false once rejected
  bool Output(const char* data, size_t size);  // decoded bytes: to body_ or the consumer
  State FeedChunked(const char* data, size_t size, size_t* consumed);

  Mode mode_;
  uint64_t content_length_;
  size_t max_body_;
  State state_ = State::kBody;
  uint64_t wire_bytes_ = 0;  // payload bytes received (chunk sizes and CRLFs excluded)
  std::string body_;
  BodyConsumer* consumer_;
  uint64_t decoded_bytes_ = 0;
  FramingError error_;
  struct Inflater;
  std::unique_ptr<Inflater> inflater_;  // set when gzip
  enum class ChunkPart { kSize, kData, kDataEnd, kTrailer } chunk_part_ = ChunkPart::kSize;
  std::string chunk_line_;
  uint64_t chunk_left_ = 0;
};

// Header helpers shared by both sides.
bool HeaderNameEquals(std::string_view a, std::string_view b);  // ASCII case-insensitive
std::string_view TrimHeaderValue(std::string_view value);        // spaces, tabs, trailing CR

}  // namespace freenahi

#endif  // FREENAHI_BODY_FRAMING_H_
