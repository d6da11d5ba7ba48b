#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The CI-only hardening checks (issue 8), one after the other, each timed: slowhttptest against
# the daemon (tests/abuse/slow.sh), a testssl.sh scan (tests/abuse/tls-scan.sh), the libFuzzer
# targets (tests/fuzz/run.sh, FUZZ_SECONDS each, default 15) and the whole suite on the same
# ASan + UBSan build (clang, build-fuzz). Installs its own packages.
# Usage: tests/abuse/ci.sh (as root in CI). FREENAHI_CI_FUZZ=0 leaves out the fuzzing,
# FREENAHI_CI_SANITIZE=0 the sanitizer suite (see the README's figures for their durations).
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/deps.sh
ensure_packages $BUILD_PACKAGES $TEST_PACKAGES $FUZZ_PACKAGES slowhttptest testssl.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
start=$(date +%s)
step() {  # step NAME COMMAND...: runs it, prints its duration and the load
  local t0=$(date +%s)
  echo "=== $1"
  shift
  "$@"
  echo "=== done in $(( $(date +%s) - t0 )) s (load: $(cut -d' ' -f1-3 /proc/loadavg))"
}
# The release build the abuse checks run against (scripts/test.sh builds it in CI first).
cmake -S . -B build -G Ninja -DFREENAHI_WERROR=ON > /dev/null
cmake --build build --target freenahi
export FREENAHI_BIN=$PWD/build/freenahi FREENAHI_SOURCE_DIR=$PWD
step "slowhttptest and other abuse against the daemon" bash tests/abuse/slow.sh
step "testssl.sh scan" bash tests/abuse/tls-scan.sh
# One clang tree (build-fuzz) serves both last steps: the fuzz targets and the whole suite, all
# under ASan + UBSan at -O1 (FREENAHI_SANITIZE) and instrumented for libFuzzer's coverage. Two
# trees (GCC for the suite, clang for the fuzz targets) compiled everything twice: ~10 min of CI.
# `scripts/test.sh --sanitize` (GCC, build-asan) stays the developer's way to run the suite.
export FREENAHI_FUZZ_CMAKE_ARGS="-DFREENAHI_SANITIZE=ON -DFREENAHI_BUILD_TESTS=ON -DFREENAHI_BUILD_BENCH=OFF"
# Every fuzz target (a crash fails CI; its input is in build-fuzz/crashes/), side by side.
if [ "${FREENAHI_CI_FUZZ:-1}" != 0 ]; then
  step "fuzzing, ${FUZZ_SECONDS} s per target" tests/fuzz/run.sh "$FUZZ_SECONDS"
fi
# ~9 min on an idle 2-core machine: 4 to build, 5 to run (e2e four at a time). UBSan findings
# fail the test that meets them (RapidJSON's own null-pointer arithmetic is suppressed, as when
# fuzzing).
sanitized_suite() (
  tests/fuzz/run.sh --build-only
  export_strict_ubsan "$PWD"
  cd "${FREENAHI_FUZZ_BUILD:-build-fuzz}"
  ctest --output-on-failure -j4
)
if [ "${FREENAHI_CI_SANITIZE:-1}" != 0 ]; then
  step "sanitizers: the whole suite under ASan + UBSan (clang, build-fuzz)" sanitized_suite
fi
echo "=== tests/abuse/ci.sh: all green in $(( $(date +%s) - start )) s"
