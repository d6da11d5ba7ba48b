#!/bin/sh
# SPDX-License-Identifier: MIT
# Puts cpp-httplib's single header into the build tree from Debian's *source* package (DESIGN §2):
# Debian's libcpp-httplib-dev is a compiled library linked with OpenSSL, which we must not use.
# Usage: fetch-httplib.sh OUTPUT_DIR   (writes OUTPUT_DIR/httplib.h; no-op when it is already there)
# SUITE=trixie takes another Debian release's package (same mirror): the code builds with
# bookworm's 0.11 and trixie's 0.18 (src/http.h), and packages for trixie use trixie's.
set -eu
out=$1
[ -s "$out/httplib.h" ] && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A deb-src twin of the machine's own sources, kept in the temp dir so the system is untouched.
# With SUITE, only the main archive's entry, its suite replaced (security and updates left out).
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  if [ -n "${SUITE:-}" ]; then
    awk -v RS= -v ORS='\n\n' '/Suites: [a-z]+( |$)/ && !/security/' /etc/apt/sources.list.d/debian.sources |
      sed -e 's/^Types:.*/Types: deb-src/' -e "s/^Suites:.*/Suites: $SUITE/" > "$work/src.sources"
  else
    sed 's/^Types:.*/Types: deb-src/' /etc/apt/sources.list.d/debian.sources > "$work/src.sources"
  fi
  list="$work/src.sources"; parts=/dev/null
else
  if [ -n "${SUITE:-}" ]; then
    awk -v s="$SUITE" '$1 == "deb" && $0 !~ /security/ && $3 !~ /-/ { $1 = "deb-src"; $3 = s; print; exit }' \
      /etc/apt/sources.list > "$work/src.list"
  else
    sed -n 's/^deb /deb-src /p' /etc/apt/sources.list > "$work/src.list"
  fi
  list="$work/src.list"; parts=/dev/null
fi
[ -s "$list" ] || { echo "fetch-httplib: no Debian source entry for ${SUITE:-this machine}" >&2; exit 1; }
mkdir -p "$work/lists/partial"
opts="-o APT::Sandbox::User=root -o Dir::Etc::SourceList=$list -o Dir::Etc::SourceParts=$parts -o Dir::State::Lists=$work/lists"
# shellcheck disable=SC2086
apt-get -qq $opts update >/dev/null
# shellcheck disable=SC2086
(cd "$work" && apt-get -qq $opts source --download-only cpp-httplib >/dev/null 2>&1)
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
