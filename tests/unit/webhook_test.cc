// SPDX-License-Identifier: MIT
// Webhook reception through a real HttpRouter and Store: HMAC (DESIGN §3.3 vector), bearer tokens
// (config vs database), idempotency, bad JSON, a locked database (503), /healthz.
#include "webhook.h"

#include <sqlite3.h>
#include <stdlib.h>

#include "catch.h"
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "crypto.h"

#include "test_util.h"

namespace freenahi {
namespace {

// DESIGN §3.3: the fictional HMAC test vector.
const std::string kSecret = "whsec_fictional_secret_key_0123456789";
const std::string kVectorPath = "/webhooks/powens/connection-synced";
const std::string kVectorDate = "2024-03-14T07:02:12.483921Z";
const std::string kVectorBody = "{\"id_webhook_data\": 1, \"user\": {\"id\": 1042}}";
const std::string kVectorSignature = "2b9TgXLtZOB/BAOsmaptSUXp374Efc9qGP7hFfP2t1Q=";
constexpr UnixSeconds kVectorTime = 1710399732;  // 2024-03-14T07:02:12Z

const std::string kConfigToken = "config-token-0123456789";
const std::string kDatabaseToken = "database-token-9876543210";
const std::string kSyncedPath = "/webhook/connection_synced/";

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using RawDb = std::unique_ptr<sqlite3, SqliteCloser>;

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

Reply ParseReply(const std::string& raw) {
  Reply reply;
  size_t end = raw.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  reply.head = raw.substr(0, end + 2);
  reply.body = raw.substr(end + 4);
  REQUIRE(raw.compare(0, 9, "HTTP/1.1 ") == 0);
  reply.status = std::stoi(raw.substr(9, 3));
  return reply;
}

// A Store, a Webhook with a settable wall clock and a count of on_stored calls, and the router.
struct Fixture {
  explicit Fixture(const std::string& db_path = ":memory:", int busy_timeout_ms = 1000) {
    Store::Options options;
    options.busy_timeout_ms = busy_timeout_ms;
    auto opened = Store::Open(db_path, options);
    REQUIRE(opened.ok());
    store = std::move(*opened);
    webhook = std::make_unique<Webhook>(
        store.get(), [this] { return now; }, [this] { ++stored_calls; });
    webhook->Register(&router);
    SetAuth(kConfigToken, "");
  }
  void SetAuth(const std::string& user_token, const std::string& secret) {
    WebhookAuth auth;
    auth.user_token = user_token;
    auth.webhook_secret = secret;
    webhook->SetAuth(auth);
  }
  // POST `path` with `extra_headers` ("Name: value\r\n" lines) and `body`.
  Reply Post(const std::string& path, const std::string& extra_headers, const std::string& body) {
    std::string head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers +
                       "Content-Type: application/json\r\nContent-Length: 0\r\n\r\n";
    return ParseReply(router.Handle(head, body, "127.0.0.1", 40000));
  }
  Reply PostBearer(const std::string& token, const std::string& body) {
    return Post(kSyncedPath, "Authorization: Bearer " + token + "\r\n", body);
  }
  size_t InboxSize() {
    auto items = store->ListInbox(std::nullopt, 100);
    REQUIRE(items.ok());
    return items->size();
  }

  UnixSeconds now = kVectorTime;
  int stored_calls = 0;
  std::unique_ptr<Store> store;
  std::unique_ptr<Webhook> webhook;
  HttpRouter router;
};

HttpRequest SignedRequest(const std::string& path, const std::string& date,
                               const std::string& signature) {
  HttpRequest req;
  req.method = "POST";
  req.path = path;
  req.headers.emplace_back("BI-Signature-Date", date);
  req.headers.emplace_back("BI-Signature", signature);
  return req;
}

std::string Body(int64_t webhook_id, int64_t user_id) {
  return "{\"id_webhook_data\": " + std::to_string(webhook_id) +
         ", \"user\": {\"id\": " + std::to_string(user_id) + "}}";
}

}  // namespace

TEST_CASE("webhook: the DESIGN 3.3 HMAC vector is accepted at its date", "[webhook]") {
  Fixture f;
  f.SetAuth(kConfigToken, kSecret);
  HttpRequest req = SignedRequest(kVectorPath, kVectorDate, kVectorSignature);
  Status status = f.webhook->CheckSignature(req, kVectorBody);
  CHECK(status.ok());
  CHECK(status.message() == "");
  // The vector is what HMAC-SHA256("POST.<path>.<date>.<body>") gives, base64.
  CHECK(Base64Encode(HmacSha256(kSecret, "POST." + kVectorPath + "." + kVectorDate + "." +
                                             kVectorBody)) == kVectorSignature);
}

TEST_CASE("webhook: a signature 300 s old passes, 301 s old or ahead is too far", "[webhook]") {
  Fixture f;
  f.SetAuth(kConfigToken, kSecret);
  HttpRequest req = SignedRequest(kVectorPath, kVectorDate, kVectorSignature);
  f.now = kVectorTime + 300;
  CHECK(f.webhook->CheckSignature(req, kVectorBody).ok());
  for (UnixSeconds now : {kVectorTime + 301, kVectorTime - 301}) {
    f.now = now;
    Status status = f.webhook->CheckSignature(req, kVectorBody);
    CHECK(status.code() == Status::Code::kUnauthenticated);
    CHECK(status.message() == "BI-Signature-Date too far from now");
  }
}

TEST_CASE("webhook: one flipped character anywhere breaks the signature", "[webhook]") {
  Fixture f;
  f.SetAuth(kConfigToken, kSecret);
  struct Case {
    std::string what, path, date, body, signature;
  };
  std::string flipped_signature = kVectorSignature;
  flipped_signature[0] = 'X';
  std::string flipped_body = kVectorBody;
  flipped_body[flipped_body.find("1042")] = '2';
  const Case cases[] = {
      {"signature", kVectorPath, kVectorDate, kVectorBody, flipped_signature},
      {"body", kVectorPath, kVectorDate, flipped_body, kVectorSignature},
      {"path", "/webhooks/powens/connection-syncee", kVectorDate, kVectorBody, kVectorSignature},
      {"date fraction", kVectorPath, "2024-03-14T07:02:12.483922Z", kVectorBody, kVectorSignature},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Status status = f.webhook->CheckSignature(SignedRequest(c.path, c.date, c.signature), c.body);
    CHECK(status.code() == Status::Code::kUnauthenticated);
    CHECK(status.message() == "wrong BI-Signature");
  }
}

TEST_CASE("webhook: missing or malformed signature headers are rejected", "[webhook]") {
  Fixture f;
  f.SetAuth(kConfigToken, kSecret);
  HttpRequest bare;
  bare.path = kVectorPath;
  Status missing = f.webhook->CheckSignature(bare, kVectorBody);
  CHECK(missing.message() == "missing BI-Signature");
  Status malformed = f.webhook->CheckSignature(
      SignedRequest(kVectorPath, "yesterday", kVectorSignature), kVectorBody);
  CHECK(malformed.message() == "malformed BI-Signature-Date");
  f.SetAuth(kConfigToken, "");  // no secret: no signature needed
  CHECK(f.webhook->CheckSignature(bare, kVectorBody).ok());
}

TEST_CASE("webhook: a signed request through the router is stored; unsigned is 401", "[webhook]") {
  Fixture f;
  f.SetAuth(kConfigToken, kSecret);
  const std::string body = Body(5, 1042);
  std::string signature =
      Base64Encode(HmacSha256(kSecret, "POST." + kSyncedPath + "." + kVectorDate + "." + body));
  std::string bearer = "Authorization: Bearer " + kConfigToken + "\r\n";

  Reply unsigned_reply = f.Post(kSyncedPath, bearer, body);
  CHECK(unsigned_reply.status == 401);
  CHECK(unsigned_reply.body == "{\"error\":\"unauthenticated\"}");
  CHECK(f.InboxSize() == 0);

  f.now = kVectorTime + 301;
  std::string signed_headers =
      bearer + "BI-Signature-Date: " + kVectorDate + "\r\nBI-Signature: " + signature + "\r\n";
  CHECK(f.Post(kSyncedPath, signed_headers, body).status == 401);
  CHECK(f.InboxSize() == 0);

  f.now = kVectorTime + 1;
  Reply reply = f.Post(kSyncedPath, signed_headers, body);
  CHECK(reply.status == 200);
  CHECK(reply.body == "{\"status\":\"stored\"}");
  CHECK(f.InboxSize() == 1);
  CHECK(f.stored_calls == 1);
}

TEST_CASE("webhook: the config token authenticates, with or without trailing slash", "[webhook]") {
  Fixture f;
  Reply reply = f.PostBearer(kConfigToken, Body(1, 1042));
  CHECK(reply.status == 200);
  CHECK(reply.body == "{\"status\":\"stored\"}");
  CHECK(reply.head.find("Content-Type: application/json") != std::string::npos);
  Reply no_slash = f.Post("/webhook/connection_synced",
                          "Authorization: Bearer " + kConfigToken + "\r\n", Body(2, 1042));
  CHECK(no_slash.status == 200);
  CHECK(f.InboxSize() == 2);
  CHECK(f.stored_calls == 2);

  auto item = f.store->GetInbox(1);
  REQUIRE(item.ok());
  CHECK(item->webhook_id == 1);
  CHECK(item->user_id == 1042);
  CHECK(item->event == "connection_synced");
  CHECK(item->received_at == kVectorTime);
  CHECK(item->state == InboxState::kPending);
  CHECK(f.store->InboxBody(1).value() == Body(1, 1042));
}

TEST_CASE("webhook: a database token wins over the config token for its user", "[webhook]") {
  Fixture f;
  REQUIRE(f.store->SetUserToken(1042, kDatabaseToken).ok());
  Reply config = f.PostBearer(kConfigToken, Body(1, 1042));
  CHECK(config.status == 401);
  CHECK(f.InboxSize() == 0);
  Reply database = f.PostBearer(kDatabaseToken, Body(1, 1042));
  CHECK(database.status == 200);
  CHECK(f.InboxSize() == 1);
  // Another user, unknown to the database: the config token again.
  CHECK(f.PostBearer(kConfigToken, Body(2, 7)).status == 200);
  CHECK(f.PostBearer(kDatabaseToken, Body(3, 7)).status == 401);
  CHECK(f.InboxSize() == 2);
}

TEST_CASE("webhook: a missing or wrong bearer is 401 and nothing is stored", "[webhook]") {
  Fixture f;
  struct Case {
    std::string what, headers;
  };
  const Case cases[] = {
      {"none", ""},
      {"empty", "Authorization: Bearer \r\n"},
      {"not bearer", "Authorization: Basic " + kConfigToken + "\r\n"},
      {"wrong", "Authorization: Bearer wrong-token\r\n"},
      {"prefix", "Authorization: Bearer " + kConfigToken.substr(0, 10) + "\r\n"},
      {"longer", "Authorization: Bearer " + kConfigToken + "x\r\n"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    Reply reply = f.Post(kSyncedPath, c.headers, Body(1, 1042));
    CHECK(reply.status == 401);
    CHECK(reply.body == "{\"error\":\"unauthenticated\"}");
  }
  CHECK(f.InboxSize() == 0);
  CHECK(f.stored_calls == 0);
}

TEST_CASE("webhook: no token configured anywhere is 401", "[webhook]") {
  Fixture f;
  f.SetAuth("", "");
  CHECK(f.PostBearer(kConfigToken, Body(1, 1042)).status == 401);
  CHECK(f.PostBearer("anything", Body(1, 1042)).status == 401);
  HttpRequest req;
  req.headers.emplace_back("Authorization", "Bearer anything");
  Envelope envelope;
  envelope.user_id = 1042;
  Status status = f.webhook->CheckBearer(req, envelope);
  CHECK(status.code() == Status::Code::kUnauthenticated);
  CHECK(status.message() == "no token known for user 1042 (run `freenahi init`)");
  CHECK(f.InboxSize() == 0);
}

TEST_CASE("webhook: a duplicate id_webhook_data is 200 duplicate, stored once", "[webhook]") {
  Fixture f;
  CHECK(f.PostBearer(kConfigToken, Body(77, 1042)).body == "{\"status\":\"stored\"}");
  Reply again = f.PostBearer(kConfigToken, Body(77, 1042));
  CHECK(again.status == 200);
  CHECK(again.body == "{\"status\":\"duplicate\"}");
  CHECK(f.InboxSize() == 1);
  CHECK(f.stored_calls == 1);
}

TEST_CASE("webhook: malformed JSON is 400 and not stored", "[webhook]") {
  Fixture f;
  for (const std::string body : {"{\"id_webhook_data\": 1,", "not json", "[1, 2]", ""}) {
    INFO(body);
    Reply reply = f.PostBearer(kConfigToken, body);
    CHECK(reply.status == 400);
    CHECK(reply.body.find("\"error\":") != std::string::npos);
  }
  CHECK(f.InboxSize() == 0);
  CHECK(f.stored_calls == 0);
}

TEST_CASE("webhook: a locked database is 503 with Retry-After, then recovers", "[webhook]") {
  ScopedTempDir dir;
  const std::string path = dir.File("webhook.db");
  Fixture f(path, /*busy_timeout_ms=*/50);
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
  RawDb other(raw);
  REQUIRE(sqlite3_exec(other.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);

  Reply locked = f.PostBearer(kConfigToken, Body(1, 1042));
  CHECK(locked.status == 503);
  CHECK(locked.head.find("Retry-After: 60\r\n") != std::string::npos);
  CHECK(locked.body == "{\"error\":\"storage unavailable, retry later\"}");
  CHECK(f.stored_calls == 0);

  REQUIRE(sqlite3_exec(other.get(), "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  CHECK(f.InboxSize() == 0);
  Reply retried = f.PostBearer(kConfigToken, Body(1, 1042));
  CHECK(retried.status == 200);
  CHECK(retried.body == "{\"status\":\"stored\"}");
  CHECK(f.stored_calls == 1);
}

TEST_CASE("webhook: /healthz is 200 ok; unknown events are 404", "[webhook]") {
  Fixture f;
  std::string raw =
      f.router.Handle("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n", "", "127.0.0.1", 40000);
  Reply health = ParseReply(raw);
  CHECK(health.status == 200);
  CHECK(health.body == "{\"status\":\"ok\"}");
  CHECK(f.PostBearer(kConfigToken, Body(1, 1042)).status == 200);
  CHECK(f.Post("/webhook/no_such_event/", "Authorization: Bearer " + kConfigToken + "\r\n",
               Body(2, 1042))
            .status == 404);
  CHECK(f.InboxSize() == 1);
}

}  // namespace freenahi

namespace freenahi {
namespace {

std::string HeadWith(const std::string& path, const std::string& headers) {
  return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "Content-Length: 0\r\n\r\n";
}

}  // namespace

TEST_CASE("webhook: the head alone refuses a missing or unknown Bearer token", "[webhook]") {
  Fixture f;
  REQUIRE(f.store->SetUserToken(1042, kDatabaseToken).ok());
  struct Case {
    std::string what, headers;
    HeadVerdict::Action action;
  };
  const Case cases[] = {
      {"no token", "", HeadVerdict::Action::kReject},
      {"not bearer", "Authorization: Basic " + kConfigToken + "\r\n", HeadVerdict::Action::kReject},
      {"unknown token", "Authorization: Bearer wrong-token\r\n", HeadVerdict::Action::kReject},
      {"prefix of a token", "Authorization: Bearer " + kConfigToken.substr(0, 8) + "\r\n",
       HeadVerdict::Action::kReject},
      {"config token", "Authorization: Bearer " + kConfigToken + "\r\n", HeadVerdict::Action::kReadBody},
      {"a stored token", "authorization:  Bearer " + kDatabaseToken + "\r\n",
       HeadVerdict::Action::kReadBody},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    HeadVerdict verdict = f.webhook->AdmitHead(HeadWith(kSyncedPath, c.headers));
    CHECK(verdict.action == c.action);
    if (c.action != HeadVerdict::Action::kReject) continue;
    CHECK(verdict.status == 401);
    CHECK(verdict.reason == "unauthenticated");
    CHECK(verdict.log_detail.find("rejected: ") != std::string::npos);
    CHECK(verdict.log_detail.find("wrong-token") == std::string::npos);
  }
}

TEST_CASE("webhook: the router asks the webhook for POSTs to webhook paths only", "[webhook]") {
  Fixture f;
  auto admit = [&](const std::string& method, const std::string& path, const std::string& headers) {
    return f.router
        .Admit(method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + headers + "Content-Length: 0\r\n\r\n")
        .action;
  };
  const std::string bearer = "Authorization: Bearer " + kConfigToken + "\r\n";
  CHECK(admit("POST", kSyncedPath, "") == HeadVerdict::Action::kReject);
  CHECK(admit("POST", "/webhook/connection_synced?x=1", bearer) == HeadVerdict::Action::kReadBody);
  CHECK(admit("POST", kSyncedPath, bearer) == HeadVerdict::Action::kReadBody);
  // No route takes a body there: answered (404, 405) from the head, the body never read.
  CHECK(admit("POST", "/healthz", "") == HeadVerdict::Action::kSkipBody);
  CHECK(admit("POST", "/nowhere", bearer) == HeadVerdict::Action::kSkipBody);
  CHECK(admit("PUT", kSyncedPath, bearer) == HeadVerdict::Action::kSkipBody);
  CHECK(admit("GET", "/healthz", "") == HeadVerdict::Action::kSkipBody);
}

TEST_CASE("webhook: odd but authentic JSON (1e400, invalid UTF-8) is 400 and not kept", "[webhook]") {
  Fixture f;
  const std::string bodies[] = {
      "{\"id_webhook_data\": 1, \"user\": {\"id\": 1042}, \"x\": 1e400}",
      "{\"id_webhook_data\": 2, \"user\": {\"id\": 1042}, \"x\": \"caf\xe9\"}",
      "{\"id_webhook_data\": 3, \"user\": {\"id\": 1042}, \"x\": \"\xf0",
  };
  for (const std::string& body : bodies) {
    INFO(body);
    Reply reply = f.PostBearer(kConfigToken, body);
    CHECK(reply.status == 400);
    CHECK(reply.body.find("malformed JSON") != std::string::npos);
  }
  CHECK(f.InboxSize() == 0);
  CHECK(f.stored_calls == 0);
}

}  // namespace freenahi

namespace freenahi {
namespace {

// The body as the listener hands it over when spooled: in a file beside the database.
RequestBody Spooled(const std::string& dir, const std::string& body, const std::string& mac_prefix) {
  RequestBody spooled(dir, 8);  // anything past 8 bytes goes to the file
  if (!mac_prefix.empty()) spooled.StartMac(kSecret, mac_prefix);
  FramingError error;
  REQUIRE(spooled.Consume(body.data(), body.size(), &error));
  REQUIRE(spooled.spooled());
  return spooled;
}

TEST_CASE("webhook: a spooled body's signature, from the MAC on arrival or read again",
          "[webhook]") {
  ScopedTempDir dir;
  Fixture f;
  f.SetAuth(kConfigToken, kSecret);
  HttpRequest req = SignedRequest(kVectorPath, kVectorDate, kVectorSignature);
  const std::string prefix = "POST." + kVectorPath + "." + kVectorDate + ".";
  RequestBody on_arrival = Spooled(dir.path(), kVectorBody, prefix);
  CHECK(f.webhook->CheckSignature(req, on_arrival).ok());
  RequestBody read_again = Spooled(dir.path(), kVectorBody, "");
  CHECK(f.webhook->CheckSignature(req, read_again).ok());
  RequestBody other_prefix = Spooled(dir.path(), kVectorBody, "POST./x.y.");  // path spelt otherwise
  CHECK(f.webhook->CheckSignature(req, other_prefix).ok());
  std::string flipped = kVectorBody;
  flipped[3] = 'X';
  RequestBody bad = Spooled(dir.path(), flipped, prefix);
  CHECK(f.webhook->CheckSignature(req, bad).message() == "wrong BI-Signature");
}

TEST_CASE("webhook: a spooled body is parsed and stored from its file", "[webhook]") {
  ScopedTempDir dir;
  Fixture f;
  std::string body = Body(77, 1042);
  body.insert(body.size() - 1, ", \"padding\": \"" + std::string(200000, 'p') + "\"");
  RequestBody spooled = Spooled(dir.path(), body, "");
  std::string head = "POST " + kSyncedPath + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
                     kConfigToken + "\r\nContent-Length: 0\r\n\r\n";
  Reply reply = ParseReply(f.router.Handle(head, spooled, "127.0.0.1", 40000));
  CHECK(reply.status == 200);
  auto items = f.store->ListInbox(std::nullopt, 10);
  REQUIRE(items.ok());
  REQUIRE(items->size() == 1);
  CHECK(items->front().webhook_id == std::optional<int64_t>(77));
  CHECK(items->front().user_id == std::optional<int64_t>(1042));
  auto stored = f.store->InboxBody(items->front().id);
  REQUIRE(stored.ok());
  CHECK(*stored == body);
  RequestBody broken = Spooled(dir.path(), "{\"id_webhook_data\": 78, \"x\": [1,}", "");
  CHECK(ParseReply(f.router.Handle(head, broken, "127.0.0.1", 40000)).status == 400);
  CHECK(f.InboxSize() == 1);
}

}  // namespace
}  // namespace freenahi
