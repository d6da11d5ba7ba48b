# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
# Sourced by tests/packaging/*.sh: failure reporting, a scratch dir removed on exit, a free
# loopback port, and a bounded wait for a daemon's /healthz over TLS. No network beyond loopback.
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

passed() { echo "PASS $TEST_NAME ($CHECKS checks)"; }
