// SPDX-License-Identifier: MIT
// The one place that knows Catch2 v2 (bookworm: catch2/catch.hpp, header-only) from v3 (trixie:
// catch2/catch_all.hpp, a compiled library). Every test file includes this, never Catch2 itself.
#ifndef FREENAHI_TESTS_UNIT_CATCH_H_
#define FREENAHI_TESTS_UNIT_CATCH_H_

#if defined(FREENAHI_CATCH2_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#endif  // FREENAHI_TESTS_UNIT_CATCH_H_
