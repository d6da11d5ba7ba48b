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
if [ "${1:-}" = --sanitize ]; then dir=build-asan flags="-DFREENAHI_SANITIZE=ON"; fi
# A rebuild after a small change (or of a tree built before) costs seconds with ccache.
if command -v ccache > /dev/null; then flags="$flags -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"; fi
# -g1 (line tables: file:line in every backtrace) instead of -g: a third less compiling
# (hooks.cc: 2.3 s instead of 3.7 s), and CI builds the suite three times.
# shellcheck disable=SC2086
cmake -S . -B "$dir" -G Ninja -DFREENAHI_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" $flags > /dev/null
cmake --build "$dir"
cd "$dir"
# Four at a time: the end-to-end tests mostly wait on the daemon (the timed ones run alone).
ctest --output-on-failure -j4
