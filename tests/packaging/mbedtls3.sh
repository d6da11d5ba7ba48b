#!/bin/bash
# SPDX-License-Identifier: MIT
# Shows that freenahi builds warning-free (-Werror) and passes its whole test suite (unit + e2e)
# against a real Mbed TLS 3.6, the version OpenWrt 24.10+ and Debian trixie ship, on a bookworm
# machine whose own mbedTLS is 2.28, and with trixie's cpp-httplib (0.18) in the same build. Mbed TLS 3.6 is built from Debian trixie's source package by
# third_party/fetch-mbedtls3.sh into build-mbedtls3/mbedtls (reused when complete); freenahi is
# built in build-mbedtls3/build. It then proves 3.6 is what was used, not /usr/include's 2.28:
# with the build's own compile command, the preprocessor sees MBEDTLS_VERSION_NUMBER >= 0x03060000
# and reads every mbedtls/ and psa/ header from that prefix; the binary carries the statically
# linked TLS 1.3 code and needs no shared libmbed*.
# Usage: tests/packaging/mbedtls3.sh    VERBOSE=1 lists each check. Runs as root (installs its
#        build needs with apt-get) or with sudo.
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;; esac
. "$ROOT/scripts/deps.sh"
# shellcheck disable=SC2086  # word lists
ensure_packages $BUILD_PACKAGES $TEST_PACKAGES python3 debian-archive-keyring binutils lbzip2
top="$ROOT/build-mbedtls3"
prefix="$top/mbedtls" build="$top/build"

"$ROOT/third_party/fetch-mbedtls3.sh" "$prefix" || fail "could not build Mbed TLS 3 (see above)"
ok "Mbed TLS 3 in $prefix: $(cat "$prefix/.complete")"
# trixie's cpp-httplib too (0.18): what a build on Debian trixie / Raspberry Pi OS trixie gets.
SUITE=trixie sh "$ROOT/third_party/fetch-httplib.sh" "$top/httplib" || fail "could not fetch trixie's cpp-httplib"
! grep -q 'define CPPHTTPLIB_VERSION "0\.11\.' "$top/httplib/httplib.h" ||
  fail "SUITE=trixie fetched bookworm's cpp-httplib (0.11)"
ok "cpp-httplib $(sed -n 's/^#define CPPHTTPLIB_VERSION "\(.*\)"/\1/p' "$top/httplib/httplib.h") from trixie"

cmake -S "$ROOT" -B "$build" -G Ninja -DFREENAHI_BUILD_TESTS=ON -DFREENAHI_WERROR=ON \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON -DFREENAHI_HTTPLIB_DIR="$top/httplib" -DMBEDTLS_INCLUDE_DIR="$prefix/include" \
  -DMBEDTLS_LIBRARY="$prefix/lib/libmbedtls.a" -DMBEDX509_LIBRARY="$prefix/lib/libmbedx509.a" \
  -DMBEDCRYPTO_LIBRARY="$prefix/lib/libmbedcrypto.a" > "$SCRATCH/cmake.log" 2>&1 ||
  { cat "$SCRATCH/cmake.log" >&2; fail "cmake configure"; }

# The build's own compile command for src/tls.cc, re-run as `-E -dM` (macros) and `-M` (headers).
compile_tls_cc() {  # compile_tls_cc EXTRA_FLAGS...
  python3 - "$build/compile_commands.json" "$@" <<'PY'
import json, shlex, subprocess, sys
entry = next(e for e in json.load(open(sys.argv[1])) if e["file"].endswith("/src/tls.cc"))
args = shlex.split(entry["command"])
i = args.index("-o")
del args[i:i + 2]
sys.exit(subprocess.call(args + sys.argv[2:] + ["-o", "-"], cwd=entry["directory"]))
PY
}
version=$(compile_tls_cc -E -dM | sed -n 's/^#define MBEDTLS_VERSION_NUMBER *\(0x[0-9A-Fa-f]*\).*/\1/p')
[ -n "$version" ] || fail "no MBEDTLS_VERSION_NUMBER seen by src/tls.cc"
[ $((version)) -ge $((0x03060000)) ] || fail "src/tls.cc compiles against mbedTLS $version, not 3.6"
ok "src/tls.cc sees MBEDTLS_VERSION_NUMBER $version"
headers=$(compile_tls_cc -M | sed 's/\\$//' | tr ' ' '\n' | grep -E '/(mbedtls|psa)/[^/]*\.h$' || true)
echo "$headers" | grep -qxF "$prefix/include/mbedtls/build_info.h" ||
  fail "src/tls.cc does not read $prefix/include/mbedtls/build_info.h"
shadowed=$(echo "$headers" | grep -vF "$prefix/include/" || true)
[ -z "$shadowed" ] || fail "mbedTLS headers from outside $prefix: $shadowed"
ok "every mbedTLS header comes from $prefix/include"

cmake --build "$build" || fail "build with -DFREENAHI_WERROR=ON"
ok "built with -Werror"
needed=$(readelf -d "$build/freenahi" | grep NEEDED || true)
if echo "$needed" | grep -q libmbed; then fail "freenahi links a shared mbedTLS: $needed"; fi
nm "$build/freenahi" | grep -q ' T mbedtls_ssl_tls13_' || fail "no TLS 1.3 code linked into freenahi"
ok "freenahi carries the static Mbed TLS 3 (TLS 1.3 code, no shared libmbed*)"

(cd "$build" && ctest --output-on-failure -j2) || fail "test suite against Mbed TLS 3"
ok "unit and end-to-end tests"
passed
