#!/bin/sh
# SPDX-License-Identifier: MIT
# Unpacks Debian's target libraries (mbedTLS, SQLite, zlib: runtime and -dev) for one foreign arch
# into a sysroot directory with `dpkg -x`, without touching the machine's dpkg/apt state: a private
# apt configuration (own lists, cache, empty status) downloads the .debs. DESIGN §6: armhf
# multiarch is broken on our mirror. Called by scripts/cross-build.sh.
# Usage: scripts/make-sysroot.sh DEB_ARCH DIR    (DEB_ARCH: armhf, mipsel, arm64; no-op if done)
set -eu
case "${1:-}" in -h|--help|"") awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; [ -n "${1:-}" ]; exit $? ;; esac
arch=$1 dir=${2:?usage: make-sysroot.sh DEB_ARCH DIR}
PACKAGES="libmbedtls-dev libmbedtls14 libmbedcrypto7 libmbedx509-1 libsqlite3-dev libsqlite3-0 zlib1g-dev zlib1g"
stamp="$dir/.freenahi-sysroot"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$arch $PACKAGES" ]; then exit 0; fi

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work="$dir/.apt"
rm -rf "$work"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
: > "$work/status"

# The machine's Debian sources, restricted to the target arch. Other repositories (vendor apt
# sources) are left out: they are unreachable or have no foreign-arch packages.
write_sources() {  # $1: with-security (yes|no)
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    awk -v arch="$arch" -v sec="$1" '
      BEGIN { RS=""; ORS="\n\n" }
      /Types:[^\n]*deb/ { if (sec == "no" && $0 ~ /debian-security/) next; print $0 "\nArchitectures: " arch }
    ' /etc/apt/sources.list.d/debian.sources > "$work/sources.sources"
    : > "$work/sources.list"
  else
    sed -n "s/^deb \(\[[^]]*\] \)\{0,1\}/deb [arch=$arch] /p" /etc/apt/sources.list |
      { if [ "$1" = no ]; then grep -v debian-security; else cat; fi; } > "$work/sources.list"
    rm -f "$work/sources.sources"
  fi
}
opts="-o APT::Architecture=$arch -o APT::Architectures::=$arch -o APT::Sandbox::User=root
  -o Dir::Etc::SourceList=$work/sources.list -o Dir::Etc::SourceParts=$work
  -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache -o Dir::State::status=$work/status
  -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts=/dev/null"
write_sources yes
# shellcheck disable=SC2086
if ! apt-get -qq $opts update > "$work/update.log" 2>&1; then
  # The armhf security index on our mirror fails its size check (DESIGN §6): go on without it.
  echo "make-sysroot: apt-get update for $arch failed with the security suite; retrying without it" >&2
  sed 's/^/  /' "$work/update.log" | tail -3 >&2
  write_sources no
  rm -rf "$work/lists"; mkdir -p "$work/lists/partial"
  # shellcheck disable=SC2086
  apt-get -qq $opts update > "$work/update.log" 2>&1 || {
    echo "make-sysroot: apt-get update for $arch failed:" >&2; cat "$work/update.log" >&2; exit 1; }
fi
# shellcheck disable=SC2086
(cd "$work/debs" && apt-get -qq $opts download $PACKAGES) || {
  echo "make-sysroot: could not download $PACKAGES for $arch" >&2; exit 1; }
for deb in "$work"/debs/*.deb; do
  dpkg -x "$deb" "$dir"
done
# -dev packages link absolutely (libz.so -> /lib/<triple>/libz.so.1.2.13): re-point them inside.
find "$dir" -type l | while read -r link; do
  target=$(readlink "$link")
  case "$target" in /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$dir$target")" "$link" ;; esac
done
ls "$work"/debs/ | sed 's/^/  /' > "$dir/.freenahi-debs"
rm -rf "$work"
echo "$arch $PACKAGES" > "$stamp"
echo "make-sysroot: $arch libraries unpacked into $dir:"
cat "$dir/.freenahi-debs"
