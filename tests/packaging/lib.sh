# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
# Sourced by tests/packaging/*.sh: failure reporting, a scratch dir removed on exit, a free
# loopback port, a bounded wait for a daemon's /healthz over TLS, and a packaged binary's serve →
# webhook → CLI walk. No network beyond loopback.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TEST_NAME=$(basename "$0" .sh)
SCRATCH=$(mktemp -d "/tmp/freenahi-$TEST_NAME.XXXXXX")
CLEANUP=""  # extra commands run on exit (e.g. kill a daemon, purge a package)
trap 'eval "$CLEANUP"; rm -rf "$SCRATCH"' EXIT
CHECKS=0

fail() { echo "FAIL $TEST_NAME: $*" >&2; exit 1; }
ok() { CHECKS=$((CHECKS + 1)); [ -z "${VERBOSE:-}" ] || echo "ok: $*"; }
expect_eq() {  # expect_eq WHAT ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
  ok "$1"
}

# A TCP port nothing listens on now (the daemon may still lose a race: callers retry).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + $$ % 20000))
}

# wait_healthz PORT PID [TRIES]: polls https://127.0.0.1:PORT/healthz every 0.5 s while PID lives.
wait_healthz() {
  tries=${3:-60}
  while [ "$tries" -gt 0 ]; do
    kill -0 "$2" 2>/dev/null || return 1
    body=$(curl -sk --max-time 5 "https://127.0.0.1:$1/healthz" 2>/dev/null || true)
    [ "$body" = '{"status":"ok"}' ] && return 0
    sleep 0.5
    tries=$((tries - 1))
  done
  return 1
}

# stop_pid PID: SIGTERM, then at most 10 s before SIGKILL.
stop_pid() {
  kill -TERM "$1" 2>/dev/null || return 0
  n=20
  while kill -0 "$1" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.5; n=$((n - 1)); done
  kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# serve_and_sync INI RUNDIR CMD...: a packaged binary run as CMD (e.g. under qemu-user), with a
# copy of the packaged INI INI pointed at RUNDIR and a loopback port: serve answers /healthz with
# the certificate it generated (verified), stores the sample webhook, the same binary's CLI reads
# the transactions back, and SIGTERM stops it cleanly. Three tries at a free port.
serve_and_sync() {
  local ini=$1 run=$2 port pid served stored attempt i
  shift 2
  mkdir -p "$run"
  for attempt in 1 2 3; do
    port=$(free_port)
    sed -e "s|^database = .*|database = $run/freenahi.db|" \
        -e "s|^listen = .*|listen = 127.0.0.1:$port|" \
        -e "s|^user_token =.*|user_token = package-test-token|" "$ini" > "$run/freenahi.ini"
    chmod 600 "$run/freenahi.ini"
    "$@" serve --config "$run/freenahi.ini" > "$run/log" 2>&1 &
    pid=$!
    CLEANUP="stop_pid $pid"
    if wait_healthz "$port" "$pid" 120; then break; fi
    stop_pid "$pid"
    [ "$attempt" = 3 ] && { cat "$run/log" >&2; fail "serve ($*) never answered /healthz"; }
  done
  ok "serve answers /healthz over TLS"
  [ -s "$run/freenahi-cert.pem" ] || fail "no self-signed certificate next to the database"
  # The generated certificate is the one served.
  served=$(echo | openssl s_client -connect "127.0.0.1:$port" 2>/dev/null | openssl x509 -noout -fingerprint -sha256)
  stored=$(openssl x509 -in "$run/freenahi-cert.pem" -noout -fingerprint -sha256)
  expect_eq "served certificate" "$served" "$stored"
  # It names 127.0.0.1, so curl verifies it without -k.
  expect_eq "healthz with --cacert" "$(curl -s --max-time 10 --cacert "$run/freenahi-cert.pem" \
    "https://127.0.0.1:$port/healthz")" '{"status":"ok"}'
  # A real webhook through the packaged binary, then the packaged CLI reads it back.
  expect_eq "webhook answered" "$(curl -s --max-time 20 --cacert "$run/freenahi-cert.pem" \
    -H 'Authorization: Bearer package-test-token' --data-binary "@$ROOT/tests/data/powens/connection_synced_basic.json" \
    "https://127.0.0.1:$port/webhook/connection_synced/")" '{"status":"stored"}'
  for i in $(seq 1 60); do
    "$@" transactions --config "$run/freenahi.ini" --json 2>/dev/null | grep -q '"value":"-42.90"' && break
    sleep 0.5
  done
  "$@" transactions --config "$run/freenahi.ini" --json | grep -q '"id":90001,.*"value":"-42.90"' ||
    fail "the webhook's transactions are not in the packaged CLI's output"
  ok "webhook applied, read back by the packaged CLI"
  stop_pid "$pid"
  CLEANUP=""
  grep -q "stopped" "$run/log" || fail "no clean stop line: $(tail -3 "$run/log")"
  ok "SIGTERM stops it cleanly"
}

passed() { echo "PASS $TEST_NAME ($CHECKS checks)"; }
