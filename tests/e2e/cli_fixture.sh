# SPDX-License-Identifier: MIT
# Sourced by the CLI tests (45-49): the known small database — Powens' sample CONNECTION_SYNCED
# (two accounts, "Compte de dépôt" and "Livret A", seven transactions: one pending, one deleted
# at the bank) applied by the real daemon, which keeps running (queries read beside its writes).
# `run ARGS...` sets OUT (stdout+stderr) and RC; `out ARGS...` sets OUT to stdout only.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export TZ=UTC NO_COLOR=
F="$FREENAHI_BIN"
run() {
  set +e
  OUT=$("$F" "$@" 2>&1)
  RC=$?
  set -e
}
out() {
  set +e
  OUT=$("$F" "$@" 2> "$WORK/stderr")
  RC=$?
  set -e
  [ "$RC" = 0 ] || fail "freenahi $*: exit $RC: $(cat "$WORK/stderr")"
}
# expect_out WHAT: compares $OUT with the expected text on stdin.
expect_out() {
  local expected
  expected=$(cat)
  if [ "$OUT" != "$expected" ]; then
    diff <(printf '%s\n' "$expected") <(printf '%s\n' "$OUT") >&2 || true
    fail "$1: output differs (diff above: < expected, > actual)"
  fi
  pass "$1"
}
cli_fixture() {
  write_config
  start_daemon
  [ "$(post_webhook "$SAMPLES/connection_synced_basic.json")" = 200 ] || fail "sample webhook not accepted"
  local i
  for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && return 0; sleep 0.05; done
  fail "sample webhook not applied"
}
