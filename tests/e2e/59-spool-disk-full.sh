#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A large webhook body (over 2 MiB: spooled beside the database while it arrives) on a full disk:
# when the spool itself cannot be written, and when the spool fits but the inbox copy does not,
# the answer is 503 with Retry-After, nothing is stored, and the spool's space comes back (no file
# left); once space returns the redelivery is stored and applied whole.
# Needs root for the tmpfs mount; exits 77 (skipped) where mounting is not allowed.
source "$(dirname "$0")/lib.sh"
use_small_disk 16m
write_config
start_daemon
N=2500
"$FREENAHI_SOURCE_DIR/scripts/make-payload.sh" "$N" 7770005 > "$WORK/large.json"
BODY_KIB=$(( $(stat -c %s "$WORK/large.json") / 1024 ))
[ "$BODY_KIB" -gt 2048 ] || fail "the body must be over 2 MiB to be spooled ($BODY_KIB KiB)"
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null

avail_kib() { df -k --output=avail "$SMALL" | tail -1; }
# Free space plus what the database's own files hold (a failed write may leave the WAL longer):
# what is left is the space held by anything else, the spool included.
room_kib() {
  local db_bytes
  db_bytes=$(cat "$DB" "$DB-wal" 2>/dev/null | wc -c)
  echo $(( $(avail_kib) + db_bytes / 1024 ))
}
fill_disk() {  # leaves about $1 KiB free
  rm -f "$SMALL/filler"
  local free_kib
  free_kib=$(avail_kib)
  if [ "$free_kib" -gt "$1" ]; then
    dd if=/dev/zero of="$SMALL/filler" bs=1k count=$((free_kib - $1)) status=none 2>/dev/null || true
  fi
}
refused_cleanly() {  # refused_cleanly WHAT FREE_KIB_BEFORE
  expect_eq "$1: 503" "503" "$(post_webhook "$WORK/large.json" -D "$WORK/headers")"
  expect_match "$1: with Retry-After" "Retry-After: [0-9]+" "$(cat "$WORK/headers")"
  expect_eq "$1: answer" '{"error":"storage unavailable, retry later"}' "$(cat "$WORK/response")"
  expect_eq "$1: nothing stored" "0" "$(sql "SELECT count(*) FROM inbox WHERE webhook_id = 7770005")"
  local i after
  for i in $(polls 40); do  # the connection closes (and the spool with it) just after the answer
    after=$(room_kib)
    [ "$after" -ge $(( $2 - 64 )) ] && break
    sleep 0.05
  done
  [ "$after" -ge $(( $2 - 64 )) ] || fail "$1: the spool's space did not come back ($2 KiB free before, $after after)"
  pass "$1: the spool's space came back"
}

fill_disk 512
refused_cleanly "the spool cannot be written" "$(room_kib)"
expect_match "logged why" "webhook body not stored: spool in $SMALL: write: No space left on device" "$(cat "$WORK/daemon.log")"

fill_disk $(( BODY_KIB * 3 / 2 ))  # the spool fits, its copy into the inbox does not
refused_cleanly "the inbox copy does not fit" "$(room_kib)"
expect_match "logged why" "webhook connection_synced id=7770005: not stored: .*(full|disk)" "$(cat "$WORK/daemon.log")"
expect_eq "database whole" "ok" "$(sql "PRAGMA integrity_check")"
expect_eq "no file left beside the database" "" "$(ls -A "$SMALL" | grep -v -E '^(freenahi\.db(-wal|-shm)?|freenahi-(cert|key)\.pem|filler)$' || true)"

rm -f "$SMALL/filler"
expect_eq "redelivery once space is back: 200" "200" "$(post_webhook "$WORK/large.json")"
for i in $(polls 200); do [ "$(sql "SELECT state FROM inbox WHERE webhook_id = 7770005")" = applied ] && break; sleep 0.05; done
expect_eq "applied whole" "applied|$N" "$(sql "SELECT (SELECT state FROM inbox WHERE webhook_id = 7770005), (SELECT count(*) FROM transactions)")"
finish
