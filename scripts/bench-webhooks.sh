#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Many small webhooks against the real `freenahi serve` over TLS on 127.0.0.1, with wrk (Debian
# package wrk): each request a distinct small CONNECTION_SYNCED (its own id_webhook_data, so each
# is stored and applied), sequential (1 connection) and 16-way concurrent, keep-alive on (wrk's
# default: one TLS handshake per connection) and off ("Connection: close": one handshake per
# webhook); requests/s and p50/p99 latency (wrk's latency is request sent → answer read: it
# leaves out the reconnection, which shows in requests/s). Then the daemon's RSS after 1,000 and
# 10,000 webhooks (it must stay flat). Prints figures; never fails on a missed target.
# Usage: scripts/bench-webhooks.sh   (env: DURATION=10 seconds per wrk run, BUILD=build-bench,
#                                    NO_BUILD=1 to measure the binary already built,
#                                    RSS_POINTS="1000 5000 10000 20000": webhooks at which RSS is read)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
DURATION=${DURATION:-10}
RSS_POINTS=${RSS_POINTS:-1000 5000 10000 20000}
TOKEN="bench-token-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
WORK=$(mktemp -d /tmp/freenahi-bench-webhooks.XXXXXX)
DAEMON_PID=""
WRK_PID=""

cleanup() {
  for pid in "$WRK_PID" "$DAEMON_PID"; do
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true  # SIGTERM: the daemon stops within its 5 s grace
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      kill -9 "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
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
for tool in wrk curl sqlite3 awk cmake ninja; do
  command -v "$tool" > /dev/null || die "$tool not found (Debian: apt-get install wrk curl sqlite3 cmake ninja-build)"
done
if [ ! -f "$BUILD/build.ninja" ]; then  # the Release tree scripts/bench.sh uses
  extra=()
  [ -f "$SRC/build/third_party/httplib/httplib.h" ] && extra+=(-DFREENAHI_HTTPLIB_DIR="$SRC/build/third_party/httplib")
  cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFREENAHI_BUILD_BENCH=ON \
    -DFREENAHI_BUILD_TESTS=OFF "${extra[@]}" > "$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log" >&2; die "cmake failed"; }
fi
if [ -z "${NO_BUILD:-}" ]; then  # NO_BUILD=1: measure the binary as it is
  ninja -C "$BUILD" freenahi > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
fi
BIN="$BUILD/freenahi"
PORT=$((20000 + RANDOM % 30000))
status_kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.2f", k / 1024 }'; }
inbox_count() { sqlite3 -batch -noheader "$WORK/db/freenahi.db" "SELECT count(*) FROM inbox" 2>/dev/null || echo 0; }
pending_count() { sqlite3 -batch -noheader "$WORK/db/freenahi.db" "SELECT count(*) FROM inbox WHERE state = 'pending'" 2>/dev/null || echo 0; }
wait_applied() {  # until the backlog of a run is applied (at most 5 min), so runs do not overlap
  local i
  for i in $(seq 1 3000); do [ "$(pending_count)" = 0 ] && return 0; sleep 0.1; done
}
# start_daemon: a fresh database and a daemon on it (the one before, if any, stopped first).
start_daemon() {
  if [ -n "$DAEMON_PID" ]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
  rm -rf "$WORK/db"
  mkdir -p "$WORK/db"
  {
    echo "[powens]"
    echo "user_token = $TOKEN"
    echo "[server]"
    echo "listen = 127.0.0.1:$PORT"
    echo "max_connections = 64"
    echo "# every wrk connection comes from 127.0.0.1: above the default per-address cap (8) on purpose"
    echo "max_connections_per_ip = 64"
    echo "[store]"
    echo "database = $WORK/db/freenahi.db"
    echo "[log]"
    echo "level = warn"
  } > "$WORK/freenahi.ini"
  chmod 600 "$WORK/freenahi.ini"
  "$BIN" serve --config "$WORK/freenahi.ini" > "$WORK/daemon.log" 2>&1 &
  DAEMON_PID=$!
  local i
  for i in $(seq 1 200); do
    curl -sk -o /dev/null "https://127.0.0.1:$PORT/healthz" 2>/dev/null && break
    kill -0 "$DAEMON_PID" 2>/dev/null || die "daemon exited: $(tail -5 "$WORK/daemon.log")"
    sleep 0.05
  done
}
start_daemon

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
  local before
  wait_applied
  before=$(inbox_count)
  wrk -t "$([ "$conns" -ge 2 ] && echo 2 || echo 1)" -c "$conns" -d "${DURATION}s" --latency \
    -s "$WORK/webhook.lua" -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" \
    "${extra[@]}" "https://127.0.0.1:$PORT" > "$WORK/wrk-$name.out" 2>&1 || true
  local line
  line=$(grep '^WRK ' "$WORK/wrk-$name.out" || true)
  if [ -z "$line" ]; then
    echo "| $name | $conns | $keep | (no result: $(tail -2 "$WORK/wrk-$name.out" | tr '\n' ' ')) |"
    return
  fi
  # WRK requests=N errors=N rps=N p50_ms=N p99_ms=N
  local requests errors rps p50 p99
  read -r requests errors rps p50 p99 < <(sed 's/[a-z0-9_]*=//g; s/^WRK //' <<< "$line")
  echo "| $name | $conns | $keep | $requests | $((  $(inbox_count) - before )) | $errors | **$rps** | $p50 ms | $p99 ms |"
}

echo "== small webhooks (1 transaction each, distinct ids), ${DURATION} s per run; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | connections | keep-alive | requests | stored | errors | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|---|---|"
run_wrk sequential 1 on
run_wrk sequential 1 off
run_wrk concurrent 16 on
run_wrk concurrent 16 off
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
for keep in on off; do
  extra=()
  [ "$keep" = off ] && extra=(-H "Connection: close")
  echo "keep-alive $keep: answers carry: $(curl -sk -D - -o /dev/null "${extra[@]}" "https://127.0.0.1:$PORT/healthz" |
    tr -d '\r' | grep -iE '^(connection|keep-alive):' | paste -sd ' ' || echo 'no Connection header')"
done
echo
echo "== daemon RSS as webhooks accumulate (a fresh daemon and database; bursts of 16-way keep-alive)"
start_daemon
IDLE_KIB=$(status_kib "$DAEMON_PID" VmRSS)
echo "| webhooks stored and applied | VmRSS | VmHWM |"
echo "|---|---|---|"
echo "| 0 (idle) | $(mib "$IDLE_KIB") MiB | $(mib "$(status_kib "$DAEMON_PID" VmHWM)") MiB |"
for target in $RSS_POINTS; do
  while [ "$(inbox_count)" -lt "$target" ]; do
    wrk -t 2 -c 16 -d 1s -s "$WORK/webhook.lua" -H "Authorization: Bearer $TOKEN" \
      -H "Content-Type: application/json" "https://127.0.0.1:$PORT" > /dev/null 2>&1 || true
  done
  wait_applied
  echo "| $(inbox_count) | $(mib "$(status_kib "$DAEMON_PID" VmRSS)") MiB | $(mib "$(status_kib "$DAEMON_PID" VmHWM)") MiB |"
done
