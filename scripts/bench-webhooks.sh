#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Many small webhooks against the real `freenahi serve` over TLS on 127.0.0.1, with wrk (Debian
# package wrk): each request a distinct small CONNECTION_SYNCED (its own id_webhook_data, so each
# is stored and applied), sequential (1 connection) and 16-way concurrent, keep-alive asked for
# and not ("Connection: close"); requests/s and p50/p99 latency. Then the daemon's RSS after
# 1,000 and 10,000 webhooks (it must stay flat). Prints figures; never fails on a missed target.
# Usage: scripts/bench-webhooks.sh   (env: DURATION=5 seconds per wrk run, BUILD=build-bench,
#                                    NO_BUILD=1 to measure the binary already built)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
DURATION=${DURATION:-5}
TOKEN="bench-token-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
WORK=$(mktemp -d /tmp/freenahi-bench-webhooks.XXXXXX)
DAEMON_PID=""
WRK_PID=""

cleanup() {
  for pid in "$WRK_PID" "$DAEMON_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -9 "$pid" 2>/dev/null || true; fi
  done
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench-webhooks: error: $*" >&2
  exit 1
}
# shellcheck source=deps.sh
. "$SRC/scripts/deps.sh"
command -v wrk > /dev/null || ensure_packages $BENCH_PACKAGES
for tool in wrk curl sqlite3 awk ninja; do
  command -v "$tool" > /dev/null || die "$tool not found (Debian: apt-get install wrk curl sqlite3)"
done
[ -f "$BUILD/build.ninja" ] || die "no $BUILD: run scripts/bench.sh once (it configures the Release build)"
if [ -z "${NO_BUILD:-}" ]; then  # NO_BUILD=1: measure the binary as it is
  ninja -C "$BUILD" freenahi > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
fi
BIN="$BUILD/freenahi"
PORT=$((20000 + RANDOM % 30000))
mkdir -p "$WORK/db"
cat > "$WORK/freenahi.ini" <<EOF
[powens]
user_token = $TOKEN
[server]
listen = 127.0.0.1:$PORT
max_connections = 64
[store]
database = $WORK/db/freenahi.db
[log]
level = warn
EOF
chmod 600 "$WORK/freenahi.ini"
"$BIN" serve --config "$WORK/freenahi.ini" > "$WORK/daemon.log" 2>&1 &
DAEMON_PID=$!
for i in $(seq 1 200); do
  curl -sk -o /dev/null "https://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  kill -0 "$DAEMON_PID" 2>/dev/null || die "daemon exited: $(tail -5 "$WORK/daemon.log")"
  sleep 0.05
done
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
inbox_count() { sqlite3 -batch -noheader "$WORK/db/freenahi.db" "SELECT count(*) FROM inbox" 2>/dev/null || echo 0; }
IDLE_KIB=$(status_kib "$DAEMON_PID" VmRSS)

# wrk script: a distinct body per request (a 1-transaction sync), the id from a per-thread
# counter; `close` adds "Connection: close".
cat > "$WORK/webhook.lua" <<'EOF'
-- Globals, not locals: setup() runs in the main Lua state and thread:set() writes the thread's
-- globals. Ids (at most 14 digits: LuaJIT prints larger doubles with an exponent): seconds
-- since the epoch (mod 10000) x 1e9 + thread x 1e8 + a counter, so runs
-- seconds apart never repeat an id (a repeat would be a cheap "duplicate" answer).
threads = 0
counter = 0
id_base = 0
function setup(thread)
  threads = threads + 1
  thread:set("id_base", (os.time() % 10000) * 1000000000 + threads * 100000000)
end
function request()
  counter = counter + 1
  local id = id_base + counter
  local body = '{"id_webhook_data":' .. id .. ',"user":{"id":1042},"connection":{"id":317,' ..
    '"id_user":1042,"accounts":[{"id":2881,"currency":{"id":"EUR","precision":2},' ..
    '"balance":"10.00","transactions":[{"id":' .. id .. ',"date":"2024-03-14","value":"-4.20",' ..
    '"wording":"CB BOULANGERIE ' .. id .. '","last_update":"2024-03-14 08:00:00"}]}]}}'
  return wrk.format("POST", "/webhook/connection_synced/", nil, body)
end
function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d errors=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.status + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
EOF

run_wrk() {  # run_wrk NAME CONNECTIONS KEEPALIVE(on|off)
  local name=$1 conns=$2 keep=$3 extra=()
  [ "$keep" = off ] && extra=(-H "Connection: close")
  wrk -t "$([ "$conns" -ge 2 ] && echo 2 || echo 1)" -c "$conns" -d "${DURATION}s" --latency \
    -s "$WORK/webhook.lua" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
    "${extra[@]}" "https://127.0.0.1:$PORT" > "$WORK/wrk-$name.out" 2>&1 || true
  local line
  line=$(grep '^WRK ' "$WORK/wrk-$name.out" || echo "WRK (no result: $(tail -2 "$WORK/wrk-$name.out" | tr '\n' ' '))")
  echo "| $name | $conns | $keep | ${line#WRK } |"
}

echo "== small webhooks (1 transaction each, distinct ids), ${DURATION} s per run"
echo "| run | connections | keep-alive asked | result |"
echo "|---|---|---|---|"
run_wrk sequential 1 on
run_wrk sequential-close 1 off
run_wrk concurrent 16 on
run_wrk concurrent-close 16 off
echo
echo "answers carry: $(curl -sk -D - -o /dev/null -H "Authorization: Bearer $TOKEN" --data-binary '{}' \
  "https://127.0.0.1:$PORT/webhook/connection_synced/" | tr -d '\r' | grep -i '^connection:' || echo 'no Connection header')"

echo
echo "== daemon RSS as webhooks accumulate (idle $(awk -v k="$IDLE_KIB" 'BEGIN { printf "%.2f", k / 1024 }') MiB)"
for target in 1000 10000; do
  while [ "$(inbox_count)" -lt "$target" ]; do
    wrk -t 2 -c 16 -d 2s -s "$WORK/webhook.lua" -H "Authorization: Bearer $TOKEN" \
      -H "Content-Type: application/json" "https://127.0.0.1:$PORT" > /dev/null 2>&1 || true
  done
  sleep 1  # the backlog applied
  echo "after $(inbox_count) webhooks: VmRSS $(awk -v k="$(status_kib "$DAEMON_PID" VmRSS)" 'BEGIN { printf "%.2f", k / 1024 }') MiB," \
    "VmHWM $(awk -v k="$(status_kib "$DAEMON_PID" VmHWM)" 'BEGIN { printf "%.2f", k / 1024 }') MiB," \
    "pending $(sqlite3 -batch -noheader "$WORK/db/freenahi.db" "SELECT count(*) FROM inbox WHERE state = 'pending'")"
done
