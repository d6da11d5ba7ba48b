#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The webview callback (`serve`'s GET on redirect_uri's path) accepts only the return of a link
# `freenahi connect` printed: its random `state`, stored with an expiry, used once. A missing,
# unknown, expired or reused state gets an HTML refusal (no text from the URL shown), schedules
# no pull and logs one line without the value.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
fake_set '{"page_size": 1000}'
write_powens_config "powens.pull_interval = 0"  # no start-up pull: every pull comes from a callback
sed -i "s|^\[powens\]$|[powens]\nredirect_uri = https://localhost:$PORT/connected|" "$CONFIG"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"

link_state() {  # link_state [connect flags]: a new link's state
  run_cli connect --config "$CONFIG" "$@"
  [ "$RC" = 0 ] || fail "connect: $OUT"
  printf '%s\n' "$OUT" | sed -n 's/.*[?&]state=\([0-9a-f]*\).*/\1/p'
}
callback() {  # callback QUERY: HTTP status; the page in $WORK/page.html
  "${CURL[@]}" --cacert "$CERT" -o "$WORK/page.html" -w '%{http_code}' "$(url "/connected?$1")"
}
refused() {  # refused WHAT QUERY
  expect_eq "$1: refused" "403" "$(callback "$2")"
  expect_match "$1: a page saying what to do" "<h1>Link not recognised</h1>.*Run <code>freenahi connect</code> again" "$(cat "$WORK/page.html")"
}

EXPIRED=$(link_state)
USED=$(link_state)
start_daemon

refused "no state" "connection_id=317"
refused "an unknown state" "connection_id=317&state=00112233445566778899aabbccddeeff"
refused "a forged error without state" "error=access_denied&error_description=Call+0800+FAKE+now"
grep -q "0800" "$WORK/page.html" && fail "the refusal shows text from the URL"
sql "UPDATE webview_states SET expires_at = strftime('%s', 'now') - 1 WHERE state = '$EXPIRED'"
refused "an expired state" "connection_id=317&state=$EXPIRED"
sleep 1
expect_eq "no pull scheduled by a refused callback" "0" "$(calls /2.0/users/me)"
grep -q "pull.* started" "$WORK/daemon.log" && fail "a refused callback started a pull"
pass "no pull child started"

# (Its pull meets a domain that refuses investments: the child's warning reaches the log.)
fake_set '{"faults": [{"path": "/2.0/users/me/connections/317/investments", "status": 403, "times": 1}]}'
expect_eq "the link's own state is accepted" "200" "$(callback "connection_id=317&state=$USED")"
expect_match "the connected page" "<h1>Bank connected</h1>" "$(cat "$WORK/page.html")"
for i in $(polls 100); do grep -q "pull of connection 317 started" "$WORK/daemon.log" && break; sleep 0.05; done
expect_eq "it schedules the pull of that connection" "1" "$(grep -c 'powens: pull of connection 317 started' "$WORK/daemon.log")"
refused "the same state again (single use)" "connection_id=317&state=$USED"
expect_eq "used states are forgotten" "0" "$(sql "SELECT count(*) FROM webview_states WHERE state = '$USED'")"

# A failed connection comes back with the link's state: the error is shown, nothing pulled.
MANAGE=$(link_state --manage)
expect_eq "an error with a valid state" "200" "$(callback "error=access_denied&error_description=user+cancelled&state=$MANAGE")"
expect_match "shows Powens' error" "<h1>Bank not connected</h1><p>Powens says: <b>access_denied</b>: user cancelled" "$(cat "$WORK/page.html")"

for i in $(polls 200); do grep -q "powens: pull done" "$WORK/daemon.log" && break; sleep 0.05; done
expect_eq "five refusals, one log line each" "5" "$(grep -c 'webview callback refused' "$WORK/daemon.log")"
expect_match "saying why" "webview callback refused: unknown, expired or already used state" "$(grep 'webview callback refused' "$WORK/daemon.log")"
for s in "$EXPIRED" "$USED" "$MANAGE"; do
  grep -q "$s" "$WORK/daemon.log" && fail "a state value in the log"
done
pass "no state value in the log"
expect_eq "only the accepted connect pulled" "1" "$(grep -c 'powens: pull.* started' "$WORK/daemon.log")"
expect_match "the pull's warning is logged" "warn: powens: pull: investments not pulled: .*HTTP 403" "$(grep 'powens: pull: ' "$WORK/daemon.log")"
# A link used while another process holds the write lock (a pull child applying a page) is
# still accepted: the person who just connected a bank gets the page, not a refusal; the state is
# refused from memory until the database can forget it. (The daemon waits 1 s for the lock.)
BUSY=$(link_state --manage)
{ echo "BEGIN IMMEDIATE;"; sleep 6; echo "COMMIT;"; } | sqlite3 "$DB" &  # 6 s: room for a slow answer
holder=$!
for i in $(polls 40); do
  sqlite3 -cmd ".timeout 0" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1 || break
  sleep 0.05
done
sqlite3 -cmd ".timeout 0" "$DB" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1 && fail "the lock was not taken"
expect_eq "a valid state while the database is locked: accepted" "200" "$(callback "error=access_denied&state=$BUSY")"
expect_match "logged" "webview callback: link used; the database is busy" "$(cat "$WORK/daemon.log")"
wait "$holder"
refused "the same state once the lock is gone (single use)" "error=access_denied&state=$BUSY"
expect_eq "then the database forgot it" "0" "$(sql "SELECT count(*) FROM webview_states WHERE state = '$BUSY'")"
stop_daemon TERM
no_secrets_in "$WORK/outputs.log" "$WORK/daemon.log" "$FAKE_LOG"
finish
