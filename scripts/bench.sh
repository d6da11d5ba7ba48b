#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DESIGN §5 figures, measured in one run against a floor measured in the same run: in-process
# (freenahi_bench), then end to end (the real `freenahi serve` on 127.0.0.1, curl over TLS), RSS
# from /proc and the stripped binary size. Prints figures; never fails on a missed target.
# Usage: scripts/bench.sh   (env: N=10000 transactions, RUNS=3 end-to-end runs,
#                             BENCH_RUNS=5 in-process runs, BUILD=build-bench)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
N=${N:-10000}
RUNS=${RUNS:-3}
BENCH_RUNS=${BENCH_RUNS:-5}
TOKEN="bench-token-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
WORK=$(mktemp -d /tmp/freenahi-bench.XXXXXX)
DAEMON_PID=""

cleanup() {
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then kill -9 "$DAEMON_PID" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
  echo "bench: error: $*" >&2
  if [ -f "$WORK/daemon.log" ]; then echo "--- daemon log (last 20 lines)" >&2; tail -20 "$WORK/daemon.log" >&2; fi
  exit 1
}
for tool in cmake ninja curl sqlite3 strip awk; do
  command -v "$tool" > /dev/null || die "$tool not found"
done

# ---- build (Release, with the bench target) ----------------------------------------------------
if [ ! -f "$BUILD/build.ninja" ]; then
  extra=()
  # Reuse an already fetched httplib.h when there is one (no network needed).
  [ -f "$SRC/build/third_party/httplib/httplib.h" ] && extra+=(-DFREENAHI_HTTPLIB_DIR="$SRC/build/third_party/httplib")
  cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFREENAHI_BUILD_BENCH=ON \
    -DFREENAHI_BUILD_TESTS=OFF "${extra[@]}" > "$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log" >&2; die "cmake failed"; }
fi
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$BUILD/CMakeCache.txt" || echo "bench: warning: $BUILD is not a Release build" >&2
ninja -C "$BUILD" freenahi freenahi_bench > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
BIN="$BUILD/freenahi"

# ---- payload ------------------------------------------------------------------------------------
PAYLOAD="$WORK/payload.json"
sh "$SRC/scripts/make-payload.sh" "$N" > "$PAYLOAD"
PAYLOAD_BYTES=$(stat -c %s "$PAYLOAD")
echo "== payload: $N transactions, $PAYLOAD_BYTES bytes"

# ---- in-process: floor vs freenahi's pipeline ---------------------------------------------------
echo "== freenahi_bench (in-process, databases in $WORK)"
mkdir -p "$WORK/inproc"
timeout 60 "$BUILD/freenahi_bench" "$PAYLOAD" --runs "$BENCH_RUNS" --dir "$WORK/inproc" | tee "$WORK/bench.out"
result=$(grep '^RESULT ' "$WORK/bench.out") || die "freenahi_bench printed no RESULT line"
field() { printf '%s\n' "$result" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
FLOOR_MS=$(field floor_ms)
INPROC_MS=$(field pipeline_ms)

# ---- end to end: the real daemon over TLS -------------------------------------------------------
status_kib() {  # status_kib PID FIELD: a /proc/PID/status figure in KiB
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

write_config() {
  PORT=$((20000 + RANDOM % 30000))
  cat > "$WORK/freenahi.ini" <<EOF
[powens]
user_token = $TOKEN
[server]
listen = 127.0.0.1:$PORT
[store]
database = $WORK/e2e/freenahi.db
[log]
level = info
EOF
  chmod 600 "$WORK/freenahi.ini"
}

start_daemon() {  # bounded wait for "listening on"; a taken port gets another one
  local attempt i
  for attempt in 1 2 3 4 5; do
    write_config
    : > "$WORK/daemon.log"
    "$BIN" serve --config "$WORK/freenahi.ini" >> "$WORK/daemon.log" 2>&1 &
    DAEMON_PID=$!
    for i in $(seq 1 200); do
      grep -q "listening on .*$PORT" "$WORK/daemon.log" && return 0
      kill -0 "$DAEMON_PID" 2>/dev/null || break
      sleep 0.025
    done
    if grep -q "Address already in use" "$WORK/daemon.log"; then continue; fi
    die "daemon did not start"
  done
  die "no free port found"
}

stop_daemon() {
  local i
  kill -TERM "$DAEMON_PID" 2>/dev/null || true
  for i in $(seq 1 100); do
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=""
}

echo "== end to end: freenahi serve on 127.0.0.1, curl over TLS, $RUNS runs (fresh database each)"
mkdir -p "$WORK/e2e"
E2E_MS=() TLS_MS=() CURL_MS=() APPLY_MS=() IDLE_RSS=() IDLE_ANON=() IDLE_FILE=() IDLE_PSS=() HWM=() AFTER_RSS=()
for run in $(seq 1 "$RUNS"); do
  rm -f "$WORK/e2e/freenahi.db" "$WORK/e2e/freenahi.db-wal" "$WORK/e2e/freenahi.db-shm"
  start_daemon
  sleep 0.3  # let start-up settle before reading idle figures
  IDLE_RSS+=("$(status_kib "$DAEMON_PID" VmRSS)")
  IDLE_ANON+=("$(status_kib "$DAEMON_PID" RssAnon)")
  IDLE_FILE+=("$(status_kib "$DAEMON_PID" RssFile)")
  IDLE_PSS+=("$(awk '$1 == "Pss:" { print $2 }' "/proc/$DAEMON_PID/smaps_rollup" 2>/dev/null || echo 0)")
  CERT="$WORK/e2e/freenahi-cert.pem"
  [ -f "$CERT" ] || die "no certificate at $CERT"

  start=$(now_ms)
  code=$(curl -sS --max-time 30 --cacert "$CERT" -o "$WORK/response" -w '%{http_code} %{time_total}' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    --data-binary "@$PAYLOAD" "https://localhost:$PORT/webhook/connection_synced/") || die "curl failed"
  [ "${code%% *}" = 200 ] || die "webhook answered ${code%% *}: $(cat "$WORK/response")"
  CURL_MS+=("$(awk -v t="${code#* }" 'BEGIN { printf "%.0f", t * 1000 }')")
  state=""
  for i in $(seq 1 3000); do  # bounded: 3000 x ~5 ms
    state=$(sqlite3 -batch -noheader "$WORK/e2e/freenahi.db" "SELECT state FROM inbox" 2>/dev/null || true)
    [ "$state" = applied ] && break
    [ "$state" = failed ] && die "inbox item failed"
    sleep 0.005
  done
  end=$(now_ms)
  [ "$state" = applied ] && E2E_MS+=("$((end - start))") || die "not applied within the bounded wait"
  applied_ms=""
  for i in $(seq 1 200); do  # the log line follows the commit the query just saw
    applied_ms=$(sed -n 's/.*inbox [0-9]*: applied in \([0-9]*\) ms.*/\1/p' "$WORK/daemon.log" | tail -1)
    [ -n "$applied_ms" ] && break
    sleep 0.01
  done
  APPLY_MS+=("${applied_ms:-0}")
  rows=$(sqlite3 -batch -noheader "$WORK/e2e/freenahi.db" "SELECT count(*) FROM transactions")
  [ "$rows" = "$N" ] || die "expected $N transactions, found $rows"
  HWM+=("$(status_kib "$DAEMON_PID" VmHWM)")
  sleep 0.2
  AFTER_RSS+=("$(status_kib "$DAEMON_PID" VmRSS)")
  # The same bytes to an unknown path: TLS handshake + transfer + framing only (404, nothing
  # stored). After the RSS readings, so its buffers do not count in the peak.
  t404=$(curl -sS --max-time 30 --cacert "$CERT" -o /dev/null -w '%{http_code} %{time_total}' \
    -H 'Content-Type: application/json' --data-binary "@$PAYLOAD" "https://localhost:$PORT/bench-404") || die "curl failed"
  [ "${t404%% *}" = 404 ] || die "unknown path answered ${t404%% *}"
  TLS_MS+=("$(awk -v t="${t404#* }" 'BEGIN { printf "%.0f", t * 1000 }')")
  stop_daemon
  echo "  run $run: post->applied ${E2E_MS[-1]} ms (curl ${CURL_MS[-1]} ms, daemon apply ${APPLY_MS[-1]} ms)," \
    "TLS-only ${TLS_MS[-1]} ms, idle VmRSS ${IDLE_RSS[-1]} KiB, VmHWM ${HWM[-1]} KiB"
done

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
E2E=$(median "${E2E_MS[@]}")
STRIPPED="$WORK/freenahi.stripped"
strip -o "$STRIPPED" "$BIN"
SIZE=$(stat -c %s "$STRIPPED")
SHARED=$(ldd "$BIN" 2>/dev/null | awk '/mbedtls|sqlite3/ { printf "%s ", $1 }')

mib() { awk -v k="$1" 'BEGIN { printf "%.2f MiB", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
PAYLOAD_KIB=$((PAYLOAD_BYTES / 1024))
echo
echo "== DESIGN §5 figures ($(uname -m), $(nproc) CPUs, medians; floor measured in this run)"
printf '%-52s %14s  %s\n' "figure" "value" "target"
printf '%-52s %11s ms  %s\n' "floor: RapidJSON parse + bulk INSERT (in-process)" "$FLOOR_MS" "-"
printf '%-52s %11s ms  %s\n' "freenahi pipeline in-process" "$INPROC_MS" "-"
printf '%-52s %14s  %s\n' "  ratio in-process / floor" "$(ratio "$INPROC_MS" "$FLOOR_MS")" "<= 2"
printf '%-52s %11s ms  %s\n' "end to end: POST over TLS -> applied (wall)" "$E2E" "-"
printf '%-52s %11s ms  %s\n' "  of which curl (TLS + inbox commit, answer 200)" "$(median "${CURL_MS[@]}")" "-"
printf '%-52s %11s ms  %s\n' "  (same bytes to a 404 path: TLS + transfer only)" "$(median "${TLS_MS[@]}")" "-"
printf '%-52s %11s ms  %s\n' "  of which daemon \"applied in\" (parse + upsert)" "$(median "${APPLY_MS[@]}")" "-"
printf '%-52s %14s  %s\n' "  ratio end to end / floor" "$(ratio "$E2E" "$FLOOR_MS")" "<= 2"
printf '%-52s %14s  %s\n' "idle VmRSS after start" "$(mib "$(median "${IDLE_RSS[@]}")")" "<= 2 MiB"
printf '%-52s %14s  %s\n' "  of which RssAnon (heap, stacks)" "$(mib "$(median "${IDLE_ANON[@]}")")" "-"
printf '%-52s %14s  %s\n' "  of which RssFile (binary + shared libraries)" "$(mib "$(median "${IDLE_FILE[@]}")")" "-"
printf '%-52s %14s  %s\n' "idle PSS after start (shared pages divided)" "$(mib "$(median "${IDLE_PSS[@]}")")" "-"
printf '%-52s %14s  %s\n' "peak VmHWM ingesting (max of runs)" "$(mib "$(max "${HWM[@]}")")" "<= $(mib $((3 * PAYLOAD_KIB))) (3x payload)"
printf '%-52s %14s  %s\n' "  VmHWM / payload" "$(ratio "$(max "${HWM[@]}")" "$PAYLOAD_KIB")" "<= 3"
printf '%-52s %14s  %s\n' "VmRSS 0.2 s after ingesting (idle again)" "$(mib "$(median "${AFTER_RSS[@]}")")" "-"
printf '%-52s %14s  %s\n' "stripped binary ($(uname -m); shared: ${SHARED:-none})" "$(mib $((SIZE / 1024)))" "<= 1.5 MiB (aarch64)"
