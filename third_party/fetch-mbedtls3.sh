#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds Mbed TLS 3.6 from Debian trixie's *source* package into a private prefix, so the 3.x
# branches of src/tls_compat.h can be compiled and tested on a bookworm machine (2.28 installed;
# OpenWrt 24.10+ ships 3.6). Debug/check tool only: nothing of it is ever copied into git.
# Usage: fetch-mbedtls3.sh PREFIX
#   installs PREFIX/include/{mbedtls,psa} and PREFIX/lib/lib{mbedtls,mbedx509,mbedcrypto}.a;
#   a no-op when PREFIX/.complete is there. Environment: SUITE (default trixie), JOBS.
# Needs: apt-get, patch, cmake, ninja, a C compiler, python3 (Mbed TLS's own scripts/config.py), lbzip2.
#
# Integrity: the apt configuration is private (debian-source.sh: temp sources, lists and cache),
# the machine's apt setup is untouched. trixie's InRelease is checked against the keys the
# machine's Debian entries name (debian-archive-keyring.gpg, which on bookworm 2023.3+deb12u2 and
# later holds the trixie archive keys); a bad signature is fatal, and `apt-get source` checks the
# .dsc and tarballs against the signed Sources index. Nothing here turns verification off.
#
# Configuration: Debian's debian/rules tweaks (threading, CMAC, DTLS-SRTP, deprecation warnings,
# so that -Werror catches a deprecated call), plus MBEDTLS_VERSION_C and _FEATURES off as in
# OpenWrt's default (our code may only rely on MBEDTLS_VERSION_NUMBER). The rest is upstream's
# default: TLS 1.3, session tickets, PSA and the X.509 writer on. OpenWrt 24.10's build differs
# beyond that only by trimming (fewer curves and key exchanges, PLATFORM_C and renegotiation off),
# none of which freenahi uses (ECDHE-ECDSA on P-256, SHA-256, the X.509 writer).
set -eu
prefix=${1:?usage: fetch-mbedtls3.sh PREFIX}
suite=${SUITE:-trixie}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$prefix/.complete" ] && exit 0
die() { echo "fetch-mbedtls3: $*" >&2; exit 1; }
for tool in apt-get patch cmake ninja cc python3; do
  command -v "$tool" > /dev/null || die "$tool not found"
done
[ -f "$keyring" ] || die "$keyring missing (apt-get install debian-archive-keyring)"
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# trixie's source package through this machine's own Debian archive entries, the suite swapped
# (debian-source.sh: private apt state, signatures checked, a bad one fatal).
SUITE=$suite sh "$here/debian-source.sh" mbedtls "$work" ||
  die "could not download $suite's mbedtls source package"
dsc="" orig="" deb=""
for f in "$work"/mbedtls_*; do
  case "$f" in
    *.dsc) dsc=$f ;;
    *.orig.tar.*) orig=$f ;;
    *.debian.tar.*) deb=$f ;;
  esac
done
{ [ -n "$dsc" ] && [ -n "$orig" ]; } || die "no mbedtls .dsc or orig tarball downloaded"
version=$(basename "$dsc" .dsc | sed 's/^mbedtls_//')
case "$version" in 3.*) ;; *) die "$suite has mbedtls $version, not a 3.x" ;; esac

src="$work/src"
mkdir "$src"
# Debian's tar unpacks .bz2 through lbzip2, which a bare machine lacks (upstream ships .tar.bz2).
case "$orig" in *.bz2) command -v lbzip2 > /dev/null || die "lbzip2 not found (apt-get install lbzip2)" ;; esac
tar -xf "$orig" -C "$src" --strip-components=1
# Debian's patches in series order (a GCC 14 build fix, 3rdparty/ left out of the build).
applied=0
if [ -n "$deb" ]; then
  tar -xf "$deb" -C "$src"
  if [ -f "$src/debian/patches/series" ]; then
    # shellcheck disable=SC2013  # patch names have no spaces
    for p in $(grep -v '^#' "$src/debian/patches/series"); do
      patch -s -d "$src" -p1 < "$src/debian/patches/$p" || die "Debian patch $p does not apply"
      applied=$((applied + 1))
    done
  fi
fi

config="$src/include/mbedtls/mbedtls_config.h"
for option in MBEDTLS_DEPRECATED_WARNING MBEDTLS_THREADING_C MBEDTLS_THREADING_PTHREAD \
              MBEDTLS_CMAC_C MBEDTLS_SSL_DTLS_SRTP; do
  python3 "$src/scripts/config.py" -f "$config" set "$option"
done
for option in MBEDTLS_VERSION_C MBEDTLS_VERSION_FEATURES; do
  python3 "$src/scripts/config.py" -f "$config" unset "$option"
done

# Libraries only, static, position-independent (the test binaries are PIE).
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix" \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DUSE_STATIC_MBEDTLS_LIBRARY=ON \
  -DUSE_SHARED_MBEDTLS_LIBRARY=OFF -DENABLE_TESTING=OFF -DENABLE_PROGRAMS=OFF \
  -DMBEDTLS_FATAL_WARNINGS=OFF -DCMAKE_INSTALL_LIBDIR=lib > "$work/cmake.log" 2>&1 ||
  { cat "$work/cmake.log" >&2; die "cmake configure failed"; }
cmake --build "$work/build" -j "${JOBS:-$(nproc)}" > "$work/build.log" 2>&1 ||
  { tail -30 "$work/build.log" >&2; die "build failed"; }
cmake --install "$work/build" > "$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; die "install failed"; }
for lib in mbedtls mbedx509 mbedcrypto; do
  [ -f "$prefix/lib/lib$lib.a" ] || die "lib$lib.a was not installed"
done
[ -f "$prefix/include/mbedtls/build_info.h" ] || die "headers were not installed"
echo "Debian source package mbedtls $version ($suite), $applied Debian patches" > "$prefix/.complete"
echo "fetch-mbedtls3: Mbed TLS $version -> $prefix"
