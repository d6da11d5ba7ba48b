// SPDX-License-Identifier: MIT
// Webhook JSON → model.h records: a SAX envelope pass, then an in-situ DOM walk with JSON paths in
// every error. Numbers stay text (kParseNumbersAsStringsFlag) so money never touches a double.
#include "payload.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstring>
#include <utility>
#include <vector>

#include "money.h"
#include "paris_time.h"

namespace freenahi {
namespace {

using JValue = rapidjson::Value;

// Iterative: a deeply nested body cannot exhaust the stack. Encoding validated: only UTF-8 text
// reaches the store.
constexpr unsigned kParseFlags = rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseIterativeFlag;

Status Malformed(size_t offset, const std::string& reason) {
  return Status::InvalidArgument("malformed JSON at offset " + std::to_string(offset) + ": " +
                                 reason);
}

// RapidJSON reads a NUL as the end of input; JSON text can never hold a raw one.
Status CheckNoNul(std::string_view body) {
  const void* nul = std::memchr(body.data(), '\0', body.size());
  if (nul == nullptr) return Status::Ok();
  return Malformed(static_cast<size_t>(static_cast<const char*>(nul) - body.data()), "NUL byte");
}

size_t FirstNonSpace(std::string_view body) {
  size_t i = body.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? body.size() : i;
}

std::string Quote(std::string_view text) {
  constexpr size_t kMaxShown = 40;
  if (text.size() > kMaxShown) return "\"" + std::string(text.substr(0, kMaxShown)) + "...\"";
  return "\"" + std::string(text) + "\"";
}

// Ids and counts: an integer, given as a JSON number or string ("2881", "2881.0", "1e3").
Result<int64_t> ParseInteger(std::string_view text) {
  Result<int64_t> r = ParseMinorUnits(text, 0);
  if (!r.ok()) return Status::InvalidArgument("not an integer: " + Quote(text));
  return r;
}

// ---- Envelope: one SAX pass, no DOM ----

class EnvelopeHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, EnvelopeHandler> {
 public:
  bool StartObject() { return Open('o'); }
  bool StartArray() { return Open('a'); }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool EndArray(rapidjson::SizeType) { return Close(); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (stack_.size() == 1) top_key_.assign(s, n);
    if (stack_.size() == 2) inner_key_.assign(s, n);
    return true;
  }
  // Strings and (with kParseNumbersAsStringsFlag) numbers.
  bool String(const char* s, rapidjson::SizeType n, bool) {
    Scalar(std::string_view(s, n));
    return true;
  }
  bool Default() { return true; }  // null, booleans: nothing to keep

  bool root_is_object() const { return root_is_object_; }
  Envelope envelope() const {
    Envelope e;
    e.webhook_id = webhook_id_;
    e.user_id = user_id_ ? user_id_ : top_id_user_ ? top_id_user_ : connection_id_user_;
    return e;
  }

 private:
  bool Open(char kind) {
    if (stack_.empty() && kind == 'o') root_is_object_ = true;
    stack_.push_back(kind);
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }
  void Scalar(std::string_view text) {
    if (stack_.size() == 1 && stack_[0] == 'o') {
      if (top_key_ == "id_webhook_data") Store(text, &webhook_id_);
      if (top_key_ == "id_user") Store(text, &top_id_user_);
    } else if (stack_.size() == 2 && stack_[0] == 'o' && stack_[1] == 'o') {
      if (top_key_ == "user" && inner_key_ == "id") Store(text, &user_id_);
      if (top_key_ == "connection" && inner_key_ == "id_user") Store(text, &connection_id_user_);
    }
  }
  static void Store(std::string_view text, std::optional<int64_t>* out) {
    Result<int64_t> r = ParseInteger(text);
    if (r.ok()) *out = *r;
  }

  std::vector<char> stack_;  // 'o' object, 'a' array, outermost first
  std::string top_key_, inner_key_;
  bool root_is_object_ = false;
  std::optional<int64_t> webhook_id_, user_id_, top_id_user_, connection_id_user_;
};

// ---- DOM walk: a node is an object plus its JSON path ----

struct Node {
  const JValue* value;  // an object
  std::string path;     // "" for the root

  std::string Child(const char* key) const { return path.empty() ? key : path + "." + key; }
  // The member, or nullptr when absent or null.
  const JValue* Get(const char* key) const {
    auto it = value->FindMember(key);
    if (it == value->MemberEnd() || it->value.IsNull()) return nullptr;
    return &it->value;
  }
  Status Error(const char* key, const std::string& cause) const {
    return Status::InvalidArgument(Child(key) + ": " + cause);
  }
};

const char* TypeName(const JValue& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsBool()) return "a boolean";
  return "a string";
}

// Reads a string-or-number member through `convert` (std::string_view → Result<T>). Absent or
// null leaves *out untouched.
template <typename T, typename Convert>
Status GetOpt(const Node& n, const char* key, Convert convert, std::optional<T>* out) {
  const JValue* v = n.Get(key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsString()) return n.Error(key, std::string("expected a scalar, got ") + TypeName(*v));
  Result<T> r = convert(std::string_view(v->GetString(), v->GetStringLength()));
  if (!r.ok()) return n.Error(key, r.status().message());
  *out = std::move(*r);
  return Status::Ok();
}

template <typename T, typename Convert>
Status GetRequired(const Node& n, const char* key, Convert convert, T* out) {
  std::optional<T> value;
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, key, convert, &value));
  if (!value) return n.Error(key, "missing");
  *out = std::move(*value);
  return Status::Ok();
}

Result<std::string> AsText(std::string_view s) { return std::string(s); }

// Bank dates: "YYYY-MM-DD"; a datetime is cut to its date, never shifted.
Result<std::string> AsDate(std::string_view s) {
  if (IsIsoDate(s.substr(0, 10)) && (s.size() == 10 || ParseUtcDatetime(s).ok())) {
    return std::string(s.substr(0, 10));
  }
  return Status::InvalidArgument("not a date (YYYY-MM-DD): " + Quote(s));
}

// Paris wall-clock time, unless the text says UTC with a trailing 'Z'.
Result<UnixSeconds> AsParisTime(std::string_view s) {
  if (!s.empty() && s.back() == 'Z') return ParseUtcDatetime(s);
  return ParseParisDatetime(s);
}

auto AsMoney(int precision) {
  return [precision](std::string_view s) { return ParseMinorUnits(s, precision); };
}

Status GetText(const Node& n, const char* key, std::string* out) {
  std::optional<std::string> text;
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, key, AsText, &text));
  if (text) *out = std::move(*text);
  return Status::Ok();
}

Status GetId(const Node& n, const char* key, int64_t* out) {
  return GetRequired(n, key, ParseInteger, out);
}

// An id that may be absent (then *out keeps its default).
Status GetIdOr(const Node& n, const char* key, int64_t* out) {
  std::optional<int64_t> id;
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, key, ParseInteger, &id));
  if (id) *out = *id;
  return Status::Ok();
}

Status GetBool(const Node& n, const char* key, bool* out) {
  const JValue* v = n.Get(key);
  if (v == nullptr) return Status::Ok();
  if (v->IsBool()) {
    *out = v->GetBool();
    return Status::Ok();
  }
  std::string_view s = v->IsString() ? std::string_view(v->GetString(), v->GetStringLength()) : "";
  if (s == "1" || s == "true" || s == "0" || s == "false") {
    *out = s == "1" || s == "true";
    return Status::Ok();
  }
  return n.Error(key, std::string("expected a boolean, got ") + TypeName(*v));
}

// The member as a child node; absent or null → nullopt.
Status GetObject(const Node& n, const char* key, std::optional<Node>* out) {
  const JValue* v = n.Get(key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsObject()) return n.Error(key, std::string("expected an object, got ") + TypeName(*v));
  *out = Node{v, n.Child(key)};
  return Status::Ok();
}

// Calls `f(element_node)` for each element of an array of objects; absent or null: none.
template <typename F>
Status ForEachObject(const Node& n, const char* key, F f) {
  const JValue* v = n.Get(key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsArray()) return n.Error(key, std::string("expected an array, got ") + TypeName(*v));
  const std::string base = n.Child(key);
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const JValue& e = (*v)[i];
    std::string path = base + "[" + std::to_string(i) + "]";
    if (!e.IsObject()) {
      return Status::InvalidArgument(path + ": expected an object, got " + TypeName(e));
    }
    FREENAHI_RETURN_IF_ERROR(f(Node{&e, std::move(path)}));
  }
  return Status::Ok();
}

// ---- Records ----

// "currency": {"id": "EUR", "precision": 2, ...}, or just "EUR"; absent → EUR/2.
Status GetCurrency(const Node& n, Currency* out) {
  const JValue* v = n.Get("currency");
  if (v != nullptr && v->IsString()) return GetText(n, "currency", &out->code);
  std::optional<Node> c;
  FREENAHI_RETURN_IF_ERROR(GetObject(n, "currency", &c));
  if (!c) return Status::Ok();
  FREENAHI_RETURN_IF_ERROR(GetText(*c, "id", &out->code));
  std::optional<int64_t> precision;
  FREENAHI_RETURN_IF_ERROR(GetOpt(*c, "precision", ParseInteger, &precision));
  if (precision && (*precision < 0 || *precision > 18)) {
    return c->Error("precision", "out of range 0..18: " + std::to_string(*precision));
  }
  if (precision) out->precision = static_cast<int>(*precision);
  return Status::Ok();
}

// "original_currency": "GBP" or {"id": "GBP", ...}.
Status GetCurrencyCode(const Node& n, const char* key, std::optional<std::string>* out) {
  const JValue* v = n.Get(key);
  if (v == nullptr || v->IsString()) return GetOpt(n, key, AsText, out);
  std::optional<Node> c;
  FREENAHI_RETURN_IF_ERROR(GetObject(n, key, &c));
  return GetOpt(*c, "id", AsText, out);
}

Status ParseCounterparty(const Node& n, Counterparty* c) {
  FREENAHI_RETURN_IF_ERROR(GetText(n, "label", &c->label));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "account_scheme_name", &c->account_scheme_name));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "account_identification", &c->account_identification));
  return GetText(n, "type", &c->type);
}

Status ParseTransactionExtras(const Node& n, Transaction* t) {
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "original_value", NormalizeDecimal, &t->original_value));
  FREENAHI_RETURN_IF_ERROR(GetCurrencyCode(n, "original_currency", &t->original_currency));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "card", AsText, &t->card));
  std::optional<Node> counterparty;
  FREENAHI_RETURN_IF_ERROR(GetObject(n, "counterparty", &counterparty));
  if (counterparty) {
    t->counterparty.emplace();
    FREENAHI_RETURN_IF_ERROR(ParseCounterparty(*counterparty, &*t->counterparty));
  }
  return ForEachObject(n, "categories", [t](const Node& c) {
    Category category;
    FREENAHI_RETURN_IF_ERROR(GetText(c, "code", &category.code));
    FREENAHI_RETURN_IF_ERROR(GetText(c, "parent_code", &category.parent_code));
    t->categories.push_back(std::move(category));
    return Status::Ok();
  });
}

Status ParseTransaction(const Node& n, const Account& account, Transaction* t) {
  FREENAHI_RETURN_IF_ERROR(GetId(n, "id", &t->id));
  t->account_id = account.id;
  FREENAHI_RETURN_IF_ERROR(GetIdOr(n, "id_account", &t->account_id));
  FREENAHI_RETURN_IF_ERROR(GetRequired(n, "date", AsDate, &t->date));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "rdate", AsDate, &t->rdate));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "vdate", AsDate, &t->vdate));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "application_date", AsDate, &t->application_date));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "datetime", ParseUtcDatetime, &t->datetime));
  const int precision = account.currency.precision;
  FREENAHI_RETURN_IF_ERROR(GetRequired(n, "value", AsMoney(precision), &t->value_minor));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "gross_value", AsMoney(precision), &t->gross_value_minor));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "type", &t->type));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "original_wording", &t->original_wording));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "simplified_wording", &t->simplified_wording));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "wording", &t->wording));
  FREENAHI_RETURN_IF_ERROR(GetBool(n, "coming", &t->coming));
  FREENAHI_RETURN_IF_ERROR(GetBool(n, "active", &t->active));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "deleted", AsParisTime, &t->deleted));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "last_update", AsParisTime, &t->last_update));
  return ParseTransactionExtras(n, t);
}

Status ParseInvestment(const Node& n, const Account& account, Investment* inv) {
  FREENAHI_RETURN_IF_ERROR(GetId(n, "id", &inv->id));
  inv->account_id = account.id;
  FREENAHI_RETURN_IF_ERROR(GetIdOr(n, "id_account", &inv->account_id));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "label", &inv->label));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "code", &inv->code));
  FREENAHI_RETURN_IF_ERROR(GetText(n, "code_type", &inv->code_type));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "quantity", NormalizeDecimal, &inv->quantity));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "unitprice", NormalizeDecimal, &inv->unitprice));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "unitvalue", NormalizeDecimal, &inv->unitvalue));
  const int precision = account.currency.precision;
  std::optional<int64_t> valuation;
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "valuation", AsMoney(precision), &valuation));
  inv->valuation_minor = valuation.value_or(0);
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "diff", AsMoney(precision), &inv->diff_minor));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "vdate", AsDate, &inv->vdate));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "last_update", AsParisTime, &inv->last_update));
  return GetOpt(n, "deleted", AsParisTime, &inv->deleted);
}

Status ParseLoan(const Node& n, int precision, Loan* loan) {
  FREENAHI_RETURN_IF_ERROR(
      GetOpt(n, "total_amount", AsMoney(precision), &loan->total_amount_minor));
  FREENAHI_RETURN_IF_ERROR(
      GetOpt(n, "available_amount", AsMoney(precision), &loan->available_amount_minor));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "used_amount", AsMoney(precision), &loan->used_amount_minor));
  FREENAHI_RETURN_IF_ERROR(
      GetOpt(n, "next_payment_amount", AsMoney(precision), &loan->next_payment_amount_minor));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "next_payment_date", AsDate, &loan->next_payment_date));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "subscription_date", AsDate, &loan->subscription_date));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "maturity_date", AsDate, &loan->maturity_date));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "rate", NormalizeDecimal, &loan->rate));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "nb_payments_left", ParseInteger, &loan->nb_payments_left));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "nb_payments_total", ParseInteger, &loan->nb_payments_total));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "duration", ParseInteger, &loan->duration));
  return GetText(n, "type", &loan->type);
}

// Ids an account inherits when it does not carry them.
struct AccountDefaults {
  int64_t connection_id = 0;
  int64_t user_id = 0;
};

Status ParseAccountChildren(const Node& n, Account* a) {
  std::optional<Node> loan;
  FREENAHI_RETURN_IF_ERROR(GetObject(n, "loan", &loan));
  if (loan) {
    a->loan.emplace();
    FREENAHI_RETURN_IF_ERROR(ParseLoan(*loan, a->currency.precision, &*a->loan));
  }
  FREENAHI_RETURN_IF_ERROR(ForEachObject(n, "transactions", [a](const Node& t) {
    a->transactions.emplace_back();
    return ParseTransaction(t, *a, &a->transactions.back());
  }));
  return ForEachObject(n, "investments", [a](const Node& i) {
    a->investments.emplace_back();
    return ParseInvestment(i, *a, &a->investments.back());
  });
}

Status ParseAccount(const Node& n, const AccountDefaults& defaults, Account* a) {
  FREENAHI_RETURN_IF_ERROR(GetId(n, "id", &a->id));
  a->connection_id = defaults.connection_id;
  a->user_id = defaults.user_id;
  FREENAHI_RETURN_IF_ERROR(GetIdOr(n, "id_connection", &a->connection_id));
  FREENAHI_RETURN_IF_ERROR(GetIdOr(n, "id_user", &a->user_id));
  for (auto [key, field] : {std::pair{"number", &a->number},
                            {"original_name", &a->original_name},
                            {"name", &a->name},
                            {"iban", &a->iban},
                            {"type", &a->type},
                            {"usage", &a->usage}}) {
    FREENAHI_RETURN_IF_ERROR(GetText(n, key, field));
  }
  // The currency first: every amount below depends on its precision.
  FREENAHI_RETURN_IF_ERROR(GetCurrency(n, &a->currency));
  const int precision = a->currency.precision;
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "balance", AsMoney(precision), &a->balance_minor));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "coming", AsMoney(precision), &a->coming_minor));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "last_update", AsParisTime, &a->last_update));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "deleted", AsParisTime, &a->deleted));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "disabled", AsParisTime, &a->disabled));
  return ParseAccountChildren(n, a);
}

// The connector's id, uuid and name, flat on the connection or in "connector": {...}.
Status ParseConnector(const Node& n, Connection* c) {
  std::optional<Node> connector;
  FREENAHI_RETURN_IF_ERROR(GetObject(n, "connector", &connector));
  if (connector) {
    FREENAHI_RETURN_IF_ERROR(GetIdOr(*connector, "id", &c->connector_id));
    FREENAHI_RETURN_IF_ERROR(GetText(*connector, "uuid", &c->connector_uuid));
    FREENAHI_RETURN_IF_ERROR(GetText(*connector, "name", &c->connector_name));
  }
  FREENAHI_RETURN_IF_ERROR(GetIdOr(n, "id_connector", &c->connector_id));
  return GetText(n, "connector_uuid", &c->connector_uuid);
}

Status ParseConnection(const Node& n, int64_t default_user_id, Connection* c) {
  FREENAHI_RETURN_IF_ERROR(GetId(n, "id", &c->id));
  c->user_id = default_user_id;
  FREENAHI_RETURN_IF_ERROR(GetIdOr(n, "id_user", &c->user_id));
  FREENAHI_RETURN_IF_ERROR(ParseConnector(n, c));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "state", AsText, &c->state));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "error_message", AsText, &c->error_message));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "last_update", AsParisTime, &c->last_update));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "created", AsParisTime, &c->created));
  FREENAHI_RETURN_IF_ERROR(GetBool(n, "active", &c->active));
  const AccountDefaults defaults{c->id, c->user_id};
  return ForEachObject(n, "accounts", [c, &defaults](const Node& a) {
    c->accounts.emplace_back();
    return ParseAccount(a, defaults, &c->accounts.back());
  });
}

Status ParseUser(const Node& n, const char* id_key, User* u) {
  FREENAHI_RETURN_IF_ERROR(GetId(n, id_key, &u->id));
  FREENAHI_RETURN_IF_ERROR(GetOpt(n, "signin", AsParisTime, &u->signin));
  return GetText(n, "platform", &u->platform);
}

// ---- Events ----

// The record under `key`; or, when `id_key` is given and the body has no `key` but has `id_key`,
// the body itself (Powens sends some events with the record at top level).
Result<Node> Subject(const Node& root, const char* key, const char* id_key) {
  std::optional<Node> child;
  FREENAHI_RETURN_IF_ERROR(GetObject(root, key, &child));
  if (child) return *child;
  if (id_key != nullptr && root.Get(id_key) != nullptr) return root;
  return root.Error(key, "missing");
}

// The user id stated outside any record: user.id, else top-level id_user; 0 when neither.
int64_t BodyUserId(const Node& root, const Payload& p) {
  if (p.user) return p.user->id;
  std::optional<int64_t> id;
  if (GetOpt(root, "id_user", ParseInteger, &id).ok() && id) return *id;
  return 0;
}

Status ParseConnectionEvent(const Node& root, const char* id_key, Payload* p) {
  Result<Node> n = Subject(root, "connection", id_key);
  if (!n.ok()) return n.status();
  p->connection.emplace();
  return ParseConnection(*n, BodyUserId(root, *p), &*p->connection);
}

Status ParseAccountEvent(const Node& root, Payload* p) {
  Result<Node> n = Subject(root, "account", "id");
  if (!n.ok()) return n.status();
  AccountDefaults defaults;
  defaults.user_id = BodyUserId(root, *p);
  FREENAHI_RETURN_IF_ERROR(GetIdOr(root, "id_connection", &defaults.connection_id));
  p->account.emplace();
  return ParseAccount(*n, defaults, &*p->account);
}

// {"user": {...}} was read already; else the user is the body: {"id": ...} or {"id_user": ...}.
Status ParseUserEvent(const Node& root, Payload* p) {
  if (p->user) return Status::Ok();
  const char* id_key = root.Get("id") != nullptr ? "id" : "id_user";
  if (root.Get(id_key) == nullptr) return root.Error("user", "missing");
  p->user.emplace();
  return ParseUser(root, id_key, &*p->user);
}

Status ParseEventBody(const Node& root, Payload* p) {
  switch (p->event) {
    case WebhookEvent::kConnectionSynced:
    case WebhookEvent::kAccountsFetched:
      return ParseConnectionEvent(root, nullptr, p);
    case WebhookEvent::kConnectionDeleted:
      return ParseConnectionEvent(root, "id", p);
    case WebhookEvent::kAccountSynced:
    case WebhookEvent::kAccountEnabled:
    case WebhookEvent::kAccountDisabled:
      return ParseAccountEvent(root, p);
    case WebhookEvent::kUserDeleted:
      return ParseUserEvent(root, p);
  }
  return Status::InvalidArgument("unknown webhook event");
}

}  // namespace

Result<Envelope> ParseEnvelope(std::string_view body) {
  FREENAHI_RETURN_IF_ERROR(CheckNoNul(body));
  EnvelopeHandler handler;
  rapidjson::Reader reader;
  rapidjson::MemoryStream stream(body.data(), body.size());
  rapidjson::ParseResult ok = reader.Parse<kParseFlags>(stream, handler);
  if (!ok) return Malformed(ok.Offset(), rapidjson::GetParseError_En(ok.Code()));
  if (!handler.root_is_object()) return Malformed(FirstNonSpace(body), "not a JSON object");
  return handler.envelope();
}

Result<Payload> ParsePayload(WebhookEvent event, std::string body) {
  FREENAHI_RETURN_IF_ERROR(CheckNoNul(body));
  const size_t root_offset = FirstNonSpace(body);
  rapidjson::Document doc;
  // In place: strings are unescaped into `body` itself, which outlives `doc`. Numbers stay
  // unterminated there, so their text is always read with its length.
  doc.ParseInsitu<kParseFlags>(&body[0]);
  if (doc.HasParseError()) {
    return Malformed(doc.GetErrorOffset(), rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return Malformed(root_offset, "not a JSON object");
  const Node root{&doc, ""};
  Payload p;
  p.event = event;
  FREENAHI_RETURN_IF_ERROR(GetIdOr(root, "id_webhook_data", &p.webhook_id));
  std::optional<Node> user;
  FREENAHI_RETURN_IF_ERROR(GetObject(root, "user", &user));
  if (user) {
    p.user.emplace();
    FREENAHI_RETURN_IF_ERROR(ParseUser(*user, "id", &*p.user));
  }
  FREENAHI_RETURN_IF_ERROR(ParseEventBody(root, &p));
  return p;
}

}  // namespace freenahi
