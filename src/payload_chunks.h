// SPDX-License-Identifier: MIT
// The chunked input of the streaming parses (StreamPayload, ParseEnvelopeFrom): ChunkReader pulls
// a ByteSource a chunk at a time and finds what CheckJsonText would (the first NUL or invalid
// UTF-8, across chunk boundaries); ChunkStream is RapidJSON's input stream over it.
// Shared by the payload modules only.
#ifndef FREENAHI_PAYLOAD_CHUNKS_H_
#define FREENAHI_PAYLOAD_CHUNKS_H_

#include <rapidjson/reader.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>

#include "json_text.h"
#include "payload_internal.h"
#include "record_stream.h"

namespace freenahi {
namespace payload_internal {

inline constexpr size_t kChunkBytes = 64 * 1024;

// The chunks behind a ChunkStream: offsets, the first NUL, the first non-space, a read error.
class ChunkReader {
 public:
  explicit ChunkReader(ByteSource* source) : source_(source), buffer_(new char[kChunkBytes]) {}

  // Loads the next chunk into [*begin, *end); false at the end (or at a NUL, or on an error).
  bool Next(const char** begin, const char** end) {
    base_ += length_;
    length_ = 0;
    if (done_) return false;
    Result<size_t> n = source_->Read(buffer_.get(), kChunkBytes);
    if (!n.ok()) {
      error_ = n.status();
      done_ = true;
      return false;
    }
    if (*n == 0) {
      done_ = true;
      // A sequence the body ends inside of is invalid UTF-8, where it started.
      if (!carry_.empty()) SetTextError(base_ - carry_.size(), "invalid UTF-8");
      return false;
    }
    length_ = *n;
    Inspect();
    *begin = buffer_.get();
    *end = buffer_.get() + length_;
    return length_ > 0;
  }
  size_t base() const { return base_; }
  const char* chunk() const { return buffer_.get(); }

  // After a failed parse: reads the rest, looking only for a NUL or invalid UTF-8 (ParsePayload's
  // whole-body CheckJsonText reports those before any syntax error).
  void DrainForTextError() {
    const char* begin;
    const char* end;
    while (!done_ && Next(&begin, &end)) {
    }
  }
  // The first NUL or invalid UTF-8 byte of the body, as CheckJsonText (json_text.h) finds it.
  const std::optional<size_t>& text_error_offset() const { return text_error_offset_; }
  const char* text_error_reason() const { return text_error_reason_; }
  std::optional<size_t> first_non_space() const { return first_non_space_; }
  const Status& error() const { return error_; }

 private:
  void Inspect() {
    if (!first_non_space_) {
      size_t i = FirstNonSpace(std::string_view(buffer_.get(), length_));
      if (i < length_) first_non_space_ = base_ + i;
    }
    const void* nul = std::memchr(buffer_.get(), '\0', length_);
    size_t text_end = nul ? static_cast<size_t>(static_cast<const char*>(nul) - buffer_.get())
                          : length_;
    std::optional<size_t> bad = FirstInvalidUtf8InChunk(text_end);
    if (bad) {
      SetTextError(*bad, "invalid UTF-8");
    } else if (nul) {
      SetTextError(base_ + text_end, "NUL byte");
    }
  }

  // The body offset of the first invalid UTF-8 byte in [0, text_end) of this chunk, with the
  // sequence the previous chunk ended inside of (carry_) completed first; a sequence this chunk
  // ends inside of is carried to the next one, so chunk boundaries never change the answer.
  std::optional<size_t> FirstInvalidUtf8InChunk(size_t text_end) {
    std::string_view chunk(buffer_.get(), text_end);
    size_t start = 0;
    if (!carry_.empty()) {
      const size_t carry_offset = base_ - carry_.size();
      const size_t need = std::min(Utf8SequenceLength(carry_[0]) - carry_.size(), chunk.size());
      std::string sequence = carry_ + std::string(chunk.substr(0, need));
      if (sequence.size() < Utf8SequenceLength(carry_[0]) && text_end == length_) {
        carry_ = sequence;  // a chunk shorter than the sequence: keep carrying
        return std::nullopt;
      }
      carry_.clear();
      size_t bad = FirstInvalidUtf8(sequence);
      if (bad < sequence.size()) return carry_offset + bad;
      start = need;
    }
    size_t tail = text_end == length_ ? IncompleteTail(chunk.substr(start)) : 0;
    std::string_view whole = chunk.substr(start, chunk.size() - start - tail);
    size_t bad = FirstInvalidUtf8(whole);
    if (bad < whole.size()) return base_ + start + bad;
    carry_.assign(chunk.substr(chunk.size() - tail));
    return std::nullopt;
  }

  // Bytes of a multi-byte sequence that `text` ends inside of (0 when it ends on a boundary).
  static size_t IncompleteTail(std::string_view text) {
    for (size_t back = 1; back <= 3 && back <= text.size(); ++back) {
      unsigned char c = static_cast<unsigned char>(text[text.size() - back]);
      if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
      return Utf8SequenceLength(text[text.size() - back]) > back ? back : 0;
    }
    return 0;
  }
  // Length a lead byte announces; 1 for ASCII and for bytes that cannot lead (FirstInvalidUtf8
  // then reports them).
  static size_t Utf8SequenceLength(char lead) {
    unsigned char c = static_cast<unsigned char>(lead);
    if (c >= 0xC2 && c <= 0xDF) return 2;
    if (c >= 0xE0 && c <= 0xEF) return 3;
    if (c >= 0xF0 && c <= 0xF4) return 4;
    return 1;
  }

  // The text ends at `offset` for the parser: the chunk is cut there and nothing more is read.
  void SetTextError(size_t offset, const char* reason) {
    if (text_error_offset_) return;
    text_error_offset_ = offset;
    text_error_reason_ = reason;
    length_ = offset > base_ ? std::min(length_, offset - base_) : 0;
    done_ = true;
  }

  ByteSource* source_;
  std::unique_ptr<char[]> buffer_;
  size_t base_ = 0;    // offset of the current chunk in the body
  size_t length_ = 0;  // bytes of the current chunk
  bool done_ = false;
  std::optional<size_t> text_error_offset_;
  const char* text_error_reason_ = "";
  std::string carry_;  // the start of a UTF-8 sequence the previous chunk ended inside of
  std::optional<size_t> first_non_space_;
  Status error_;
};

// RapidJSON's input-stream concept over ChunkReader. Small and copyable (copyOptimization below):
// the reader keeps a copy in registers and writes it back. Never parsed in situ: ChunkViewStream
// (payload_envelope.cc) is the in-situ kind, adding only the Put* half, and needs to know which
// chunk a copy holds (kRemembersChunk). The other streams leave that out: one more member to
// copy at every string cost a 10k stream parse 3 % more instructions (cachegrind, 565M -> 580M).
template <bool kRemembersChunk>
class BasicChunkStream {
 public:
  using Ch = char;
  explicit BasicChunkStream(ChunkReader* reader) : reader_(reader) {}
  RAPIDJSON_FORCEINLINE Ch Peek() { return RAPIDJSON_LIKELY(cur_ != end_) ? *cur_ : Refill(); }
  RAPIDJSON_FORCEINLINE Ch Take() {
    Ch c = Peek();
    if (c != '\0') ++cur_;  // ChunkReader ends the text at a NUL: '\0' is the end
    return c;
  }
  size_t Tell() const {
    return begin_ == nullptr ? reader_->base() : reader_->base() + (cur_ - begin_);
  }
  // Only in-situ parsing writes.
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  size_t PutEnd(Ch*) { return 0; }
  // RapidJSON skips spaces between every two tokens: without this, through a copy of the stream.
  RAPIDJSON_FORCEINLINE void SkipSpaces() {
    for (Ch c = Peek(); c == ' ' || c == '\n' || c == '\r' || c == '\t'; c = Peek()) ++cur_;
  }

 protected:
  ChunkReader* reader_;
  const Ch* begin_ = nullptr;
  const Ch* cur_ = nullptr;
  const Ch* end_ = nullptr;
  size_t chunk_base_ = 0;  // kRemembersChunk: the reader's base() when this copy loaded its chunk

 private:
  // The next chunk, returned by value: the stream's address never escapes, so the reader's
  // local copies of it can live in registers (a member call here kept them in memory).
  struct Chunk {
    const Ch* begin;
    const Ch* end;
  };
  __attribute__((noinline)) static Chunk NextChunk(ChunkReader* reader) {
    Chunk c{nullptr, nullptr};
    if (!reader->Next(&c.begin, &c.end)) c = Chunk{nullptr, nullptr};  // '\0' from now on
    return c;
  }
  Ch Refill() {
    Chunk c = NextChunk(reader_);
    begin_ = cur_ = c.begin;
    end_ = c.end;
    if constexpr (kRemembersChunk) chunk_base_ = reader_->base();
    return cur_ != nullptr ? *cur_ : '\0';
  }
};
using ChunkStream = BasicChunkStream<false>;

}  // namespace payload_internal
}  // namespace freenahi

template <>
struct rapidjson::StreamTraits<freenahi::payload_internal::ChunkStream> {
  enum { copyOptimization = 1 };
};
template <>
inline void rapidjson::SkipWhitespace(freenahi::payload_internal::ChunkStream& is) {
  is.SkipSpaces();
}

#endif  // FREENAHI_PAYLOAD_CHUNKS_H_
