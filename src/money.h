// SPDX-License-Identifier: MIT
// Exact decimal money: text ↔ integer minor units. Never goes through double.
// Used by payload.cc (JSON numbers kept as text) and the CLI (printing).
#ifndef FREENAHI_MONEY_H_
#define FREENAHI_MONEY_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "status.h"

namespace freenahi {

// Parses a JSON number's text ("-42.9", "1523.47", "2450", "1e2", "-0.1", "12.30") into minor
// units at `precision` decimals: ParseMinorUnits("-42.9", 2) == -4290.
// Errors (InvalidArgument): not a number, more non-zero decimals than `precision`, overflow of
// int64. REQUIRES: 0 <= precision <= 18.
Result<int64_t> ParseMinorUnits(std::string_view text, int precision);

// Exact text of minor units: FormatMinorUnits(-4290, 2) == "-42.90"; precision 0 → "2450".
std::string FormatMinorUnits(int64_t minor, int precision);

// Checks that `text` is a decimal number (JSON grammar, exponent allowed) and returns it in
// plain positional form without exponent and without trailing fractional zeros:
// "1e2" → "100", "0.50" → "0.5", "-0.0" → "0". For quantities and rates kept as text.
Result<std::string> NormalizeDecimal(std::string_view text);

}  // namespace freenahi

#endif  // FREENAHI_MONEY_H_
