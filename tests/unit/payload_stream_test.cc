// SPDX-License-Identifier: MIT
// Tests for payload_stream.cc: StreamPayload against ParsePayload (the DOM path, kept as the
// oracle) over generated bodies read in chunks of every size, and the same error texts and paths.
#include "catch.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "../bench/payload_gen.h"
#include "payload.h"

namespace freenahi {
namespace {

// Serves a string in reads of at most `step` bytes (chunk boundaries fall everywhere).
class StringSource : public ByteSource {
 public:
  StringSource(std::string text, size_t step) : text_(std::move(text)), step_(step) {}
  Result<size_t> Read(char* buffer, size_t capacity) override {
    size_t n = std::min({capacity, step_, text_.size() - offset_});
    std::copy_n(text_.data() + offset_, n, buffer);
    offset_ += n;
    return n;
  }

 private:
  std::string text_;
  size_t step_;
  size_t offset_ = 0;
};

// Keeps what it is handed, per account id, in order.
class CollectSink : public RecordSink {
 public:
  Status OnTransaction(int64_t account_id, const Transaction& t) override {
    transactions[account_id].push_back(t);
    return Status::Ok();
  }
  Status OnInvestment(int64_t account_id, const Investment& i) override {
    investments[account_id].push_back(i);
    return Status::Ok();
  }
  std::map<int64_t, std::vector<Transaction>> transactions;
  std::map<int64_t, std::vector<Investment>> investments;
};

template <typename T>
std::string Opt(const std::optional<T>& v) {
  if (!v) return "-";
  if constexpr (std::is_same_v<T, std::string>) return "'" + *v + "'";
  else return std::to_string(*v);
}

std::string DumpTransaction(const Transaction& t) {
  std::string s = std::to_string(t.id) + "/" + std::to_string(t.account_id) + " " + t.date + " " +
                  Opt(t.rdate) + Opt(t.vdate) + Opt(t.application_date) + Opt(t.datetime) + " " +
                  std::to_string(t.value_minor) + Opt(t.gross_value_minor) + " " + t.type + "|" +
                  t.original_wording + "|" + t.simplified_wording + "|" + t.wording + "|" +
                  std::to_string(t.coming) + std::to_string(t.active) + Opt(t.deleted) +
                  Opt(t.last_update) + Opt(t.original_value) + Opt(t.original_currency) +
                  Opt(t.card);
  if (t.counterparty) {
    s += " cp:" + t.counterparty->label + "|" + t.counterparty->account_scheme_name + "|" +
         t.counterparty->account_identification + "|" + t.counterparty->type;
  }
  for (const Category& c : t.categories) s += " cat:" + c.parent_code + "/" + c.code;
  return s + "\n";
}

std::string DumpInvestment(const Investment& i) {
  return std::to_string(i.id) + "/" + std::to_string(i.account_id) + " " + i.label + "|" + i.code +
         "|" + i.code_type + Opt(i.quantity) + Opt(i.unitprice) + Opt(i.unitvalue) + " " +
         std::to_string(i.valuation_minor) + Opt(i.diff_minor) + Opt(i.vdate) +
         Opt(i.last_update) + Opt(i.deleted) + "\n";
}

std::string DumpAccount(const Account& a) {
  std::string s = "account " + std::to_string(a.id) + "/" + std::to_string(a.connection_id) + "/" +
                  std::to_string(a.user_id) + " " + a.number + "|" + a.original_name + "|" +
                  a.name + "|" + a.iban + "|" + a.type + "|" + a.usage + " " + a.currency.code +
                  std::to_string(a.currency.precision) + Opt(a.balance_minor) +
                  Opt(a.coming_minor) + Opt(a.last_update) + Opt(a.deleted) + Opt(a.disabled);
  if (a.loan) {
    const Loan& l = *a.loan;
    s += " loan:" + Opt(l.total_amount_minor) + Opt(l.available_amount_minor) +
         Opt(l.used_amount_minor) + Opt(l.next_payment_amount_minor) + Opt(l.next_payment_date) +
         Opt(l.subscription_date) + Opt(l.maturity_date) + Opt(l.rate) + Opt(l.nb_payments_left) +
         Opt(l.nb_payments_total) + Opt(l.duration) + l.type;
  }
  s += "\n";
  for (const Transaction& t : a.transactions) s += DumpTransaction(t);
  for (const Investment& i : a.investments) s += DumpInvestment(i);
  return s;
}

std::string Dump(const Payload& p) {
  std::string s = "event " + std::to_string(static_cast<int>(p.event)) + " webhook " +
                  std::to_string(p.webhook_id) + "\n";
  if (p.user) {
    s += "user " + std::to_string(p.user->id) + Opt(p.user->signin) + p.user->platform + "\n";
  }
  if (p.connection) {
    const Connection& c = *p.connection;
    s += "connection " + std::to_string(c.id) + "/" + std::to_string(c.user_id) + "/" +
         std::to_string(c.connector_id) + " " + c.connector_uuid + "|" + c.connector_name +
         Opt(c.state) + Opt(c.error_message) + Opt(c.last_update) + Opt(c.created) +
         std::to_string(c.active) + Opt(c.next_try) + Opt(c.access_expire) + "\n";
    for (const Account& a : c.accounts) s += DumpAccount(a);
  }
  if (p.account) s += DumpAccount(*p.account);
  return s;
}

// The streamed records put back where ParsePayload leaves them.
void Reassemble(CollectSink* sink, Account* a) {
  auto& ts = sink->transactions[a->id];
  a->transactions.insert(a->transactions.begin(), ts.begin(), ts.end());
  ts.clear();
  auto& is = sink->investments[a->id];
  a->investments.insert(a->investments.begin(), is.begin(), is.end());
  is.clear();
}

std::string Describe(const Status& s) {
  return "code " + std::to_string(static_cast<int>(s.code())) + ": " + s.message();
}

// "OK\n<dump>" or the error's code and text.
std::string ViaDom(WebhookEvent event, const std::string& body) {
  Result<Payload> p = ParsePayload(event, body);
  return p.ok() ? "OK\n" + Dump(*p) : Describe(p.status());
}

std::string ViaStream(WebhookEvent event, const std::string& body, size_t step,
                      size_t* streamed = nullptr) {
  StringSource source(body, step);
  CollectSink sink;
  Result<Payload> p = StreamPayload(event, &source, &sink);
  if (!p.ok()) return Describe(p.status());
  size_t n = 0;
  for (auto& [id, v] : sink.transactions) n += v.size();
  if (streamed != nullptr) *streamed = n;
  if (p->connection) {
    for (Account& a : p->connection->accounts) Reassemble(&sink, &a);
  }
  if (p->account) Reassemble(&sink, &*p->account);
  return "OK\n" + Dump(*p);
}

TEST_CASE("payload_stream: generated bodies give what ParsePayload gives", "[payload_stream]") {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    for (bool update : {false, true}) {
      for (bool late : {false, true}) {
        payload_gen::Options o;
        o.transactions = 120;
        o.seed = seed;
        o.update = update;
        o.late_currency = late;
        o.padding = seed != 2;
        const std::string body = payload_gen::Generate(o);
        const std::string expected = ViaDom(WebhookEvent::kConnectionSynced, body);
        INFO("seed " << seed << " update " << update << " late " << late);
        REQUIRE(expected.rfind("OK\n", 0) == 0);
        for (size_t step : {size_t{1}, size_t{7}, size_t{4096}, size_t{1} << 20}) {
          size_t streamed = 0;
          CHECK(ViaStream(WebhookEvent::kConnectionSynced, body, step, &streamed) == expected);
          CHECK(streamed > 0);  // the records did stream (not all kept in the result)
        }
      }
    }
  }
}

TEST_CASE("payload_stream: every event's shapes, as ParsePayload", "[payload_stream]") {
  const std::string account =
      R"({"id": 10, "currency": "USD", "balance": "1.5", "transactions": [{"id": 1, "date": )"
      R"("2024-01-02", "value": -3.25}], "investments": [{"id": 5, "valuation": 7}]})";
  const std::vector<std::pair<WebhookEvent, std::string>> cases = {
      {WebhookEvent::kAccountSynced, R"({"id_webhook_data": 3, "account": )" + account + "}"},
      {WebhookEvent::kAccountSynced, account},  // the account is the body: kept whole
      {WebhookEvent::kAccountsFetched,
       R"({"connection": {"id": 3, "accounts": [)" + account + "]}, \"id_user\": 9}"},
      {WebhookEvent::kAccountEnabled, account},
      {WebhookEvent::kAccountDisabled, R"({"account": )" + account + "}"},
      {WebhookEvent::kConnectionSynced,
       R"({"connection": {"id": 3, "next_try": "2024-03-15 07:48:00", "sources": [{"id": 1, )"
       R"("access_expire": "2024-08-28 09:15:03"}, {"access_expire": "2024-07-01 00:00:00"}], )"
       R"("accounts": [)" + account + "]}}"},
      {WebhookEvent::kConnectionDeleted, R"({"id": 3, "id_user": 4})"},
      {WebhookEvent::kUserDeleted, R"({"id_user": 4})"},
      {WebhookEvent::kUserDeleted, R"({"user": {"id": 4, "signin": "2024-01-02 03:04:05"}})"},
  };
  for (const auto& [event, body] : cases) {
    INFO(body);
    const std::string expected = ViaDom(event, body);
    CHECK(expected.rfind("OK\n", 0) == 0);
    CHECK(ViaStream(event, body, 3) == expected);
  }
}

TEST_CASE("payload_stream: errors keep ParsePayload's text and JSON path", "[payload_stream]") {
  auto synced = [](const std::string& account_fields, const std::string& transactions) {
    return R"({"id_webhook_data": 1, "user": {"id": 7}, "connection": {"id": 3, "accounts": [)"
           R"({"id": 10, "currency": {"id": "EUR", "precision": 2}, )" +
           account_fields + R"("transactions": [)" + transactions + "]}]}}";
  };
  const std::string ok_t = R"({"id": 1, "date": "2024-01-02", "value": 1})";
  const std::vector<std::string> bodies = {
      "",
      "   ",
      "[1, 2]",
      "  \"text\"",
      "{\"a\": 1",
      "{\"a\": 1} x",
      std::string("{\"a\": \"b\0c\"}", 11),
      std::string("{\"a\": 1, \"b\": tru\0}", 19),
      "{\"a\": \"\xff\"}",
      // UTF-8 across chunk boundaries: valid, truncated at the end, broken mid-sequence, and a
      // NUL after invalid UTF-8 (the first wins), as the whole-body CheckJsonText sees them.
      "{\"a\": \"d\xc3\xa9p\xc3\xb4t \xf0\x9f\x92\xb6\"} x",
      "{\"a\": \"b\"} \xf0\x9f\x92",
      "{\"a\": \"\xe2\x82\"}",
      "{\"a\": \"\xe2\x82\xac\xe2\x28\xa1\"}",
      std::string("{\"a\": \"\xc3\x28\0\"}", 12),
      std::string("{\"a\": tru\xc3\xa9 \0}", 14),
      synced("", ok_t + R"(, {"id": 2, "date": "2024-01-02", "value": "1.234"})"),
      synced("", ok_t + R"(, {"id": 2, "date": "2024-13-02", "value": 1})"),
      synced("", ok_t + R"(, {"id": 2, "value": 1})"),
      synced("", ok_t + ", 5"),
      synced("", ok_t + ", null"),
      synced("", ok_t + ", true"),
      synced("", ok_t + ", [1, {\"id\": 3}]"),
      synced("", ok_t + R"(, {"id": 2, "date": "2024-01-02", "value": 1, "coming": "maybe"})"),
      synced("", R"({"id": 2, "date": "2024-01-02", "value": 1, "counterparty": "x"})"),
      synced("", R"({"id": 2, "date": "2024-01-02", "value": 1, "categories": {}})"),
      synced(R"("balance": "x", )", ok_t),
      synced(R"("loan": {"rate": "abc"}, )", ok_t),
      synced("", ok_t + R"(, {"id": "x", "date": "2024-01-02", "value": 1})") + "  {",
      R"({"connection": {"id": 3, "accounts": [{"id": 10, "currency": {"precision": 40},)"
      R"( "transactions": [{"id": 1, "date": "2024-01-02", "value": 1}]}]}})",
      R"({"connection": {"id": 3, "accounts": [{"transactions": [{"id": 1}]}]}})",
      R"({"connection": {"id": 3, "accounts": [7, {"id": 1, "currency": "EUR", )"
      R"("transactions": [{"id": 1}]}]}})",
      R"({"connection": 5})",
      R"({"user": {"id": 1}})",
  };
  for (const std::string& body : bodies) {
    INFO(body);
    const std::string expected = ViaDom(WebhookEvent::kConnectionSynced, body);
    CHECK(expected.rfind("OK\n", 0) != 0);
    for (size_t step : {size_t{1}, size_t{2}, size_t{3}, size_t{5}, size_t{1} << 16}) {
      CHECK(ViaStream(WebhookEvent::kConnectionSynced, body, step) == expected);
    }
  }
}

// A sink that fails like a full disk: the parse stops at once and returns that error unchanged.
class FullDiskSink : public RecordSink {
 public:
  Status OnTransaction(int64_t, const Transaction&) override {
    ++calls;
    return Status::Unavailable("disk full");
  }
  Status OnInvestment(int64_t, const Investment&) override { return Status::Ok(); }
  int calls = 0;
};

TEST_CASE("payload_stream: a sink error stops the parse and is returned", "[payload_stream]") {
  payload_gen::Options o;
  o.transactions = 50;
  StringSource source(payload_gen::Generate(o), 1 << 16);
  FullDiskSink sink;
  Result<Payload> p = StreamPayload(WebhookEvent::kConnectionSynced, &source, &sink);
  CHECK(p.status().ToString() == Status::Unavailable("disk full").ToString());
  CHECK(sink.calls == 1);
}

class BrokenSource : public ByteSource {
 public:
  Result<size_t> Read(char* buffer, size_t) override {
    if (reads_++ == 0) {
      buffer[0] = '{';
      return size_t{1};
    }
    return Status::Unavailable("read inbox body: disk I/O error");
  }

 private:
  int reads_ = 0;
};

TEST_CASE("payload_stream: a source error is returned, not a parse error", "[payload_stream]") {
  BrokenSource source;
  CollectSink sink;
  Result<Payload> p = StreamPayload(WebhookEvent::kConnectionSynced, &source, &sink);
  CHECK(p.status().code() == Status::Code::kUnavailable);
  CHECK(p.status().message() == "read inbox body: disk I/O error");
}

std::string DescribeEnvelope(const Result<Envelope>& e) {
  if (!e.ok()) return Describe(e.status());
  return "OK " + Opt(e->webhook_id) + " " + Opt(e->user_id);
}

TEST_CASE("payload_stream: ParseEnvelopeFrom gives what ParseEnvelope gives", "[payload_stream]") {
  payload_gen::Options o;
  o.transactions = 200;
  std::vector<std::string> bodies = {
      payload_gen::Generate(o),
      R"({"id_webhook\u005fdata": 5, "user": {"id": "7"}})",
      R"({"id_webhook_data": "\u0035", "id_user": 3})",
      R"({"connection": {"id_user": 4, "x": [1, {"id": 9}]}, "id_webhook_data": 6})",
      R"({"user": [{"id": 1}], "id_user": 2})",
      "",
      "   ",
      "[1, 2]",
      "  \"text\"",
      "{\"a\": 1",
      "{\"a\": 1} x",
      std::string("{\"a\": \"b\0c\"}", 11),
      "{\"a\": \"\xff\"}",
      "{\"a\": \"b\"} \xf0\x9f\x92",
      "{\"a\": \"\xe2\x82\xac\xe2\x28\xa1\"}",
      std::string("{\"a\": tru\xc3\xa9 \0}", 14),
  };
  for (const std::string& body : bodies) {
    INFO(body.substr(0, 200));
    const std::string expected = DescribeEnvelope(ParseEnvelope(body));
    for (size_t step : {size_t{1}, size_t{3}, size_t{4096}, size_t{1} << 20}) {
      int opened = 0;
      auto open = [&body, step, &opened]() -> std::unique_ptr<ByteSource> {
        ++opened;
        return std::make_unique<StringSource>(body, step);
      };
      CHECK(DescribeEnvelope(ParseEnvelopeFrom(open)) == expected);
      // Ids as pointers into the chunk: in one chunk, one pass; a byte at a time, every split.
      if (&body == &bodies[0] && step == 1) CHECK(opened == 2);
      if (&body == &bodies[0] && step == size_t{1} << 20) CHECK(opened == 1);
    }
  }
  CHECK(DescribeEnvelope(ParseEnvelope(bodies[1])) == "OK 5 7");  // not vacuous
  auto broken = [] { return std::make_unique<BrokenSource>(); };
  CHECK(ParseEnvelopeFrom(broken).status().message() == "read inbox body: disk I/O error");
}

}  // namespace
}  // namespace freenahi
