#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DESIGN §5 ingest figures, each against a floor measured in the same run: in-process
# (freenahi_bench: floor = RapidJSON DOM parse + one-transaction bulk INSERT of the same rows),
# then end to end (the real `freenahi serve` on 127.0.0.1, curl over TLS): POST -> applied, a
# re-sent body (all rows known), an "update" body, and peak RSS above idle, for each size.
# Prints figures; never fails on a missed target. Figures and their meaning: BENCHMARKS.md.
# Usage: scripts/bench.sh   (env: SIZES="1000 10000 100000" transactions, RUNS=3 end-to-end
#                             runs per size, BENCH_RUNS=3 in-process runs, BUILD=build-bench)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
SIZES=${SIZES:-1000 10000 100000}
RUNS=${RUNS:-3}
BENCH_RUNS=${BENCH_RUNS:-3}
TOKEN="bench-token-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
WORK=$(mktemp -d /tmp/freenahi-bench.XXXXXX)
DAEMON_PID=""

cleanup() {
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then kill -9 "$DAEMON_PID" 2>/dev/null || true; fi
  if [ -n "${TAIL_PID:-}" ]; then kill "$TAIL_PID" 2>/dev/null || true; fi
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
GEN="$BUILD/freenahi_bench"

status_kib() {  # status_kib PID FIELD: a /proc/PID/status figure in KiB
  awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
# now_ms VAR: milliseconds since the epoch into VAR, from bash's own clock: no process and no
# subshell (each costs several ms on this VM, inside the intervals measured).
now_ms() { local us=${EPOCHREALTIME/[.,]/}; printf -v "$1" '%s' $((us / 1000)); }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
max() { printf '%s\n' "$@" | sort -n | tail -1; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
per_s() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", n * 1000 / ms }'; }

write_config() {
  PORT=$((20000 + RANDOM % 30000))
  cat > "$WORK/freenahi.ini" <<EOF
[powens]
user_token = $TOKEN
[server]
listen = 127.0.0.1:$PORT
max_body = 256M
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
    exec {LOG_FD}< <(exec tail -n +1 -F "$WORK/daemon.log" 2> /dev/null)
    TAIL_PID=$!
    for i in $(seq 1 400); do
      grep -q "listening on .*$PORT" "$WORK/daemon.log" && return 0
      kill -0 "$DAEMON_PID" 2>/dev/null || break
      sleep 0.025
    done
    close_log
    if grep -q "Address already in use" "$WORK/daemon.log"; then continue; fi
    die "daemon did not start"
  done
  die "no free port found"
}

stop_daemon() {
  local i
  kill -TERM "$DAEMON_PID" 2>/dev/null || true
  for i in $(seq 1 200); do
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=""
  close_log
}

close_log() {
  if [ -n "${TAIL_PID:-}" ]; then kill "$TAIL_PID" 2>/dev/null || true; exec {LOG_FD}<&-; TAIL_PID=""; fi
}

# post_and_wait FILE: POST over TLS, then wait until the daemon logs the item applied; prints
# "post_ms curl_ms daemon_apply_ms wall_ms". post_ms runs from curl's own clock (its connect) to
# the log line: time_total plus the wait after curl exits. wall_ms also holds the start of a fresh
# curl process (~35 ms here: loading OpenSSL and reading the CA file, before it connects), which
# a sender that keeps running, as Powens's does, never pays. The daemon writes "inbox N: applied
# in X ms" right after the apply's commit. One `tail -F` of the log (opened by start_daemon, read
# line by line here, no process per check) sees it at once; polling the database with sqlite3
# spawns every few ms, as this script did before, took a core from the daemon on a 2-core machine
# (a 10k apply logged 320 ms instead of ~160 ms). curl streams the file (-T; without a trailing
# slash, which would make curl append the file's name), as Powens streams its body:
# --data-binary @FILE first reads the whole file into curl's memory, ~50 ms at 10k before even
# connecting.
post_and_wait() {
  local file=$1 start code line exited end applied_ms=""
  now_ms start
  code=$(curl -sS --max-time 120 --cacert "$WORK/e2e/freenahi-cert.pem" -o "$WORK/response" -w '%{http_code} %{time_total}' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    -X POST -T "$file" "https://localhost:$PORT/webhook/connection_synced") || die "curl failed"
  now_ms exited
  [ "${code%% *}" = 200 ] || die "webhook answered ${code%% *}: $(cat "$WORK/response")"
  while IFS= read -r -t 600 -u "$LOG_FD" line; do  # bounded: 600 s without a log line
    case $line in
      *"inbox "*": applied in "*)
        now_ms end
        applied_ms=$(sed -n 's/.*: applied in \([0-9]*\) ms.*/\1/p' <<< "$line")
        break ;;
      *"inbox "*": kept, not applied"*|*"inbox "*": will retry"*) die "inbox item not applied: $line" ;;
    esac
  done
  [ -n "$applied_ms" ] || die "not applied within the bounded wait"
  local curl_ms
  curl_ms=$(awk -v t="${code#* }" 'BEGIN { printf "%.0f", t * 1000 }')
  echo "$((curl_ms + end - exited)) $curl_ms $applied_ms $((end - start))"
}

SUMMARY="$WORK/summary.txt"
: > "$SUMMARY"
for N in $SIZES; do
  PAYLOAD="$WORK/payload-$N.json"
  "$GEN" --generate "$N" --webhook-id 1 > "$PAYLOAD"
  "$GEN" --generate "$N" --webhook-id 2 > "$WORK/resend-$N.json"  # same rows, another webhook
  "$GEN" --generate "$N" --webhook-id 3 --update > "$WORK/update-$N.json"
  BYTES=$(stat -c %s "$PAYLOAD")
  echo "== $N transactions, $BYTES bytes ($(mib $((BYTES / 1024))) MiB)"

  echo "-- freenahi_bench (in-process)"
  mkdir -p "$WORK/inproc"
  runs=$BENCH_RUNS
  [ "$N" -ge 100000 ] && runs=1
  timeout 900 "$GEN" "$PAYLOAD" --runs "$runs" --dir "$WORK/inproc" | tee "$WORK/bench.out" | sed 's/^/   /'
  result=$(grep '^RESULT ' "$WORK/bench.out") || die "freenahi_bench printed no RESULT line"
  field() { printf '%s\n' "$result" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
  FLOOR_MS=$(field floor_ms)

  echo "-- end to end over TLS, $RUNS runs (fresh database each)"
  mkdir -p "$WORK/e2e"
  E2E=() WALL=() CURL=() APPLY=() RESEND=() UPDATE=() IDLE=() HWM=() AFTER=()
  for run in $(seq 1 "$RUNS"); do
    rm -f "$WORK/e2e/freenahi.db" "$WORK/e2e/freenahi.db-wal" "$WORK/e2e/freenahi.db-shm"
    start_daemon
    sleep 0.3  # let start-up settle before reading idle figures
    IDLE+=("$(status_kib "$DAEMON_PID" VmRSS)")
    read -r post curl_ms apply_ms wall < <(post_and_wait "$PAYLOAD")
    E2E+=("$post") WALL+=("$wall") CURL+=("$curl_ms") APPLY+=("$apply_ms")
    HWM+=("$(status_kib "$DAEMON_PID" VmHWM)")
    rows=$(sqlite3 -batch -noheader "$WORK/e2e/freenahi.db" "SELECT count(*) FROM transactions")
    [ "$rows" = "$N" ] || die "expected $N transactions, found $rows"
    read -r post _ _ _ < <(post_and_wait "$WORK/resend-$N.json")
    RESEND+=("$post")
    read -r post _ _ _ < <(post_and_wait "$WORK/update-$N.json")
    UPDATE+=("$post")
    sleep 0.3
    AFTER+=("$(status_kib "$DAEMON_PID" VmRSS)")
    stop_daemon
    echo "   run $run: post->applied ${E2E[-1]} ms (curl ${CURL[-1]} ms, daemon apply ${APPLY[-1]} ms;" \
      "${WALL[-1]} ms with curl's start)," \
      "re-sent ${RESEND[-1]} ms, update ${UPDATE[-1]} ms, idle ${IDLE[-1]} KiB, VmHWM ${HWM[-1]} KiB"
  done
  e2e=$(median "${E2E[@]}")
  idle=$(median "${IDLE[@]}")
  hwm=$(max "${HWM[@]}")
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$N" "$(mib $((BYTES / 1024)))" "$FLOOR_MS" "$(field first_apply_ms)" "$(field duplicate_apply_ms)" \
    "$(median "${CURL[@]}")" "$(median "${APPLY[@]}")" "$e2e" "$(median "${WALL[@]}")" "$(per_s "$N" "$e2e")" "$(ratio "$e2e" "$FLOOR_MS")" \
    "$(mib "$(field pipeline_peak_growth_kib)")" "$(mib $((hwm - idle)))" >> "$SUMMARY"
  printf '| %s | re-sent: %s ms, update: %s ms (first: %s ms) | idle %s MiB, after %s MiB |\n' "$N" \
    "$(median "${RESEND[@]}")" "$(median "${UPDATE[@]}")" "$e2e" "$(mib "$idle")" "$(mib "$(median "${AFTER[@]}")")" >> "$SUMMARY.2"
done

echo
echo "== summary ($(uname -m), $(nproc) CPUs, medians; the floor is measured in the same run)"
echo "| tx | body MiB | floor ms | in-process apply ms | in-process re-apply (duplicates) ms | curl (TLS + inbox commit) ms | daemon apply ms | POST->applied ms | same, with a fresh curl's start ms | tx/s | ratio to floor | in-process peak growth MiB | daemon VmHWM - idle MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
cat "$SUMMARY"
echo
echo "| tx | end to end, other bodies | daemon RSS |"
echo "|---|---|---|"
cat "$SUMMARY.2"
