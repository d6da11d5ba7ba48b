#!/bin/bash
# SPDX-License-Identifier: MIT
# A Raspberry Pi's trixie .deb (arm64 or armhf), checked on this machine: its control fields
# (architecture, trixie's library names from dpkg-shlibdeps in the build root, conffile-free
# config handling as on amd64), then the packaged binary run under qemu-user against the trixie
# build root's own libraries (-L, the Pi's libmbedtls21, libsqlite3, libstdc++ of that
# architecture): serve answers /healthz over TLS, stores the sample webhook, and the packaged
# CLI reads it back. A VM of that architecture is not booted (TCG ARM boots take too long here).
# Usage: tests/packaging/deb-arm.sh arm64|armhf   (root; builds the package with
#        `scripts/package-deb.sh ARCH --suite trixie` when dist/ has none: ~10 min the first
#        time, to make the trixie root). Not a CI step (two more build roots); run by hand.
. "$(dirname "$0")/lib.sh"
case "${1:-}" in
  -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
  arm64) arch=arm64 qemu=qemu-aarch64-static triple=aarch64-linux-gnu ;;
  armhf) arch=armhf qemu=qemu-arm-static triple=arm-linux-gnueabihf ;;
  *) echo "deb-arm: ARCH is arm64 or armhf (see --help)" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || fail "needs root (the trixie build root is made with mmdebstrap)"
. "$ROOT/scripts/deps.sh"
ensure_packages qemu-user-static curl openssl dpkg-dev

version=$(sed -n 's/^project(freenahi VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
deb="$ROOT/dist/freenahi_${version}-1+deb13_${arch}.deb"
[ -f "$deb" ] || "$ROOT/scripts/package-deb.sh" "$arch" --suite trixie
[ -f "$deb" ] || fail "no $deb"
troot="$ROOT/build-trixie/root-$arch"
[ -d "$troot/usr/lib/$triple" ] || fail "no trixie root with $arch libraries in $troot (run scripts/package-deb.sh $arch --suite trixie)"

field() { dpkg-deb --field "$deb" "$1"; }
expect_eq Architecture "$(field Architecture)" "$arch"
expect_eq Version "$(field Version)" "${version}-1+deb13"
# trixie's sonames (bookworm's package says libmbedtls14): the package would not install on the
# other release, which is why there are two.
depends=$(field Depends)
for lib in libmbedtls21 libmbedcrypto16 libsqlite3-0 libstdc++6 zlib1g; do
  grep -q "$lib" <<< "$depends" || fail "Depends lacks $lib: $depends"
done
ok "Depends names trixie's libraries"
dpkg-deb -x "$deb" "$SCRATCH/pkg"
bin="$SCRATCH/pkg/usr/bin/freenahi"
file "$bin" | grep -q "dynamically linked" || fail "not a dynamic binary: $(file "$bin")"
expect_eq "--version under $qemu" "$("$qemu" -L "$troot" "$bin" --version)" "freenahi $version"
# The example the postinst turns into /etc/freenahi/freenahi.ini.
serve_and_sync "$SCRATCH/pkg/usr/share/freenahi/freenahi.ini.example" "$SCRATCH/run" "$qemu" -L "$troot" "$bin"
passed
