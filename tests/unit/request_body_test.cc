// SPDX-License-Identifier: MIT
// Tests for request_body.cc: small bodies stay in memory, large ones go to an unlinked spool file
// and read back byte for byte; the MAC computed on arrival is HmacSha256 of the whole; a spool
// that cannot be written refuses the body with 503; and RequestReader spools a gzip body as the
// webhook's HeadCheck asks.
#include "catch.h"

#include <zlib.h>

#include <filesystem>
#include <string>

#include "crypto.h"
#include "http.h"
#include "request_body.h"
#include "test_util.h"

namespace freenahi {
namespace {

std::string ReadAll(const RequestBody& body, size_t chunk) {
  std::unique_ptr<ByteSource> reader = body.Reader();
  std::string out, buffer(chunk, '\0');
  for (;;) {
    Result<size_t> n = reader->Read(buffer.data(), buffer.size());
    REQUIRE(n.ok());
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

std::string Pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

size_t FilesIn(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) n += entry.exists();
  return n;
}

TEST_CASE("request_body: a small body stays in memory", "[request_body]") {
  ScopedTempDir dir;
  RequestBody body(dir.path(), 1024);
  FramingError error;
  REQUIRE(body.Consume("hello ", 6, &error));
  REQUIRE(body.Consume("world", 5, &error));
  CHECK_FALSE(body.spooled());
  CHECK(body.memory() == "hello world");
  CHECK(body.size() == 11);
  CHECK(ReadAll(body, 4) == "hello world");
}

TEST_CASE("request_body: a large body goes to an unlinked file and reads back whole",
          "[request_body]") {
  ScopedTempDir dir;
  const std::string data = Pattern(300000);
  RequestBody body(dir.path(), 1000);
  FramingError error;
  for (size_t at = 0; at < data.size(); at += 777)
    REQUIRE(body.Consume(data.data() + at, std::min<size_t>(777, data.size() - at), &error));
  CHECK(body.spooled());
  CHECK(body.memory().empty());  // nothing kept in memory once spooled
  CHECK(body.size() == data.size());
  CHECK(FilesIn(dir.path()) == 0);  // unlinked: nothing to clean up after a crash
  CHECK(ReadAll(body, 65536) == data);
  CHECK(ReadAll(body, 1) .size() == data.size());  // each reader starts at the beginning
  body.Clear();
  CHECK_FALSE(body.spooled());
  CHECK(body.size() == 0);
}

TEST_CASE("request_body: the MAC computed on arrival is the HMAC of prefix and body",
          "[request_body]") {
  ScopedTempDir dir;
  const std::string data = Pattern(100000);
  RequestBody body(dir.path(), 4096);
  body.StartMac("secret", "POST./webhook/x/.date.");
  FramingError error;
  for (size_t at = 0; at < data.size(); at += 1000) REQUIRE(body.Consume(data.data() + at, 1000, &error));
  CHECK(body.mac_prefix() == "POST./webhook/x/.date.");
  CHECK(body.Mac() == HmacSha256("secret", "POST./webhook/x/.date." + data));
  RequestBody plain;
  CHECK(plain.Mac().empty());
}

TEST_CASE("request_body: a spool that cannot be written refuses the body with 503",
          "[request_body]") {
  ScopedTempDir dir;
  RequestBody body(dir.File("missing"), 10);
  FramingError error;
  REQUIRE(body.Consume("0123456789", 10, &error));  // still in memory
  CHECK_FALSE(body.Consume("x", 1, &error));
  CHECK(error.status == 503);
  CHECK(error.reason == "storage unavailable, retry later");
  CHECK(body.size() == 0);
  CHECK(OpenSpoolFile(dir.File("missing")).status().code() == Status::Code::kUnavailable);
}

TEST_CASE("request_body: RequestReader spools a gzip body when the HeadCheck asks",
          "[request_body]") {
  ScopedTempDir dir;
  const std::string data = Pattern(2 << 20);
  for (bool gzip : {true, false}) {
    const std::string wire = gzip ? Gzip(data) : data;
    HeadCheck spool = [&](const std::string&) {
      HeadVerdict verdict;
      verdict.spool_dir = dir.path();
      verdict.spool_above = 64 * 1024;
      verdict.mac_key = "k";
      verdict.mac_prefix = "p";
      return verdict;
    };
    RequestReader reader(HttpLimits{4096, 4 << 20}, spool);
    std::string head = std::string("POST /webhook/x HTTP/1.1\r\n") +
                       (gzip ? "Content-Encoding: gzip\r\n" : "") +
                       "Content-Length: " + std::to_string(wire.size()) + "\r\n\r\n";
    REQUIRE(reader.Feed(head.data(), head.size()) == RequestReader::State::kBody);
    RequestReader::State state = RequestReader::State::kBody;
    for (size_t at = 0; at < wire.size(); at += 16384)
      state = reader.Feed(wire.data() + at, std::min<size_t>(16384, wire.size() - at));
    REQUIRE(state == RequestReader::State::kComplete);
    CHECK(reader.body().spooled());
    CHECK(reader.body().size() == data.size());
    CHECK(ReadAll(reader.body(), 65536) == data);
    CHECK(reader.body().Mac() == HmacSha256("k", "p" + data));
  }
}

TEST_CASE("request_body: the body limit still holds for a spooled body", "[request_body]") {
  ScopedTempDir dir;
  HeadCheck spool = [&](const std::string&) {
    HeadVerdict verdict;
    verdict.spool_dir = dir.path();
    verdict.spool_above = 1000;
    return verdict;
  };
  const std::string bomb = Gzip(std::string(300000, 'a'));  // 300 KB decoded, limit 200 KB
  RequestReader reader(HttpLimits{4096, 200000}, spool);
  std::string req = "POST /webhook/x HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: " +
                    std::to_string(bomb.size()) + "\r\n\r\n" + bomb;
  CHECK(reader.Feed(req.data(), req.size()) == RequestReader::State::kRejected);
  CHECK(reader.reject_status() == 413);
  CHECK_FALSE(reader.body().spooled());  // the file is gone with the refusal
}

}  // namespace
}  // namespace freenahi
