#!/bin/bash
# SPDX-License-Identifier: MIT
# The README's two set-up commands on a fresh Debian trixie, what Raspberry Pi OS is built on
# since late 2025: a bare trixie root (mmdebstrap, variant apt plus mount: no compiler, no curl,
# no ca-certificates; APT sources in deb822 debian.sources as on Raspberry Pi OS) gets a copy of the
# repository, then `./scripts/test.sh` must install what it needs, build with -Werror (GCC 14,
# mbedTLS 3.6, cpp-httplib 0.18, Catch2 3) and pass, and `./scripts/run.sh` must answer /healthz on
# https://127.0.0.1:8443 with the certificate it generated (verified against it).
# Each command runs chrooted in a private mount and PID namespace (/dev, /proc; every process
# ends with the namespace) on this machine's network: apt downloads from Debian, the tests talk
# only to loopback.
# Usage: tests/packaging/trixie-readme.sh [--prepare]   (root; --prepare: only make the bare root,
#   e.g. while something else compiles)
#   FREENAHI_CI_CACHE=DIR (default /var/cache/freenahi-ci) keeps the bare root (trixie-bare/) and
#   the .debs apt downloaded (trixie-apt/) between runs; both are made again when absent. Every run
#   starts from a copy of the bare root: the cache only saves downloads.
#   KEEP_ROOT=1 leaves the used root in $FREENAHI_CI_CACHE/trixie-last/ for a look.
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;; esac
[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap, chroot, namespaces)"
. "$ROOT/scripts/deps.sh"
ensure_packages mmdebstrap debian-archive-keyring curl openssl

cache=${FREENAHI_CI_CACHE:-/var/cache/freenahi-ci}
bare="$cache/trixie-bare" archives="$cache/trixie-apt"
mkdir -p "$cache" "$archives/partial"

# --- the bare root, made once --------------------------------------------------------------------
make_bare_root() {
  local t0
  t0=$(date +%s)
  rm -rf "$bare" "$bare.tmp"
  # APT sources as a Raspberry Pi OS trixie has them (deb822, debian.sources); /etc/hosts as any
  # installed system has it (mmdebstrap writes none).
  mmdebstrap --quiet --mode=root --variant=apt --format=directory --include=mount \
    --customize-hook='rm -f "$1/etc/apt/sources.list"' \
    --customize-hook='printf "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie trixie-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\nTypes: deb\nURIs: http://deb.debian.org/debian-security\nSuites: trixie-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n" > "$1/etc/apt/sources.list.d/debian.sources"' \
    --customize-hook='printf "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" > "$1/etc/hosts"' \
    --customize-hook='echo freenahi-trixie > "$1/etc/hostname"' \
    trixie "$bare.tmp" "deb http://deb.debian.org/debian trixie main" || fail "mmdebstrap of the bare trixie root"
  echo "$stamp" > "$bare.tmp/.freenahi-stamp"
  mv "$bare.tmp" "$bare"
  echo "trixie-readme: bare trixie root made in $(($(date +%s) - t0)) s"
}
stamp="$(declare -f make_bare_root | sha256sum | cut -c1-16)"
[ "$(cat "$bare/.freenahi-stamp" 2>/dev/null)" = "$stamp" ] || make_bare_root
[ "${1:-}" != --prepare ] || exit 0

# --- a fresh copy with the repository in it ------------------------------------------------------
root="$SCRATCH/root"
cp -a "$bare" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mkdir -p "$root/home/pi/freenahi"
src="$root/home/pi/freenahi"
if git -C "$ROOT" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  # The tracked files as they are in the working tree: what a clone would hold.
  (cd "$ROOT" && git ls-files -z | tar --null -T - --ignore-failed-read -cf - 2> /dev/null) | tar -C "$src" -xf -
else
  (cd "$ROOT" && tar --exclude='./build*' --exclude=./dist --exclude=./var --exclude=./.git -cf - .) | tar -C "$src" -xf -
fi

# in_root COMMAND: runs COMMAND (a shell line) in /home/pi/freenahi of the root, in its own mount
# and PID namespaces; apt's downloads go to the cache. SIGTERM to the unshare process is passed
# on to the namespace's first process (the command itself: every step execs).
in_root() {
  unshare --mount --pid --fork --kill-child=SIGTERM --propagation private sh -c '
    set -e
    mount --rbind /dev "$1/dev"
    mount -t proc proc "$1/proc"
    mount --bind "$2" "$1/var/cache/apt/archives"
    exec chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 /bin/sh -c "cd /home/pi/freenahi && exec $3"' sh "$root" "$archives" "$1"
}

# --- `./scripts/test.sh` ---------------------------------------------------------------------------
t0=$(date +%s)
in_root ./scripts/test.sh > "$SCRATCH/test.log" 2>&1 || { tail -60 "$SCRATCH/test.log" >&2; fail "./scripts/test.sh in the trixie root"; }
test_seconds=$(($(date +%s) - t0))
summary=$(grep -E '^[0-9]+% tests passed' "$SCRATCH/test.log" || true)
[ -n "$summary" ] || { tail -30 "$SCRATCH/test.log" >&2; fail "no CTest summary in test.sh's output"; }
echo "trixie-readme: ./scripts/test.sh: $summary ($test_seconds s)"
grep -q 'unit\.' "$SCRATCH/test.log" && grep -q 'e2e\.' "$SCRATCH/test.log" || fail "unit or e2e tests missing from the run"
ok "./scripts/test.sh passes"
# Catch2 3 was the one used (trixie has no catch2/catch.hpp).
[ -f "$root/usr/include/catch2/catch_all.hpp" ] || fail "no Catch2 3 in the root"
grep -q 'FREENAHI_CATCH2_V3' "$src/build/build.ninja" || fail "the tests were not built against Catch2 3"
ok "Catch2 3"

# --- `./scripts/run.sh` ---------------------------------------------------------------------------
port_in_use() { curl -sk --max-time 3 -o /dev/null https://127.0.0.1:8443/ 2>/dev/null || [ $? != 7 ]; }
! port_in_use || fail "something on this machine already listens on 127.0.0.1:8443 (run.sh's port)"
t0=$(date +%s)
in_root ./scripts/run.sh > "$SCRATCH/run.log" 2>&1 &
run_pid=$!
# stop_root SIGNAL: signals the namespace's first process (the daemon, once run.sh has exec'd it;
# as a namespace's init it only gets signals it handles), then SIGKILL after 30 s, which ends the
# whole namespace.
# $run_pid is the subshell running in_root; its child is unshare, whose child is that process.
children() { awk '{ print $1; exit }' /proc/"$1"/task/*/children 2>/dev/null; }
stop_root() {
  local first="" n=60 unshare_pid
  unshare_pid=$(children $run_pid)
  [ -z "$unshare_pid" ] || first=$(children "$unshare_pid")
  [ -z "$first" ] || kill "-$1" "$first" 2>/dev/null || true
  while kill -0 $run_pid 2>/dev/null && [ $n -gt 0 ]; do sleep 0.5; n=$((n - 1)); done
  if kill -0 $run_pid 2>/dev/null; then
    [ -z "$first" ] || kill -KILL "$first" 2>/dev/null || true
    [ -z "$unshare_pid" ] || kill -KILL "$unshare_pid" 2>/dev/null || true
    wait $run_pid 2>/dev/null || true
    return 1
  fi
  wait $run_pid 2>/dev/null
}
CLEANUP='stop_root KILL || true'
cert="$src/var/freenahi-cert.pem"
healthz=""
# Generous: run.sh builds the Release binary first (minutes on a busy machine).
deadline=$((t0 + 1800))
while [ "$(date +%s)" -lt $deadline ] && kill -0 $run_pid 2>/dev/null; do
  if [ -s "$cert" ]; then
    healthz=$(curl -s --max-time 5 --cacert "$cert" https://127.0.0.1:8443/healthz 2>/dev/null || true)
    [ "$healthz" = '{"status":"ok"}' ] && break
  fi
  sleep 1
done
[ "$healthz" = '{"status":"ok"}' ] || { tail -30 "$SCRATCH/run.log" >&2; fail "./scripts/run.sh never answered /healthz (got '$healthz')"; }
echo "trixie-readme: ./scripts/run.sh answered /healthz after $(($(date +%s) - t0)) s"
ok "/healthz over TLS, verified against the certificate run.sh generated"
grep -q 'listening' "$SCRATCH/run.log" || fail "no start-up line in run.sh's output"
# SIGTERM (as a service manager stops it) ends it cleanly.
stop_root TERM || fail "run.sh's daemon did not stop on SIGTERM"
CLEANUP=""
ok "stops on SIGTERM"
if [ -n "${KEEP_ROOT:-}" ]; then
  rm -rf "$cache/trixie-last"
  mv "$root" "$cache/trixie-last"
fi
passed
