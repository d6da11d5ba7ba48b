# SPDX-License-Identifier: MIT
# Helpers for the end-to-end tests: a temp dir that cleans itself up, a generated config on a free
# loopback port, the real daemon started and stopped, curl with the generated certificate, and
# checks that stop the test with a clear message. Sourced by tests/e2e/NN-*.sh.
set -euo pipefail

: "${FREENAHI_BIN:?set FREENAHI_BIN to the freenahi binary}"
: "${FREENAHI_SOURCE_DIR:?set FREENAHI_SOURCE_DIR to the source tree}"
SAMPLES="$FREENAHI_SOURCE_DIR/tests/data/powens"
TOKEN="q8ZtR2mVw4Kx9LpB7nYc3HdF6sJa1UeG0oTiX5rWkQbNvM2zPyLh8Ds4Cf7Ag"  # auth_init_response.json
WORK=$(mktemp -d /tmp/freenahi-e2e.XXXXXX)
DAEMON_PID=""
CHECKS=0
# polls N: the rounds of a bounded wait written for N polls on an idle machine, times
# FREENAHI_TEST_PATIENCE (default 4). A wait ends as soon as its condition holds, so the margin
# costs nothing when all is well, and a test that is only slow (CTest runs most of them side by
# side on two cores) is not failed for it. Bounds that are the point of a test stay as written.
PATIENCE=${FREENAHI_TEST_PATIENCE:-4}
polls() { seq 1 $(( $1 * PATIENCE )); }

cleanup() {
  if [ -n "$DAEMON_PID" ] && kill -0 "$DAEMON_PID" 2>/dev/null; then kill -9 "$DAEMON_PID" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
# memory_bounds_hold: false under ASan (scripts/test.sh --sanitize), whose shadow memory and
# quarantine make RSS bounds meaningless; such tests say so and skip only that check.
memory_bounds_hold() {
  if [ "${FREENAHI_SANITIZED:-0}" = 1 ]; then
    echo "note: sanitizer build: RSS bounds not checked"
    return 1
  fi
}
# use_small_disk SIZE: puts the database (DB_PATH) on a tmpfs of SIZE at $SMALL, unmounted on
# exit (after the daemon is killed), for the full-disk tests. Exits 77 (skipped) where mounting
# is not allowed (needs root).
use_small_disk() {
  SMALL="$WORK/small"
  mkdir -p "$SMALL"
  if ! mount -t tmpfs -o "size=$1" tmpfs "$SMALL" 2>/dev/null; then
    echo "skip: cannot mount a tmpfs here (needs root)"
    exit 77
  fi
  trap small_disk_cleanup EXIT
  DB_PATH="$SMALL/freenahi.db"
}
small_disk_cleanup() {
  set +e  # a failing command must not stop the unmount
  if [ -n "$DAEMON_PID" ]; then kill -9 "$DAEMON_PID" 2>/dev/null; wait "$DAEMON_PID" 2>/dev/null; fi
  umount "$SMALL" 2>/dev/null || umount -l "$SMALL" 2>/dev/null
  cleanup
}

fail() {
  echo "FAIL: $*" >&2
  if [ -f "$WORK/daemon.log" ]; then echo "--- daemon log (last 30 lines)" >&2; tail -30 "$WORK/daemon.log" >&2; fi
  exit 1
}
pass() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
expect_eq() {  # expect_eq WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || fail "$1: expected '$2', got '$3'"
  pass "$1"
}
expect_match() {  # expect_match WHAT REGEX TEXT
  # A here-string, not `printf | grep -q`: grep quitting at the first match can kill printf with
  # SIGPIPE on a long text, and pipefail then reads that as no match.
  grep -Eq -- "$2" <<< "$3" || fail "$1: '$3' does not match /$2/"
  pass "$1"
}
finish() {
  if [ -n "$DAEMON_PID" ]; then stop_daemon TERM; fi
  echo "$CHECKS passed, 0 failed"
}

# write_config [extra "section.key = value" lines...]: a config for a loopback daemon in $WORK.
write_config() {
  PORT=$((20000 + RANDOM % 30000))
  {
    echo "[powens]"
    echo "user_token = $TOKEN"
    for kv in "$@"; do case $kv in powens.*) echo "${kv#powens.}" ;; esac; done
    echo "[server]"
    echo "listen = 127.0.0.1:$PORT"
    for kv in "$@"; do case $kv in server.*) echo "${kv#server.}" ;; esac; done
    echo "[store]"
    echo "database = ${DB_PATH:-$WORK/freenahi.db}"
    for kv in "$@"; do case $kv in store.*) echo "${kv#store.}" ;; esac; done
    echo "[log]"
    echo "level = debug"
  } > "$WORK/freenahi.ini"
  chmod 600 "$WORK/freenahi.ini"
  CONFIG="$WORK/freenahi.ini"
  DB="${DB_PATH:-$WORK/freenahi.db}"
  CERT="$(dirname "$DB")/freenahi-cert.pem"
  SCHEME=https
}

# start_daemon: starts `freenahi serve` and waits (bounded) until it listens. Retries on a taken port.
start_daemon() {
  local attempt
  for attempt in 1 2 3 4 5; do
    local skip
    skip=0
    [ -f "$WORK/daemon.log" ] && skip=$(wc -l < "$WORK/daemon.log")
    "$FREENAHI_BIN" serve --config "$CONFIG" >> "$WORK/daemon.log" 2>&1 &
    DAEMON_PID=$!
    local i
    for i in $(polls 100); do
      if grep -q "listening on .*:$PORT" < <(tail -n +$((skip + 1)) "$WORK/daemon.log"); then return 0; fi
      if ! kill -0 "$DAEMON_PID" 2>/dev/null; then break; fi
      sleep 0.05
    done
    if grep -q "Address already in use" < <(tail -n +$((skip + 1)) "$WORK/daemon.log"); then
      local old=$PORT
      PORT=$((20000 + RANDOM % 30000))
      sed -i "s/127.0.0.1:$old/127.0.0.1:$PORT/" "$CONFIG"
      continue
    fi
    fail "daemon did not start"
  done
  fail "no free port found"
}

# stop_daemon [SIGNAL]: signals the daemon and waits (bounded) for it; sets DAEMON_RC.
stop_daemon() {
  local sig=${1:-TERM} i
  kill "-$sig" "$DAEMON_PID" 2>/dev/null || true
  for i in $(polls 100); do
    kill -0 "$DAEMON_PID" 2>/dev/null || break
    sleep 0.05
  done
  kill -0 "$DAEMON_PID" 2>/dev/null && fail "daemon still running $(( 5 * PATIENCE )) s after SIG$sig"
  set +e
  wait "$DAEMON_PID"
  DAEMON_RC=$?
  set -e
  DAEMON_PID=""
}

url() { echo "$SCHEME://localhost:$PORT$1"; }
CURL=(curl -sS --max-time 20 --cacert "$WORK/freenahi-cert.pem")

# post PATH FILE [curl args...]: prints the HTTP status; the body goes to $WORK/response.
post() {
  local path=$1 file=$2
  shift 2
  "${CURL[@]}" --cacert "$CERT" -o "$WORK/response" -w '%{http_code}' -H 'Content-Type: application/json' \
    --data-binary "@$file" "$@" "$(url "$path")" || echo "curl-failed"
}
post_webhook() {  # post_webhook FILE [curl args...]: connection_synced with the right token
  local file=$1
  shift
  post /webhook/connection_synced/ "$file" -H "Authorization: Bearer $TOKEN" "$@"
}

sql() { sqlite3 -batch -noheader "$DB" "$1"; }
# The business tables, in a stable text form: what "the same database" means. Leaves out only
# connections.updated_at, the wall-clock time of freenahi's own write.
dump_data() {
  local t
  for t in users accounts transactions balance_history investments loans; do
    echo "== $t"
    sqlite3 -batch -noheader "$DB" "SELECT * FROM $t ORDER BY 1, 2"
  done
  echo "== connections"
  sqlite3 -batch -noheader "$DB" "SELECT id, user_id, connector_id, connector_uuid, connector_name, state,
    error_message, last_update, created, active, deleted_at FROM connections ORDER BY id"
}
