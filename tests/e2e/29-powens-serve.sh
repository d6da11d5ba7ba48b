#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Powens inside `freenahi serve`: a pull child at start-up, the webview callback page (HTML,
# errors escaped) scheduling a pull of that connection, a webhook answered quickly while a pull
# is stalled by a slow Powens (measured), and the pull children together never above
# rate_limit_per_min (counted at the fake server).
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
fake_set '{"page_size": 1000}'
write_powens_config "powens.rate_limit_per_min = 6" "powens.pull_interval = 1h"
sed -i "s|^\[powens\]$|[powens]\nredirect_uri = https://localhost:$PORT/connected|" "$CONFIG"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"
# Two links, so two states the callback accepts (33-powens-callback-state.sh tests the refusals).
link_state() {
  run_cli connect --config "$CONFIG"
  printf '%s\n' "$OUT" | sed -n 's/.*[?&]state=\([0-9a-f]*\).*/\1/p'
}
STATE1=$(link_state)
STATE2=$(link_state)
[ -n "$STATE1" ] && [ -n "$STATE2" ] || fail "connect printed no state"
: > "$FAKE_LOG"

start_daemon
for i in $(polls 200); do [ "$(sql "SELECT ok FROM pulls" 2> /dev/null)" = 1 ] && break; sleep 0.1; done
expect_eq "serve pulls at start-up" "1" "$(sql "SELECT ok FROM pulls")"
expect_eq "all transactions pulled" "7" "$(sql "SELECT count(*) FROM transactions")"
expect_eq "five calls (user, connections, accounts, investments, transactions)" "5" "$(calls)"

code=$("${CURL[@]}" --cacert "$CERT" -o "$WORK/page.html" -w '%{http_code}' "$(url "/connected?error=access_denied&error_description=%3Cscript%3Ex%3C%2Fscript%3E&state=$STATE1")")
expect_eq "an error callback is a page" "200" "$code"
expect_match "showing the error, escaped" "access_denied</b>: &lt;script&gt;x&lt;/script&gt;" "$(cat "$WORK/page.html")"

# The callback's pull stalls 8 s on Powens: a webhook is still answered well before that (the
# bound is half the stall, generous for a loaded machine: a blocked loop would take the whole 8 s).
fake_set '{"faults": [{"path": "/2.0/users/me/connections/317", "stall": 8, "times": 1}]}'
code=$("${CURL[@]}" --cacert "$CERT" -o "$WORK/page.html" -w '%{http_code}' "$(url "/connected?connection_id=317&state=$STATE2")")
expect_eq "the callback page" "200" "$code"
expect_match "says the bank is connected" "<h1>Bank connected</h1><p>2 accounts \(connection 317\), transactions arriving" "$(cat "$WORK/page.html")"
# Bounded at 90 s: a pull child spawned on a loaded machine takes seconds to make its first
# call, and more if the rate limit (6 a minute here) has it wait for the minute.
for i in $(polls 1800); do [ "$(calls /2.0/users/me/connections/317)" -ge 1 ] && break; sleep 0.05; done
expect_eq "the callback started a pull of that connection" "1" "$(calls /2.0/users/me/connections/317)"
TIME=$(post_webhook "$SAMPLES/connection_synced_basic.json" -w ' %{time_total}' | cut -d' ' -f2)
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 4.0 else 1)" "$TIME" || fail "webhook took ${TIME} s during a stalled pull"
pass "webhook answered in ${TIME} s while the pull is stalled"
grep -q "pull of connection 317 started" "$WORK/daemon.log" || fail "no pull child logged"
pass "the pull runs as a child process"

# The second pull needs 5 more calls: the two children together wait for the minute.
for i in $(polls 1200); do [ "$(grep -c 'powens: pull done' "$WORK/daemon.log")" -ge 2 ] && break; sleep 0.1; done
expect_eq "both pulls done" "2" "$(grep -c 'powens: pull done' "$WORK/daemon.log")"
expect_eq "ten calls in all" "10" "$(calls)"
WORST=$(python3 -c "
import json, sys
t = sorted(json.loads(l)['t'] for l in open(sys.argv[1]))
print(max(sum(1 for u in t if s <= u < s + 60) for s in t))" "$FAKE_LOG")
[ "$WORST" -le 6 ] || fail "$WORST calls in one minute, limit 6"
pass "pull children together: at most $WORST calls in any minute (limit 6)"
stop_daemon TERM
no_secrets_in "$WORK/outputs.log" "$WORK/daemon.log" "$FAKE_LOG"
finish
