// SPDX-License-Identifier: MIT
// ParseEnvelope: what the webhook needs before storing a body (is it a JSON object, its
// id_webhook_data, whose it is) in one SAX pass over the body, without a DOM or a copy;
// ParseEnvelopeFrom: the same over a body read in chunks (a large body spooled to a file).
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <optional>

#include "json_text.h"
#include "payload.h"
#include "payload_chunks.h"
#include "payload_internal.h"

namespace freenahi {
namespace {

using namespace payload_internal;  // NOLINT: the payload modules' shared helpers
using rapidjson::SizeType;

// The body, read-only, as a stream RapidJSON's in-situ mode walks: strings and numbers reach the
// handler as pointers into the body. "Writes" are only counted, so a string arrives with its
// unescaped length but its raw JSON text (identical unless it holds a backslash). This is what
// makes the envelope cheap: the copying streams push every byte of every string onto a stack.
class ViewStream {
 public:
  using Ch = char;
  explicit ViewStream(std::string_view s)
      : begin_(s.data()), src_(begin_), end_(begin_ + s.size()) {}
  Ch Peek() const { return src_ == end_ ? '\0' : *src_; }
  Ch Take() { return src_ == end_ ? '\0' : *src_++; }
  size_t Tell() const { return static_cast<size_t>(src_ - begin_); }
  Ch* PutBegin() {
    put_count_ = 0;
    return const_cast<Ch*>(src_);  // handed to the handler as const char*, never written
  }
  void Put(Ch) { ++put_count_; }
  void Flush() {}
  size_t PutEnd(Ch*) { return put_count_; }

 private:
  const Ch* begin_;
  const Ch* src_;
  const Ch* end_;
  size_t put_count_ = 0;
};

// ViewStream's trick over a body read in chunks (a ChunkStream that is parsed in situ): a string
// or number reaches the handler as a pointer into the current chunk. One that began in an
// earlier chunk points at bytes the reader has since overwritten: ChunkViewState::split then
// says so, and the handler, if that string matters, asks for the rerun over copied strings. With
// 64 KiB chunks that is rare; a body read a byte at a time (the tests) takes the rerun every
// time. The reader copies the stream at every string and number: what the copies share lives in
// the state.
struct ChunkViewState {
  size_t put_base = 0;  // the chunk a string's PutBegin saw
  bool split = false;   // the last string or number began in an earlier chunk
};

class ChunkViewStream : public BasicChunkStream</*kRemembersChunk=*/true> {
 public:
  ChunkViewStream(ChunkReader* reader, ChunkViewState* state)
      : BasicChunkStream(reader), state_(state) {}
  // A string: called where it starts. A number: called on a copy still at its start, after the
  // number was read, so its chunk may already have been replaced.
  Ch* PutBegin() {
    state_->put_base = chunk_base_;
    state_->split = reader_->base() != chunk_base_;
    return const_cast<Ch*>(cur_);  // handed to the handler as const char*, never written
  }
  void Put(Ch) {}
  // The raw length (+1 for the NUL the reader counts): the unescaped one unless the string holds
  // an escape, which the handler looks for anyway. A split string's length means nothing.
  size_t PutEnd(Ch* head) {
    if (chunk_base_ != state_->put_base) state_->split = true;
    return state_->split ? 1 : static_cast<size_t>(cur_ - head);
  }

 private:
  ChunkViewState* state_;
};

}  // namespace
}  // namespace freenahi

// ParseString/ParseNumber work on a local copy of the stream (as for InsituStringStream); the
// number's start is then read from the caller's copy, which has not moved yet.
template <>
struct rapidjson::StreamTraits<freenahi::ViewStream> {
  enum { copyOptimization = 1 };
};
template <>
struct rapidjson::StreamTraits<freenahi::ChunkViewStream> {
  enum { copyOptimization = 1 };
};
template <>
inline void rapidjson::SkipWhitespace(freenahi::ChunkViewStream& is) {
  is.SkipSpaces();  // ChunkStream's specialization (payload_chunks.h) is for that type only
}

namespace freenahi {
namespace {

bool Is(const char* s, SizeType n, std::string_view key) {
  return n == key.size() && std::memcmp(s, key.data(), n) == 0;
}

class EnvelopeHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EnvelopeHandler> {
 public:
  // raw: strings arrive as JSON text (ViewStream, ChunkViewStream). One that matters and holds an
  // escape, or was split between chunks (*split, when given), stops the pass with
  // needs_unescaped(), for a rerun over unescaped strings (rare: Powens sends no escapes).
  explicit EnvelopeHandler(bool raw, const bool* split = nullptr) : raw_(raw), split_(split) {}

  bool StartObject() { return Open(true); }
  bool StartArray() { return Open(false); }
  bool EndObject(SizeType) { return Close(); }
  bool EndArray(SizeType) { return Close(); }
  bool Key(const char* s, SizeType n, bool) {
    if (depth_ > 2) return true;
    if (raw_ && (Split() || std::memchr(s, '\\', n) != nullptr)) return NeedUnescaped();
    if (depth_ == 1) {
      top_ = Is(s, n, "id_webhook_data") ? kWebhookId
             : Is(s, n, "id_user")       ? kIdUser
             : Is(s, n, "user")          ? kUser
             : Is(s, n, "connection")    ? kConnection
                                         : kNone;
    } else {
      inner_ = Is(s, n, "id") ? kId : Is(s, n, "id_user") ? kIdUser : kNone;
    }
    return true;
  }
  bool String(const char* s, SizeType n, bool) { return Scalar(s, n, /*may_escape=*/raw_); }
  bool RawNumber(const char* s, SizeType n, bool) { return Scalar(s, n, /*may_escape=*/false); }
  bool Default() { return true; }  // null, booleans: nothing to keep

  bool needs_unescaped() const { return needs_unescaped_; }
  bool root_is_object() const { return root_is_object_; }
  Envelope envelope() const {
    Envelope e;
    e.webhook_id = webhook_id_;
    e.user_id = user_id_ ? user_id_ : top_id_user_ ? top_id_user_ : connection_id_user_;
    return e;
  }

 private:
  enum Member { kNone, kWebhookId, kIdUser, kUser, kConnection, kId };

  bool Open(bool object) {
    ++depth_;
    if (depth_ == 1) root_is_object_ = object;
    if (depth_ == 2) second_is_object_ = object;
    return true;
  }
  bool Close() {
    --depth_;
    return true;
  }
  bool Split() const { return split_ != nullptr && *split_; }
  bool NeedUnescaped() {
    needs_unescaped_ = true;
    return false;  // stops the reader
  }
  // The id this scalar is, or nullptr.
  std::optional<int64_t>* Target() {
    if (!root_is_object_) return nullptr;
    if (depth_ == 1)
      return top_ == kWebhookId ? &webhook_id_ : top_ == kIdUser ? &top_id_user_ : nullptr;
    if (depth_ != 2 || !second_is_object_) return nullptr;
    if (top_ == kUser && inner_ == kId) return &user_id_;
    if (top_ == kConnection && inner_ == kIdUser) return &connection_id_user_;
    return nullptr;
  }
  // may_escape: a raw string, which holds an escape iff a backslash is among its first n bytes.
  bool Scalar(const char* s, SizeType n, bool may_escape) {
    std::optional<int64_t>* out = Target();
    if (out == nullptr) return true;
    if (Split() || (may_escape && std::memchr(s, '\\', n) != nullptr)) return NeedUnescaped();
    Result<int64_t> r = ParseInteger(std::string_view(s, n));
    if (r.ok()) *out = *r;
    return true;
  }

  const bool raw_;
  const bool* split_;
  bool needs_unescaped_ = false;
  size_t depth_ = 0;  // open objects and arrays
  bool root_is_object_ = false, second_is_object_ = false;
  Member top_ = kNone, inner_ = kNone;  // the last key at depth 1, at depth 2
  std::optional<int64_t> webhook_id_, user_id_, top_id_user_, connection_id_user_;
};

}  // namespace

Result<Envelope> ParseEnvelope(std::string_view body) {
  FREENAHI_RETURN_IF_ERROR(CheckJsonText(body));  // UTF-8 and NUL, before RapidJSON (json_text.h)
  rapidjson::Reader reader;
  EnvelopeHandler raw(/*raw=*/true);
  ViewStream view(body);
  rapidjson::ParseResult ok = reader.Parse<kJsonFlags | rapidjson::kParseInsituFlag>(view, raw);
  EnvelopeHandler unescaped(/*raw=*/false);
  EnvelopeHandler* handler = &raw;
  if (raw.needs_unescaped()) {  // an id or a key that matters is escaped: read it the slow way
    rapidjson::MemoryStream stream(body.data(), body.size());
    ok = reader.Parse<kJsonFlags>(stream, unescaped);
    handler = &unescaped;
  }
  if (!ok) return Malformed(ok);
  if (!handler->root_is_object()) return Malformed(FirstNonSpace(body), "not a JSON object");
  return handler->envelope();
}

namespace {

// One pass of ParseEnvelopeFrom, with its stream (raw: ChunkViewStream) and handler.
template <unsigned kFlags, typename Stream>
Result<Envelope> ParseChunks(ChunkReader* chunks, Stream* stream, EnvelopeHandler* handler) {
  rapidjson::Reader reader;
  rapidjson::ParseResult ok = reader.Parse<kFlags>(*stream, *handler);
  if (handler->needs_unescaped()) return Envelope{};  // the caller reruns
  if (!ok && chunks->error().ok() && !chunks->text_error_offset()) chunks->DrainForTextError();
  if (!chunks->error().ok()) return chunks->error();
  // As in ParseEnvelope, bad text is reported before any syntax error it caused.
  if (chunks->text_error_offset()) return Malformed(*chunks->text_error_offset(), chunks->text_error_reason());
  if (!ok) return Malformed(ok);
  if (!handler->root_is_object()) return Malformed(chunks->first_non_space().value_or(0), "not a JSON object");
  return handler->envelope();
}

}  // namespace

Result<Envelope> ParseEnvelopeFrom(const OpenByteSource& open) {
  {
    std::unique_ptr<ByteSource> source = open();
    ChunkReader chunks(source.get());  // finds what CheckJsonText would, chunk by chunk
    ChunkViewState state;
    ChunkViewStream stream(&chunks, &state);
    EnvelopeHandler raw(/*raw=*/true, &state.split);
    Result<Envelope> e = ParseChunks<kJsonFlags | rapidjson::kParseInsituFlag>(&chunks, &stream, &raw);
    if (!raw.needs_unescaped()) return e;
  }
  std::unique_ptr<ByteSource> source = open();
  ChunkReader chunks(source.get());
  ChunkStream stream(&chunks);
  EnvelopeHandler unescaped(/*raw=*/false);
  return ParseChunks<kJsonFlags>(&chunks, &stream, &unescaped);
}

}  // namespace freenahi
