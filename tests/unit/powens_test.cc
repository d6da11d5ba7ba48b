// SPDX-License-Identifier: MIT
// Tests for powens.cc through its seams (fake clock, sleep, randomness and transport): the rate
// limit, backoff honouring Retry-After, which failures are retried, and the one-line errors.
#include "powens.h"

#include "catch.h"
#include <algorithm>
#include <string>
#include <vector>

namespace freenahi {
namespace {

struct FakeTransport {
  std::vector<HttpClientResponse> answers;  // played in order; the last one repeats
  std::vector<HttpClientRequest> requests;
  std::vector<int64_t> call_times;
  int64_t now = 1000000;
  std::vector<int64_t> sleeps;

  PowensSeams Seams() {
    PowensSeams seams;
    seams.now_ms = [this] { return now; };
    seams.sleep_ms = [this](int64_t ms) {
      sleeps.push_back(ms);
      now += ms;
    };
    seams.random01 = [] { return 0.5; };
    seams.fetch = [this](const HttpClientRequest& r, const HttpClientOptions&) {
      requests.push_back(r);
      call_times.push_back(now);
      size_t i = std::min(requests.size() - 1, answers.size() - 1);
      return Result<HttpClientResponse>(answers[i]);
    };
    return seams;
  }
};

HttpClientResponse Answer(int status, std::string body, std::string retry_after = "") {
  HttpClientResponse r;
  r.status = status;
  r.body = std::move(body);
  if (!retry_after.empty()) r.headers.emplace_back("retry-after", retry_after);
  return r;
}

PowensOptions Options(int per_minute = 30) {
  PowensOptions o;
  o.api_url = "https://exampleco-sandbox.biapi.pro/2.0";
  o.rate_limit_per_min = per_minute;
  return o;
}

TEST_CASE("powens: the limiter never lets more than N calls into a minute", "[powens]") {
  RateLimiter limiter(3);
  for (int64_t t : {0, 10, 20}) {
    CHECK(limiter.WaitMs(t) == 0);
    limiter.Record(t);
  }
  CHECK(limiter.WaitMs(30) == 60220);  // 60 s after the oldest, plus a 250 ms margin
  CHECK(limiter.WaitMs(60250) == 0);
  CHECK(limiter.Recent(60015) == std::vector<int64_t>{20});
}

TEST_CASE("powens: backoff honours Retry-After, else doubles with jitter", "[powens]") {
  CHECK(BackoffMs(0, 7, 0.9) == 7000);
  CHECK(BackoffMs(0, std::nullopt, 0.5) == 2000);
  CHECK(BackoffMs(1, std::nullopt, 0.0) == 2000);
  CHECK(BackoffMs(10, std::nullopt, 0.5) == 60000);
}

TEST_CASE("powens: URL encoding keeps only unreserved characters", "[powens]") {
  CHECK(UrlEncode("https://h:1/connected?x=a b&c") ==
        "https%3A%2F%2Fh%3A1%2Fconnected%3Fx%3Da%20b%26c");
  CHECK(UrlEncode("bank,bankwealth") == "bank%2Cbankwealth");
  CHECK(UrlEncode("a-Z_0.~") == "a-Z_0.~");
}

TEST_CASE("powens: 429 with Retry-After then 500 are retried, the body returned", "[powens]") {
  FakeTransport fake;
  fake.answers = {Answer(429, "{}", "3"), Answer(500, "oops"), Answer(200, "{\"ok\":1}")};
  PowensClient client(Options(), fake.Seams());
  client.set_token("tok");
  Result<std::string> body = client.Get("/users/me", "reading the user");
  REQUIRE(body.ok());
  CHECK(*body == "{\"ok\":1}");
  CHECK(fake.sleeps == std::vector<int64_t>{3000, 4000});
  CHECK(client.calls() == 3);
  CHECK(fake.requests[0].url == "https://exampleco-sandbox.biapi.pro/2.0/users/me");
}

TEST_CASE("powens: an absolute next href is used unchanged", "[powens]") {
  FakeTransport fake;
  fake.answers = {Answer(200, "{}")};
  PowensClient client(Options(), fake.Seams());
  REQUIRE(client.Get("https://x.biapi.pro/2.0/users/me/transactions?cursor=a%3D", "t").ok());
  CHECK(fake.requests[0].url == "https://x.biapi.pro/2.0/users/me/transactions?cursor=a%3D");
}

TEST_CASE("powens: a POST answered 500 is not repeated (it may have created the user)", "[powens]") {
  FakeTransport fake;
  fake.answers = {Answer(500, "{}")};
  PowensClient client(Options(), fake.Seams());
  Result<AuthInitReply> reply = client.AuthInit("id", "secret");
  REQUIRE(!reply.ok());
  CHECK(client.calls() == 1);
  CHECK(fake.requests[0].body == "{\"client_id\":\"id\",\"client_secret\":\"secret\"}");
  CHECK(reply.status().message().find("secret") == std::string::npos);
}

TEST_CASE("powens: a Powens error becomes one line saying what to do", "[powens]") {
  FakeTransport fake;
  fake.answers = {Answer(400, R"({"code":"wrongpass","description":"Wrong password",
    "message":"m","request_id":"7f3d"})")};
  PowensClient client(Options(), fake.Seams());
  client.set_token("tok");
  Result<std::string> body = client.Get("/users/me/connections", "listing connections");
  REQUIRE(!body.ok());
  CHECK(body.status().message() ==
        "Powens refused listing connections: HTTP 400 wrongpass (Wrong password) [request 7f3d]; "
        "the bank refused the login: fix it with `freenahi connect --manage`");
  CHECK(client.calls() == 1);
}

TEST_CASE("powens: calls wait for the rate limit", "[powens]") {
  FakeTransport fake;
  fake.answers = {Answer(200, "{}")};
  PowensClient client(Options(2), fake.Seams());
  for (int i = 0; i < 5; ++i) REQUIRE(client.Get("/users/me", "u").ok());
  REQUIRE(fake.call_times.size() == 5);
  for (size_t i = 2; i < fake.call_times.size(); ++i)
    CHECK(fake.call_times[i] - fake.call_times[i - 2] >= 60000);
}

TEST_CASE("powens: the Authorization header carries the token, never the errors", "[powens]") {
  FakeTransport fake;
  fake.answers = {Answer(401, R"({"code":"unauthorized"})")};
  PowensClient client(Options(), fake.Seams());
  client.set_token("s3cr3t-token");
  Result<std::string> body = client.Get("/users/me", "reading the user");
  REQUIRE(!body.ok());
  bool has_auth = false;
  for (const auto& [name, value] : fake.requests[0].headers)
    has_auth = has_auth || (name == "Authorization" && value == "Bearer s3cr3t-token");
  CHECK(has_auth);
  CHECK(body.status().message().find("s3cr3t") == std::string::npos);
  CHECK(body.status().code() == Status::Code::kUnauthenticated);
}

}  // namespace
}  // namespace freenahi
