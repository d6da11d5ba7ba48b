// SPDX-License-Identifier: MIT
// Webhook JSON → model.h records: an in-situ DOM of only the members read here (kReadKeys),
// walked with JSON paths in every error. Numbers stay text (kParseNumbersAsStringsFlag) so money
// never touches a double. The envelope pass is payload_envelope.cc.
#include "json_text.h"
#include "payload.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <array>
#include <cstring>
#include <utility>
#include <vector>

#include "money.h"
#include "paris_time.h"
#include "payload_internal.h"

namespace freenahi {
namespace payload_internal {

Status Malformed(size_t offset, const std::string& reason) {
  return Status::InvalidArgument("malformed JSON at offset " + std::to_string(offset) + ": " +
                                 reason);
}

Status Malformed(const rapidjson::ParseResult& r) {
  return Malformed(r.Offset(), rapidjson::GetParseError_En(r.Code()));
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

}  // namespace payload_internal

namespace {

using namespace payload_internal;  // NOLINT: this file's own helpers

constexpr unsigned kPayloadFlags = kJsonFlags | rapidjson::kParseInsituFlag;

// Every member name the converters below read, at any depth. ParsePayload drops all other
// members, with their subtrees, before they reach the DOM; a converter reading a name missing
// here fails the parse with kInternal (UnlistedKeyError), so a new field is added to this table
// and read where it belongs, nothing else (payload_test walks every converter against it).
constexpr std::string_view kReadKeys[] = {
    // body, user, connection, connector
    "id_webhook_data", "user", "id_user", "connection", "account", "id_connection", "id", "signin",
    "platform", "connector", "id_connector", "connector_uuid", "uuid", "state", "error_message",
    "last_update", "created", "active", "accounts", "next_try", "sources", "access_expire",
    // account, currency, loan
    "number", "original_name", "name", "iban", "type", "usage", "currency", "precision", "balance",
    "coming", "deleted", "disabled", "loan", "transactions", "investments", "total_amount",
    "available_amount", "used_amount", "next_payment_amount", "next_payment_date",
    "subscription_date", "maturity_date", "rate", "nb_payments_left", "nb_payments_total",
    "duration",
    // transaction, counterparty, category
    "id_account", "date", "rdate", "vdate", "application_date", "datetime", "value", "gross_value",
    "original_wording", "simplified_wording", "wording", "original_value", "original_currency",
    "card", "counterparty", "categories", "label", "account_scheme_name", "account_identification",
    "code", "parent_code",
    // investment
    "code_type", "quantity", "unitprice", "unitvalue", "valuation", "diff"};

// kReadKeys as an open-addressing hash set: usually one probe and one short compare.
class ReadKeySet {
 public:
  ReadKeySet() {
    static_assert(std::size(kReadKeys) * 3 < kSlots, "keep the table sparse");
    for (std::string_view key : kReadKeys) {
      size_t i = Hash(key);
      while (!slots_[i].empty() && slots_[i] != key) i = (i + 1) % kSlots;
      slots_[i] = key;
    }
  }
  bool Contains(std::string_view key) const {
    if (key.empty()) return false;
    for (size_t i = Hash(key); !slots_[i].empty(); i = (i + 1) % kSlots) {
      if (Equal(slots_[i], key)) return true;
    }
    return false;
  }

 private:
  static constexpr size_t kSlots = 256;
  static size_t Hash(std::string_view k) {
    auto at = [k](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(k[i])); };
    return (k.size() * 37 + at(0) * 11 + at(k.size() / 2) * 3 + at(k.size() - 1)) % kSlots;
  }
  // Inline: a libc memcmp call costs more than comparing a dozen bytes.
  static bool Equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }
  std::array<std::string_view, kSlots> slots_{};
};

}  // namespace

namespace payload_internal {

bool IsReadKey(std::string_view key) {
  static const ReadKeySet set;
  return set.Contains(key);
}

// ---- Full parse, step 2: DOM walk (Node is in payload_internal.h) ----

const char* TypeName(const JValue& v) {
  if (v.IsObject()) return "an object";
  if (v.IsArray()) return "an array";
  if (v.IsBool()) return "a boolean";
  return "a string";
}

Status UnlistedKeyError(const char* key) {
  return Status::Internal(std::string("payload.cc reads \"") + key +
                          "\", which kReadKeys lacks (a programming error; please report it)");
}

}  // namespace payload_internal

namespace {

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
  *out = Node{v, &n, key};
  return Status::Ok();
}

// Appends one element to *out per element of an array of objects, filled by
// `f(element_node, &element)`; absent or null: none. *out grows once, to the array's size.
template <typename T, typename F>
Status ParseArray(const Node& n, const char* key, std::vector<T>* out, F f) {
  const JValue* v = n.Get(key);
  if (v == nullptr) return Status::Ok();
  if (!v->IsArray()) return n.Error(key, std::string("expected an array, got ") + TypeName(*v));
  out->reserve(out->size() + v->Size());
  for (SizeType i = 0; i < v->Size(); ++i) {
    const Node element{&(*v)[i], &n, key, i};
    if (!element.value->IsObject()) {
      return Status::InvalidArgument(element.Path() + ": expected an object, got " +
                                     TypeName(*element.value));
    }
    out->emplace_back();
    FREENAHI_RETURN_IF_ERROR(f(element, &out->back()));
  }
  return Status::Ok();
}

}  // namespace

// ---- Records (declared in payload_internal.h where another file needs them) ----

namespace payload_internal {

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
  return ParseArray(n, "categories", &t->categories, [](const Node& c, Category* category) {
    FREENAHI_RETURN_IF_ERROR(GetText(c, "code", &category->code));
    return GetText(c, "parent_code", &category->parent_code);
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

Status ParseAccountChildren(const Node& n, Account* a) {
  std::optional<Node> loan;
  FREENAHI_RETURN_IF_ERROR(GetObject(n, "loan", &loan));
  if (loan) {
    a->loan.emplace();
    FREENAHI_RETURN_IF_ERROR(ParseLoan(*loan, a->currency.precision, &*a->loan));
  }
  FREENAHI_RETURN_IF_ERROR(
      ParseArray(n, "transactions", &a->transactions,
                 [a](const Node& t, Transaction* out) { return ParseTransaction(t, *a, out); }));
  return ParseArray(n, "investments", &a->investments,
                    [a](const Node& i, Investment* out) { return ParseInvestment(i, *a, out); });
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

// A Paris datetime member; nullopt when absent or unreadable: health hints never fail a payload.
std::optional<UnixSeconds> HealthTime(const Node& n, const char* key) {
  const JValue* v = n.Get(key);
  if (v == nullptr || !v->IsString()) return std::nullopt;
  Result<UnixSeconds> t = AsParisTime(std::string_view(v->GetString(), v->GetStringLength()));
  return t.ok() ? std::optional<UnixSeconds>(*t) : std::nullopt;
}

// next_try, and the earliest sources[].access_expire (the first consent to run out).
void ParseHealth(const Node& n, Connection* c) {
  c->next_try = HealthTime(n, "next_try");
  const JValue* sources = n.Get("sources");
  if (sources == nullptr || !sources->IsArray()) return;
  for (SizeType i = 0; i < sources->Size(); ++i) {
    if (!(*sources)[i].IsObject()) continue;
    const Node source{&(*sources)[i], &n, "sources", i};
    std::optional<UnixSeconds> expire = HealthTime(source, "access_expire");
    if (expire && (!c->access_expire || *expire < *c->access_expire)) c->access_expire = expire;
  }
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
  ParseHealth(n, c);
  const AccountDefaults defaults{c->id, c->user_id};
  return ParseArray(n, "accounts", &c->accounts, [&defaults](const Node& a, Account* out) {
    return ParseAccount(a, defaults, out);
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

namespace {

Status ParseRootRecords(const Node& root, WebhookEvent event, Payload* p) {
  p->event = event;
  FREENAHI_RETURN_IF_ERROR(GetIdOr(root, "id_webhook_data", &p->webhook_id));
  std::optional<Node> user;
  FREENAHI_RETURN_IF_ERROR(GetObject(root, "user", &user));
  if (user) {
    p->user.emplace();
    FREENAHI_RETURN_IF_ERROR(ParseUser(*user, "id", &*p->user));
  }
  return ParseEventBody(root, p);
}

}  // namespace

// A converter that read a filtered-out name saw "absent": that error, not its consequence.
Status ParseRoot(const Node& root, WebhookEvent event, Payload* p) {
  Status status = ParseRootRecords(root, event, p);
  if (root.unlisted_key != nullptr) return UnlistedKeyError(root.unlisted_key);
  return status;
}

}  // namespace payload_internal

namespace {

// REQUIRES: *body has no NUL byte. Strings are unescaped in place into *body, which the DOM
// points into; the DOM is gone when this returns, the strings copied into the records.
Result<Payload> ParseInsitu(WebhookEvent event, std::string* body) {
  const size_t root_offset = FirstNonSpace(*body);
  rapidjson::Document doc;
  rapidjson::ParseResult parsed;
  auto generate = [&parsed, body](rapidjson::Document& out) {
    KeepFilter<rapidjson::Document> filter(&out);
    rapidjson::Reader reader;
    rapidjson::InsituStringStream stream(&(*body)[0]);
    parsed = reader.Parse<kPayloadFlags>(stream, filter);
    return !parsed.IsError();
  };
  doc.Populate(generate);
  if (parsed.IsError()) return Malformed(parsed);
  if (!doc.IsObject()) return Malformed(root_offset, "not a JSON object");
  Payload p;
  FREENAHI_RETURN_IF_ERROR(ParseRoot(Node{&doc}, event, &p));
  return p;
}

}  // namespace

Result<Payload> ParsePayload(WebhookEvent event, std::string body) {
  FREENAHI_RETURN_IF_ERROR(CheckJsonText(body));  // UTF-8 and NUL, before RapidJSON (json_text.h)
  Result<Payload> p = ParseInsitu(event, &body);
  std::string().swap(body);  // now, not when the caller's statement ends
  return p;
}

namespace payload_internal {

Status ConvertUser(const rapidjson::Value& v, User* out) { return ParseUser(Node{&v}, "id", out); }

Status ConvertConnection(const rapidjson::Value& v, Connection* out) {
  return ParseConnection(Node{&v}, 0, out);
}

Status ConvertAccount(const rapidjson::Value& v, Account* out) {
  return ParseAccount(Node{&v}, AccountDefaults{}, out);
}

Status ConvertTransaction(const rapidjson::Value& v, const Account& account, Transaction* out) {
  return ParseTransaction(Node{&v}, account, out);
}

Status ConvertInvestment(const rapidjson::Value& v, const Account& account, Investment* out) {
  return ParseInvestment(Node{&v}, account, out);
}

}  // namespace payload_internal
}  // namespace freenahi
