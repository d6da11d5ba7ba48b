// SPDX-License-Identifier: MIT
// Body framing for requests (RequestReader) and responses (http_client): framing headers,
// Content-Length / chunked / until-close decoding and streaming gzip inflation, all within one
// size limit that holds before memory is spent (a gzip bomb costs nothing). No sockets.
#include "body_framing.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace freenahi {
namespace {

constexpr size_t kMaxChunkLine = 1024;

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

std::string TooLarge(const char* what, size_t max_body) {
  return std::string(what) + " larger than " + std::to_string(max_body) + " bytes";
}

}  // namespace

bool HeaderNameEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view TrimHeaderValue(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

BodyFraming::Header BodyFraming::Take(std::string_view name, std::string_view value,
                                      FramingError* error) {
  if (HeaderNameEquals(name, "Content-Length")) {
    uint64_t length;
    if (!ParseDecimal(value, &length)) {
      *error = {400, "malformed Content-Length"};
      return Header::kRejected;
    }
    if (have_length && length != content_length) {
      *error = {400, "conflicting Content-Length"};
      return Header::kRejected;
    }
    have_length = true;
    content_length = length;
    return Header::kTaken;
  }
  if (HeaderNameEquals(name, "Transfer-Encoding")) {
    if (!HeaderNameEquals(value, "chunked")) {
      *error = {501, "unsupported Transfer-Encoding"};
      return Header::kRejected;
    }
    chunked = true;
    return Header::kTaken;
  }
  if (HeaderNameEquals(name, "Content-Encoding")) {
    if (HeaderNameEquals(value, "gzip") || HeaderNameEquals(value, "x-gzip")) {
      gzip = true;
    } else if (!HeaderNameEquals(value, "identity")) {
      *error = {415, "unsupported Content-Encoding (gzip only)"};
      return Header::kRejected;
    }
    return Header::kTaken;
  }
  return Header::kOther;
}

bool BodyFraming::Check(size_t max_body, FramingError* error) const {
  if (chunked && have_length) {
    *error = {400, "both Content-Length and chunked"};
    return false;
  }
  if (have_length && content_length > max_body) {
    *error = {413, TooLarge("body", max_body)};
    return false;
  }
  return true;
}

// A zlib inflate stream for gzip, freed with the decoder.
struct BodyDecoder::Inflater {
  z_stream zs{};
  bool ready = false;
  bool ended = false;  // Z_STREAM_END seen
  Inflater() { ready = inflateInit2(&zs, 16 + MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (ready) inflateEnd(&zs);
  }
};

BodyDecoder::BodyDecoder(Mode mode, uint64_t content_length, bool gzip, size_t max_body,
                         BodyConsumer* consumer)
    : mode_(mode), content_length_(content_length), max_body_(max_body), consumer_(consumer) {
  if (gzip) {
    inflater_ = std::make_unique<Inflater>();
    if (!inflater_->ready) Reject(500, "cannot start gzip decoding");
  } else if (mode == Mode::kContentLength && consumer_ == nullptr) {
    body_.reserve(static_cast<size_t>(std::min<uint64_t>(content_length, max_body)));
  }
  if (state_ == State::kBody && mode == Mode::kContentLength && content_length == 0) Complete();
}

BodyDecoder::~BodyDecoder() = default;

BodyDecoder::Mode BodyDecoder::RequestMode(const BodyFraming& framing) {
  return framing.chunked ? Mode::kChunked : Mode::kContentLength;
}

BodyDecoder::Mode BodyDecoder::ResponseMode(const BodyFraming& framing) {
  if (framing.chunked) return Mode::kChunked;
  return framing.have_length ? Mode::kContentLength : Mode::kUntilClose;
}

BodyDecoder::State BodyDecoder::Reject(int status, std::string reason) {
  error_ = {status, std::move(reason)};
  body_.clear();
  body_.shrink_to_fit();
  inflater_.reset();
  return state_ = State::kRejected;
}

BodyDecoder::State BodyDecoder::Complete() {
  if (inflater_ && !inflater_->ended) return Reject(400, "malformed gzip body");
  return state_ = State::kComplete;
}

bool BodyDecoder::Append(const char* data, size_t size) {
  wire_bytes_ += size;
  if (wire_bytes_ > max_body_) {
    Reject(413, TooLarge("body", max_body_));
    return false;
  }
  if (!inflater_) return Output(data, size);
  z_stream& zs = inflater_->zs;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  zs.avail_in = static_cast<uInt>(size);
  char buffer[16384];
  // Bytes after the end of the gzip stream are refused (issue 8): a second member or trailing
  // garbage is not what the sender's Content-Length described.
  if (inflater_->ended && size > 0) {
    Reject(400, "bytes after the end of the gzip stream");
    return false;
  }
  bool more = zs.avail_in > 0;
  while (!inflater_->ended && more) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof(buffer);
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      Reject(400, "malformed gzip body");
      return false;
    }
    size_t produced = sizeof(buffer) - zs.avail_out;
    if (decoded_bytes_ + produced > max_body_) {
      Reject(413, TooLarge("decoded body", max_body_));
      return false;
    }
    if (!Output(buffer, produced)) return false;
    if (rc == Z_STREAM_END) inflater_->ended = true;
    // Go on while input is left or the output filled up (zlib may hold more); stop when stuck.
    more = rc != Z_BUF_ERROR && (zs.avail_in > 0 || zs.avail_out == 0);
  }
  if (inflater_->ended && zs.avail_in > 0) {
    Reject(400, "bytes after the end of the gzip stream");
    return false;
  }
  return true;
}

bool BodyDecoder::Output(const char* data, size_t size) {
  decoded_bytes_ += size;
  if (consumer_ == nullptr) {
    body_.append(data, size);
    return true;
  }
  FramingError error;
  if (size == 0 || consumer_->Consume(data, size, &error)) return true;
  Reject(error.status, std::move(error.reason));
  return false;
}

BodyDecoder::State BodyDecoder::Feed(const char* data, size_t size, size_t* consumed) {
  if (consumed != nullptr) *consumed = 0;
  if (state_ != State::kBody) return state_;
  size_t used = 0;
  State result;
  if (mode_ == Mode::kChunked) {
    result = FeedChunked(data, size, &used);
  } else if (mode_ == Mode::kUntilClose) {
    used = size;
    Append(data, size);
    result = state_;
  } else {
    used = static_cast<size_t>(std::min<uint64_t>(size, content_length_ - wire_bytes_));
    if (Append(data, used) && wire_bytes_ == content_length_) Complete();
    result = state_;
  }
  if (consumed != nullptr) *consumed = used;
  return result;
}

BodyDecoder::State BodyDecoder::FinishAtClose() {
  if (state_ != State::kBody) return state_;
  if (mode_ == Mode::kUntilClose) return Complete();
  return Reject(400, "connection closed before the end of the body");
}

BodyDecoder::State BodyDecoder::FeedChunked(const char* data, size_t size, size_t* consumed) {
  size_t i = 0;
  while (i < size && state_ == State::kBody) {
    if (chunk_part_ == ChunkPart::kData) {
      size_t take = static_cast<size_t>(std::min<uint64_t>(size - i, chunk_left_));
      if (!Append(data + i, take)) break;
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
    std::string_view line = TrimHeaderValue(chunk_line_);
    if (chunk_part_ == ChunkPart::kSize) {
      std::string_view hex = line.substr(0, line.find(';'));  // chunk extensions are ignored
      if (!ParseHex(TrimHeaderValue(hex), &chunk_left_)) return Reject(400, "malformed chunk size");
      chunk_part_ = chunk_left_ == 0 ? ChunkPart::kTrailer : ChunkPart::kData;
    } else if (chunk_part_ == ChunkPart::kDataEnd) {
      if (!line.empty()) return Reject(400, "malformed chunked body");
      chunk_part_ = ChunkPart::kSize;
    } else if (line.empty()) {  // kTrailer: a blank line ends the message
      chunk_line_.clear();
      *consumed = i;
      return Complete();
    }
    chunk_line_.clear();
  }
  *consumed = i;
  return state_;
}

}  // namespace freenahi
