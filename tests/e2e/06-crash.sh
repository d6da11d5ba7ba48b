#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# kill -9 at any point of an ingestion (DESIGN §5): while the body arrives, right after the 200,
# in the middle of the apply. After each kill the database passes integrity_check and holds all
# of the sync or none of it; after a restart and a redelivery it equals a clean run's database.
source "$(dirname "$0")/lib.sh"
N=10000
"$FREENAHI_SOURCE_DIR/scripts/make-payload.sh" "$N" 7770001 > "$WORK/sync.json"

wait_applied() {
  local i
  for i in $(seq 1 200); do
    [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'")" = 1 ] && return 0
    sleep 0.05
  done
  fail "sync not applied within 10 s"
}

# The reference: a clean run.
write_config
start_daemon
expect_eq "clean run accepted" "200" "$(post_webhook "$WORK/sync.json")"
wait_applied
expect_eq "clean run stored every transaction" "$N" "$(sql "SELECT count(*) FROM transactions")"
dump_data > "$WORK/clean.dump"
stop_daemon TERM

mid_apply_seen=0
crash_round() {  # crash_round NAME MODE DELAY
  local name=$1 mode=$2 delay=$3
  rm -f "$DB" "$DB-wal" "$DB-shm"
  start_daemon
  if [ "$mode" = upload ]; then
    post_webhook "$WORK/sync.json" > /dev/null &
    sleep "$delay"
  else
    post_webhook "$WORK/sync.json" > /dev/null
    sleep "$delay"
  fi
  kill -9 "$DAEMON_PID"
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=""
  wait 2>/dev/null || true  # the background curl, if any
  expect_eq "$name: integrity after kill -9" "ok" "$(sql "PRAGMA integrity_check")"
  local count
  count=$(sql "SELECT count(*) FROM transactions" 2>/dev/null || echo 0)
  [ "$count" = 0 ] || [ "$count" = "$N" ] || fail "$name: half applied: $count of $N transactions"
  pass "$name: all or nothing ($count rows)"
  if [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'pending'" 2>/dev/null || echo 0)" = 1 ]; then
    mid_apply_seen=$((mid_apply_seen + 1))
  fi
  start_daemon  # applies what was stored but not applied
  expect_eq "$name: redelivery after restart" "200" "$(post_webhook "$WORK/sync.json")"
  wait_applied
  expect_eq "$name: same database as the clean run" "$(cat "$WORK/clean.dump")" "$(dump_data)"
  stop_daemon TERM
}
crash_round "during upload" upload 0.05
crash_round "right after 200" after 0
crash_round "10 ms into the apply" after 0.01
crash_round "40 ms into the apply" after 0.04
crash_round "100 ms into the apply" after 0.1
crash_round "long after the apply" after 3
expect_eq "at least one kill landed between the inbox commit and the apply" "yes" \
  "$([ "$mid_apply_seen" -ge 1 ] && echo yes || echo "no ($mid_apply_seen)")"
finish
