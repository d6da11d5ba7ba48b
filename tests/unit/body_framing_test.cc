// SPDX-License-Identifier: MIT
// Tests for body_framing.cc: framing headers, Content-Length / chunked / until-close bodies,
// gzip, limits; every body fed in random slices, as a request and as a response.
#include "body_framing.h"

#include "catch.h"
#include "test_util.h"

#include <zlib.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace freenahi {
namespace {

using State = BodyDecoder::State;
using Mode = BodyDecoder::Mode;

std::string Chunked(const std::string& payload, size_t chunk) {
  std::string out;
  for (size_t i = 0; i < payload.size(); i += chunk) {
    std::string part = payload.substr(i, chunk);
    char size[32];
    snprintf(size, sizeof(size), "%zx", part.size());
    out += std::string(size) + (i == 0 ? ";ext=1" : "") + "\r\n" + part + "\r\n";
  }
  return out + "0\r\nTrailer: x\r\n\r\n";
}

std::string RandomText(std::mt19937* rng, size_t size) {
  std::string text(size, '\0');
  for (char& c : text) c = static_cast<char>('a' + (*rng)() % 26);
  return text;
}

// Feeds `wire` in random slices; returns the final state and how many bytes were consumed.
State FeedInSlices(BodyDecoder* decoder, const std::string& wire, std::mt19937* rng,
                   size_t* consumed_total) {
  size_t offset = 0;
  *consumed_total = 0;
  State state = decoder->state();
  while (offset < wire.size() && state == State::kBody) {
    size_t slice = 1 + (*rng)() % 700;
    slice = std::min(slice, wire.size() - offset);
    size_t consumed = 0;
    state = decoder->Feed(wire.data() + offset, slice, &consumed);
    *consumed_total += consumed;
    offset += slice;
  }
  return state;
}

TEST_CASE("body_framing: every framing decodes in random slices, gzip or not", "[body_framing]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 40; ++round) {
    std::string payload = RandomText(&rng, rng() % 20000);
    bool gzip = round % 2 == 1;
    std::string encoded = gzip ? Gzip(payload) : payload;
    Mode mode = static_cast<Mode>(round % 3);
    std::string wire = mode == Mode::kChunked ? Chunked(encoded, 1 + rng() % 3000) : encoded;
    std::string after = mode == Mode::kUntilClose ? "" : "NEXT";
    BodyDecoder decoder(mode, encoded.size(), gzip, 1 << 20);
    size_t consumed = 0;
    State state = FeedInSlices(&decoder, wire + after, &rng, &consumed);
    if (mode == Mode::kUntilClose) state = decoder.FinishAtClose();
    INFO("round " << round);
    REQUIRE(state == State::kComplete);
    CHECK(decoder.body() == payload);
    CHECK(consumed == wire.size());  // "NEXT" is left to the caller
  }
}

TEST_CASE("body_framing: limits hold on the wire and after gzip decoding", "[body_framing]") {
  std::string big(5000, 'z');
  SECTION("gzip bomb: small on the wire, too large decoded") {
    std::string wire = Gzip(big);
    BodyDecoder decoder(Mode::kContentLength, wire.size(), true, 1000);
    CHECK(decoder.Feed(wire.data(), wire.size()) == State::kRejected);
    CHECK(decoder.error().status == 413);
    CHECK(decoder.error().reason == "decoded body larger than 1000 bytes");
  }
  SECTION("chunked body past the limit on the wire") {
    std::string wire = Chunked(big, 100);
    BodyDecoder decoder(Mode::kChunked, 0, false, 1000);
    CHECK(decoder.Feed(wire.data(), wire.size()) == State::kRejected);
    CHECK(decoder.error().reason == "body larger than 1000 bytes");
  }
  SECTION("until-close body past the limit") {
    BodyDecoder decoder(Mode::kUntilClose, 0, false, 1000);
    CHECK(decoder.Feed(big.data(), 999) == State::kBody);
    CHECK(decoder.Feed(big.data(), 2) == State::kRejected);
    CHECK(decoder.error().status == 413);
  }
  SECTION("declared Content-Length past the limit") {
    BodyFraming framing;
    FramingError error;
    CHECK(framing.Take("content-length", "1001", &error) == BodyFraming::Header::kTaken);
    CHECK_FALSE(framing.Check(1000, &error));
    CHECK(error.status == 413);
  }
}

TEST_CASE("body_framing: malformed and truncated bodies are refused", "[body_framing]") {
  SECTION("bad chunk size") {
    BodyDecoder decoder(Mode::kChunked, 0, false, 1000);
    CHECK(decoder.Feed("zz\r\n", 4) == State::kRejected);
    CHECK(decoder.error().reason == "malformed chunk size");
  }
  SECTION("chunk data not followed by CRLF") {
    BodyDecoder decoder(Mode::kChunked, 0, false, 1000);
    CHECK(decoder.Feed("2\r\nabc\r\n", 8) == State::kRejected);
  }
  SECTION("truncated gzip") {
    std::string wire = Gzip(std::string(3000, 'q'));
    wire.resize(wire.size() / 2);
    BodyDecoder decoder(Mode::kUntilClose, 0, true, 100000);
    CHECK(decoder.Feed(wire.data(), wire.size()) == State::kBody);
    CHECK(decoder.FinishAtClose() == State::kRejected);
    CHECK(decoder.error().reason == "malformed gzip body");
  }
  SECTION("not gzip at all") {
    BodyDecoder decoder(Mode::kContentLength, 10, true, 1000);
    CHECK(decoder.Feed("plain text", 10) == State::kRejected);
    CHECK(decoder.error().status == 400);
  }
  SECTION("closed before Content-Length bytes came") {
    BodyDecoder decoder(Mode::kContentLength, 10, false, 1000);
    CHECK(decoder.Feed("abc", 3) == State::kBody);
    CHECK(decoder.FinishAtClose() == State::kRejected);
  }
  SECTION("empty Content-Length body is complete at once") {
    BodyDecoder decoder(Mode::kContentLength, 0, false, 1000);
    CHECK(decoder.state() == State::kComplete);
  }
}

TEST_CASE("body_framing: framing headers, case-insensitive, with their errors", "[body_framing]") {
  struct Case {
    const char* name;
    const char* value;
    BodyFraming::Header use;
    int status;
  };
  const std::vector<Case> cases = {
      {"Content-Length", "12", BodyFraming::Header::kTaken, 0},
      {"content-length", "-1", BodyFraming::Header::kRejected, 400},
      {"Content-Length", "1x", BodyFraming::Header::kRejected, 400},
      {"TRANSFER-ENCODING", "Chunked", BodyFraming::Header::kTaken, 0},
      {"Transfer-Encoding", "gzip, chunked", BodyFraming::Header::kRejected, 501},
      {"Content-Encoding", "x-gzip", BodyFraming::Header::kTaken, 0},
      {"Content-Encoding", "identity", BodyFraming::Header::kTaken, 0},
      {"Content-Encoding", "br", BodyFraming::Header::kRejected, 415},
      {"Content-Type", "application/json", BodyFraming::Header::kOther, 0},
  };
  for (const Case& c : cases) {
    BodyFraming framing;
    FramingError error;
    INFO(c.name << ": " << c.value);
    CHECK(framing.Take(c.name, c.value, &error) == c.use);
    CHECK(error.status == c.status);
  }
  BodyFraming both;
  FramingError error;
  CHECK(both.Take("Content-Length", "3", &error) == BodyFraming::Header::kTaken);
  CHECK(both.Take("Content-Length", "4", &error) == BodyFraming::Header::kRejected);
  CHECK(both.Take("Transfer-Encoding", "chunked", &error) == BodyFraming::Header::kTaken);
  CHECK_FALSE(both.Check(1000, &error));
  CHECK(error.reason == "both Content-Length and chunked");
  CHECK(BodyDecoder::ResponseMode(BodyFraming{}) == Mode::kUntilClose);
  CHECK(BodyDecoder::RequestMode(BodyFraming{}) == Mode::kContentLength);
}

}  // namespace
}  // namespace freenahi
