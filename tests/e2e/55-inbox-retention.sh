#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bounded flash: with keep_applied_bodies = 0 an applied body is deleted by the daemon's
# housekeeping (its inbox row stays, with state and size), a failed item keeps its body for a
# replay, the database is in incremental auto-vacuum mode and the daemon logs its disk space.
source "$(dirname "$0")/lib.sh"
write_config "store.keep_applied_bodies = 0"
start_daemon
expect_match "disk space logged at start" "disk space: database [0-9.]+ MiB \(WAL [0-9.]+ MiB\), [0-9.]+ MiB free of" "$(cat "$WORK/daemon.log")"
expect_eq "new database uses incremental auto-vacuum" "2" "$(sql "PRAGMA auto_vacuum")"

expect_eq "sample accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
printf '{"id_webhook_data": 99, "connection": {"id": 5, "accounts": [{"id": 1, "currency": "EUR", "transactions": [{"id": 1, "date": "2024-01-02", "value": "x"}]}]}}' > "$WORK/bad.json"
expect_eq "bad shape accepted (stored, then failed)" "200" "$(post_webhook "$WORK/bad.json")"
for i in $(polls 200); do
  [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'pending'")$(sql "SELECT count(*) FROM inbox_bodies")" = "01" ] && break
  sleep 0.05
done
expect_eq "states" "5550001|applied
99|failed" "$(sql "SELECT webhook_id, state FROM inbox ORDER BY id")"
expect_eq "applied body deleted, failed body kept" "2" "$(sql "SELECT inbox_id FROM inbox_bodies")"
expect_eq "applied row keeps its metadata" "1" "$(sql "SELECT body_bytes > 0 AND applied_at IS NOT NULL FROM inbox WHERE id = 1")"
expect_eq "data still there" "7" "$(sql "SELECT count(*) FROM transactions")"
expect_eq "duplicate of a pruned item still answered duplicate" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
expect_eq "answer says duplicate" '{"status":"duplicate"}' "$(cat "$WORK/response")"

out=$("$FREENAHI_BIN" inbox replay 1 --config "$CONFIG" 2>&1 || true)
expect_match "replaying a pruned body says why" "body missing \(never stored, or deleted after keep_applied_bodies\)" "$out"
expect_eq "the pruned item stays applied" "applied" "$(sql "SELECT state FROM inbox WHERE id = 1")"
finish
