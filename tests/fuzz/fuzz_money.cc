// SPDX-License-Identifier: MIT
// libFuzzer target: amounts from JSON text to minor units and back. Property: what parses
// formats back to a text that parses to the same value.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "money.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  int precision = data[0] % 5;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  freenahi::Result<int64_t> minor = freenahi::ParseMinorUnits(text, precision);
  if (minor.ok()) {
    std::string back = freenahi::FormatMinorUnits(*minor, precision);
    freenahi::Result<int64_t> again = freenahi::ParseMinorUnits(back, precision);
    if (!again.ok() || *again != *minor) __builtin_trap();
  }
  freenahi::Result<std::string> normal = freenahi::NormalizeDecimal(text);
  if (normal.ok()) {
    freenahi::Result<std::string> twice = freenahi::NormalizeDecimal(*normal);
    if (!twice.ok() || *twice != *normal) __builtin_trap();
  }
  return 0;
}
