#!/bin/sh
# SPDX-License-Identifier: MIT
# Cross-builds freenahi for a Pi or a router with Debian's cross compilers, runs the unit tests
# under qemu-user and leaves the stripped binary in dist/freenahi-ARCH[-static].
# Usage: scripts/cross-build.sh ARCH [--static] [--no-tests]
#   ARCH        aarch64 (arm64 libraries via Debian multiarch), armhf (ARMv7) or mipsel
#               (libraries from .debs unpacked into build-sysroot-ARCH, see make-sysroot.sh)
#   --static    fully static binary (static glibc, libmbedtls.a, libz.a, and SQLite compiled from
#               Debian's source package: third_party/fetch-sqlite.sh): runs on OpenWrt (musl)
#               and any Linux of that CPU; builds in build-ARCH-static
#   --no-tests  build the daemon only (no unit test binary, no qemu run): for packaging
# Environment: BUILD_TYPE (default MinSizeRel: a router has flash, not cores), FREENAHI_HTTPLIB_DIR (default: the native build's
# fetched build/third_party/httplib if present, else fetched anew), FREENAHI_SQLITE_SOURCE_DIR
# (static only; default build-third-party/sqlite: SQLite's amalgamation, generated once on this
# host with tclsh and shared by every ARCH).
set -eu
usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; }
arch="" static=OFF tests=ON
for a in "$@"; do
  case "$a" in
    -h|--help) usage; exit 0 ;;
    --static) static=ON ;;
    --no-tests) tests=OFF ;;
    aarch64|armhf|mipsel) [ -z "$arch" ] || { echo "cross-build: one ARCH only" >&2; exit 2; }; arch=$a ;;
    *) echo "cross-build: unknown argument '$a' (ARCH is aarch64, armhf or mipsel; see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$arch" ] || { usage >&2; exit 2; }
cd "$(dirname "$0")/.."
root=$(pwd)
case "$arch" in
  aarch64) triple=aarch64-linux-gnu debarch=arm64 qemu=qemu-aarch64-static ;;
  armhf) triple=arm-linux-gnueabihf debarch=armhf qemu=qemu-arm-static ;;
  mipsel) triple=mipsel-linux-gnu debarch=mipsel qemu=qemu-mipsel-static ;;
esac
start=$(date +%s)

. scripts/deps.sh
# Host tools; the host's -dev packages give the arch-independent headers (rapidjson, catch2).
ensure_packages cmake ninja-build xz-utils patch ca-certificates rapidjson-dev catch2 \
  "g++-$triple" qemu-user-static
sysroot=""
if [ "$debarch" = arm64 ]; then
  # DESIGN §6: arm64 multiarch works on our mirror (it may upgrade a few amd64 libraries).
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    echo "cross-build: adding dpkg architecture arm64 (multiarch)"
    if [ "$(id -u)" = 0 ]; then dpkg --add-architecture arm64; else sudo dpkg --add-architecture arm64; fi
  fi
  ensure_packages libmbedtls-dev:arm64 libsqlite3-dev:arm64 zlib1g-dev:arm64
else
  # armhf multiarch is broken on our mirror: a sysroot of unpacked .debs instead (DESIGN §6).
  sysroot="$root/build-sysroot-$arch"
  scripts/make-sysroot.sh "$debarch" "$sysroot"
fi
sqlite=""
if [ "$static" = ON ]; then
  # SQLite's amalgamation is architecture-independent: generated once here (tclsh, host cc, make).
  sqlite=${FREENAHI_SQLITE_SOURCE_DIR:-}
  if [ -z "$sqlite" ]; then
    ensure_packages tcl gcc make
    sqlite="$root/build-third-party/sqlite"
    sh third_party/fetch-sqlite.sh "$sqlite"
  fi
fi

dir="build-$arch"
[ "$static" = ON ] && dir="$dir-static"
httplib=${FREENAHI_HTTPLIB_DIR:-}
if [ -z "$httplib" ] && [ -s build/third_party/httplib/httplib.h ]; then
  httplib="$root/build/third_party/httplib"
fi
mkdir -p "$dir"
cmake -S . -B "$dir" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$root/cross/$triple.cmake" \
  -DFREENAHI_SYSROOT="$sysroot" \
  -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-MinSizeRel}" \
  -DFREENAHI_STATIC="$static" \
  -DFREENAHI_BUNDLED_SQLITE="$static" \
  -DFREENAHI_SQLITE_SOURCE_DIR="$sqlite" \
  -DFREENAHI_BUILD_TESTS="$tests" \
  -DFREENAHI_HTTPLIB_DIR="$httplib" > "$dir/configure.log" 2>&1 || {
  cat "$dir/configure.log" >&2; echo "cross-build: cmake configure failed for $arch" >&2; exit 1; }
cmake --build "$dir"
built=$(date +%s)
if [ "$tests" = ON ]; then
  # Unit tests only: the e2e scripts need host curl/openssl against a native daemon.
  (cd "$dir" && ctest -R '^unit\.' --output-on-failure -j2)
fi
tested=$(date +%s)

mkdir -p dist
out="dist/freenahi-$arch"
[ "$static" = ON ] && out="$out-static"
"$triple-strip" -o "$out.tmp" "$dir/freenahi"
mv "$out.tmp" "$out"
version=$($qemu -L "/usr/$triple" -E "LD_LIBRARY_PATH=/usr/$triple/lib:/usr/lib/$triple${sysroot:+:$sysroot/usr/lib/$triple:$sysroot/lib/$triple}" "$out" --version)
echo "cross-build: $out ($(wc -c < "$out") bytes stripped, $version)"
echo "cross-build: $arch static=$static: build $((built - start)) s, unit tests under qemu $((tested - built)) s"
