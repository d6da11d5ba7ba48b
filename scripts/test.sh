#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what is missing, builds freenahi with warnings as errors and runs the whole test suite
# (unit tests, then the end-to-end tests against the real daemon on loopback) with CTest.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: AddressSanitizer + UBSan build in build-asan)
set -eu
case "${1:-}" in -h|--help) sed -n '3,5p' "$0" | sed 's/^# //'; exit 0 ;; esac
cd "$(dirname "$0")/.."
. scripts/deps.sh
ensure_packages $BUILD_PACKAGES $TEST_PACKAGES
dir=build flags=""
if [ "${1:-}" = --sanitize ]; then
  dir=build-asan flags="-DFREENAHI_SANITIZE=ON"
  export_strict_ubsan "$PWD"  # a UBSan finding fails its test, as in CI
fi
# The tests and benchmarks on (run.sh turns them off in the same tree).
# shellcheck disable=SC2086
configure_build "$dir" -DFREENAHI_BUILD_TESTS=ON -DFREENAHI_BUILD_BENCH=ON $flags
cmake --build "$dir"
cd "$dir"
# Four at a time: the end-to-end tests mostly wait on the daemon (the timed ones run alone).
ctest --output-on-failure -j4
