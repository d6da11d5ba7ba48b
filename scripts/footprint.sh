#!/bin/bash
# SPDX-License-Identifier: MIT
# Footprint report: stripped size of every freenahi binary in dist/ (and the native build), and idle
# VmRSS / RssAnon of `freenahi serve` (generated config in a temp dir, TLS on 127.0.0.1, a random
# port): native, and aarch64 under qemu-user as an indication only (qemu's own memory is counted).
# dropbear and mosquitto, when installed, are measured the same way next to it. Loopback only.
# Usage: scripts/footprint.sh [--install-references]
#   --install-references  apt-get install dropbear-bin and mosquitto first (small; nothing is
#                         started by the install where policy-rc.d forbids it)
# Targets (issue 3): aarch64 dynamic stripped <= 1 MiB, static <= 3 MiB; idle RssAnon <= 512 KiB;
# RSS not above dropbear's. The native static row needs build-static (FREENAHI_STATIC=ON, MinSizeRel).
set -eu
case "${1:-}" in
  -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
  --install-references) install_refs=yes ;;
  "") install_refs=no ;;
  *) echo "footprint: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
. scripts/deps.sh
[ "$install_refs" = no ] || ensure_packages dropbear-bin mosquitto
ensure_packages curl procps
work=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT

rows=()
row() { rows+=("$(printf '| %-22s | %-8s | %-7s | %10s | %9s | %9s |' "$@")"); }
kib() { if [ -n "$1" ]; then echo "$(( ($1 + 1023) / 1024 )) KiB"; else echo -; fi; }
status_kib() { awk -v k="$2:" '$1 == k { print $2 " KiB" }' "/proc/$1/status"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_port PORT PID: until something accepts on PORT (bounded: 60 x 0.5 s) while PID lives.
wait_port() {
  for _ in $(seq 60); do
    kill -0 "$2" 2>/dev/null || return 1
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.5
  done
  return 1
}
# warm_up COMMAND...: a first start that generates the self-signed certificate, then stops.
warm_up() {
  "$@" > /dev/null 2>&1 &
  local pid=$!
  pids="$pids $pid"
  wait_port "$port" "$pid" || true
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# measure NAME ARCH LINKAGE SIZE_BYTES -- COMMAND...: starts COMMAND, waits for $port, lets it
# settle 2 s idle (one /healthz first for freenahi: TLS set up once), then reads /proc.
measure() {
  local name=$1 arch=$2 link=$3 size=$4; shift 5
  "$@" > "$work/$name-$arch.log" 2>&1 &
  local pid=$!
  pids="$pids $pid"
  if ! wait_port "$port" "$pid"; then
    echo "footprint: $name ($arch) did not start:" >&2; tail -5 "$work/$name-$arch.log" >&2
    row "$name" "$arch" "$link" "$(kib "$size")" "-" "-"; return 0
  fi
  case "$name" in freenahi*) curl -sk --max-time 10 "https://127.0.0.1:$port/healthz" > /dev/null || true ;; esac
  sleep 2
  row "$name" "$arch" "$link" "$(kib "$size")" "$(status_kib "$pid" VmRSS)" "$(status_kib "$pid" RssAnon)"
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
stripped_size() {  # stripped_size FILE [STRIP]
  "${2:-strip}" -o "$work/stripped" "$1" 2>/dev/null && wc -c < "$work/stripped"
}

# --- sizes of the cross builds in dist/ (already stripped by cross-build.sh) ---
for arch in aarch64 armhf mipsel; do
  for kind in "" -static; do
    f="dist/freenahi-$arch$kind"
    [ -f "$f" ] || continue
    link=dynamic
    [ -z "$kind" ] || link=static
    row freenahi "$arch" "$link" "$(kib "$(wc -c < "$f")")" - -
  done
done

# --- native, measured running: the dynamic build, and the static one when build-static has it ---
native=""
for b in build-release/freenahi build/freenahi; do [ -x "$b" ] && { native=$b; break; }; done
[ -n "$native" ] || echo "footprint: no native build (scripts/run.sh or scripts/test.sh makes one)" >&2
for b in $native build-static/freenahi; do
  [ -x "$b" ] || continue
  link=dynamic
  file "$b" | grep -q 'statically linked' && link=static
  mkdir -p "$work/native-$link"
  port=$(free_port)
  "$b" init --config "$work/native-$link/freenahi.ini" --listen "127.0.0.1:$port" --database freenahi.db > /dev/null
  warm_up "$b" serve --config "$work/native-$link/freenahi.ini"
  measure freenahi amd64 "$link" "$(stripped_size "$b")" -- "$b" serve --config "$work/native-$link/freenahi.ini"
done
if [ -x dist/freenahi-aarch64 ] && command -v qemu-aarch64-static > /dev/null; then
  mkdir -p "$work/qemu"
  port=$(free_port)
  q=(qemu-aarch64-static -L /usr/aarch64-linux-gnu
     -E LD_LIBRARY_PATH=/usr/aarch64-linux-gnu/lib:/usr/lib/aarch64-linux-gnu)
  if "${q[@]}" dist/freenahi-aarch64 init --config "$work/qemu/freenahi.ini" --listen "127.0.0.1:$port" \
       --database freenahi.db > /dev/null 2>&1; then
    warm_up "${q[@]}" dist/freenahi-aarch64 serve --config "$work/qemu/freenahi.ini"
    measure "freenahi (qemu)" aarch64 dynamic "$(wc -c < dist/freenahi-aarch64)" -- \
      "${q[@]}" dist/freenahi-aarch64 serve --config "$work/qemu/freenahi.ini"
  fi
fi
if command -v dropbear > /dev/null && command -v dropbearkey > /dev/null; then
  port=$(free_port)
  dropbearkey -t ed25519 -f "$work/dropbear_key" > /dev/null 2>&1
  measure dropbear amd64 dynamic "$(stripped_size "$(command -v dropbear)")" -- \
    dropbear -F -E -s -r "$work/dropbear_key" -p "127.0.0.1:$port" -P "$work/dropbear.pid"
fi
if [ -x /usr/sbin/mosquitto ]; then
  port=$(free_port)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\n' "$port" \
    > "$work/mosquitto.conf"
  measure mosquitto amd64 dynamic "$(stripped_size /usr/sbin/mosquitto)" -- \
    /usr/sbin/mosquitto -c "$work/mosquitto.conf"
fi

printf '| %-22s | %-8s | %-7s | %10s | %9s | %9s |\n' program arch linkage "stripped" "idle RSS" RssAnon
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------ ---------- --------- ------------ ----------- -----------
printf '%s\n' "${rows[@]}"
echo "freenahi is measured on its second start (the first one generates the certificate, whose"
echo "key generation leaves freed heap behind). Under qemu the RSS includes qemu's own memory."
