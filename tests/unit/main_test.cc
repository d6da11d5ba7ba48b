// SPDX-License-Identifier: MIT
// Catch2's main for freenahi_tests; every other file in tests/unit adds its own TEST_CASEs.
#define CATCH_CONFIG_RUNNER  // v2: this file provides main(); v3 needs nothing
#include "catch.h"

#include "log.h"

namespace {
// Modules log their rejections; the unit tests check return values, so keep their output quiet.
const bool kQuietLog = (freenahi::SetLogLevel(freenahi::LogLevel::kError), true);
}  // namespace

int main(int argc, char* argv[]) { return Catch::Session().run(argc, argv); }
