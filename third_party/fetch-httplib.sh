#!/bin/sh
# SPDX-License-Identifier: MIT
# Puts cpp-httplib's single header into the build tree from Debian's *source* package (DESIGN §2):
# Debian's libcpp-httplib-dev is a compiled library linked with OpenSSL, which we must not use.
# Usage: fetch-httplib.sh OUTPUT_DIR   (writes OUTPUT_DIR/httplib.h; no-op when it is already there)
# SUITE=trixie takes another Debian release's package (same archive, see debian-source.sh): the
# code builds with bookworm's 0.11 and trixie's 0.18 (src/http.h); packages for trixie use trixie's.
set -eu
out=$1
[ -s "$out/httplib.h" ] && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Debian's source package, found through the machine's own APT sources (debian-source.sh).
sh "$(dirname "$0")/debian-source.sh" cpp-httplib "$work" ||
  { echo "fetch-httplib: could not download cpp-httplib's Debian source package" >&2; exit 1; }
orig=$(ls "$work"/cpp-httplib_*.orig.tar.* | head -1)
mkdir "$work/src"
tar -xf "$orig" -C "$work/src" --strip-components=1
# Apply Debian's own patches (security fixes such as CVE-2023-26130) in series order.
deb=$(ls "$work"/cpp-httplib_*.debian.tar.* 2>/dev/null | head -1 || true)
if [ -n "$deb" ]; then
  tar -xf "$deb" -C "$work/src"
  if [ -f "$work/src/debian/patches/series" ]; then
    grep -v '^#' "$work/src/debian/patches/series" | while read -r p; do
      [ -n "$p" ] && patch -s -d "$work/src" -p1 < "$work/src/debian/patches/$p"
    done
  fi
fi
cp "$work/src/httplib.h" "$out/httplib.h.tmp"
mv "$out/httplib.h.tmp" "$out/httplib.h"
echo "fetch-httplib: $(grep -m1 'define CPPHTTPLIB_VERSION' "$out/httplib.h") -> $out/httplib.h"
