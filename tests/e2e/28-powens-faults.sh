#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Powens faults, through the real client: a 429 with Retry-After and a 500 are retried (and the
# pull succeeds), a wrongpass error is one line saying what to do, an unknown CA and a hostname
# mismatch are refused in one line naming the host, and calls per minute never exceed
# rate_limit_per_min (counted at the fake server).
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
write_powens_config "powens.pull_interval = 0"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"
: > "$FAKE_LOG"

fake_set '{"page_size": 1000, "faults": [
  {"path": "/2.0/users/me/connections", "status": 429, "retry_after": 1, "times": 1},
  {"path": "/2.0/users/me/accounts", "status": 500, "times": 1}]}'
START=$(date +%s%N)
run_cli pull --config "$CONFIG"
ELAPSED_MS=$(( ($(date +%s%N) - START) / 1000000 ))
expect_eq "a 429 and a 500 are retried, the pull succeeds" "0" "$RC"
expect_eq "connections asked twice" "2" "$(calls /2.0/users/me/connections GET)"
expect_eq "accounts asked twice" "2" "$(calls /2.0/users/me/accounts GET)"
[ "$ELAPSED_MS" -ge 1000 ] || fail "Retry-After: 1 not honoured (${ELAPSED_MS} ms)"
pass "Retry-After honoured (${ELAPSED_MS} ms)"

ERROR_BODY=$(cat "$SAMPLES/error_response.json")
fake_set "{\"faults\": [{\"path\": \"/2.0/users/me/transactions\", \"status\": 400, \"times\": 1, \"body\": $ERROR_BODY}]}"
run_cli pull --config "$CONFIG"
expect_eq "wrongpass fails the pull" "1" "$RC"
expect_eq "in one line saying what to do" "freenahi: error: Powens refused listing transactions: HTTP 400 wrongpass (Wrong password) [request 7f3d2a9c4b8e4d21a6f0c1e2d3b4a596]; the bank refused the login: fix it with \`freenahi connect --manage\`" "$OUT"
run_cli status --config "$CONFIG"
expect_match "status shows the failed pull" "last pull: .*FAILED: Powens refused listing transactions" "$OUT"

# Certificates: from a CA freenahi does not trust, and for another host name.
GOOD_PORT=$FAKE_PORT
for case in stranger wrong; do
  start_fake "$case"
  sed -i "s|^api_url = .*|api_url = https://localhost:$FAKE_PORT/2.0|" "$CONFIG"
  run_cli pull --config "$CONFIG"
  expect_eq "$case certificate refused" "1" "$RC"
  expect_eq "$case: one line" "1" "$(printf '%s\n' "$OUT" | wc -l)"
  expect_match "$case: names the host" "cannot reach Powens at localhost:$FAKE_PORT: .*certificate" "$OUT"
  expect_eq "$case: no request got through" "0" "$(calls)"
done
FAKE_LOG=$WORK/fake-server.log
FAKE_PORT=$GOOD_PORT
sed -i "s|^api_url = .*|api_url = https://localhost:$FAKE_PORT/2.0|" "$CONFIG"

# The rate limit: 3 calls a minute; a pull makes 5 (user, connections, accounts, investments,
# transactions).
sed -i 's/^\[powens\]$/[powens]\nrate_limit_per_min = 3/' "$CONFIG"
: > "$FAKE_LOG"
START=$(date +%s)
run_cli pull --config "$CONFIG"
expect_eq "a rate-limited pull succeeds" "0" "$RC"
expect_eq "five calls" "5" "$(calls)"
[ $(( $(date +%s) - START )) -ge 59 ] || fail "the fourth call did not wait for the minute"
WORST=$(python3 -c "
import json, sys
t = sorted(json.loads(l)['t'] for l in open(sys.argv[1]))
print(max(sum(1 for u in t if s <= u < s + 60) for s in t))" "$FAKE_LOG")
expect_eq "never more than 3 calls in any minute" "3" "$WORST"
no_secrets_in "$WORK/outputs.log" "$FAKE_LOG"
finish
