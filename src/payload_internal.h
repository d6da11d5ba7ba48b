// SPDX-License-Identifier: MIT
// Shared by the payload modules only (payload.cc, payload_envelope.cc, payload_stream.cc, and the
// Powens page parser): parse flags, error helpers, the member filter and the DOM converters.
#ifndef FREENAHI_PAYLOAD_INTERNAL_H_
#define FREENAHI_PAYLOAD_INTERNAL_H_

#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model.h"
#include "status.h"

namespace freenahi {
namespace payload_internal {

// Iterative: a deeply nested body cannot exhaust the stack. Numbers stay text. RapidJSON does not
// validate UTF-8 (kParseValidateEncodingFlag, a per-character check that took ~5 % of a first
// sync's apply): every parse's input is checked first, by CheckJsonText (json_text.h) for a body
// in memory or by ChunkReader (payload_chunks.h), which ends a streamed body's text at its first
// invalid byte, so the parser never reads one.
constexpr unsigned kJsonFlags =
    rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

// InvalidArgument "malformed JSON at offset N: <reason>".
Status Malformed(size_t offset, const std::string& reason);
Status Malformed(const rapidjson::ParseResult& r);
// RapidJSON reads a NUL as the end of input; JSON text can never hold a raw one.
Status CheckNoNul(std::string_view body);
size_t FirstNonSpace(std::string_view body);
std::string Quote(std::string_view text);  // "\"text\"", shortened past 40 characters
// Ids and counts: an integer, given as a JSON number or string ("2881", "2881.0", "1e3").
Result<int64_t> ParseInteger(std::string_view text);

// True for every member name a converter reads (payload.cc's kReadKeys); the rest is dropped
// before it costs memory.
bool IsReadKey(std::string_view key);
// kInternal: a converter read `key`, which the filter lacks. A programming error, reported as a
// failed item instead of stopping the daemon.
Status UnlistedKeyError(const char* key);

using JValue = rapidjson::Value;
using rapidjson::SizeType;

// "an object", "an array", "a boolean", "a string" (numbers and null are text here).
const char* TypeName(const JValue& v);

// Forwards SAX events to `out` (a rapidjson::Document, or any handler with the same methods)
// except members whose name is not read (IsReadKey): those are skipped with their whole subtree
// by counting depth, so a big or deeply nested unknown member costs neither memory nor stack.
// Forwarded containers keep their own member/element counts, as EndObject/EndArray must report
// what `out` received.
template <typename Out>
class KeepFilter {
 public:
  explicit KeepFilter(Out* out) : out_(out) {}

  bool Null() { return Value() ? out_->Null() : true; }
  bool Bool(bool b) { return Value() ? out_->Bool(b) : true; }
  bool Int(int i) { return Value() ? out_->Int(i) : true; }
  bool Uint(unsigned u) { return Value() ? out_->Uint(u) : true; }
  bool Int64(int64_t i) { return Value() ? out_->Int64(i) : true; }
  bool Uint64(uint64_t u) { return Value() ? out_->Uint64(u) : true; }
  bool Double(double d) { return Value() ? out_->Double(d) : true; }
  bool RawNumber(const char* s, SizeType n, bool copy) {
    return Value() ? out_->RawNumber(s, n, copy) : true;
  }
  bool String(const char* s, SizeType n, bool copy) {
    return Value() ? out_->String(s, n, copy) : true;
  }
  bool StartObject() { return Open(false) ? out_->StartObject() : true; }
  bool StartArray() { return Open(true) ? out_->StartArray() : true; }
  bool Key(const char* s, SizeType n, bool copy) {
    if (skip_depth_ > 0) return true;
    if (!IsReadKey(std::string_view(s, n))) {
      drop_next_ = true;
      return true;
    }
    ++open_.back().count;
    return out_->Key(s, n, copy);
  }
  bool EndObject(SizeType) { return Close() ? out_->EndObject(Pop()) : true; }
  bool EndArray(SizeType) { return Close() ? out_->EndArray(Pop()) : true; }

  // Ready for another value, keeping the allocated stack.
  void Reset() {
    open_.clear();
    skip_depth_ = 0;
    drop_next_ = false;
  }

 private:
  struct Frame {
    SizeType count;  // members (counted at their key) or elements forwarded
    bool array;
  };
  // A value starts: true when it is forwarded.
  bool Value() {
    if (skip_depth_ > 0) return false;
    if (drop_next_) {
      drop_next_ = false;
      return false;
    }
    if (!open_.empty() && open_.back().array) ++open_.back().count;
    return true;
  }
  bool Open(bool array) {
    if (skip_depth_ > 0 || drop_next_) {
      drop_next_ = false;
      ++skip_depth_;
      return false;
    }
    Value();
    open_.push_back({0, array});
    return true;
  }
  // A container ends: true when it was forwarded.
  bool Close() {
    if (skip_depth_ == 0) return true;
    --skip_depth_;
    return false;
  }
  SizeType Pop() {
    SizeType count = open_.back().count;
    open_.pop_back();
    return count;
  }

  Out* out_;
  std::vector<Frame> open_;  // forwarded containers, outermost first
  size_t skip_depth_ = 0;    // > 0: inside a dropped member, this many containers deep
  bool drop_next_ = false;   // the next value belongs to a dropped key
};

// An object of the (filtered) DOM and where it sits. The JSON path is only spelled out for an
// error: building it per element costs more than the element's conversion.
struct Node {
  const JValue* value;           // an object; ancestors of a streamed element may be placeholders
  const Node* parent = nullptr;  // nullptr for the root; outlives this node
  const char* key = nullptr;     // the member of parent holding this object, or its array
  int64_t index = -1;            // the position in that array; -1: the member is this object
  // Root only: set when a converter read a name IsReadKey lacks (see UnlistedKeyError).
  mutable const char* unlisted_key = nullptr;

  std::string Path() const {
    if (parent == nullptr) return "";
    std::string path = parent->Child(key);
    if (index >= 0) path += "[" + std::to_string(index) + "]";
    return path;
  }
  std::string Child(const char* name) const {
    std::string path = Path();
    return path.empty() ? name : path + "." + name;
  }
  const Node& Root() const { return parent == nullptr ? *this : parent->Root(); }
  // The member, or nullptr when absent or null.
  const JValue* Get(const char* name) const {
    auto it = value->FindMember(name);
    if (it == value->MemberEnd()) {
      // A name the filter lacks was dropped: a programming error; the root reports it.
      if (!IsReadKey(name)) Root().unlisted_key = name;
      return nullptr;
    }
    return it->value.IsNull() ? nullptr : &it->value;
  }
  Status Error(const char* name, const std::string& cause) const {
    return Status::InvalidArgument(Child(name) + ": " + cause);
  }
};

// The converters (payload.cc). Each fills its record from node `n`; InvalidArgument with the JSON
// path on an unexpected shape. `account` supplies the default account id and the precision.
Status ParseTransaction(const Node& n, const Account& account, Transaction* t);
Status ParseInvestment(const Node& n, const Account& account, Investment* inv);
// Ids an account inherits when it does not carry them.
struct AccountDefaults {
  int64_t connection_id = 0;
  int64_t user_id = 0;
};
Status ParseAccount(const Node& n, const AccountDefaults& defaults, Account* a);
Status ParseConnection(const Node& n, int64_t default_user_id, Connection* c);
Status ParseUser(const Node& n, const char* id_key, User* u);
// The whole body from its root object, as ParsePayload does once the DOM is built; also reports
// an unlisted read (kInternal) noticed anywhere below `root`.
Status ParseRoot(const Node& root, WebhookEvent event, Payload* p);
// The webhook's record converters, for API pages (powens_page.cc): `v` is an object parsed with
// kParseNumbersAsStringsFlag; error paths are relative to it ("accounts[0].balance: ...").
// A connection brings its nested accounts; a transaction or an investment takes its account's id
// and currency.
Status ConvertUser(const rapidjson::Value& v, User* out);
Status ConvertConnection(const rapidjson::Value& v, Connection* out);
Status ConvertAccount(const rapidjson::Value& v, Account* out);
Status ConvertTransaction(const rapidjson::Value& v, const Account& account, Transaction* out);
Status ConvertInvestment(const rapidjson::Value& v, const Account& account, Investment* out);

}  // namespace payload_internal
}  // namespace freenahi

#endif  // FREENAHI_PAYLOAD_INTERNAL_H_
