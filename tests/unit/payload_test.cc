// SPDX-License-Identifier: MIT
// Tests for payload.cc: the Powens sample, the envelope, bad shapes with their JSON paths, and
// every event's body shape.
#include "payload.h"
#include "payload_internal.h"

#include "catch.h"
#include <fstream>
#include <sstream>
#include <string>

#include "paris_time.h"

namespace freenahi {
namespace {

std::string ReadSample(const std::string& name) {
  std::ifstream in(std::string(FREENAHI_POWENS_SAMPLES) + "/" + name, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

UnixSeconds Utc(const char* text) {
  Result<UnixSeconds> t = ParseUtcDatetime(text);
  REQUIRE(t.ok());
  return *t;
}

Payload MustParse(WebhookEvent event, std::string body) {
  Result<Payload> p = ParsePayload(event, std::move(body));
  INFO(p.status().message());
  REQUIRE(p.ok());
  return std::move(p).value();
}

std::string ErrorOf(WebhookEvent event, std::string body) {
  Result<Payload> p = ParsePayload(event, std::move(body));
  if (p.ok()) return "OK";
  CHECK(p.status().code() == Status::Code::kInvalidArgument);
  return p.status().message();
}

// A connection_synced body with one account holding `account_fields` and `transaction`.
std::string SyncedBody(const std::string& account_fields, const std::string& transaction) {
  return R"({"id_webhook_data": 1, "user": {"id": 7}, "connection": {"id": 3, "accounts": [)"
         R"({"id": 10, )" +
         account_fields + R"( "transactions": [)" + transaction + "]}]}}";
}

TEST_CASE("payload: connection_synced sample parses to concrete records", "[payload]") {
  Payload p =
      MustParse(WebhookEvent::kConnectionSynced, ReadSample("connection_synced_basic.json"));
  CHECK(p.event == WebhookEvent::kConnectionSynced);
  CHECK(p.webhook_id == 5550001);
  REQUIRE(p.user);
  CHECK(p.user->id == 1042);
  CHECK(p.user->platform == "sharedAccess");
  CHECK(p.user->signin == Utc("2024-03-01 08:12:44"));  // Paris winter: UTC+1
  REQUIRE(p.connection);
  const Connection& c = *p.connection;
  CHECK(c.id == 317);
  CHECK(c.user_id == 1042);
  CHECK(c.connector_id == 40);
  CHECK(c.connector_uuid == "7c1e5b8a-2f44-4d1b-9e3a-6b0f2d9c1a57");
  CHECK(c.connector_name == "Connecteur de test");
  CHECK_FALSE(c.state);
  CHECK_FALSE(c.error_message);
  CHECK(c.last_update == Utc("2024-03-14 07:02:11"));
  CHECK(c.created == Utc("2024-03-01 08:15:03"));
  CHECK(c.active);
  CHECK(c.next_try == Utc("2024-03-15 06:48:00"));       // health, as a pull reads it
  CHECK(c.access_expire == Utc("2024-08-28 07:15:03"));  // Paris summer: UTC+2
  REQUIRE(c.accounts.size() == 2);
  CHECK(p.account == std::nullopt);
}

TEST_CASE("payload: connection health takes the earliest consent and never fails the body",
          "[payload]") {
  Payload p = MustParse(WebhookEvent::kConnectionSynced, R"({"id_webhook_data": 1,
    "connection": {"id": 3, "next_try": "soon", "sources": [
      {"access_expire": "2024-08-28 09:15:03"}, {"access_expire": null}, 7,
      {"access_expire": "2024-07-01 00:00:00"}, {"access_expire": "garbage"}]}})");
  REQUIRE(p.connection);
  CHECK_FALSE(p.connection->next_try);
  CHECK(p.connection->access_expire == Utc("2024-06-30 22:00:00"));
  Payload none = MustParse(WebhookEvent::kConnectionSynced,
                           R"({"id_webhook_data": 2, "connection": {"id": 3, "sources": "x"}})");
  CHECK_FALSE(none.connection->access_expire);
}

TEST_CASE("payload: sample accounts carry balances in minor units", "[payload]") {
  Payload p =
      MustParse(WebhookEvent::kConnectionSynced, ReadSample("connection_synced_basic.json"));
  const Account& a = p.connection->accounts[0];
  CHECK(a.id == 2881);
  CHECK(a.connection_id == 317);
  CHECK(a.user_id == 1042);
  CHECK(a.number == "00012345678");
  CHECK(a.original_name == "COMPTE DE DEPOT");
  CHECK(a.name == "Compte de dépôt");
  CHECK(a.iban == "FR7630001007941234567890185");
  CHECK(a.type == "checking");
  CHECK(a.usage == "PRIV");
  CHECK(a.currency.code == "EUR");
  CHECK(a.currency.precision == 2);
  CHECK(a.balance_minor == 152347);
  CHECK(a.coming_minor == -4290);
  CHECK(a.last_update == Utc("2024-03-14 07:02:09"));
  CHECK_FALSE(a.deleted);
  CHECK_FALSE(a.disabled);
  CHECK_FALSE(a.loan);
  CHECK(a.transactions.size() == 5);
  const Account& livret = p.connection->accounts[1];
  CHECK(livret.id == 2882);
  CHECK(livret.balance_minor == 820000);
  CHECK_FALSE(livret.coming_minor);
  CHECK(livret.iban.empty());
  REQUIRE(livret.transactions.size() == 2);
  CHECK(livret.transactions[0].value_minor == 6150);
  CHECK(livret.transactions[0].account_id == 2882);
}

TEST_CASE("payload: sample transactions keep values, dates and counterparties", "[payload]") {
  Payload p =
      MustParse(WebhookEvent::kConnectionSynced, ReadSample("connection_synced_basic.json"));
  const std::vector<Transaction>& txs = p.connection->accounts[0].transactions;
  const Transaction& card = txs[0];
  CHECK(card.id == 90001);
  CHECK(card.account_id == 2881);
  CHECK(card.value_minor == -4290);
  CHECK(card.coming);
  CHECK(card.active);
  CHECK(card.date == "2024-03-15");
  CHECK(card.rdate == "2024-03-13");
  CHECK_FALSE(card.vdate);
  CHECK(card.application_date == "2024-03-15");
  CHECK_FALSE(card.datetime);
  CHECK(card.type == "card");
  CHECK(card.card == "XXXXXXXXXXXX4821");
  CHECK_FALSE(card.counterparty);
  CHECK(card.categories.empty());
  CHECK(card.last_update == Utc("2024-03-14 07:01:55"));

  const Transaction& salary = txs[1];
  CHECK(salary.id == 90002);
  CHECK(salary.value_minor == 245000);
  CHECK_FALSE(salary.coming);
  CHECK(salary.wording == "ACME INDUSTRIES SAS");
  CHECK(salary.simplified_wording == "ACME INDUSTRIES SAS");
  REQUIRE(salary.counterparty);
  CHECK(salary.counterparty->label == "ACME INDUSTRIES SAS");
  CHECK(salary.counterparty->account_scheme_name == "iban");
  CHECK(salary.counterparty->account_identification == "FR7612739000709876543210987");
  CHECK(salary.counterparty->type == "debtor");
  REQUIRE(salary.categories.size() == 1);
  CHECK(salary.categories[0].code == "salary");
  CHECK(salary.categories[0].parent_code == "income");
  CHECK_FALSE(salary.gross_value_minor);

  CHECK(txs[2].value_minor == -6499);
  CHECK(txs[2].counterparty->account_scheme_name.empty());  // null → empty
  CHECK(txs[3].value_minor == -1850);
  CHECK(txs[3].original_value == "-15.8");
  CHECK(txs[3].original_currency == "GBP");
  CHECK(txs[4].deleted == Utc("2024-03-14 07:01:57"));
}

TEST_CASE("payload: envelope reads the idempotency key and the user", "[payload]") {
  struct {
    const char* body;
    std::optional<int64_t> webhook_id, user_id;
  } const kCases[] = {
      {R"({"id_webhook_data": 5, "user": {"id": 1042}})", 5, 1042},
      {R"({"id_webhook_data": "6", "id_user": 9})", 6, 9},
      {R"({"id_webhook_data": 7, "connection": {"id": 3, "id_user": 11}})", 7, 11},
      {R"({"user": {"id": 1}, "id_user": 2, "connection": {"id_user": 3}})", std::nullopt, 1},
      {R"({"id_user": 2, "connection": {"id_user": 3}})", std::nullopt, 2},
      {R"({"account": {"id_user": 4}, "x": [{"id_webhook_data": 8}]})", std::nullopt, std::nullopt},
      {R"({"user": [{"id": 1}], "data": {"user": {"id": 5}}})", std::nullopt, std::nullopt},
      {R"({"id_webhook_data": 1.5, "user": {"id": null}})", std::nullopt, std::nullopt},
      {R"({})", std::nullopt, std::nullopt},
      {" \n{\"id_webhook_data\": 9223372036854775807}\n", INT64_MAX, std::nullopt},
  };
  for (const auto& c : kCases) {
    INFO(c.body);
    Result<Envelope> e = ParseEnvelope(c.body);
    REQUIRE(e.ok());
    CHECK(e->webhook_id == c.webhook_id);
    CHECK(e->user_id == c.user_id);
  }
  Result<Envelope> sample = ParseEnvelope(ReadSample("connection_synced_basic.json"));
  REQUIRE(sample.ok());
  CHECK(sample->webhook_id == 5550001);
  CHECK(sample->user_id == 1042);
}

TEST_CASE("payload: envelope rejects malformed JSON with its offset", "[payload]") {
  struct {
    std::string body;
    const char* message;
  } const kCases[] = {
      {"", "malformed JSON at offset 0: The document is empty."},
      {"{\"id_webhook_data\": 1",
       "malformed JSON at offset 21: Missing a comma or '}' after an "
       "object member."},
      {"{\"a\": tru}", "malformed JSON at offset 9: Invalid value."},
      {"{} {}",
       "malformed JSON at offset 3: The document root must not be followed by other "
       "values."},
      {"  [1, 2]", "malformed JSON at offset 2: not a JSON object"},
      {"42", "malformed JSON at offset 0: not a JSON object"},
      {"\"text\"", "malformed JSON at offset 0: not a JSON object"},
      {std::string("{\"a\": 1}\0", 9), "malformed JSON at offset 8: NUL byte"},
  };
  for (const auto& c : kCases) {
    INFO(c.body);
    Result<Envelope> e = ParseEnvelope(c.body);
    REQUIRE_FALSE(e.ok());
    CHECK(e.status().code() == Status::Code::kInvalidArgument);
    CHECK(e.status().message() == c.message);
    // The full parse gives the same verdict.
    CHECK(ErrorOf(WebhookEvent::kConnectionSynced, c.body) == c.message);
  }
}

TEST_CASE("payload: invalid UTF-8 is malformed JSON for the envelope and the full parse", "[payload]") {
  // Issue 8's rule: a body that is not JSON text (RFC 8259: UTF-8) is refused before any parse,
  // the same way by the webhook (400, nothing kept) and by the ingest step (inbox replay).
  const std::string body = "{\"id_webhook_data\": 5, \"a\": \"\xff\"}";
  Result<Envelope> e = ParseEnvelope(body);
  REQUIRE_FALSE(e.ok());
  CHECK(e.status().message() == "malformed JSON at offset 29: invalid UTF-8");
  CHECK(ErrorOf(WebhookEvent::kConnectionSynced, body) == "malformed JSON at offset 29: invalid UTF-8");
  // Also inside a member the full parse drops.
  CHECK(ErrorOf(WebhookEvent::kConnectionSynced,
                "{\"connection\": {\"id\": 1, \"information\": {\"x\": [\"\xc3\x28\"]}}}") ==
        "malformed JSON at offset 48: invalid UTF-8");
}

TEST_CASE("payload: envelope reads escaped keys and ids, and only the view", "[payload]") {
  Result<Envelope> e =
      ParseEnvelope(R"({"x": "a\"b", "id\u005fwebhook_data": "\u0035", "user": {"i\u0064": 7}})");
  REQUIRE(e.ok());
  CHECK(e->webhook_id == 5);
  CHECK(e->user_id == 7);
  // The body is read up to its size, never to a NUL.
  const std::string buffer = R"({"id_webhook_data": 12}{"id_webhook_data": 13})";
  Result<Envelope> first = ParseEnvelope(std::string_view(buffer).substr(0, 23));
  REQUIRE(first.ok());
  CHECK(first->webhook_id == 12);
  Result<Envelope> cut =
      ParseEnvelope(std::string_view(buffer).substr(0, 21));  // {"id_webhook_data": 1
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().message() ==
        "malformed JSON at offset 21: Missing a comma or '}' after an object member.");
}

TEST_CASE("payload: deep nesting neither crashes the envelope nor the parser", "[payload]") {
  std::string body = "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  Result<Envelope> e = ParseEnvelope(body);
  REQUIRE(e.ok());
  CHECK_FALSE(e->webhook_id);
  CHECK(ErrorOf(WebhookEvent::kConnectionSynced, body) == "connection: missing");
  // Inside a member the parser drops: skipped by counting, before a member it keeps.
  Payload p = MustParse(WebhookEvent::kConnectionSynced,
                        R"({"comment": )" + std::string(200000, '[') + "{}" +
                            std::string(200000, ']') + R"(, "connection": {"id": 3}})");
  CHECK(p.connection->id == 3);
  // Inside a member it keeps: built, then reported.
  CHECK(ErrorOf(WebhookEvent::kConnectionSynced, R"({"connection": {"id": 1, "accounts": )" +
                                                     std::string(100000, '[') +
                                                     std::string(100000, ']') + "}}") ==
        "connection.accounts[0]: expected an object, got an array");
}

TEST_CASE("payload: bad shapes are reported with their JSON path", "[payload]") {
  const std::string tx_ok = R"("date": "2024-03-15", "value": 1)";
  struct {
    std::string body;
    const char* message;
  } const kCases[] = {
      {R"({"id_webhook_data": 1})", "connection: missing"},
      {R"({"connection": []})", "connection: expected an object, got an array"},
      {R"({"connection": {"accounts": []}})", "connection.id: missing"},
      {R"({"connection": {"id": null}})", "connection.id: missing"},
      {R"({"connection": {"id": 1.5}})", "connection.id: not an integer: \"1.5\""},
      {R"({"connection": {"id": "abc"}})", "connection.id: not an integer: \"abc\""},
      {R"({"connection": {"id": true}})", "connection.id: expected a scalar, got a boolean"},
      {R"({"id_webhook_data": "x", "connection": {"id": 1}})",
       "id_webhook_data: not an integer: \"x\""},
      {R"({"user": {"id": 1, "signin": "yesterday"}, "connection": {"id": 1}})",
       "user.signin: not a datetime (YYYY-MM-DD HH:MM:SS): \"yesterday\""},
      {R"({"connection": {"id": 1, "accounts": {}}})",
       "connection.accounts: expected an array, got an object"},
      {R"({"connection": {"id": 1, "accounts": [{"id": 2}, 3]}})",
       "connection.accounts[1]: expected an object, got a string"},
      {R"({"connection": {"id": 1, "active": "maybe"}})",
       "connection.active: expected a boolean, got a string"},
      {SyncedBody(R"("balance": "1,5",)", ""),
       "connection.accounts[0].balance: not a decimal number: \"1,5\""},
      {SyncedBody(R"("currency": {"id": "EUR", "precision": 19},)", ""),
       "connection.accounts[0].currency.precision: out of range 0..18: 19"},
      {SyncedBody("", "{" + tx_ok + "}"), "connection.accounts[0].transactions[0].id: missing"},
      {SyncedBody("", R"({"id": 1, "value": 1})"),
       "connection.accounts[0].transactions[0].date: missing"},
      {SyncedBody("", R"({"id": 1, "date": "2024-03-15"})"),
       "connection.accounts[0].transactions[0].value: missing"},
      {SyncedBody("", R"({"id": 1, "date": "2024-03-15", "value": null})"),
       "connection.accounts[0].transactions[0].value: missing"},
      {SyncedBody("", R"({"id": 1, "date": "2024-02-30", "value": 1})"),
       "connection.accounts[0].transactions[0].date: not a date (YYYY-MM-DD): \"2024-02-30\""},
      {SyncedBody(
           "", R"({"id": 1, )" + tx_ok + R"(}, {"id": 2, "date": "2024-03-15", "value": 0.125})"),
       "connection.accounts[0].transactions[1].value: \"0.125\" has more than 2 decimals"},
      {SyncedBody("", R"({"id": 1, "value": 1e30, "date": "2024-03-15"})"),
       "connection.accounts[0].transactions[0].value: \"1e30\" is out of range"},
      {SyncedBody("", R"({"id": 1, )" + tx_ok + R"(, "counterparty": "ACME"})"),
       "connection.accounts[0].transactions[0].counterparty: expected an object, got a string"},
      {SyncedBody("", R"({"id": 1, )" + tx_ok + R"(, "categories": [{"code": ["x"]}]})"),
       "connection.accounts[0].transactions[0].categories[0].code: expected a scalar, got an "
       "array"},
      {SyncedBody("", R"({"id": 1, )" + tx_ok + R"(, "datetime": "2024-03-15 25:00:00"})"),
       "connection.accounts[0].transactions[0].datetime: not a datetime (YYYY-MM-DD HH:MM:SS): "
       "\"2024-03-15 25:00:00\""},
      {SyncedBody(R"("investments": [{"id": 5, "quantity": "1/3"}],)", ""),
       "connection.accounts[0].investments[0].quantity: not a decimal number: \"1/3\""},
      {SyncedBody(R"("loan": {"rate": "x"},)", ""),
       "connection.accounts[0].loan.rate: not a decimal number: \"x\""},
      {SyncedBody(R"("loan": {"nb_payments_left": 1.5},)", ""),
       "connection.accounts[0].loan.nb_payments_left: not an integer: \"1.5\""},
  };
  for (const auto& c : kCases) {
    INFO(c.body);
    CHECK(ErrorOf(WebhookEvent::kConnectionSynced, c.body) == c.message);
  }
}

TEST_CASE("payload: amounts and ids given as JSON strings are accepted", "[payload]") {
  Payload p =
      MustParse(WebhookEvent::kConnectionSynced,
                SyncedBody(R"("balance": "1523.47", "coming": "-42.9", "id_connection": "3",)",
                           R"({"id": "90001", "date": "2024-03-15", "value": "12.30",
                     "gross_value": "12.3", "coming": "1"})"));
  const Account& a = p.connection->accounts[0];
  CHECK(a.balance_minor == 152347);
  CHECK(a.coming_minor == -4290);
  CHECK(a.connection_id == 3);
  REQUIRE(a.transactions.size() == 1);
  CHECK(a.transactions[0].id == 90001);
  CHECK(a.transactions[0].value_minor == 1230);
  CHECK(a.transactions[0].gross_value_minor == 1230);
  CHECK(a.transactions[0].coming);
}

TEST_CASE("payload: precision comes from the currency, wherever it sits", "[payload]") {
  // Transactions before the currency in key order; precision 3 (a dinar) and 0 (a yen).
  Payload p = MustParse(WebhookEvent::kConnectionSynced,
                        R"({"connection": {"id": 3, "id_user": 8, "accounts": [
           {"transactions": [{"id": 1, "date": "2024-01-02", "value": -1.5}], "id": 10,
            "balance": 12.345, "currency": {"precision": 3, "id": "KWD"}},
           {"id": 11, "currency": {"id": "JPY", "precision": 0}, "balance": 1200,
            "transactions": [{"id": 2, "date": "2024-01-02", "value": 300, "id_account": 99}]},
           {"id": 12, "currency": "USD", "balance": 1}]}})");
  const std::vector<Account>& accounts = p.connection->accounts;
  REQUIRE(accounts.size() == 3);
  CHECK(accounts[0].currency.code == "KWD");
  CHECK(accounts[0].balance_minor == 12345);
  CHECK(accounts[0].transactions[0].value_minor == -1500);
  CHECK(accounts[0].transactions[0].account_id == 10);  // from the enclosing account
  CHECK(accounts[0].connection_id == 3);                // from the connection
  CHECK(accounts[0].user_id == 8);
  CHECK(accounts[1].balance_minor == 1200);
  CHECK(accounts[1].transactions[0].value_minor == 300);
  CHECK(accounts[1].transactions[0].account_id == 99);  // its own wins
  CHECK(accounts[2].currency.code == "USD");
  CHECK(accounts[2].currency.precision == 2);
  CHECK(accounts[2].balance_minor == 100);
  CHECK(ErrorOf(WebhookEvent::kConnectionSynced,
                R"({"connection": {"id": 3, "accounts": [{"id": 1, "balance": 1.5,
                    "currency": {"id": "JPY", "precision": 0}}]}})") ==
        "connection.accounts[0].balance: \"1.5\" has more than 0 decimals");
}

TEST_CASE("payload: transaction datetimes are UTC, the others Paris time", "[payload]") {
  Payload p = MustParse(
      WebhookEvent::kConnectionSynced,
      SyncedBody(R"("last_update": "2024-07-01 12:00:00", "disabled": "2024-01-15 12:00:00",)",
                 R"({"id": 1, "date": "2024-07-01", "value": 1,
                     "datetime": "2024-07-01 12:00:00", "last_update": "2024-10-27 02:30:00",
                     "deleted": "2024-07-01T12:00:00Z", "vdate": "2024-07-02 00:00:00"})"));
  const Account& a = p.connection->accounts[0];
  CHECK(a.last_update == Utc("2024-07-01 10:00:00"));
  CHECK(a.disabled == Utc("2024-01-15 11:00:00"));
  const Transaction& t = a.transactions[0];
  CHECK(t.datetime == Utc("2024-07-01 12:00:00"));
  CHECK(t.last_update == Utc("2024-10-27 00:30:00"));
  CHECK(t.deleted == Utc("2024-07-01 12:00:00"));  // an explicit Z stays UTC
  CHECK(t.vdate == "2024-07-02");                  // a date is cut, never shifted
}

TEST_CASE("payload: loan fields", "[payload]") {
  Payload p = MustParse(WebhookEvent::kConnectionSynced,
                        SyncedBody(R"("type": "loan", "balance": -150000.5, "loan": {
          "total_amount": 200000, "available_amount": "0", "used_amount": 150000.50,
          "next_payment_amount": 1234.56, "next_payment_date": "2024-04-05",
          "subscription_date": "2019-04-05", "maturity_date": "2039-04-05", "rate": 1.350,
          "nb_payments_left": 181, "nb_payments_total": "240", "duration": 240,
          "type": "mortgage", "insurance_label": "ignored"},)",
                                   ""));
  const Account& a = p.connection->accounts[0];
  CHECK(a.balance_minor == -15000050);
  REQUIRE(a.loan);
  const Loan& l = *a.loan;
  CHECK(l.total_amount_minor == 20000000);
  CHECK(l.available_amount_minor == 0);
  CHECK(l.used_amount_minor == 15000050);
  CHECK(l.next_payment_amount_minor == 123456);
  CHECK(l.next_payment_date == "2024-04-05");
  CHECK(l.subscription_date == "2019-04-05");
  CHECK(l.maturity_date == "2039-04-05");
  CHECK(l.rate == "1.35");
  CHECK(l.nb_payments_left == 181);
  CHECK(l.nb_payments_total == 240);
  CHECK(l.duration == 240);
  CHECK(l.type == "mortgage");
}

TEST_CASE("payload: investment fields", "[payload]") {
  Payload p =
      MustParse(WebhookEvent::kConnectionSynced, SyncedBody(R"("type": "pea", "investments": [
          {"id": 501, "label": "ETF MSCI World", "code": "FR0010315770", "code_type": "ISIN",
           "quantity": 12.5000, "unitprice": 25.123456, "unitvalue": "31.2", "valuation": 390.0,
           "diff": -12.34, "vdate": "2024-03-13", "last_update": "2024-03-14 08:02:09",
           "deleted": null},
          {"id": 502, "id_account": 77, "valuation": null, "quantity": 1e-3}],)",
                                                            ""));
  const std::vector<Investment>& inv = p.connection->accounts[0].investments;
  REQUIRE(inv.size() == 2);
  CHECK(inv[0].id == 501);
  CHECK(inv[0].account_id == 10);
  CHECK(inv[0].label == "ETF MSCI World");
  CHECK(inv[0].code == "FR0010315770");
  CHECK(inv[0].code_type == "ISIN");
  CHECK(inv[0].quantity == "12.5");
  CHECK(inv[0].unitprice == "25.123456");
  CHECK(inv[0].unitvalue == "31.2");
  CHECK(inv[0].valuation_minor == 39000);
  CHECK(inv[0].diff_minor == -1234);
  CHECK(inv[0].vdate == "2024-03-13");
  CHECK(inv[0].last_update == Utc("2024-03-14 07:02:09"));
  CHECK_FALSE(inv[0].deleted);
  CHECK(inv[1].account_id == 77);
  CHECK(inv[1].valuation_minor == 0);
  CHECK(inv[1].quantity == "0.001");
  CHECK_FALSE(inv[1].unitprice);
}

TEST_CASE("payload: failed sync keeps the connection state", "[payload]") {
  Payload p = MustParse(
      WebhookEvent::kConnectionSynced,
      R"({"id_webhook_data": 2, "id_user": 5, "connection": {"id": 3, "state": "SCARequired",
          "error_message": "Validez dans l'appli", "active": false, "connector": {"id": 40}}})");
  REQUIRE(p.connection);
  CHECK(p.connection->state == "SCARequired");
  CHECK(p.connection->error_message == "Validez dans l'appli");
  CHECK_FALSE(p.connection->active);
  CHECK(p.connection->connector_id == 40);
  CHECK(p.connection->user_id == 5);  // top-level id_user
  CHECK(p.connection->accounts.empty());
  CHECK_FALSE(p.user);
}

TEST_CASE("payload: accounts_fetched has the connection_synced shape", "[payload]") {
  Payload p = MustParse(WebhookEvent::kAccountsFetched, ReadSample("connection_synced_basic.json"));
  CHECK(p.event == WebhookEvent::kAccountsFetched);
  REQUIRE(p.connection);
  CHECK(p.connection->accounts.size() == 2);
}

TEST_CASE("payload: connection_deleted, nested or at top level", "[payload]") {
  Payload nested = MustParse(WebhookEvent::kConnectionDeleted,
                             R"({"id_webhook_data": 3, "connection": {"id": 317, "id_user": 1042,
                                 "deleted": "2024-03-20 10:00:00"}})");
  CHECK(nested.webhook_id == 3);
  REQUIRE(nested.connection);
  CHECK(nested.connection->id == 317);
  CHECK(nested.connection->user_id == 1042);
  Payload flat = MustParse(WebhookEvent::kConnectionDeleted,
                           R"({"id_webhook_data": 4, "id": 318, "id_user": 1042})");
  REQUIRE(flat.connection);
  CHECK(flat.connection->id == 318);
  CHECK(flat.connection->user_id == 1042);
  CHECK_FALSE(flat.account);
  CHECK(ErrorOf(WebhookEvent::kConnectionDeleted, R"({"id_webhook_data": 4})") ==
        "connection: missing");
}

TEST_CASE("payload: account events, nested or at top level", "[payload]") {
  const std::string account =
      R"("id": 2881, "id_connection": 317, "balance": 10.5, "disabled": "2024-03-20 10:00:00",
         "transactions": [{"id": 1, "date": "2024-03-19", "value": -2}])";
  for (WebhookEvent event : {WebhookEvent::kAccountSynced, WebhookEvent::kAccountEnabled,
                             WebhookEvent::kAccountDisabled}) {
    INFO(WebhookEventName(event));
    for (const std::string& body :
         {R"({"id_webhook_data": 5, "user": {"id": 1042}, "account": {)" + account + "}}",
          R"({"id_webhook_data": 5, "id_user": 1042, )" + account + "}"}) {
      INFO(body);
      Payload p = MustParse(event, body);
      CHECK(p.event == event);
      CHECK(p.webhook_id == 5);
      CHECK_FALSE(p.connection);
      REQUIRE(p.account);
      CHECK(p.account->id == 2881);
      CHECK(p.account->connection_id == 317);
      CHECK(p.account->user_id == 1042);
      CHECK(p.account->balance_minor == 1050);
      CHECK(p.account->disabled == Utc("2024-03-20 09:00:00"));
      REQUIRE(p.account->transactions.size() == 1);
      CHECK(p.account->transactions[0].account_id == 2881);
      CHECK(p.account->transactions[0].value_minor == -200);
    }
    CHECK(ErrorOf(event, R"({"id_webhook_data": 5})") == "account: missing");
    CHECK(ErrorOf(event, R"({"account": {"id_connection": 1}})") == "account.id: missing");
  }
}

TEST_CASE("payload: user_deleted, nested or at top level", "[payload]") {
  Payload nested = MustParse(WebhookEvent::kUserDeleted,
                             R"({"id_webhook_data": 6, "user": {"id": 1042,
                                 "signin": "2024-07-01 12:00:00", "platform": "web"}})");
  REQUIRE(nested.user);
  CHECK(nested.user->id == 1042);
  CHECK(nested.user->signin == Utc("2024-07-01 10:00:00"));
  CHECK(nested.user->platform == "web");
  CHECK_FALSE(nested.connection);
  Payload flat = MustParse(WebhookEvent::kUserDeleted, R"({"id_webhook_data": 7, "id": 1043})");
  REQUIRE(flat.user);
  CHECK(flat.user->id == 1043);
  Payload by_id_user =
      MustParse(WebhookEvent::kUserDeleted, R"({"id_webhook_data": 8, "id_user": 1044})");
  REQUIRE(by_id_user.user);
  CHECK(by_id_user.user->id == 1044);
  CHECK(ErrorOf(WebhookEvent::kUserDeleted, R"({"id_webhook_data": 9})") == "user: missing");
  CHECK(ErrorOf(WebhookEvent::kUserDeleted, R"({"user": {"platform": "web"}})") ==
        "user.id: missing");
}

TEST_CASE("payload: unknown fields and escaped strings", "[payload]") {
  Payload p = MustParse(
      WebhookEvent::kConnectionSynced,
      SyncedBody(R"("name": "Caf\u00e9 \"Le Zinc\"\n", "extra": {"deep": [1, {"x": null}]},)",
                 R"({"id": 1, "date": "2024-03-15", "value": -0.1, "future_field": [true]})"));
  const Account& a = p.connection->accounts[0];
  CHECK(a.name == "Café \"Le Zinc\"\n");
  CHECK(a.transactions[0].value_minor == -10);
}

// Every field of a payload, one per line, to compare two parses.
std::string Describe(const Payload& p) {
  std::ostringstream out;
  auto opt = [&out](const char* name, const auto& v) {
    out << name << "=";
    if (v) {
      out << *v;
    } else {
      out << "-";
    }
    out << "\n";
  };
  out << "webhook " << p.webhook_id << "\n";
  if (p.user) out << "user " << p.user->id << " " << p.user->platform << "\n";
  if (p.user) opt("signin", p.user->signin);
  std::vector<const Account*> accounts;
  if (p.account) accounts.push_back(&*p.account);
  if (p.connection) {
    const Connection& c = *p.connection;
    out << "connection " << c.id << " " << c.user_id << " " << c.connector_id << " "
        << c.connector_uuid << " " << c.connector_name << " " << c.active << "\n";
    opt("state", c.state);
    opt("error_message", c.error_message);
    opt("last_update", c.last_update);
    opt("created", c.created);
    for (const Account& a : c.accounts) accounts.push_back(&a);
  }
  for (const Account* a : accounts) {
    out << "account " << a->id << " " << a->connection_id << " " << a->user_id << " " << a->number
        << "|" << a->original_name << "|" << a->name << "|" << a->iban << "|" << a->type << "|"
        << a->usage << "|" << a->currency.code << "|" << a->currency.precision << "\n";
    opt("balance", a->balance_minor);
    opt("coming", a->coming_minor);
    opt("last_update", a->last_update);
    opt("deleted", a->deleted);
    opt("disabled", a->disabled);
    if (a->loan) {
      const Loan& l = *a->loan;
      out << "loan " << l.type << "\n";
      for (const auto* v :
           {&l.total_amount_minor, &l.available_amount_minor, &l.used_amount_minor,
            &l.next_payment_amount_minor, &l.nb_payments_left, &l.nb_payments_total, &l.duration}) {
        opt("n", *v);
      }
      for (const auto* v :
           {&l.next_payment_date, &l.subscription_date, &l.maturity_date, &l.rate}) {
        opt("s", *v);
      }
    }
    for (const Transaction& t : a->transactions) {
      out << "tx " << t.id << " " << t.account_id << " " << t.date << " " << t.value_minor << " "
          << t.type << "|" << t.original_wording << "|" << t.simplified_wording << "|" << t.wording
          << "|" << t.coming << t.active << "\n";
      for (const auto* v : {&t.rdate, &t.vdate, &t.application_date, &t.original_value,
                            &t.original_currency, &t.card}) {
        opt("s", *v);
      }
      for (const auto* v : {&t.datetime, &t.gross_value_minor, &t.deleted, &t.last_update}) {
        opt("n", *v);
      }
      if (t.counterparty) {
        out << "counterparty " << t.counterparty->label << "|"
            << t.counterparty->account_scheme_name << "|" << t.counterparty->account_identification
            << "|" << t.counterparty->type << "\n";
      }
      for (const Category& c : t.categories) out << "category " << c.code << "/" << c.parent_code;
      out << "\n";
    }
    for (const Investment& i : a->investments) {
      out << "investment " << i.id << " " << i.account_id << " " << i.label << "|" << i.code << "|"
          << i.code_type << "|" << i.valuation_minor << "\n";
      for (const auto* v : {&i.quantity, &i.unitprice, &i.unitvalue, &i.vdate}) opt("s", *v);
      for (const auto* v : {&i.diff_minor, &i.last_update, &i.deleted}) opt("n", *v);
    }
  }
  return out.str();
}

// `json` with `member` added first in every non-empty object (strings are skipped whole).
std::string WithMemberEverywhere(const std::string& json, const std::string& member) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    out += c;
    if (in_string) {
      if (c == '\\') {
        out += json[++i];
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      const size_t next = json.find_first_not_of(" \t\r\n", i + 1);
      if (next != std::string::npos && json[next] != '}') out += member + ", ";
    }
  }
  return out;
}

// Everything payload.cc reads, for every record type, in one body.
const char kEveryField[] =
    R"({"id_webhook_data": 9, "user": {"id": 5, "signin": "2024-03-01 09:00:00",
  "platform": "web"}, "id_user": 6, "connection": {"id": 3, "id_user": 5, "id_connector": 41,
  "connector_uuid": "u-1", "connector": {"id": 40, "uuid": "u-0", "name": "Bank"},
  "state": "wrongpass", "error_message": "no", "last_update": "2024-03-14 08:02:11",
  "created": "2024-03-01 09:15:03", "active": false, "accounts": [
  {"id": 10, "id_connection": 4, "id_user": 7, "number": "n1", "original_name": "ON",
   "name": "N", "iban": "FR76", "type": "loan", "usage": "PRIV",
   "currency": {"id": "KWD", "precision": 3}, "balance": -1.5, "coming": 2,
   "last_update": "2024-03-14 08:02:09", "deleted": "2024-03-15 08:02:09",
   "disabled": "2024-03-16 08:02:09", "loan": {"total_amount": 10, "available_amount": 1,
   "used_amount": 9, "next_payment_amount": 0.5, "next_payment_date": "2024-04-05",
   "subscription_date": "2019-04-05", "maturity_date": "2039-04-05", "rate": 1.35,
   "nb_payments_left": 181, "nb_payments_total": 240, "duration": 240, "type": "mortgage"},
   "transactions": [{"id": 1, "id_account": 11, "date": "2024-03-15", "rdate": "2024-03-13",
     "vdate": "2024-03-16", "application_date": "2024-03-17", "datetime": "2024-03-15 10:00:00",
     "value": -1.25, "gross_value": -1.5, "type": "card", "original_wording": "OW",
     "simplified_wording": "SW", "wording": "W", "coming": true, "active": false,
     "deleted": "2024-03-18 10:00:00", "last_update": "2024-03-19 10:00:00",
     "original_value": -2.5, "original_currency": {"id": "GBP"}, "card": "XXXX4821",
     "counterparty": {"label": "L", "account_scheme_name": "iban",
       "account_identification": "FR76X", "type": "creditor"},
     "categories": [{"code": "c1", "parent_code": "p1"}, {"code": "c2", "parent_code": "p2"}]}],
   "investments": [{"id": 501, "id_account": 12, "label": "ETF", "code": "FR001",
     "code_type": "ISIN", "quantity": 12.5, "unitprice": 25.1, "unitvalue": "31.2",
     "valuation": 390, "diff": -12.345, "vdate": "2024-03-13",
     "last_update": "2024-03-14 08:02:09", "deleted": "2024-03-20 08:02:09"}]}]}})";

TEST_CASE("payload: members never read are dropped with their subtrees", "[payload]") {
  // Unknown members of every JSON type, first in every object; what follows must parse exactly
  // as without them (member counts of the objects kept, nested objects after a dropped one).
  const std::string noise =
      R"("information": {"a": [1, {"b": null, "c": {"d": [[], {}]}}, "x\"}y"], "e": true},)"
      R"( "stemmed_wording": "a \\ {b", "documents_count": 0, "fields": [[{"id": 99}]],)"
      R"( "id_cluster": null, "formatted_value": -1.5e3, "capabilities": false)";
  for (WebhookEvent event : {WebhookEvent::kConnectionSynced, WebhookEvent::kAccountsFetched}) {
    for (const std::string& body :
         {std::string(kEveryField), ReadSample("connection_synced_basic.json")}) {
      const std::string plain = Describe(MustParse(event, body));
      const std::string noisy = WithMemberEverywhere(body, noise);
      INFO(noisy);
      CHECK(noisy.size() > body.size() + 5 * noise.size());
      CHECK(Describe(MustParse(event, noisy)) == plain);
    }
  }
  // Every field of kEveryField arrives, so none is missing from the keep list.
  const std::string all = Describe(MustParse(WebhookEvent::kConnectionSynced, kEveryField));
  CHECK(all.find("=-\n") == std::string::npos);
  CHECK(all.find("category c1/p1category c2/p2\n") != std::string::npos);
  CHECK(all.find("loan mortgage\n") != std::string::npos);
  CHECK(all.find("counterparty L|iban|FR76X|creditor\n") != std::string::npos);
  CHECK(all.find("investment 501 12 ETF|FR001|ISIN|390000\n") != std::string::npos);
  CHECK(all.find("tx 1 11 2024-03-15 -1250 card|OW|SW|W|10\n") != std::string::npos);
}

TEST_CASE("payload: a dropped member keeps the member counts of its object", "[payload]") {
  Payload p = MustParse(WebhookEvent::kConnectionSynced, R"({"x": {"y": {"z": 1}},
      "connection": {"junk": [{"id": 1}], "id": 3, "connector": {"urls": {}, "id": 40,
      "subscriptions": [1, [2]], "name": "n"}, "sources": [], "accounts": [{"fields": {},
      "id": 10, "transactions": [{"comment": {"id": 5}, "id": 7, "date": "2024-01-02",
      "value": 1, "commission": null}, {"id": 8, "date": "2024-01-03", "value": 2}]}],
      "capabilities": ["a"]}, "id_webhook_data": 4})");
  CHECK(p.webhook_id == 4);
  REQUIRE(p.connection);
  CHECK(p.connection->id == 3);
  CHECK(p.connection->connector_id == 40);
  CHECK(p.connection->connector_name == "n");
  REQUIRE(p.connection->accounts.size() == 1);
  const Account& a = p.connection->accounts[0];
  CHECK(a.id == 10);
  REQUIRE(a.transactions.size() == 2);
  CHECK(a.transactions[0].id == 7);
  CHECK(a.transactions[1].id == 8);
  CHECK(a.transactions[1].value_minor == 200);
  // Arrays are reserved from their JSON size, not grown by doubling.
  CHECK(a.transactions.capacity() == 2);
  CHECK(p.connection->accounts.capacity() == 1);
}

}  // namespace
}  // namespace freenahi

namespace freenahi {
namespace {

// Every converter runs (each reads its members in straight-line code) on bodies that carry only
// what is required: a read of a name the filter lacks fails with kInternal, so these catch a
// converter/filter mismatch before a rare payload does in production.
TEST_CASE("payload: every converter reads only names the key filter keeps", "[payload]") {
  const std::string txn =
      R"({"id": 1, "date": "2024-01-02", "value": 1, "counterparty": {}, "categories": [{}],)"
      R"( "original_currency": {"id": "GBP"}})";
  const std::string txn_flat = R"({"id": 2, "date": "2024-01-02", "value": 1,)"
                               R"( "original_currency": "GBP"})";
  const std::string account = R"({"id": 10, "currency": {}, "loan": {}, "transactions": [)" +
                              txn + "," + txn_flat + R"(], "investments": [{"id": 5}]})";
  const std::string account_text_currency = R"({"id": 11, "currency": "USD"})";
  const std::string connection = R"({"id": 3, "connector": {}, "sources": [{}], "accounts": [)" +
                                 account + "," +
                                 account_text_currency + "]}";
  const std::vector<std::pair<WebhookEvent, std::string>> cases = {
      {WebhookEvent::kConnectionSynced, R"({"user": {"id": 1}, "connection": )" + connection + "}"},
      {WebhookEvent::kAccountsFetched, R"({"id_user": 1, "connection": )" + connection + "}"},
      {WebhookEvent::kConnectionDeleted, connection},
      {WebhookEvent::kConnectionDeleted, R"({"connection": )" + connection + "}"},
      {WebhookEvent::kAccountSynced, R"({"id_connection": 3, "account": )" + account + "}"},
      {WebhookEvent::kAccountSynced, account},
      {WebhookEvent::kAccountEnabled, account},
      {WebhookEvent::kAccountDisabled, account},
      {WebhookEvent::kUserDeleted, R"({"id": 1})"},
      {WebhookEvent::kUserDeleted, R"({"id_user": 1})"},
      {WebhookEvent::kUserDeleted, R"({"user": {"id": 1}})"},
  };
  for (const auto& [event, body] : cases) {
    INFO(WebhookEventName(event) << ": " << body);
    Result<Payload> p = ParsePayload(event, body);
    CHECK(p.status().ToString() == "OK");
  }
}

TEST_CASE("payload: reading a name the filter lacks is an error, not an abort", "[payload]") {
  rapidjson::Document doc;
  doc.Parse(R"({"id_webhook_data": 1, "id": 4})");
  const payload_internal::Node root{&doc};
  CHECK(root.Get("not_a_read_key") == nullptr);
  const payload_internal::Node child{&doc, &root, "user"};
  CHECK(child.Get("another_unread_key") == nullptr);  // reported at the root
  Payload p;
  Status status = payload_internal::ParseRoot(root, WebhookEvent::kUserDeleted, &p);
  CHECK(status.code() == Status::Code::kInternal);
  CHECK(status.message() ==
        "payload.cc reads \"another_unread_key\", which kReadKeys lacks (a programming error; "
        "please report it)");
}

}  // namespace
}  // namespace freenahi
