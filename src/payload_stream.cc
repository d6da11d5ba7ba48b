// SPDX-License-Identifier: MIT
// StreamPayload: the full parse in bounded memory. One SAX pass over a chunked body; each element
// of the big arrays becomes a one-record DOM, converted by payload.cc's own converters and handed
// to the sink at once; everything else becomes a small "skeleton" DOM converted at the end.
#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "json_text.h"
#include "payload.h"
#include "payload_chunks.h"
#include "payload_internal.h"

namespace freenahi {
namespace {

using namespace payload_internal;  // NOLINT: the payload modules' shared helpers

using Allocator = rapidjson::MemoryPoolAllocator<>;

// A SAX handler that builds a plain rapidjson::Value tree with `allocator` (a Document cannot be
// fed events from outside its own Parse). Numbers arrive as text and stay strings, as in
// ParsePayload's DOM.
class ValueBuilder {
 public:
  explicit ValueBuilder(Allocator* allocator) : allocator_(allocator) {}
  void Reset() {
    root_.SetNull();
    open_.clear();
  }
  const JValue& root() const { return root_; }

  bool Null() { return Add(JValue()); }
  bool Bool(bool b) { return Add(JValue(b)); }
  bool Int(int i) { return Add(JValue(i)); }
  bool Uint(unsigned u) { return Add(JValue(u)); }
  bool Int64(int64_t i) { return Add(JValue(i)); }
  bool Uint64(uint64_t u) { return Add(JValue(u)); }
  bool Double(double d) { return Add(JValue(d)); }
  bool RawNumber(const char* s, SizeType n, bool) { return String(s, n, true); }
  bool String(const char* s, SizeType n, bool) { return Add(JValue(s, n, *allocator_)); }
  bool Key(const char* s, SizeType n, bool) {
    key_.SetString(s, n, *allocator_);
    return true;
  }
  bool StartObject() { return Open(JValue(rapidjson::kObjectType)); }
  bool StartArray() { return Open(JValue(rapidjson::kArrayType)); }
  bool EndObject(SizeType) { return Close(); }
  bool EndArray(SizeType) { return Close(); }

 private:
  // Places `v` in the innermost open container (or as the root); returns where it now lives.
  JValue* Place(JValue&& v) {
    if (open_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    JValue* top = open_.back();
    if (top->IsObject()) {
      top->AddMember(key_, v, *allocator_);
      return &(top->MemberEnd() - 1)->value;
    }
    top->PushBack(v, *allocator_);
    return &(*top)[top->Size() - 1];
  }
  bool Add(JValue&& v) {
    Place(std::move(v));
    return true;
  }
  // Pointers to open containers stay valid: only the innermost one grows.
  bool Open(JValue&& v) {
    open_.push_back(Place(std::move(v)));
    return true;
  }
  bool Close() {
    open_.pop_back();
    return true;
  }

  Allocator* allocator_;
  JValue root_;
  JValue key_;
  std::vector<JValue*> open_;
};

// One filtered DOM at a time (the skeleton, or the current element), with its own memory.
struct DomBuilder {
  explicit DomBuilder(size_t inline_bytes)
      : buffer(new char[inline_bytes]), allocator(buffer.get(), inline_bytes), builder(&allocator),
        filter(&builder) {}
  // Forgets the previous tree; keeps the inline buffer (no allocation for a typical record).
  void Reset() {
    builder.Reset();
    allocator.Clear();
    filter.Reset();
  }
  std::unique_ptr<char[]> buffer;
  Allocator allocator;
  ValueBuilder builder;
  KeepFilter<ValueBuilder> filter;
};


// Where the parse stands in the body: a frame per open container.
enum class Role : uint8_t {
  kOther,       // anything else: into the skeleton, filtered
  kRoot,        // the body
  kConnection,  // body.connection (connection events)
  kAccounts,    // connection.accounts
  kAccount,     // one of connection.accounts, or body.account (account_synced)
  kCurrency,    // account.currency, as an object
  kItems,       // account.transactions / account.investments, streamed
};

// What the value after the current key is, for the state machine.
enum class Next : uint8_t {
  kNothing, kConnection, kAccounts, kAccount, kAccountId, kCurrency, kPrecision,
  kTransactions, kInvestments,
};

struct Frame {
  Role role;
  int64_t count = 0;  // elements met so far (arrays)
  uint32_t seen = 0;  // Next values met already: the first one wins, as FindMember does
  bool transactions = true;  // kItems: transactions, else investments
};

// The account being read: what its arrays need (id, precision), captured from the raw events as
// the converter would read them.
struct AccountContext {
  int64_t index = -1;  // in connection.accounts; -1: body.account
  std::optional<std::string> id_text;
  bool currency_done = false;  // a currency value (string, null or object) has ended
  bool currency_bad = false;   // neither: the skeleton reports it
  std::optional<std::string> precision_text;
  bool precision_bad = false;
};

class StreamHandler {
 public:
  StreamHandler(WebhookEvent event, RecordSink* sink)
      : sink_(sink),
        stream_connection_(event == WebhookEvent::kConnectionSynced ||
                           event == WebhookEvent::kAccountsFetched),
        stream_account_(event == WebhookEvent::kAccountSynced),
        skeleton_(16 * 1024),
        element_(16 * 1024) {}

  bool Null() { return Scalar(kNull, {}, [&](auto& f) { return f.Null(); }); }
  bool Bool(bool b) { return Scalar(kBoolean, {}, [&](auto& f) { return f.Bool(b); }); }
  // Numbers arrive as text (kParseNumbersAsStringsFlag): these four are never called.
  bool Int(int i) { return Scalar(kBinary, {}, [&](auto& f) { return f.Int(i); }); }
  bool Uint(unsigned u) { return Scalar(kBinary, {}, [&](auto& f) { return f.Uint(u); }); }
  bool Int64(int64_t i) { return Scalar(kBinary, {}, [&](auto& f) { return f.Int64(i); }); }
  bool Uint64(uint64_t u) { return Scalar(kBinary, {}, [&](auto& f) { return f.Uint64(u); }); }
  bool Double(double d) { return Scalar(kBinary, {}, [&](auto& f) { return f.Double(d); }); }
  bool RawNumber(const char* s, SizeType n, bool copy) {
    return Scalar(kText, {s, n}, [&](auto& f) { return f.RawNumber(s, n, copy); });
  }
  bool String(const char* s, SizeType n, bool copy) {
    return Scalar(kText, {s, n}, [&](auto& f) { return f.String(s, n, copy); });
  }
  bool Key(const char* s, SizeType n, bool copy) {
    if (element_depth_ > 0) return element_.filter.Key(s, n, copy);
    if (discard_depth_ > 0) return true;
    next_ = Classify(std::string_view(s, n));
    return skeleton_.filter.Key(s, n, copy);
  }
  bool StartObject() { return Open(true); }
  bool StartArray() { return Open(false); }
  bool EndObject(SizeType n) { return Close(true, n); }
  bool EndArray(SizeType n) { return Close(false, n); }

  // After the parse: the skeleton's root (an object unless root_is_object() is false).
  const JValue& skeleton() const { return skeleton_.builder.root(); }
  bool root_is_object() const { return root_is_object_; }
  const Status& stream_error() const { return stream_error_; }
  const Status& sink_error() const { return sink_error_; }

 private:
  // ---- classification ----

  Next Classify(std::string_view key) {
    Frame& f = frames_.back();
    Next next = Next::kNothing;
    switch (f.role) {
      case Role::kRoot:
        if (stream_connection_ && key == "connection") next = Next::kConnection;
        if (stream_account_ && key == "account") next = Next::kAccount;
        break;
      case Role::kConnection:
        if (key == "accounts") next = Next::kAccounts;
        break;
      case Role::kAccount:
        next = key == "id"             ? Next::kAccountId
               : key == "currency"     ? Next::kCurrency
               : key == "transactions" ? Next::kTransactions
               : key == "investments"  ? Next::kInvestments
                                       : Next::kNothing;
        break;
      case Role::kCurrency:
        if (key == "precision") next = Next::kPrecision;
        break;
      default:
        break;
    }
    if (next == Next::kNothing) return next;
    const uint32_t bit = 1u << static_cast<unsigned>(next);
    if (f.seen & bit) return Next::kNothing;  // a repeated member: the converter ignores it
    f.seen |= bit;
    return next;
  }

  // ---- events ----

  enum ScalarKind { kText, kNull, kBoolean, kBinary };  // kText: strings and numbers

  template <typename Forward>
  bool Scalar(ScalarKind kind, std::string_view text, Forward forward) {
    if (element_depth_ > 0) return forward(element_.filter);
    if (discard_depth_ > 0) return true;
    if (frames_.empty()) return forward(skeleton_.filter);  // a scalar body: reported later
    Frame& parent = frames_.back();
    if (parent.role == Role::kItems) {
      element_index_ = parent.count++;
      ElementNotAnObject(kind == kBoolean ? "a boolean" : "a string");
      return true;
    }
    if (parent.role == Role::kAccounts) ++parent.count;
    Capture(kind, text);
    next_ = Next::kNothing;
    return forward(skeleton_.filter);
  }

  // A scalar met where the account's context is read.
  void Capture(ScalarKind kind, std::string_view text) {
    switch (next_) {
      case Next::kAccountId:
        if (kind == kText) account_.id_text.emplace(text);
        break;
      case Next::kCurrency:  // "EUR" (precision stays 2) or null (EUR/2)
        account_.currency_done = true;
        account_.currency_bad = kind != kText && kind != kNull;
        break;
      case Next::kPrecision:
        if (kind == kText) account_.precision_text.emplace(text);
        account_.precision_bad = kind != kText && kind != kNull;
        break;
      default:
        break;
    }
  }

  bool Open(bool object) {
    if (element_depth_ > 0) {
      ++element_depth_;
      return object ? element_.filter.StartObject() : element_.filter.StartArray();
    }
    if (discard_depth_ > 0) {
      ++discard_depth_;
      return true;
    }
    if (frames_.empty()) {
      root_is_object_ = object;
      frames_.push_back({object ? Role::kRoot : Role::kOther});
      return Forward(object);
    }
    Frame& parent = frames_.back();
    if (parent.role == Role::kItems) return OpenElement(object);
    const Next next = next_;
    next_ = Next::kNothing;
    Role role = Role::kOther;
    if (parent.role == Role::kAccounts && object) {
      if (!stream_error_.ok()) {  // past the failing account, as ParsePayload stops there
        discard_depth_ = 1;
        return true;
      }
      role = Role::kAccount;
      BeginAccount(parent.count);
    } else if (next == Next::kConnection && object) {
      role = Role::kConnection;
    } else if (next == Next::kAccounts && !object) {
      role = Role::kAccounts;
    } else if (next == Next::kAccount && object) {
      role = Role::kAccount;
      BeginAccount(-1);
    } else if (next == Next::kCurrency) {
      account_.currency_done = false;
      account_.currency_bad = !object;
      if (object) role = Role::kCurrency;
    } else if ((next == Next::kTransactions || next == Next::kInvestments) && !object) {
      if (!stream_error_.ok()) {  // failed already: nothing more is converted
        discard_depth_ = 1;
        return true;
      }
      if (AccountReady()) role = Role::kItems;
    }
    if (parent.role == Role::kAccounts) ++parent.count;
    frames_.push_back({role});
    frames_.back().transactions = next != Next::kInvestments;
    return Forward(object);
  }

  bool Close(bool object, SizeType n) {
    if (element_depth_ > 0) {
      --element_depth_;
      if (!(object ? element_.filter.EndObject(n) : element_.filter.EndArray(n))) return false;
      return element_depth_ > 0 ? true : FinishElement();
    }
    if (discard_depth_ > 0) {
      --discard_depth_;
      return true;
    }
    const Role role = frames_.back().role;
    frames_.pop_back();
    if (role == Role::kCurrency) account_.currency_done = true;
    return object ? skeleton_.filter.EndObject(n) : skeleton_.filter.EndArray(n);
  }

  bool Forward(bool object) {
    return object ? skeleton_.filter.StartObject() : skeleton_.filter.StartArray();
  }

  // ---- accounts and their elements ----

  void BeginAccount(int64_t index) {
    account_ = AccountContext();
    account_.index = index;
    account_node_ = index >= 0 ? Node{&placeholder_, &connection_node_, "accounts", index}
                               : Node{&placeholder_, &root_node_, "account"};
  }

  // True when the id and the precision are known and valid, as the converter would read them.
  bool AccountReady() {
    if (!account_.id_text || !account_.currency_done || account_.currency_bad ||
        account_.precision_bad) {
      return false;
    }
    Result<int64_t> id = ParseInteger(*account_.id_text);
    if (!id.ok()) return false;
    int64_t precision = 2;
    if (account_.precision_text) {
      Result<int64_t> p = ParseInteger(*account_.precision_text);
      if (!p.ok() || *p < 0 || *p > 18) return false;
      precision = *p;
    }
    account_record_.id = *id;
    account_record_.currency.precision = static_cast<int>(precision);
    return true;
  }

  bool OpenElement(bool object) {
    Frame& items = frames_.back();
    element_index_ = items.count++;
    if (!stream_error_.ok() || !object) {
      if (!object) ElementNotAnObject("an array");  // its contents are skipped
      discard_depth_ = 1;
      return true;
    }
    element_.Reset();
    element_depth_ = 1;
    return element_.filter.StartObject();
  }

  // REQUIRES: element_index_ is the element's position.
  void ElementNotAnObject(const char* type_name) {
    const Frame& items = frames_.back();
    const Node element{&placeholder_, &account_node_, ItemsKey(items), element_index_};
    Fail(Status::InvalidArgument(element.Path() + ": expected an object, got " + type_name));
  }

  static const char* ItemsKey(const Frame& items) {
    return items.transactions ? "transactions" : "investments";
  }

  // The element's DOM is complete: convert it with payload.cc's converter, hand it over.
  bool FinishElement() {
    const Frame& items = frames_.back();
    const Node node{&element_.builder.root(), &account_node_, ItemsKey(items), element_index_};
    Status status;
    if (items.transactions) {
      Transaction t;
      status = ParseTransaction(node, account_record_, &t);
      if (status.ok() && root_node_.unlisted_key == nullptr) {
        status = sink_->OnTransaction(account_record_.id, t);
        if (!status.ok()) return Stop(status);
      }
    } else {
      Investment inv;
      status = ParseInvestment(node, account_record_, &inv);
      if (status.ok() && root_node_.unlisted_key == nullptr) {
        status = sink_->OnInvestment(account_record_.id, inv);
        if (!status.ok()) return Stop(status);
      }
    }
    if (root_node_.unlisted_key != nullptr) status = UnlistedKeyError(root_node_.unlisted_key);
    if (!status.ok()) Fail(status);
    return true;
  }

  void Fail(Status status) {
    if (stream_error_.ok()) stream_error_ = std::move(status);
  }
  bool Stop(Status status) {
    sink_error_ = std::move(status);
    return false;  // ends the parse: a storage error is not the payload's fault
  }

  RecordSink* sink_;
  const bool stream_connection_;
  const bool stream_account_;
  DomBuilder skeleton_;
  DomBuilder element_;
  std::vector<Frame> frames_;
  Next next_ = Next::kNothing;
  size_t element_depth_ = 0;  // > 0: inside a streamed element, this many containers deep
  size_t discard_depth_ = 0;  // > 0: inside a container kept nowhere
  int64_t element_index_ = 0;
  bool root_is_object_ = false;

  // Placeholder ancestors: Node::Path only reads their keys and indexes.
  const JValue placeholder_{rapidjson::kObjectType};
  Node root_node_{&placeholder_};
  Node connection_node_{&placeholder_, &root_node_, "connection"};
  Node account_node_{&placeholder_, &root_node_, "account"};
  AccountContext account_;
  Account account_record_;  // id and precision of the account whose arrays stream

  Status stream_error_;  // the first shape error met in a streamed element
  Status sink_error_;
};

}  // namespace

Result<Payload> StreamPayload(WebhookEvent event, ByteSource* source, RecordSink* sink) {
  ChunkReader chunks(source);
  ChunkStream stream(&chunks);
  auto handler = std::make_unique<StreamHandler>(event, sink);
  rapidjson::Reader reader;
  rapidjson::ParseResult parsed = reader.Parse<kJsonFlags>(stream, *handler);
  if (!chunks.error().ok()) return chunks.error();
  if (!handler->sink_error().ok()) return handler->sink_error();
  if (parsed.IsError() && !chunks.text_error_offset()) chunks.DrainForTextError();
  if (!chunks.error().ok()) return chunks.error();
  if (chunks.text_error_offset()) {
    return Malformed(*chunks.text_error_offset(), chunks.text_error_reason());
  }
  if (parsed.IsError()) return Malformed(parsed);
  if (!handler->root_is_object()) {
    return Malformed(chunks.first_non_space().value_or(0), "not a JSON object");
  }
  Payload p;
  FREENAHI_RETURN_IF_ERROR(ParseRoot(Node{&handler->skeleton()}, event, &p));
  FREENAHI_RETURN_IF_ERROR(handler->stream_error());
  return p;
}

}  // namespace freenahi
