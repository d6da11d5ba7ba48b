// SPDX-License-Identifier: MIT
// libFuzzer target: request framing (RequestReader: Content-Length, chunked, gzip, limits, the
// head check) fed in chunk sizes the input chooses. Property: however the bytes are split, the
// outcome (state, status, body) is the one of a single Feed, and nothing reads out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http.h"

namespace {

freenahi::HeadVerdict AdmitAll(const std::string& head) {
  freenahi::RequestHeadView view(head);
  freenahi::HeadVerdict verdict;
  (void)view.Header("Authorization");
  if (view.path() == "/skip") verdict.action = freenahi::HeadVerdict::Action::kSkipBody;
  return verdict;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // First two bytes: the seed of the chunk sizes; the rest is the request.
  uint32_t seed = static_cast<uint32_t>(data[0]) << 8 | data[1];
  const char* bytes = reinterpret_cast<const char*>(data + 2);
  size_t length = size - 2;
  const freenahi::HttpLimits limits{2048, 1 << 16};

  freenahi::RequestReader whole(limits, AdmitAll);
  freenahi::RequestReader::State one = whole.Feed(bytes, length);

  freenahi::RequestReader split(limits, AdmitAll);
  size_t offset = 0;
  while (offset < length) {
    seed = seed * 1103515245u + 12345u;
    size_t chunk = 1 + (seed >> 16) % 97;
    if (chunk > length - offset) chunk = length - offset;
    split.Feed(bytes + offset, chunk);
    offset += chunk;
  }
  if (split.state() != one) __builtin_trap();
  if (one == freenahi::RequestReader::State::kComplete &&
      (split.body().memory() != whole.body().memory() || split.head() != whole.head()))
    __builtin_trap();
  if (one == freenahi::RequestReader::State::kRejected &&
      split.reject_status() != whole.reject_status())
    __builtin_trap();
  return 0;
}
