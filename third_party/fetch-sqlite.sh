#!/bin/sh
# SPDX-License-Identifier: MIT
# Puts SQLite's amalgamation (sqlite3.c, sqlite3.h) into the build tree, generated from Debian's
# *source* package (DESIGN §2, like fetch-httplib.sh). Static builds compile it with the options
# of third_party/sqlite-options.txt instead of linking Debian's libsqlite3.a, which carries
# FTS3/4/5, R-Tree, JSON and session in one object that --gc-sections cannot trim.
# Debian's orig tarball is SQLite's canonical source tree (no sqlite3.c): the amalgamation is made
# by SQLite's own `make sqlite3.c` (main.mk), which needs tclsh (package tcl), a host C compiler
# and make. The SQLITE_OMIT_* options go to that step too (OPTS), as SQLite's docs ask.
# The result is architecture-independent: generate it once, reuse it for every (cross) build.
# Usage: fetch-sqlite.sh OUTPUT_DIR
#   writes OUTPUT_DIR/sqlite3.c, sqlite3.h and sqlite-options.txt (the options it was made with);
#   a no-op when they are there and the options match. Environment: BUILD_CC (default cc).
set -eu
out=${1:?usage: fetch-sqlite.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
opts_file="$here/sqlite-options.txt"
opts=$(grep '^-D' "$opts_file" | tr '\n' ' ')
if [ -s "$out/sqlite3.c" ] && [ -s "$out/sqlite3.h" ] && [ -f "$out/sqlite-options.txt" ] &&
   [ "$(grep '^-D' "$out/sqlite-options.txt" | tr '\n' ' ')" = "$opts" ]; then
  exit 0
fi
die() { echo "fetch-sqlite: $*" >&2; exit 1; }
cc=${BUILD_CC:-cc}
command -v tclsh > /dev/null || die "tclsh not found: SQLite's amalgamation is generated with it (apt-get install tcl)"
command -v "$cc" > /dev/null || die "no host C compiler '$cc' (apt-get install gcc, or set BUILD_CC)"
command -v make > /dev/null || die "make not found (apt-get install make)"
command -v patch > /dev/null || die "patch not found (apt-get install patch)"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Debian's source package, found through the machine's own APT sources (debian-source.sh).
sh "$here/debian-source.sh" sqlite3 "$work" || die "could not download sqlite3's Debian source package"
dsc="" orig="" deb=""
for f in "$work"/sqlite3_*; do
  case "$f" in
    *.dsc) dsc=$f ;;
    *.orig-*.tar.*) ;;  # orig-www: SQLite's documentation
    *.orig.tar.*) orig=$f ;;
    *.debian.tar.*) deb=$f ;;
  esac
done
{ [ -n "$dsc" ] && [ -n "$orig" ]; } || die "no sqlite3 .dsc or orig tarball downloaded"
version=$(basename "$dsc" .dsc | sed 's/^sqlite3_//')
mkdir "$work/src"
tar -xf "$orig" -C "$work/src" --strip-components=1
[ -f "$work/src/tool/mksqlite3c.tcl" ] || die "$(basename "$orig") is not SQLite's canonical source tree"
# Debian's own patches to the library's code (security fixes), in series order. Patches to the
# build system (configure.ac, Makefile.in, lemon) serve Debian's packaging and are left out.
applied=0
if [ -n "$deb" ]; then
  tar -xf "$deb" -C "$work/src"
  series="$work/src/debian/patches/series"
  if [ -f "$series" ]; then
    # shellcheck disable=SC2013  # patch names have no spaces
    for p in $(grep -v '^#' "$series"); do
      files=$(sed -n 's/^+++ [^/]*\/\([^[:space:]]*\).*/\1/p' "$work/src/debian/patches/$p")
      code=yes
      for f in $files; do
        case "$f" in src/*|ext/*|test/*) ;; *) code=no ;; esac
      done
      [ "$code" = yes ] || continue
      patch -s -d "$work/src" -p1 < "$work/src/debian/patches/$p" || die "Debian patch $p does not apply"
      applied=$((applied + 1))
    done
  fi
fi
# SQLite's main.mk, the way its docs make an amalgamation for a set of OMIT options (the
# Makefile.linux-gcc route): no configure run needed just to generate sources.
mkdir "$work/build"
(cd "$work/build" && make -f ../src/main.mk TOP=../src BCC="$cc" TCC="$cc" NAWK=awk \
   TCLSH_CMD=tclsh OPTS="$opts" sqlite3.c > "$work/make.log" 2>&1) || {
  tail -20 "$work/make.log" >&2; die "make sqlite3.c failed"; }
cp "$work/build/sqlite3.c" "$out/sqlite3.c.tmp"
cp "$work/build/sqlite3.h" "$out/sqlite3.h.tmp"
{ echo "# Debian source package sqlite3 $version, $applied Debian patches to the code; generated with:"
  grep '^-D' "$opts_file"; } > "$out/sqlite-options.txt.tmp"
mv "$out/sqlite3.h.tmp" "$out/sqlite3.h"
mv "$out/sqlite3.c.tmp" "$out/sqlite3.c"
mv "$out/sqlite-options.txt.tmp" "$out/sqlite-options.txt"
echo "fetch-sqlite: SQLite $(sed -n 's/^#define SQLITE_VERSION  *"\(.*\)"/\1/p' "$out/sqlite3.h")" \
     "(Debian $version, $applied patches) -> $out/sqlite3.c"
