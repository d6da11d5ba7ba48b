// SPDX-License-Identifier: MIT
// Tests for crypto.cc: the Powens HMAC vector (DESIGN §3.3), RFC 4231, SHA-256, base64, hex,
// constant-time comparison and random bytes.
#include "crypto.h"

#include "catch.h"

#include <set>
#include <string>

namespace freenahi {
namespace {

TEST_CASE("crypto: Powens webhook signature test vector", "[crypto]") {
  const std::string secret = "whsec_fictional_secret_key_0123456789";
  const std::string message = std::string("POST") + "." + "/webhooks/powens/connection-synced" +
                              "." + "2024-03-14T07:02:12.483921Z" + "." +
                              "{\"id_webhook_data\": 1, \"user\": {\"id\": 1042}}";
  CHECK(Base64Encode(HmacSha256(secret, message)) ==
        "2b9TgXLtZOB/BAOsmaptSUXp374Efc9qGP7hFfP2t1Q=");
}

TEST_CASE("crypto: HMAC-SHA256 RFC 4231 vectors", "[crypto]") {
  struct Case {
    std::string key;
    std::string data;
    std::string hex;
  };
  const Case cases[] = {
      {std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      // Case 6: a key longer than the block size is hashed first.
      {std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
  };
  for (const Case& c : cases) {
    INFO(c.data);
    CHECK(HexLower(HmacSha256(c.key, c.data)) == c.hex);
  }
}

TEST_CASE("crypto: SHA-256 of empty and abc", "[crypto]") {
  CHECK(HexLower(Sha256("abc")) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HexLower(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256("abc").size() == 32);
}

TEST_CASE("crypto: base64 round trips", "[crypto]") {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
      {std::string("\x00\xff\xfe\x80", 4), "AP/+gA=="},
  };
  for (const auto& [raw, text] : cases) {
    INFO(text);
    CHECK(Base64Encode(raw) == text);
    Result<std::string> decoded = Base64Decode(text);
    REQUIRE(decoded.ok());
    CHECK(decoded.value() == raw);
  }
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes.push_back(static_cast<char>(i));
  Result<std::string> back = Base64Decode(Base64Encode(all_bytes));
  REQUIRE(back.ok());
  CHECK(back.value() == all_bytes);
}

TEST_CASE("crypto: bad base64 is rejected", "[crypto]") {
  const char* bad[] = {"Zg",   "Zg=",      "Z===",     "Zm9v!",    "Zm 9v", "Zm9v\n",
                       "=Zm9", "Zm9vYg=a", "Zm=vYmFy", "Zm9v====", "é12"};
  for (const char* text : bad) {
    INFO(text);
    Result<std::string> decoded = Base64Decode(text);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("crypto: hex formats", "[crypto]") {
  const std::string raw("\x01\xab\xff\x00", 4);
  CHECK(HexColons(raw) == "01:AB:FF:00");
  CHECK(HexLower(raw) == "01abff00");
  CHECK(HexColons("") == "");
  CHECK(HexColons(std::string(1, '\x7f')) == "7F");
}

TEST_CASE("crypto: constant-time equality", "[crypto]") {
  CHECK(ConstantTimeEquals("", ""));
  CHECK(ConstantTimeEquals("token", "token"));
  CHECK_FALSE(ConstantTimeEquals("token", "tokem"));
  CHECK_FALSE(ConstantTimeEquals("token", "Token"));
  CHECK_FALSE(ConstantTimeEquals("token", "token2"));
  CHECK_FALSE(ConstantTimeEquals("token2", "token"));
  CHECK_FALSE(ConstantTimeEquals("", "x"));
  CHECK_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
  // A prefix padded with NULs must not compare equal to the longer string.
  CHECK_FALSE(ConstantTimeEquals(std::string("ab"), std::string("ab\0", 3)));
}

TEST_CASE("crypto: random bytes", "[crypto]") {
  for (size_t size : {size_t{0}, size_t{1}, size_t{32}, size_t{5000}}) {
    Result<std::string> bytes = RandomBytes(size);
    REQUIRE(bytes.ok());
    CHECK(bytes.value().size() == size);
  }
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    Result<std::string> bytes = RandomBytes(16);
    REQUIRE(bytes.ok());
    seen.insert(bytes.value());
  }
  CHECK(seen.size() == 20);
  Result<std::string> big = RandomBytes(5000);
  REQUIRE(big.ok());
  CHECK(big.value().find(std::string(32, '\0')) == std::string::npos);
}

}  // namespace
}  // namespace freenahi
