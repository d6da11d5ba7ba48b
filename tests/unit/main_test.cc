// SPDX-License-Identifier: MIT
// Catch2's main for freenahi_tests; every other file in tests/unit adds its own TEST_CASEs.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "log.h"

namespace {
// Modules log their rejections; the unit tests check return values, so keep their output quiet.
const bool kQuietLog = (freenahi::SetLogLevel(freenahi::LogLevel::kError), true);
}  // namespace
