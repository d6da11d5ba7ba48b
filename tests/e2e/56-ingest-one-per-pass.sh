#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The loop keeps serving while a backlog is applied: the daemon applies one inbox item per loop
# pass, so /healthz is answered while items are still pending (before, every pending item was
# applied inside one timer callback and nothing was answered until the last one).
source "$(dirname "$0")/lib.sh"
write_config
start_daemon
stop_daemon TERM  # the schema exists now; fill a backlog behind the daemon's back
ITEMS=8
sh "$FREENAHI_SOURCE_DIR/scripts/make-payload.sh" 3000 > "$WORK/body.json"
for i in $(seq 1 "$ITEMS"); do
  # Each item its own transaction ids (1xxxxx → ixxxxx): every one inserts rows, so each takes
  # long enough for a request to arrive between two of them.
  sed "s/\"id\":1\([0-9]\{5\}\),\"id_account\"/\"id\":$i\1,\"id_account\"/g" "$WORK/body.json" > "$WORK/body-$i.json"
  sqlite3 -batch "$DB" "INSERT INTO inbox (webhook_id, event, user_id, received_at, body_bytes)
    VALUES ($i, 'connection_synced', 1042, 0, 1);
    INSERT INTO inbox_bodies (inbox_id, body) VALUES (last_insert_rowid(), readfile('$WORK/body-$i.json'));"
done
# One body lost (never comes back): marked failed, not retried for ever, not blocking the rest.
sqlite3 -batch "$DB" "DELETE FROM inbox_bodies WHERE inbox_id = 3"
expect_eq "backlog pending" "$ITEMS" "$(sql "SELECT count(*) FROM inbox WHERE state = 'pending'")"

start_daemon
served_between=""
for i in $(seq 1 400); do  # bounded: the whole backlog takes a few seconds
  # Applied before the request and still pending after it: the answer came between two items.
  applied=$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'" 2>/dev/null || echo "?")
  code=$("${CURL[@]}" --cacert "$CERT" -o /dev/null -w '%{http_code}' "$(url /healthz)" || true)
  pending=$(sql "SELECT count(*) FROM inbox WHERE state = 'pending'" 2>/dev/null || echo "?")
  if [ "$code" = 200 ] && [ "$pending" != "?" ] && [ "$applied" != "?" ] && [ "$pending" -gt 0 ] &&
     [ "$applied" -gt 0 ]; then
    served_between="yes ($applied applied before, $pending pending after)"
    break
  fi
  [ "$pending" = 0 ] && break
  sleep 0.01
done
expect_match "healthz answered between two items of the backlog" "^yes" "$served_between"
for i in $(polls 600); do [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'pending'")" = 0 ] && break; sleep 0.05; done
expect_eq "every item done" "$((ITEMS - 1))|1" "$(sql "SELECT sum(state = 'applied'), sum(state = 'failed') FROM inbox")"
expect_eq "the lost body's reason" "inbox item 3: body missing (never stored, or deleted after keep_applied_bodies)" \
  "$(sql "SELECT error FROM inbox WHERE id = 3")"
expect_eq "no retry loop" "0" "$(grep -c "will retry" "$WORK/daemon.log" || true)"
expect_eq "rows" "$((3000 * (ITEMS - 1)))" "$(sql "SELECT count(*) FROM transactions")"
finish
