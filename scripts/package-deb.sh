#!/bin/sh
# SPDX-License-Identifier: MIT
# Builds freenahi for Debian bookworm / Raspberry Pi OS and wraps it as dist/freenahi_V-1_ARCH.deb:
# the binary, a sandboxed systemd unit, a `freenahi` system user, and /etc/freenahi/freenahi.ini
# created by postinst from /usr/share/freenahi/freenahi.ini.example (root:freenahi 0640, never
# overwritten). Needs dpkg-deb; the bookworm arm builds come from scripts/cross-build.sh.
# Usage: scripts/package-deb.sh ARCH [--suite bookworm|trixie] [--no-build]
#   ARCH        amd64 (this machine), arm64 (Pi 3/4/5, 64-bit OS) or armhf (Pi 2+, 32-bit OS)
#   --suite S   bookworm (default; Raspberry Pi OS 12) or trixie (Debian 13, Raspberry Pi OS
#               since late 2025: other library names, e.g. libmbedtls21); amd64, arm64 or
#               armhf. It builds in a trixie root made with mmdebstrap (root; cached in
#               build-trixie/root-ARCH, reused; arm64 and armhf cross-compiled there with
#               multiarch, which works on trixie's archive for armhf too) from a
#               copy of the source, takes Depends from that root's dpkg-shlibdeps and writes
#               dist/freenahi_V-1+deb13_ARCH.deb: "+deb13" sorts after the bookworm package of
#               the same revision, as Debian's own +debNN suffixes do.
#   --no-build  package the binary already built (build/freenahi, dist/freenahi-ARCH,
#               or for trixie build-trixie/freenahi-ARCH)
#   --root-only trixie: only make (or check) the build root, e.g. while something else compiles
# Environment: DEB_MAINTAINER (default: the last commit's author), FREENAHI_DEB_REVISION (1).
set -eu
usage() { awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; }
arch="" build=yes suite=bookworm root_only=no
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --no-build) build=no ;;
    --root-only) root_only=yes ;;
    --suite) [ $# -ge 2 ] || { echo "package-deb: --suite needs bookworm or trixie" >&2; exit 2; }
      suite=$2; shift ;;
    --suite=*) suite=${1#--suite=} ;;
    amd64|arm64|armhf) arch=$1 ;;
    *) echo "package-deb: unknown argument '$1' (ARCH is amd64, arm64 or armhf; see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$arch" ] || { usage >&2; exit 2; }
case "$suite" in
  bookworm) ;;
  trixie) ;;
  *) echo "package-deb: unknown suite '$suite' (bookworm or trixie)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
start=$(date +%s)
case "$arch" in
  amd64) bin=build/freenahi strip=strip ;;
  arm64) bin=dist/freenahi-aarch64 strip=: ;;
  armhf) bin=dist/freenahi-armhf strip=: ;;
esac

# --- trixie: a build root of its own, so the binary links trixie's libraries (mbedTLS 3.6) ------
# One root per ARCH: the native -dev packages and their :arm64 twins need not co-install.
troot=build-trixie/root-$arch
# Runs a command as root inside the trixie root (/proc is not needed by cmake, g++ or dpkg here).
# DEB_HOST_*: the target for dpkg-shlibdeps (arm64 libraries when cross-compiling).
in_trixie() {
  chroot "$troot" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    DEB_HOST_ARCH="$arch" DEB_HOST_MULTIARCH="$triple" DEB_HOST_GNU_TYPE="$triple" "$@"
}
case "$arch" in
  amd64) triple=x86_64-linux-gnu ;;
  arm64) triple=aarch64-linux-gnu ;;
  armhf) triple=arm-linux-gnueabihf ;;
esac
trixie_root() {
  . scripts/deps.sh
  # dpkg-dev: dpkg-shlibdeps. arm64/armhf: the cross compiler and the target's libraries by
  # multiarch.
  archs=amd64 tpackages="$BUILD_PACKAGES dpkg-dev"
  if [ "$arch" != amd64 ]; then
    archs=amd64,$arch
    # libstdc++6:ARCH as well: the cross compiler's own copy lives in /usr/TRIPLE, where
    # dpkg-shlibdeps does not look, and would not name the package a Pi installs.
    tpackages="$tpackages g++-$triple libstdc++6:$arch"
    tpackages=$(echo "$tpackages" | sed -e "s/libmbedtls-dev/libmbedtls-dev:$arch/" \
      -e "s/libsqlite3-dev/libsqlite3-dev:$arch/" -e "s/zlib1g-dev/zlib1g-dev:$arch/")
  fi
  tpackages=$(echo "$tpackages" | tr ' ' ',')
  if [ -f "$troot/.complete" ] && [ "$(cat "$troot/.complete")" = "$tpackages" ]; then return 0; fi
  ensure_packages mmdebstrap debian-archive-keyring
  echo "package-deb: making the trixie build root in $troot (once; a few minutes)"
  rm -rf "$troot" "$troot.tmp"
  mkdir -p build-trixie
  mmdebstrap --quiet --mode=root --variant=apt --format=directory --architectures="$archs" \
    --include="$tpackages" \
    trixie "$troot.tmp" "deb http://deb.debian.org/debian trixie main" ||
    { echo "package-deb: mmdebstrap of the trixie build root failed" >&2; rm -rf "$troot.tmp"; exit 1; }
  mv "$troot.tmp" "$troot"
  echo "$tpackages" > "$troot/.complete"
}
# The tracked files (a git checkout) or the tree minus build output, copied, not bind-mounted:
# nothing to unmount when the build fails, and the root stays a plain directory.
trixie_copy_source() {
  rm -rf "$troot/src"
  mkdir -p "$troot/src"
  if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
    # Tracked files as they are in the working tree (ones deleted there are skipped); tar keeps
    # their mtimes, so the build tree kept outside /src rebuilds only what changed.
    git ls-files -z | tar --null -T - --ignore-failed-read -cf - 2> /dev/null | tar -C "$troot/src" -xf -
  else
    tar --exclude='./build*' --exclude=./dist --exclude=./var --exclude=./.git -cf - . |
      tar -C "$troot/src" -xf -
  fi
}

if [ "$root_only" = yes ]; then
  [ "$suite" = trixie ] || { echo "package-deb: --root-only is for --suite trixie" >&2; exit 2; }
  [ "$(id -u)" = 0 ] || { echo "package-deb: --suite trixie needs root (mmdebstrap, chroot)" >&2; exit 1; }
  trixie_root
  exit 0
fi
if [ "$suite" = trixie ]; then
  # Stripped in the root by its own binutils (the arm64 one is not on this machine).
  bin=build-trixie/freenahi-$arch strip=:
  [ "$(id -u)" = 0 ] || { echo "package-deb: --suite trixie needs root (mmdebstrap, chroot)" >&2; exit 1; }
  if [ "$build" = yes ]; then
    trixie_root
    trixie_copy_source
    # cpp-httplib is a header compiled into the binary: trixie's source package (0.18, with
    # trixie's Debian patches), fetched from this machine so the root needs no deb-src.
    SUITE=trixie sh third_party/fetch-httplib.sh build-trixie/httplib-trixie ||
      { echo "package-deb: could not fetch cpp-httplib (third_party/fetch-httplib.sh)" >&2; exit 1; }
    rm -rf "$troot/httplib"
    cp -r build-trixie/httplib-trixie "$troot/httplib"
    toolchain=""
    [ "$arch" = amd64 ] || toolchain=-DCMAKE_TOOLCHAIN_FILE=/src/cross/$triple.cmake
    in_trixie sh -c "cmake -S /src -B /build-release -G Ninja -DCMAKE_BUILD_TYPE=Release $toolchain \
      -DFREENAHI_BUILD_TESTS=OFF -DFREENAHI_HTTPLIB_DIR=/httplib > /dev/null &&
      cmake --build /build-release && $triple-strip --remove-section=.comment --remove-section=.note \
      -o /build-release/freenahi.stripped /build-release/freenahi" ||
      { echo "package-deb: the build in the trixie root failed (see above)" >&2; exit 1; }
    install -m 0755 "$troot/build-release/freenahi.stripped" "$bin"
  fi
elif [ "$build" = yes ]; then
  case "$arch" in
    amd64)
      . scripts/deps.sh
      ensure_packages $BUILD_PACKAGES
      # The tree run.sh and test.sh build (-O2, as Debian builds its packages; the symbols are
      # stripped below): after either of them, nothing to compile.
      configure_build build -DFREENAHI_BUILD_TESTS=OFF -DFREENAHI_BUILD_BENCH=OFF
      cmake --build build --target freenahi ;;
    arm64) scripts/cross-build.sh aarch64 --no-tests ;;
    armhf) scripts/cross-build.sh armhf --no-tests ;;
  esac
fi
[ -x "$bin" ] || { echo "package-deb: $bin is missing (run without --no-build)" >&2; exit 1; }
if readelf -d "$bin" | grep -q -e RUNPATH -e RPATH; then
  echo "package-deb: $bin carries an RPATH/RUNPATH (a build path): rebuild it" >&2; exit 1
fi
if file "$bin" 2>/dev/null | grep -q 'statically linked'; then
  echo "package-deb: $bin is static; the .deb wants the dynamic build" >&2; exit 1
fi

version=$(sed -n 's/^project(freenahi VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "package-deb: no version in CMakeLists.txt" >&2; exit 1; }
revision=${FREENAHI_DEB_REVISION:-1}
# The bookworm package keeps its plain V-R name; trixie's carries +deb13 (see --help).
debversion=$version-$revision unitdir=lib/systemd/system
if [ "$suite" = trixie ]; then
  debversion=$version-$revision+deb13
  # trixie's merged /usr: packages install units under /usr/lib (lintian: aliased-location).
  unitdir=usr/lib/systemd/system
fi
maintainer=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$maintainer" ] || maintainer="freenahi developers <freenahi@users.noreply.github.com>"
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
date_r=$(date -u -R -d "@$epoch")

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
chmod 0755 "$root"
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/freenahi" \
  "$root/usr/share/doc/freenahi" "$root/$unitdir"
install -m 0755 "$bin" "$root/usr/bin/freenahi"
$strip --remove-section=.comment --remove-section=.note "$root/usr/bin/freenahi"
install -m 0644 etc/freenahi.ini.example "$root/usr/share/freenahi/freenahi.ini.example"
install -m 0644 etc/systemd/freenahi.service "$root/$unitdir/freenahi.service"
[ -f docs/install.md ] && install -m 0644 docs/install.md "$root/usr/share/doc/freenahi/install.md"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: freenahi"
  echo
  echo "Files: *"
  echo "Copyright: $(sed -n 's/^Copyright (c) //p' LICENSE | head -1)"
  echo "License: Expat"
  sed -n '3,$p' LICENSE | sed -e 's/^$/./' -e 's/^/ /'
} > "$root/usr/share/doc/freenahi/copyright"
chmod 0644 "$root/usr/share/doc/freenahi/copyright"
printf 'freenahi (%s) %s; urgency=medium\n\n  * Built by scripts/package-deb.sh.\n\n -- %s  %s\n' \
  "$debversion" "$suite" "$maintainer" "$date_r" | gzip -n -9 > "$root/usr/share/doc/freenahi/changelog.Debian.gz"
chmod 0644 "$root/usr/share/doc/freenahi/changelog.Debian.gz"

size_kib=$(du -k -s --apparent-size "$root" | cut -f1)
# bookworm names (trixie's differ: libmbedtls21 ...). Versions as dpkg-shlibdeps computes them
# for this binary on bookworm (tests/packaging/deb.sh checks that on amd64).
# libqrencode is optional at build time (QR codes in `freenahi connect`): depend on it only when
# the binary was linked with it.
qrencode=""
if readelf -d "$bin" 2> /dev/null | grep -q 'libqrencode\.so'; then qrencode="libqrencode4 (>= 3.2.0), "; fi
# What dpkg-shlibdeps says on bookworm (tests/packaging/deb.sh checks it), sorted as it sorts;
# the versions follow the symbols the binary uses (libgcc-s1 was >= 7 while __int128 division
# was in), so a native build asks dpkg-shlibdeps itself and this list is for cross builds.
depends="libc6 (>= 2.34), libgcc-s1 (>= 3.0), libmbedcrypto7 (>= 2.28.0), libmbedtls14 (>= 2.28.0), libmbedx509-1 (>= 2.28.0), ${qrencode}libsqlite3-0 (>= 3.20.0), libstdc++6 (>= 12), zlib1g (>= 1:1.1.4)"
if [ "$suite" != trixie ] && command -v dpkg-shlibdeps > /dev/null &&
   [ "$(dpkg --print-architecture)" = "$arch" ]; then
  shl=$(mktemp -d)
  mkdir -p "$shl/debian"
  printf 'Source: freenahi\n\nPackage: freenahi\nArchitecture: any\n' > "$shl/debian/control"
  native=$(cd "$shl" && dpkg-shlibdeps -O "$root/usr/bin/freenahi" 2> /dev/null | sed -n 's/^shlibs:Depends=//p')
  rm -rf "$shl"
  [ -z "$native" ] || depends=$native
fi
if [ "$suite" = trixie ]; then
  # Computed in the trixie root from the binary itself, so names and versions are trixie's.
  [ -d "$troot/usr/bin" ] || { echo "package-deb: no trixie build root in $troot (run without --no-build)" >&2; exit 1; }
  rm -rf "$troot/shlibdeps"
  # A minimal debian/ tree, the binary where a package build would have put it.
  mkdir -p "$troot/shlibdeps/debian/freenahi/usr/bin"
  printf 'Source: freenahi\n\nPackage: freenahi\nArchitecture: any\n' > "$troot/shlibdeps/debian/control"
  install -m 0755 "$bin" "$troot/shlibdeps/debian/freenahi/usr/bin/freenahi"
  # Its warnings (it wants a whole package build) are shown only when it gives nothing.
  depends=$(in_trixie sh -c 'cd /shlibdeps && dpkg-shlibdeps -O -e debian/freenahi/usr/bin/freenahi 2> log' |
    sed -n 's/^shlibs:Depends=//p')
  [ -n "$depends" ] || { cat "$troot/shlibdeps/log" >&2
    echo "package-deb: dpkg-shlibdeps in the trixie root gave no Depends" >&2; exit 1; }
  rm -rf "$troot/shlibdeps"
fi
cat > "$root/DEBIAN/control" <<CONTROL
Package: freenahi
Version: $debversion
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size_kib
Depends: adduser, $depends
Section: net
Priority: optional
Description: Powens webhook receiver keeping your bank data in SQLite
 freenahi receives Powens (bank aggregation) webhooks over TLS and stores
 accounts and transactions in a local SQLite database, with a small CLI to
 query them. Runs as a sandboxed systemd service; the configuration is
 /etc/freenahi/freenahi.ini.
CONTROL

cat > "$root/DEBIAN/postinst" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = configure ]; then
  if ! getent passwd freenahi > /dev/null; then
    adduser --system --group --quiet --home /nonexistent --no-create-home \
      --gecos "freenahi daemon" freenahi
  fi
  # The config holds secrets: created once from the example, root:freenahi 0640, and never
  # overwritten afterwards (an upgrade keeps the admin's edits; new keys show in the example).
  if [ ! -e /etc/freenahi/freenahi.ini ]; then
    mkdir -p /etc/freenahi
    umask 027
    cp /usr/share/freenahi/freenahi.ini.example /etc/freenahi/freenahi.ini.dpkg-tmp
    chown root:freenahi /etc/freenahi/freenahi.ini.dpkg-tmp
    chmod 0640 /etc/freenahi/freenahi.ini.dpkg-tmp
    mv /etc/freenahi/freenahi.ini.dpkg-tmp /etc/freenahi/freenahi.ini
  fi
fi
# As debhelper's dh_installsystemd writes it: enable on first install, (re)start when systemd runs.
if [ "$1" = configure ] || [ "$1" = abort-upgrade ] || [ "$1" = abort-deconfigure ] || [ "$1" = abort-remove ]; then
  deb-systemd-helper unmask freenahi.service > /dev/null || true
  if deb-systemd-helper --quiet was-enabled freenahi.service; then
    deb-systemd-helper enable freenahi.service > /dev/null || true
  else
    deb-systemd-helper update-state freenahi.service > /dev/null || true
  fi
  if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload > /dev/null || true
    if [ -n "$2" ]; then action=restart; else action=start; fi
    deb-systemd-invoke $action freenahi.service > /dev/null || true
  fi
fi
exit 0
SCRIPT
cat > "$root/DEBIAN/prerm" <<'SCRIPT'
#!/bin/sh
set -e
if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  deb-systemd-invoke stop freenahi.service > /dev/null || true
fi
exit 0
SCRIPT
cat > "$root/DEBIAN/postrm" <<'SCRIPT'
#!/bin/sh
set -e
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
  systemctl --system daemon-reload > /dev/null || true
fi
if [ "$1" = remove ] && command -v deb-systemd-helper > /dev/null; then
  deb-systemd-helper mask freenahi.service > /dev/null || true
fi
if [ "$1" = purge ]; then
  if command -v deb-systemd-helper > /dev/null; then
    deb-systemd-helper purge freenahi.service > /dev/null || true
    deb-systemd-helper unmask freenahi.service > /dev/null || true
  fi
  rm -f /etc/freenahi/freenahi.ini /etc/freenahi/freenahi.ini.dpkg-tmp
  rmdir /etc/freenahi 2> /dev/null || true
  # The bank data in /var/lib/freenahi is the user's: purge leaves it (delete it by hand).
fi
exit 0
SCRIPT
chmod 0755 "$root/DEBIAN/postinst" "$root/DEBIAN/prerm" "$root/DEBIAN/postrm"
find "$root" -exec touch -h -d "@$epoch" {} +

mkdir -p dist
out="dist/freenahi_${debversion}_${arch}.deb"
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$root" "$out" > /dev/null
echo "package-deb: $out ($(wc -c < "$out") bytes, $(($(date +%s) - start)) s)"
