// SPDX-License-Identifier: MIT
// Exact arithmetic on the decimal texts Powens sends for quantities and prices (no double):
// quantity × price in minor units, and percentages from integer ratios. Used by the investment
// and loan figures (assets.cc); parsing and printing money stays in money.h.
#ifndef FREENAHI_DECIMAL_H_
#define FREENAHI_DECIMAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "status.h"

namespace freenahi {

// a × b (decimal texts, exponent allowed), rounded half away from zero to `precision` decimals,
// in minor units: MultiplyToMinor("12.5", "101.234", 2) == 126543 (1265.425 → 1265.43).
// InvalidArgument on a non-number or a result beyond int64.
Result<int64_t> MultiplyToMinor(std::string_view a, std::string_view b, int precision);

// part / whole in hundredths of a percent, rounded half away from zero: (1, 3) → 3333.
// nullopt when whole is 0 or the ratio is beyond int64.
std::optional<int64_t> RatioBasisPoints(int64_t part, int64_t whole);

// 3333 → "33.33", -5 → "-0.05", 10000 → "100.00".
std::string FormatBasisPoints(int64_t basis_points);

}  // namespace freenahi

#endif  // FREENAHI_DECIMAL_H_
