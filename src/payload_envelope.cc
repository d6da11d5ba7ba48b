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

}  // namespace
}  // namespace freenahi

// ParseString/ParseNumber work on a local copy of the stream (as for InsituStringStream); the
// number's start is then read from the caller's copy, which has not moved yet.
template <>
struct rapidjson::StreamTraits<freenahi::ViewStream> {
  enum { copyOptimization = 1 };
};

namespace freenahi {
namespace {

bool Is(const char* s, SizeType n, std::string_view key) {
  return n == key.size() && std::memcmp(s, key.data(), n) == 0;
}

class EnvelopeHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EnvelopeHandler> {
 public:
  // raw: strings arrive as JSON text (ViewStream). One that matters and holds an escape stops the
  // pass with needs_unescaped(), for a rerun over unescaped strings (rare: Powens sends none).
  explicit EnvelopeHandler(bool raw) : raw_(raw) {}

  bool StartObject() { return Open(true); }
  bool StartArray() { return Open(false); }
  bool EndObject(SizeType) { return Close(); }
  bool EndArray(SizeType) { return Close(); }
  bool Key(const char* s, SizeType n, bool) {
    if (depth_ > 2) return true;
    if (raw_ && std::memchr(s, '\\', n) != nullptr) return NeedUnescaped();
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
  bool String(const char* s, SizeType n, bool) { return Scalar(s, n, raw_); }
  bool RawNumber(const char* s, SizeType n, bool) { return Scalar(s, n, false); }
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
    if (may_escape && std::memchr(s, '\\', n) != nullptr) return NeedUnescaped();
    Result<int64_t> r = ParseInteger(std::string_view(s, n));
    if (r.ok()) *out = *r;
    return true;
  }

  const bool raw_;
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
  rapidjson::ParseResult ok = reader.Parse<kEnvelopeFlags | rapidjson::kParseInsituFlag>(view, raw);
  EnvelopeHandler unescaped(/*raw=*/false);
  EnvelopeHandler* handler = &raw;
  if (raw.needs_unescaped()) {  // an id or a key that matters is escaped: read it the slow way
    rapidjson::MemoryStream stream(body.data(), body.size());
    ok = reader.Parse<kEnvelopeFlags>(stream, unescaped);
    handler = &unescaped;
  }
  if (!ok) return Malformed(ok);
  if (!handler->root_is_object()) return Malformed(FirstNonSpace(body), "not a JSON object");
  return handler->envelope();
}

Result<Envelope> ParseEnvelopeFrom(ByteSource* source) {
  ChunkReader chunks(source);  // finds what CheckJsonText would, chunk by chunk
  ChunkStream stream(&chunks);
  EnvelopeHandler handler(/*raw=*/false);
  rapidjson::Reader reader;
  rapidjson::ParseResult ok = reader.Parse<kEnvelopeFlags>(stream, handler);
  if (!ok && chunks.error().ok() && !chunks.text_error_offset()) chunks.DrainForTextError();
  if (!chunks.error().ok()) return chunks.error();
  // As in ParseEnvelope, bad text is reported before any syntax error it caused.
  if (chunks.text_error_offset()) return Malformed(*chunks.text_error_offset(), chunks.text_error_reason());
  if (!ok) return Malformed(ok);
  if (!handler.root_is_object()) return Malformed(chunks.first_non_space().value_or(0), "not a JSON object");
  return handler.envelope();
}

}  // namespace freenahi
