# SPDX-License-Identifier: MIT
# Sourced by run.sh, test.sh and the CI scripts: the Debian packages freenahi builds and tests with, and
# ensure_packages, which installs only what is missing (apt-get; sudo when not root).
BUILD_PACKAGES="g++ cmake ninja-build libmbedtls-dev libsqlite3-dev rapidjson-dev zlib1g-dev libqrencode-dev xz-utils patch ca-certificates"
TEST_PACKAGES="catch2 curl openssl sqlite3 procps hledger ledger beancount ofx libfinance-qif-perl python3 tzdata"
BENCH_PACKAGES="wrk"  # scripts/bench-webhooks.sh (not CI)
# tests/fuzz: clang alone lacks libFuzzer and the sanitizer runtimes (libclang-rt-NN-dev, only
# recommended by clang, and ensure_packages installs no recommends).
FUZZ_PACKAGES="clang libclang-rt-dev"

ensure_packages() {
  missing=""
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo > /dev/null || { echo "freenahi: need root (or sudo) to install:$missing" >&2; exit 1; }
    sudo=sudo
  fi
  echo "installing:$missing"
  # Wait (up to 5 min) for another apt run to finish, e.g. unattended-upgrades on a fresh Pi.
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=300
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=300 \
    --no-install-recommends $missing > /dev/null
}

# configure_build DIR [CMAKE_ARGS...]: run.sh's and test.sh's build tree, configured alike so that
# neither recompiles what the other built (run.sh builds the daemon, test.sh the rest): -O2 with
# line tables (-g1: a third less compiling than -g, still file:line in every backtrace), warnings
# as errors (bookworm's GCC 12 and trixie's GCC 14 build without one; CI checks both), ccache
# when it is installed.
configure_build() {
  build_dir=$1
  shift
  launcher=""
  if command -v ccache > /dev/null; then launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"; fi
  # shellcheck disable=SC2086
  cmake -S . -B "$build_dir" -G Ninja -DFREENAHI_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" $launcher "$@" > /dev/null
}

# export_strict_ubsan SOURCE_DIR: a UBSan finding stops the process (UBSan only prints by
# default), so that it fails its test or fuzz run; RapidJSON's own null-pointer arithmetic
# (tests/fuzz/ubsan.supp) is not ours. For tests/fuzz/run.sh, tests/abuse/ci.sh and
# scripts/test.sh --sanitize.
export_strict_ubsan() {
  UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$1/tests/fuzz/ubsan.supp"
  export UBSAN_OPTIONS
}
