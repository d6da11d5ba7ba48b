#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds a fully static freenahi for a router CPU (scripts/cross-build.sh ARCH --static --no-tests)
# and wraps it as an OpenWrt .ipk (opkg, OpenWrt <= 24.10) in dist/, with the procd init script,
# the UCI file and the INI as conffiles. No .apk (OpenWrt 25.12+): see docs/install.md.
# Usage: scripts/package-openwrt.sh ARCH [--pkgarch NAME] [--no-build]
#   ARCH            aarch64, armhf or mipsel
#   --pkgarch NAME  OpenWrt package architecture (default: aarch64_cortex-a53,
#                   arm_cortex-a7_neon-vfpv4, mipsel_24kc); `opkg print-architecture` on the box
#   --no-build      package dist/freenahi-ARCH-static as it is
set -eu
usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; }
arch="" pkgarch="" build=yes
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --pkgarch) [ $# -ge 2 ] || { echo "package-openwrt: --pkgarch needs a value" >&2; exit 2; }
               pkgarch=$2; shift ;;
    --no-build) build=no ;;
    aarch64|armhf|mipsel) arch=$1 ;;
    *) echo "package-openwrt: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$arch" ] || { usage >&2; exit 2; }
cd "$(dirname "$0")/.."
case "$arch" in
  aarch64) : "${pkgarch:=aarch64_cortex-a53}" ;;
  armhf) : "${pkgarch:=arm_cortex-a7_neon-vfpv4}" ;;
  mipsel) : "${pkgarch:=mipsel_24kc}"
    # Debian's mipsel is hard-float; OpenWrt's MIPS kernels usually lack the FPU emulator.
    echo "package-openwrt: warning: Debian's mipsel binary is hard-float; routers without an FPU" \
         "(MT7621) need the OpenWrt SDK build (cross/openwrt/Makefile)" >&2 ;;
esac
start=$(date +%s)
[ "$build" = no ] || scripts/cross-build.sh "$arch" --static --no-tests
bin="dist/freenahi-$arch-static"
[ -x "$bin" ] || { echo "package-openwrt: $bin is missing (run without --no-build)" >&2; exit 1; }

version=$(sed -n 's/^project(freenahi VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
release=${FREENAHI_PKG_RELEASE:-1}
[ -n "$version" ] || { echo "package-openwrt: no version in CMakeLists.txt" >&2; exit 1; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data" ctrl="$work/control"
mkdir -p "$data/usr/bin" "$data/etc/freenahi" "$data/etc/init.d" "$data/etc/config" \
  "$data/lib/upgrade/keep.d" "$ctrl"
install -m 0755 "$bin" "$data/usr/bin/freenahi"
# The INI holds secrets: 0600 like OpenWrt's $(INSTALL_CONF).
sed -f etc/openwrt/freenahi.ini.sed etc/freenahi.ini.example > "$data/etc/freenahi/freenahi.ini"
chmod 0600 "$data/etc/freenahi/freenahi.ini"
chmod 0700 "$data/etc/freenahi"
install -m 0755 etc/openwrt/freenahi.init "$data/etc/init.d/freenahi"
install -m 0600 etc/openwrt/freenahi.uci "$data/etc/config/freenahi"
# sysupgrade keeps conffiles only; the database and certificate live beside the INI.
echo /etc/freenahi/ > "$data/lib/upgrade/keep.d/freenahi"
chmod 0644 "$data/lib/upgrade/keep.d/freenahi"

size=$(find "$data" -type f -exec cat {} + | wc -c)
# Depends: libc is what OpenWrt's build adds to every package; the static binary needs nothing.
cat > "$ctrl/control" <<CONTROL
Package: freenahi
Version: $version-r$release
Depends: libc
Source: freenahi
SourceName: freenahi
License: MIT
LicenseFiles: LICENSE
Section: net
SourceDateEpoch: $epoch
Architecture: $pkgarch
Installed-Size: $size
Description:  Powens webhook receiver: bank data pushed over TLS into SQLite (static build)
CONTROL
printf '%s\n' /etc/config/freenahi /etc/freenahi/freenahi.ini > "$ctrl/conffiles"
# OpenWrt's standard maintainer scripts: enable and start the init script on install, stop and
# disable it on removal. Conffiles are opkg's business: an edited INI is kept on upgrade (the
# new one lands beside it as freenahi.ini-opkg); these scripts never write it.
cat > "$ctrl/postinst" <<'SCRIPT'
#!/bin/sh
[ "${IPKG_NO_SCRIPT}" = "1" ] && exit 0
[ -s "${IPKG_INSTROOT}/lib/functions.sh" ] || exit 0
. "${IPKG_INSTROOT}/lib/functions.sh"
default_postinst "$0" "$@"
SCRIPT
cat > "$ctrl/prerm" <<'SCRIPT'
#!/bin/sh
[ -s "${IPKG_INSTROOT}/lib/functions.sh" ] || exit 0
. "${IPKG_INSTROOT}/lib/functions.sh"
default_prerm "$0" "$@"
SCRIPT
chmod 0755 "$ctrl/postinst" "$ctrl/prerm"
chmod 0644 "$ctrl/control" "$ctrl/conffiles"

# Same tar flags as OpenWrt's ipkg-build: GNU format, root-owned, sorted, fixed mtime, gzip -n.
tarc() {  # tarc DIR OUTPUT.tar.gz
  (cd "$1" && tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name \
     --mtime="@$epoch" -cf - .) | gzip -n -9 > "$2"
}
mkdir -p "$work/pkg"
tarc "$data" "$work/pkg/data.tar.gz"
tarc "$ctrl" "$work/pkg/control.tar.gz"
echo 2.0 > "$work/pkg/debian-binary"
mkdir -p dist
out="dist/freenahi_${version}-r${release}_${pkgarch}.ipk"
# The outer container is a gzipped tar, not ar: OpenWrt's opkg crashes on ar (DESIGN §6).
(cd "$work/pkg" && tar --format=gnu --numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
   -cf - ./debian-binary ./data.tar.gz ./control.tar.gz) | gzip -n -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "package-openwrt: $out ($(wc -c < "$out") bytes, $(($(date +%s) - start)) s)"
