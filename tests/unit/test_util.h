// SPDX-License-Identifier: MIT
// Helpers shared by the unit tests: a temporary directory that removes itself, even when an
// assertion fails (ninja's ScopedTempDir), and gzip for the framing tests.
#ifndef FREENAHI_TESTS_UNIT_TEST_UTIL_H_
#define FREENAHI_TESTS_UNIT_TEST_UTIL_H_

#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

#include "catch.h"
#include <filesystem>
#include <fstream>
#include <string>

namespace freenahi {

class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "freenahi-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path_ = pattern;
  }
  ~ScopedTempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Writes `text` to File(name) with `mode`; returns the path.
  std::string Write(const std::string& name, const std::string& text, mode_t mode = 0644) {
    std::string file = File(name);
    std::ofstream(file, std::ios::binary) << text;
    REQUIRE(chmod(file.c_str(), mode) == 0);
    return file;
  }

 private:
  std::string path_;
};

// `plain` as one gzip member (what a Content-Encoding: gzip body holds).
inline std::string Gzip(const std::string& plain) {
  z_stream zs{};
  REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, plain.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(&out[0]);
  zs.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

}  // namespace freenahi

#endif  // FREENAHI_TESTS_UNIT_TEST_UTIL_H_
