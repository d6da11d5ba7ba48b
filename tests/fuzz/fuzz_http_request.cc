// SPDX-License-Identifier: MIT
// libFuzzer target: request framing (RequestReader: Content-Length, chunked, gzip, limits, the
// head check) fed in chunk sizes the input chooses, with the body kept in memory or, as a webhook
// does, spooled to an unlinked file past a small limit while its HMAC is computed
// (request_body.cc). Property: however the bytes are split, the outcome (state, status, body,
// where it was kept, its MAC) is the one of a single Feed, and nothing reads out of bounds.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "http.h"

namespace {

// One directory for the spool files of the whole run (they are unlinked as soon as opened),
// removed when the run ends.
class TempDir {
 public:
  TempDir() : path_("/tmp/freenahi-fuzz-spool-XXXXXX") {
    if (mkdtemp(path_.data()) == nullptr) __builtin_trap();
  }
  ~TempDir() { rmdir(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& SpoolDir() {
  static const TempDir dir;
  return dir.path();
}

freenahi::HeadCheck MakeCheck(bool spool, size_t spool_above) {
  return [spool, spool_above](const std::string& head) {
    freenahi::RequestHeadView view(head);
    freenahi::HeadVerdict verdict;
    (void)view.Header("Authorization");
    if (view.path() == "/skip") verdict.action = freenahi::HeadVerdict::Action::kSkipBody;
    if (spool) {
      verdict.spool_dir = SpoolDir();
      verdict.spool_above = spool_above;
      verdict.mac_key = "fuzz-key";
      verdict.mac_prefix = "prefix.";
    }
    return verdict;
  };
}

// The body wherever it is (memory or spool file), through its reader.
std::string ReadAll(const freenahi::RequestBody& body) {
  std::string out;
  std::unique_ptr<freenahi::ByteSource> reader = body.Reader();
  char buffer[4096];
  for (;;) {
    freenahi::Result<size_t> n = reader->Read(buffer, sizeof(buffer));
    if (!n.ok()) __builtin_trap();  // a spool that cannot be read back
    if (*n == 0) return out;
    out.append(buffer, *n);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  // First two bytes: the seed of the chunk sizes (bit 1 of the first also asks for a spool past
  // the second byte's value in bytes); the rest is the request.
  uint32_t seed = static_cast<uint32_t>(data[0]) << 8 | data[1];
  const bool spool = (data[0] & 2) != 0;
  const size_t spool_above = data[1];
  const char* bytes = reinterpret_cast<const char*>(data + 2);
  size_t length = size - 2;
  const freenahi::HttpLimits limits{2048, 1 << 16};

  freenahi::RequestReader whole(limits, MakeCheck(spool, spool_above));
  freenahi::RequestReader::State one = whole.Feed(bytes, length);

  freenahi::RequestReader split(limits, MakeCheck(spool, spool_above));
  size_t offset = 0;
  while (offset < length) {
    seed = seed * 1103515245u + 12345u;
    size_t chunk = 1 + (seed >> 16) % 97;
    if (chunk > length - offset) chunk = length - offset;
    split.Feed(bytes + offset, chunk);
    offset += chunk;
  }
  if (split.state() != one) __builtin_trap();
  if (one == freenahi::RequestReader::State::kComplete) {
    freenahi::RequestBody& a = whole.body();
    freenahi::RequestBody& b = split.body();
    if (split.head() != whole.head() || a.size() != b.size() || a.spooled() != b.spooled())
      __builtin_trap();
    if (a.spooled() != (spool && a.size() > spool_above)) __builtin_trap();
    const std::string body = ReadAll(a);
    if (body.size() != a.size() || ReadAll(b) != body) __builtin_trap();
    if (!a.spooled() && a.memory() != body) __builtin_trap();
    if (a.Mac() != b.Mac()) __builtin_trap();
  }
  if (one == freenahi::RequestReader::State::kRejected &&
      split.reject_status() != whole.reject_status())
    __builtin_trap();
  return 0;
}
