#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi pull` against the fake Powens: every transactions page is walked (_links.next), the
# database equals the one a webhook with the same data builds, a pull after the webhook and a
# webhook after the pull change nothing, and a second pull sends last_update and fetches only
# what changed.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
fake_set '{"page_size": 2}'

# The data tables, leaving out what only one path knows: the token (init) and freenahi's own
# write times. The health columns (next_try, access_expire) come from both paths alike.
dump() { dump_data "$1" accounts transactions balance_history investments loans; }

# A: pulled.
DB_PATH=$WORK/a/freenahi.db write_powens_config "powens.pull_interval = 0"
mkdir -p "$WORK/a"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"
run_cli pull --config "$CONFIG"
expect_eq "pull exits 0" "0" "$RC"
expect_eq "pull is quiet off a terminal" "" "$OUT"
expect_eq "four transactions pages walked (7 rows, 2 per page)" "4" "$(calls /2.0/users/me/transactions GET)"
expect_eq "every transaction pulled" "7" "$(sql "SELECT count(*) FROM transactions")"
# user, connections, accounts, investments (none here), 4 transactions pages.
expect_match "the last pull is recorded" "^1\|8\|" "$(sql "SELECT ok, pages, rows FROM pulls")"
dump "$DB" > "$WORK/pulled.txt"
cp "$CONFIG" "$WORK/a.ini"  # write_config reuses $WORK/freenahi.ini
CONFIG_A=$WORK/a.ini
DB_A=$DB

# B: the same data by webhook, on a daemon with no Powens user (no pull).
DB_PATH=$WORK/b/freenahi.db write_powens_config "powens.pull_interval = 0"
sed -i "s/^\[powens\]\$/[powens]\nuser_token = $TOKEN/" "$CONFIG"  # webhooks before any init
mkdir -p "$WORK/b"
start_daemon
expect_eq "webhook stored" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.05; done
expect_eq "webhook applied" "applied" "$(sql "SELECT state FROM inbox")"
dump "$DB" > "$WORK/webhook.txt"
diff "$WORK/pulled.txt" "$WORK/webhook.txt" > "$WORK/diff.txt" || fail "pulled and pushed databases differ: $(head -20 "$WORK/diff.txt")"
grep -q "^317|.*|[0-9]\+|[0-9]\+$" "$WORK/webhook.txt" || fail "the webhook stored no next_try/access_expire"
pass "the pulled database equals the webhook's (connection health included)"

# A webhook after the pull changes nothing.
stop_daemon TERM
cp "$CONFIG" "$WORK/b.ini"
CONFIG_B=$WORK/b.ini
CONFIG=$CONFIG_A DB=$DB_A CERT=$WORK/a/freenahi-cert.pem
PORT=$(sed -n 's/^listen = 127.0.0.1://p' "$CONFIG")
start_daemon
expect_eq "webhook on the pulled database" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.05; done
dump "$DB" | diff - "$WORK/pulled.txt" > /dev/null || fail "a webhook after the pull changed the data"
pass "a webhook after the pull changes nothing"
stop_daemon TERM

# A pull after the webhook changes nothing.
run_cli init --config "$CONFIG_B" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
run_cli pull --config "$CONFIG_B"
expect_eq "pull on the webhook's database" "0" "$RC"
dump "$WORK/b/freenahi.db" | diff - "$WORK/webhook.txt" > /dev/null || fail "a pull after the webhook changed the data"
pass "a pull after the webhook changes nothing"

# The second pull of A asks only for what changed since the mark.
MARK=$(sql "SELECT high_water FROM pulls")
expect_eq "the mark is the newest last_update seen" "2024-03-14 08:02:03" "$MARK"
# The user's own notes on the transaction the bank is about to change (issue 12): a pull that
# rewrites the row must leave them alone.
for args in "pin 90001" "note 90001 reimbursed-by-Ana" "rename 90001 Books" "tag 90001 family gifts"; do
  # shellcheck disable=SC2086
  run_cli tx $args --config "$CONFIG_A"
  expect_eq "tx $args" "0" "$RC"
done
fake_set '{"update_transactions": {"90001": {"wording": "LIBRAIRIE DU PARC (corrected)", "last_update": "2024-03-15 10:00:00"}}}'
: > "$FAKE_LOG"
run_cli pull --config "$CONFIG_A"
expect_eq "second pull exits 0" "0" "$RC"
QUERIES=$(python3 -c "
import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l)
    if r['path'] == '/2.0/users/me/transactions' and 'cursor' not in r['query']: print(r['query'])" "$FAKE_LOG")
expect_match "last_update sent" "last_update=2024-03-14%2008%3A02%3A03" "$QUERIES"
expect_eq "only the changed rows: 3, two pages" "2" "$(calls /2.0/users/me/transactions GET)"
expect_eq "the change landed" "LIBRAIRIE DU PARC (corrected)" "$(sql "SELECT wording FROM transactions WHERE id = 90001")"
expect_eq "the mark moved" "2024-03-15 10:00:00" "$(sql "SELECT high_water FROM pulls")"
expect_eq "notes survive the pull" "1|reimbursed-by-Ana|Books" \
  "$(sql "SELECT pinned, note, wording FROM annotations WHERE transaction_id = 90001")"
expect_eq "tags survive the pull" "family gifts" \
  "$(sql "SELECT group_concat(tag, ' ') FROM (SELECT tag FROM annotation_tags WHERE transaction_id = 90001 ORDER BY tag)")"
run_cli transactions --config "$CONFIG_A" --search reimbursed --json
expect_match "the note is searchable" '"id":90001,' "$OUT"
expect_match "the local wording is kept beside the bank's new one" '"wording":"LIBRAIRIE DU PARC .corrected.".*"local_wording":"Books"' "$OUT"
run_cli pull --config "$CONFIG_A" --full
expect_eq "--full" "0" "$RC"
no_secrets_in "$WORK/outputs.log" "$WORK/daemon.log" "$FAKE_LOG"
finish
