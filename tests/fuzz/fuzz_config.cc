// SPDX-License-Identifier: MIT
// libFuzzer target: the INI parser. Property: a config that parses renders (secrets included)
// to a text that parses again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> warnings;
  freenahi::Result<freenahi::Config> config = freenahi::ParseConfig(text, "/fuzz/f.ini", &warnings);
  if (!config.ok()) return 0;
  std::string rendered = freenahi::RenderConfig(*config, /*include_secrets=*/true);
  freenahi::Result<freenahi::Config> again = freenahi::ParseConfig(rendered, "/fuzz/f.ini", nullptr);
  if (!again.ok()) __builtin_trap();
  return 0;
}
