#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi pull` of a wealth connection (a PEA with holdings, a life insurance, a mortgage)
# against the fake Powens: investments come from GET /users/me/investments, loans from the
# accounts' loan{} of GET /users/me/accounts?all (the fake leaves them out of the connections
# page, so that call alone must bring them), and the database equals the one the webhook with the
# same data builds. A changed holding is pulled again; a domain refusing the investments call
# keeps the rest of the pull and says so.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
FAKE_SAMPLE=$FREENAHI_SOURCE_DIR/tests/data/assets/connection_synced_wealth.json
make_test_ca
start_fake
fake_set '{"loans_only_in_accounts": true}'

dump() { dump_data "$1" accounts balance_history investments loans; }
fake_get() {  # fake_get PATH: the fake's answer, with the user's token
  curl -sS --max-time 10 --cacert "$WORK/ca.pem" -H "Authorization: Bearer $TOKEN" \
    "https://localhost:$FAKE_PORT/2.0$1"
}

# The fake's pages: loans only in accounts?all, the holdings in investments.
LOANS=$(fake_get /users/me/accounts | python3 -c "import json,sys; print(sum(1 for a in json.load(sys.stdin)['accounts'] if a.get('loan')))")
expect_eq "accounts?all carries the mortgage's loan{}" "1" "$LOANS"
LOANS=$(fake_get '/users/me/connections?expand=accounts' | python3 -c "import json,sys; print(sum(1 for c in json.load(sys.stdin)['connections'] for a in c['accounts'] if a.get('loan')))")
expect_eq "the connections page does not" "0" "$LOANS"
: > "$FAKE_LOG"

# A: pulled.
DB_PATH=$WORK/a/freenahi.db write_powens_config "powens.pull_interval = 0"
mkdir -p "$WORK/a"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"
run_cli pull --config "$CONFIG"
expect_eq "pull exits 0" "0" "$RC"
expect_eq "pull is quiet off a terminal" "" "$OUT"
expect_eq "one investments call" "1" "$(calls /2.0/users/me/investments GET)"
expect_eq "every holding pulled (the sold one kept, soft-deleted)" "4|1" \
  "$(sql "SELECT count(*), sum(deleted IS NOT NULL) FROM investments WHERE account_id = 3001")"
expect_eq "the PEA's holdings at the cent" "1523050" \
  "$(sql "SELECT sum(valuation_minor) FROM investments WHERE deleted IS NULL")"
expect_eq "the mortgage's loan, from accounts?all" "1" "$(sql "SELECT count(*) FROM loans WHERE account_id = 3003")"
dump "$DB" > "$WORK/pulled.txt"
cp "$CONFIG" "$WORK/a.ini"
CONFIG_A=$WORK/a.ini
DB_A=$DB

# B: the same data by webhook.
DB_PATH=$WORK/b/freenahi.db write_powens_config "powens.pull_interval = 0"
sed -i "s/^\[powens\]\$/[powens]\nuser_token = $TOKEN/" "$CONFIG"
mkdir -p "$WORK/b"
start_daemon
expect_eq "webhook stored" "200" "$(post_webhook "$FAKE_SAMPLE")"
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.05; done
expect_eq "webhook applied" "applied" "$(sql "SELECT state FROM inbox")"
dump "$DB" > "$WORK/webhook.txt"
stop_daemon TERM
grep -q "^4001|3001|ETF MSCI World|" "$WORK/webhook.txt" || fail "the webhook's dump has no holding"
diff "$WORK/pulled.txt" "$WORK/webhook.txt" > "$WORK/diff.txt" || fail "pulled and pushed databases differ: $(head -20 "$WORK/diff.txt")"
pass "the pulled database (investments, loans) equals the webhook's"

# A pull after the webhook changes nothing.
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
run_cli pull --config "$CONFIG"
expect_eq "pull on the webhook's database" "0" "$RC"
dump "$WORK/b/freenahi.db" | diff - "$WORK/webhook.txt" > /dev/null || fail "a pull after the webhook changed the data"
pass "a pull after the webhook changes nothing"

# A holding changed at the bank: the next pull brings it.
CONFIG=$CONFIG_A DB=$DB_A
fake_set '{"update_investments": {"4001": {"quantity": 121.5, "valuation": 10372.46, "last_update": "2024-03-15 09:00:00"}}}'
run_cli pull --config "$CONFIG"
expect_eq "second pull" "0" "$RC"
expect_eq "the changed holding" "121.5|1037246" "$(sql "SELECT quantity, valuation_minor FROM investments WHERE id = 4001")"

# A domain without the wealth product refuses the call: the pull goes on, with a warning.
fake_set '{"faults": [{"path": "/2.0/users/me/investments", "status": 403, "times": 1, "body": {"code": "forbidden", "description": "product not enabled", "request_id": 7}}]}'
run_cli pull --config "$CONFIG"
expect_eq "pull without investments exits 0" "0" "$RC"
expect_match "one warning line" "^freenahi: warning: investments not pulled: .*forbidden" "$OUT"
expect_eq "the holdings are kept" "4" "$(sql "SELECT count(*) FROM investments")"
expect_eq "the pull is recorded ok" "1" "$(sql "SELECT ok FROM pulls")"
no_secrets_in "$WORK/outputs.log" "$WORK/daemon.log" "$FAKE_LOG"
finish
