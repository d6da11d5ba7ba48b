#!/bin/bash
# SPDX-License-Identifier: MIT
# The packaging checks CI runs (issue 3), timed step by step: aarch64 cross build with the unit
# tests under qemu, the armhf static .ipk and its tests, the procd script and the OpenWrt recipe,
# then the amd64 .deb built, linted, installed, upgraded and purged on this machine (root), and
# installed, rebooted and upgraded under a real systemd in a bookworm VM, then the same with the
# trixie package (Raspberry Pi OS trixie) in a trixie VM, and the README's two commands in a fresh
# trixie root. Roots and VM images are cached in /var/cache/freenahi-ci (FREENAHI_CI_CACHE),
# outside the clone, so later runs on the same machine reuse them; made again when absent.
# Usage: tests/packaging/run.sh [--no-deb]   (--no-deb: skip the steps that install packages)
set -eu
case "${1:-}" in -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;; esac
cd "$(dirname "$0")/../.."
. scripts/deps.sh
ensure_packages file make curl openssl qemu-user-static  # what the checks below run besides the builds
cache=${FREENAHI_CI_CACHE:-/var/cache/freenahi-ci}
export FREENAHI_CI_CACHE=$cache FREENAHI_VM_CACHE=${FREENAHI_VM_CACHE:-$cache/vm}
times=""
step() {  # step NAME COMMAND...
  local name=$1 t0
  shift
  echo "=== $name"
  t0=$(date +%s)
  "$@"
  times="$times$(printf '%-40s %4d s' "$name" $(($(date +%s) - t0)))\n"
}
step "cross-build aarch64 + unit tests (qemu)" scripts/cross-build.sh aarch64
step "package-openwrt armhf (static .ipk)" scripts/package-openwrt.sh armhf
step "test: .ipk contents, serve under qemu" tests/packaging/openwrt-ipk.sh armhf
step "test: procd init script" tests/packaging/openwrt-init.sh
step "test: OpenWrt SDK recipe" tests/packaging/openwrt-recipe.sh
if [ "${1:-}" != --no-deb ]; then
  step "package-deb amd64" scripts/package-deb.sh amd64
  step "test: .deb lint, install, upgrade" tests/packaging/deb.sh
  step "test: .deb under systemd in a VM" tests/packaging/deb-vm.sh
  step "package-deb amd64 --suite trixie" scripts/package-deb.sh amd64 --suite trixie
  step "test: trixie .deb under systemd in a VM" tests/packaging/deb-vm.sh trixie
  # The whole suite on trixie's GCC 14, mbedTLS 3.6 (what OpenWrt 24.10+ ships too), cpp-httplib
  # 0.18 and Catch2 3, as a Raspberry Pi OS trixie user runs it. tests/packaging/mbedtls3.sh (3.6
  # built from source on bookworm) stays for a machine without a trixie root.
  step "README's test.sh + run.sh in a fresh trixie root" tests/packaging/trixie-readme.sh
fi
printf "\npackaging steps:\n$times"
