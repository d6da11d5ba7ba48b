// SPDX-License-Identifier: MIT
// libFuzzer target: the body framing the HTTPS client will use for Powens responses
// (body_framing.h, response mode: Content-Length, chunked or until close; gzip), its framing
// headers parsed from the input's first lines, the body fed in chunk sizes the input chooses.
// Property: the split feed ends as the single feed does.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "body_framing.h"

namespace {

struct Outcome {
  freenahi::BodyDecoder::State state;
  std::string body;
};

Outcome Decode(const freenahi::BodyFraming& framing, std::string_view body, uint32_t seed) {
  freenahi::BodyDecoder decoder(freenahi::BodyDecoder::ResponseMode(framing),
                                framing.content_length, framing.gzip, 1 << 16);
  size_t offset = 0;
  while (offset < body.size() && decoder.state() == freenahi::BodyDecoder::State::kBody) {
    size_t chunk = body.size() - offset;
    if (seed != 0) {
      seed = seed * 1103515245u + 12345u;
      chunk = std::min(chunk, size_t{1} + (seed >> 16) % 61);
    }
    decoder.Feed(body.data() + offset, chunk);
    offset += chunk;
  }
  if (decoder.state() == freenahi::BodyDecoder::State::kBody) decoder.FinishAtClose();
  return Outcome{decoder.state(), decoder.state() == freenahi::BodyDecoder::State::kComplete
                                      ? decoder.body()
                                      : std::string()};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint32_t seed = (static_cast<uint32_t>(data[0]) << 8 | data[1]) | 1u;
  std::string_view rest(reinterpret_cast<const char*>(data + 2), size - 2);
  freenahi::BodyFraming framing;
  freenahi::FramingError error;
  // "Name: value" lines up to a blank line are the framing headers; the rest is the body.
  for (;;) {
    size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) return 0;
    std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    if (line.empty()) break;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return 0;
    if (framing.Take(line.substr(0, colon), freenahi::TrimHeaderValue(line.substr(colon + 1)),
                     &error) == freenahi::BodyFraming::Header::kRejected)
      return 0;
  }
  if (!framing.Check(1 << 16, &error)) return 0;
  Outcome whole = Decode(framing, rest, 0);
  Outcome split = Decode(framing, rest, seed);
  if (whole.state != split.state || whole.body != split.body) __builtin_trap();
  return 0;
}
