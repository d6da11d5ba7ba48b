#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Log lines shaped for their reader (src/log.h), with the real daemon: in a terminal (plain)
# timestamped lines with freenahi[pid] and the level; for systemd's journal (chosen because
# $JOURNAL_STREAM names stderr) an sd-daemon "<N>" priority and no tag of ours; for procd
# (FREENAHI_LOG_FORMAT=procd, as the OpenWrt init script sets) info on stdout and warnings on
# stderr, no tag. A warning is provoked by an unauthenticated webhook.
source "$(dirname "$0")/lib.sh"
write_config

# run_daemon OUT ERR [VAR=VALUE...]: serve with stdout/stderr in OUT/ERR and the given
# environment; waits (bounded) for the "listening" line in either; retries on a taken port.
run_daemon() {
  local out=$1 err=$2 attempt i
  shift 2
  for attempt in 1 2 3 4 5; do
    : > "$out"
    [ "$out" = "$err" ] || : > "$err"
    env "$@" "$FREENAHI_BIN" serve --config "$CONFIG" >> "$out" 2>> "$err" &
    DAEMON_PID=$!
    for i in $(polls 100); do
      if grep -q "listening on .*:$PORT" "$out" "$err"; then return 0; fi
      kill -0 "$DAEMON_PID" 2>/dev/null || break
      sleep 0.05
    done
    if grep -q "Address already in use" "$out" "$err"; then
      local old=$PORT
      PORT=$((20000 + RANDOM % 30000))
      sed -i "s/127.0.0.1:$old/127.0.0.1:$PORT/" "$CONFIG"
      wait "$DAEMON_PID" 2>/dev/null || true
      continue
    fi
    cat "$out" "$err" >&2
    fail "daemon did not start"
  done
  fail "no free port found"
}
# provoke_warning: a webhook with a wrong token (401, logged as a warning), then a clean stop.
provoke_warning() {
  local code
  code=$(post /webhook/connection_synced/ "$SAMPLES/connection_synced_basic.json" -H "Authorization: Bearer wrong")
  [ "$code" = 401 ] || fail "wrong token answered $code"
  stop_daemon TERM
  [ "$DAEMON_RC" = 0 ] || fail "daemon exited $DAEMON_RC"
}
no_line_matches() {  # no_line_matches WHAT REGEX FILE
  if grep -Eq -- "$2" "$3"; then fail "$1: $(grep -E -m1 -- "$2" "$3")"; fi
  pass "$1"
}

# --- a terminal: plain ------------------------------------------------------------------------
run_daemon "$WORK/plain.log" "$WORK/plain.log" JOURNAL_STREAM= FREENAHI_LOG_FORMAT=
provoke_warning
ts='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'
expect_match "plain: info line" "^
)$ts freenahi\[[0-9]+\]: info: listening on https://127.0.0.1:$PORT" "$(cat "$WORK/plain.log")"
expect_match "plain: warning line" "^
)$ts freenahi\[[0-9]+\]: warn: webhook .*rejected.* from 127.0.0.1" "$(cat "$WORK/plain.log")"
[ "$(grep -Evc "^$ts freenahi\[[0-9]+\]: (error|warn|info|debug): ." "$WORK/plain.log")" = 0 ] ||
  fail "plain: a line without timestamp/tag/level: $(grep -Ev -m1 "^$ts freenahi" "$WORK/plain.log")"
pass "plain: every line timestamped, tagged and levelled"

# --- systemd's journal: $JOURNAL_STREAM names stderr's device and inode --------------------------
: > "$WORK/journal.log"
stream=$(stat -c '%d:%i' "$WORK/journal.log")
run_daemon "$WORK/journal.log" "$WORK/journal.log" JOURNAL_STREAM="$stream" FREENAHI_LOG_FORMAT=
provoke_warning
expect_match "journal: info at priority 6, no tag" "^
)<6>listening on https://127.0.0.1:$PORT" "$(cat "$WORK/journal.log")"
expect_match "journal: warning at priority 4" "^
)<4>warn: webhook .*rejected.* from 127.0.0.1" "$(cat "$WORK/journal.log")"
[ "$(grep -Evc '^<[3467]>' "$WORK/journal.log")" = 0 ] ||
  fail "journal: a line without a priority: $(grep -Ev -m1 '^<[3467]>' "$WORK/journal.log")"
pass "journal: every line has a priority"
no_line_matches "journal: no tag of ours" 'freenahi\[[0-9]+\]' "$WORK/journal.log"
no_line_matches "journal: no timestamp of ours" "$ts" "$WORK/journal.log"

# The variable inherited from a parent whose stderr was the journal, this stderr being a file: plain.
run_daemon "$WORK/inherited.log" "$WORK/inherited.log" JOURNAL_STREAM="$stream" FREENAHI_LOG_FORMAT=
stop_daemon TERM
expect_match "JOURNAL_STREAM naming another file: plain" "^$ts freenahi\[[0-9]+\]: info: " "$(head -1 "$WORK/inherited.log")"

# --- procd: info to stdout (LOG_INFO), warnings and errors to stderr (LOG_ERR), no tag ----------
run_daemon "$WORK/procd.out" "$WORK/procd.err" FREENAHI_LOG_FORMAT=procd JOURNAL_STREAM="$stream"
provoke_warning
expect_match "procd: info on stdout, no tag" "^
)listening on https://127.0.0.1:$PORT" "$(cat "$WORK/procd.out")"
expect_match "procd: warning on stderr" "^warn: webhook .*rejected.* from 127.0.0.1" "$(cat "$WORK/procd.err")"
no_line_matches "procd: no warning or error on stdout" '^(warn|error): ' "$WORK/procd.out"
[ "$(grep -Evc '^(warn|error): ' "$WORK/procd.err")" = 0 ] ||
  fail "procd: an info line on stderr: $(grep -Ev -m1 '^(warn|error): ' "$WORK/procd.err")"
pass "procd: only warnings and errors on stderr"
no_line_matches "procd: no tag of ours" 'freenahi\[[0-9]+\]' "$WORK/procd.out"
no_line_matches "procd: no tag of ours on stderr" 'freenahi\[[0-9]+\]' "$WORK/procd.err"
no_line_matches "procd: no priority prefix" '^<[0-9]>' "$WORK/procd.out"

# --- an unknown value: plain, with a warning saying so ------------------------------------------
# (JOURNAL_STREAM names this very stderr: an unknown value is not taken for "auto".)
: > "$WORK/unknown.log"
run_daemon "$WORK/unknown.log" "$WORK/unknown.log" FREENAHI_LOG_FORMAT=syslog JOURNAL_STREAM="$(stat -c '%d:%i' "$WORK/unknown.log")"
stop_daemon TERM
expect_match "unknown format: warned" "freenahi\[[0-9]+\]: warn: FREENAHI_LOG_FORMAT: not auto, plain, journal or procd" "$(cat "$WORK/unknown.log")"
expect_match "unknown format: plain" "^$ts freenahi\[[0-9]+\]: " "$(head -1 "$WORK/unknown.log")"
finish
