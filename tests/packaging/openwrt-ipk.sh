#!/bin/bash
# SPDX-License-Identifier: MIT
# Checks the OpenWrt .ipk made by scripts/package-openwrt.sh: a gzipped tar (not ar) with the three
# members, control fields, conffiles, the file list and modes, then runs the packaged static
# binary under qemu-user: --version, and `serve` with the packaged INI answering /healthz over TLS.
# Usage: tests/packaging/openwrt-ipk.sh [ARCH]   (aarch64, armhf (default) or mipsel; builds the
#        .ipk when dist/ has none)   VERBOSE=1 lists each check.
. "$(dirname "$0")/lib.sh"
case "${1:-armhf}" in
  -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
  aarch64) arch=aarch64 pkgarch=aarch64_cortex-a53 qemu=qemu-aarch64-static ;;
  armhf) arch=armhf pkgarch=arm_cortex-a7_neon-vfpv4 qemu=qemu-arm-static ;;
  mipsel) arch=mipsel pkgarch=mipsel_24kc qemu=qemu-mipsel-static ;;
  *) echo "openwrt-ipk: unknown ARCH '$1'" >&2; exit 2 ;;
esac
version=$(sed -n 's/^project(freenahi VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
ipk="$ROOT/dist/freenahi_${version}-r1_${pkgarch}.ipk"
[ -f "$ipk" ] || "$ROOT/scripts/package-openwrt.sh" "$arch"
[ -f "$ipk" ] || fail "no $ipk"

# The container: gzip magic, not "!<arch>".
expect_eq "outer magic" "$(head -c 2 "$ipk" | od -An -tx1 | tr -d ' ')" "1f8b"
expect_eq "outer members" "$(tar -tzf "$ipk" | tr '\n' ' ')" "./debian-binary ./data.tar.gz ./control.tar.gz "
mkdir "$SCRATCH/pkg" "$SCRATCH/control" "$SCRATCH/data"
tar -xzf "$ipk" -C "$SCRATCH/pkg"
expect_eq "debian-binary" "$(cat "$SCRATCH/pkg/debian-binary")" "2.0"
tar -xzf "$SCRATCH/pkg/control.tar.gz" -C "$SCRATCH/control"
tar -xzf "$SCRATCH/pkg/data.tar.gz" -C "$SCRATCH/data"

field() { sed -n "s/^$1: *//p" "$SCRATCH/control/control"; }
expect_eq Package "$(field Package)" freenahi
expect_eq Version "$(field Version)" "$version-r1"
expect_eq Architecture "$(field Architecture)" "$pkgarch"
expect_eq License "$(field License)" MIT
expect_eq Section "$(field Section)" net
expect_eq Depends "$(field Depends)" libc
[ -n "$(field Source)" ] || fail "no Source field"
[ -n "$(field Description)" ] || fail "no Description field"
size=$(field Installed-Size)
case "$size" in ''|*[!0-9]*) fail "Installed-Size '$size' is not a number" ;; esac
[ "$size" -gt 100000 ] || fail "Installed-Size $size is too small"
ok "control fields"
expect_eq conffiles "$(cat "$SCRATCH/control/conffiles" | tr '\n' ' ')" \
  "/etc/config/freenahi /etc/freenahi/freenahi.ini "
expect_eq "control members" "$(tar -tzf "$SCRATCH/pkg/control.tar.gz" | sort | tr '\n' ' ')" \
  "./ ./conffiles ./control ./postinst ./prerm "
grep -q 'default_postinst' "$SCRATCH/control/postinst" || fail "postinst is not OpenWrt's default"
grep -q 'freenahi.ini' "$SCRATCH/control/postinst" && fail "postinst touches the INI"
ok "maintainer scripts"

files=$(tar -tvzf "$SCRATCH/pkg/data.tar.gz" | awk '$1 !~ /^d/ { print $1, $2, $6 }' | sort -k3)
expected="-rw------- 0/0 ./etc/config/freenahi
-rw------- 0/0 ./etc/freenahi/freenahi.ini
-rwxr-xr-x 0/0 ./etc/init.d/freenahi
-rw-r--r-- 0/0 ./lib/upgrade/keep.d/freenahi
-rwxr-xr-x 0/0 ./usr/bin/freenahi"
expect_eq "data files" "$files" "$expected"
ini="$SCRATCH/data/etc/freenahi/freenahi.ini"
expect_eq "INI database" "$(sed -n 's/^database = //p' "$ini")" /etc/freenahi/freenahi.db
expect_eq "INI listen" "$(sed -n 's/^listen = //p' "$ini")" 0.0.0.0:8443
sh -n "$SCRATCH/data/etc/init.d/freenahi" || fail "init script syntax"
bin="$SCRATCH/data/usr/bin/freenahi"
file "$bin" | grep -q 'statically linked' || fail "binary is not static: $(file "$bin")"
ok "static binary"
# SQLite compiled from Debian's source package with third_party/sqlite-options.txt, not Debian's
# libsqlite3.a (FTS3/4, R-Tree, JSON, session): its compile-option names are in the binary.
# FTS5 is in, for `transactions --search` (sqlite-options.txt says why).
expect_eq "bundled SQLite" "$(tr '\0' '\n' < "$bin" | grep -xE 'THREADSAFE=[0-9]|OMIT_JSON|ENABLE_FTS5' |
  sort -u | tr '\n' ' ')" "ENABLE_FTS5 OMIT_JSON THREADSAFE=0 "
# Issue 3's flash budget: a static aarch64 (or armhf) binary <= 3 MiB stripped.
case "$arch" in
  aarch64|armhf) [ "$(wc -c < "$bin")" -le 3145728 ] || fail "static binary $(wc -c < "$bin") bytes > 3 MiB"
                 ok "static binary <= 3 MiB" ;;
esac

# Run it. A static binary needs no -L; qemu-user alone.
command -v "$qemu" > /dev/null || fail "$qemu missing (apt-get install qemu-user-static)"
expect_eq "--version" "$("$qemu" "$bin" --version)" "freenahi $version"
# The packaged INI, pointed at a scratch database and a loopback port.
serve_and_sync "$ini" "$SCRATCH/run" "$qemu" "$bin"
passed
