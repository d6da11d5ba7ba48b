// SPDX-License-Identifier: MIT
// The JSON text boundary (json_text.h): strict UTF-8 and no NUL before any parser runs, and the
// parsers calling it (the heap over-read of issue 8 through ParsePayload is the regression).
#include "json_text.h"

#include <string>

#include "catch.h"
#include "payload.h"

namespace freenahi {

TEST_CASE("json_text: valid UTF-8 passes, at any length around the 8-byte fast path", "[json_text]") {
  for (const std::string& s :
       {std::string(), std::string("{}"), std::string(17, 'a'), std::string("caf\xc3\xa9 \xe2\x82\xac"),
        std::string("\xf0\x9f\x92\xb6 12345678 \xf4\x8f\xbf\xbf"), std::string("\xed\x9f\xbf")}) {
    INFO(s);
    CHECK(FirstInvalidUtf8(s) == s.size());
    CHECK(CheckJsonText(s).ok());
  }
}

TEST_CASE("json_text: invalid UTF-8 is found at its first bad byte", "[json_text]") {
  struct Case {
    std::string text;
    size_t at;
  };
  const Case cases[] = {
      {"abc\x80", 3},                       // continuation byte first
      {"\xc0\xaf", 0},                      // overlong '/'
      {"\xc1\xbf", 0},                      // overlong
      {"\xe0\x80\xaf", 0},                  // overlong 3-byte
      {"\xed\xa0\x80", 0},                  // surrogate
      {"\xf0\x80\x80\xaf", 0},              // overlong 4-byte
      {"\xf4\x90\x80\x80", 0},              // above U+10FFFF
      {"\xf5\x80\x80\x80", 0},              // never a lead byte
      {"12345678\xc3", 8},                  // truncated at the end
      {"\"iapplication_date\xf0", 18},      // the fuzzer's 19-byte body
      {"ok \xe2\x82", 3},                   // truncated 3-byte
      {"ok \xe2\x28\xa1", 3},               // bad continuation
      {"\xff", 0},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(FirstInvalidUtf8(c.text) == c.at);
    Status status = CheckJsonText(c.text);
    CHECK(status.code() == Status::Code::kInvalidArgument);
    CHECK(status.message() ==
          "malformed JSON at offset " + std::to_string(c.at) + ": invalid UTF-8");
  }
}

TEST_CASE("json_text: a NUL byte is malformed JSON", "[json_text]") {
  Status status = CheckJsonText(std::string("{\"a\":\0}", 7));
  CHECK(status.message() == "malformed JSON at offset 5: NUL byte");
}

// Issue 8: a body ending in a 4-byte UTF-8 lead byte made the in-situ parse read past the buffer
// (ASan heap-buffer-overflow). Unreachable through the webhook, reachable by inbox replay.
TEST_CASE("json_text: ParsePayload refuses a truncated UTF-8 sequence at the end", "[json_text]") {
  const std::string bodies[] = {
      std::string("\"iapplication_date\xf0"),
      std::string("{\"connection\": {\"id\": 1, \"state\": \"\xf0"),
      std::string("{\"connection\": {\"id\": 1, \"state\": \"\xe2\x82"),
  };
  for (const std::string& body : bodies) {
    for (WebhookEvent event : kAllWebhookEvents) {
      Result<Payload> parsed = ParsePayload(event, body);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.status().message().find("invalid UTF-8") != std::string::npos);
    }
    Result<Envelope> envelope = ParseEnvelope(body);
    REQUIRE_FALSE(envelope.ok());
    CHECK(envelope.status().message().find("invalid UTF-8") != std::string::npos);
  }
}

}  // namespace freenahi
