#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# third_party/debian-source.sh (the deb-src helper of fetch-httplib/-sqlite/-mbedtls3) finds the
# APT sources whatever their files are called: fake /etc/apt layouts (mmdebstrap's
# 0000debian.sources, a Raspberry Pi OS debian.sources with raspi.list beside it, a one-line
# sources.list, none at all) through FREENAHI_APT_DIR; apt itself reads back what it wrote
# (`apt-get indextargets`, no network).
source "$(dirname "$0")/lib.sh"
helper="$FREENAHI_SOURCE_DIR/third_party/debian-source.sh"

# targets LAYOUT [SUITE]: "SITE SUITE" of every deb-src index apt sees in the helper's output.
targets() {
  local out="$WORK/out-$1${2:+-$2}"
  FREENAHI_APT_DIR="$WORK/$1" SUITE="${2:-}" sh "$helper" --sources "$out" > "$WORK/helper.log" 2>&1 ||
    fail "$1: $(cat "$WORK/helper.log")"
  mkdir -p "$WORK/lists/partial"
  apt-get -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$out" -o "Dir::State::Lists=$WORK/lists" \
    indextargets --no-release-info --format '$(CREATED_BY) $(SITE) $(RELEASE)' 2>&1 | sort -u | paste -sd ';'
}

# mmdebstrap (trixie's): one deb822 file with a numeric prefix, nothing else.
mkdir -p "$WORK/mmdebstrap/sources.list.d"
printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\n' \
  > "$WORK/mmdebstrap/sources.list.d/0000debian.sources"
expect_eq "mmdebstrap's 0000debian.sources" "Sources http://deb.debian.org/debian trixie" "$(targets mmdebstrap)"

# Raspberry Pi OS: Debian's deb822 file (with security) and the Pi archive in a one-line raspi.list.
mkdir -p "$WORK/raspi/sources.list.d"
cat > "$WORK/raspi/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-updates
Components: main contrib non-free non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

# security
Types: deb
URIs: http://deb.debian.org/debian-security
Suites: trixie-security
Components: main contrib non-free non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
echo 'deb http://archive.raspberrypi.com/debian/ trixie main' > "$WORK/raspi/sources.list.d/raspi.list"
expect_eq "Raspberry Pi OS: debian.sources and raspi.list" \
  "Sources http://archive.raspberrypi.com/debian trixie;Sources http://deb.debian.org/debian trixie;Sources http://deb.debian.org/debian trixie-updates;Sources http://deb.debian.org/debian-security trixie-security" \
  "$(targets raspi)"
expect_eq "SUITE=bookworm: plain suites only, swapped" \
  "Sources http://archive.raspberrypi.com/debian bookworm;Sources http://deb.debian.org/debian bookworm" \
  "$(targets raspi bookworm)"

# A one-line /etc/apt/sources.list with options, comments, a deb-src line and security.
mkdir -p "$WORK/oneline"
cat > "$WORK/oneline/sources.list" <<'EOF'
# deb http://deb.debian.org/debian sid main
deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src http://deb.debian.org/debian bookworm main
  deb http://deb.debian.org/debian bookworm-updates main
deb http://security.debian.org/debian-security bookworm-security main
EOF
expect_eq "one-line sources.list" \
  "Sources http://deb.debian.org/debian bookworm;Sources http://deb.debian.org/debian bookworm-updates;Sources http://security.debian.org/debian-security bookworm-security" \
  "$(targets oneline)"
expect_eq "one-line, SUITE=trixie" "Sources http://deb.debian.org/debian trixie" "$(targets oneline trixie)"
grep -q '^deb-src \[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg\] http' "$WORK"/out-oneline/01-sources.list ||
  fail "the entry's options (signed-by) were not kept"
pass "options kept"

# None at all: one clear line, exit 1.
mkdir -p "$WORK/none/sources.list.d"
set +e
FREENAHI_APT_DIR="$WORK/none" sh "$helper" --sources "$WORK/out-none" > "$WORK/none.out" 2> "$WORK/none.err"
rc=$?
set -e
expect_eq "no sources: exit status" "1" "$rc"
expect_eq "no sources: one line" "1" "$(wc -l < "$WORK/none.err")"
expect_match "no sources: says what is missing" "^debian-source: no APT sources in $WORK/none " "$(cat "$WORK/none.err")"
# Only comments and deb-src: nothing to derive from.
printf '# nothing\ndeb-src http://deb.debian.org/debian bookworm main\n' > "$WORK/none/sources.list"
set +e
FREENAHI_APT_DIR="$WORK/none" sh "$helper" --sources "$WORK/out-none2" 2> "$WORK/none.err"
rc=$?
set -e
expect_eq "no deb entry: exit status" "1" "$rc"
expect_match "no deb entry: says so" "^debian-source: no usable 'deb' entry" "$(cat "$WORK/none.err")"
finish
