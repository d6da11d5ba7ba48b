#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The foundation's promise: the sample CONNECTION_SYNCED posted with curl over TLS lands in SQLite
# and in `freenahi transactions`, exactly; the same body again is answered 200 and changes nothing.
source "$(dirname "$0")/lib.sh"
write_config
start_daemon
expect_match "self-signed certificate generated and fingerprint logged" "SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}" "$(cat "$WORK/daemon.log")"
expect_eq "key file is private" "600" "$(stat -c %a "$WORK/freenahi-key.pem")"
expect_eq "healthz over verified TLS" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"

expect_eq "sample webhook accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
expect_eq "answer says stored" '{"status":"stored"}' "$(cat "$WORK/response")"
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.05; done
expect_eq "inbox item applied" "applied" "$(sql "SELECT state FROM inbox")"
expect_eq "accounts stored" "2881|152347|-4290
2882|820000|" "$(sql "SELECT id, balance_minor, coming_minor FROM accounts ORDER BY id")"
expect_eq "transactions stored" "7" "$(sql "SELECT count(*) FROM transactions")"
expect_eq "money exact" "-4290|245000|-6499|-1850|-720|6150|20000" \
  "$(sql "SELECT group_concat(value_minor, '|') FROM (SELECT value_minor FROM transactions ORDER BY id)")"
expect_eq "balance history, one row per account per day" "2881|2024-03-14|152347
2882|2024-03-14|820000" "$(sql "SELECT account_id, day, balance_minor FROM balance_history ORDER BY 1")"
expect_eq "connection stored with its state" "317|1042|" "$(sql "SELECT id, user_id, state FROM connections")"

json=$("$FREENAHI_BIN" transactions --config "$CONFIG" --json)
expect_match "CLI JSON has the exact pending amount" '"id":90001,"account_id":2881,"account":"Compte de dépôt","date":"2024-03-15","datetime":null,"value":"-42.90","currency":"EUR"' "$json"
expect_match "CLI JSON marks it pending" '"id":90001[^}]*"coming":true' "$json"
expect_match "newest first" '^\{"transactions":\[\{"id":90001' "$json"
table=$("$FREENAHI_BIN" transactions --config "$CONFIG")
expect_match "CLI table shows the salary" "2024-03-12 +Compte de dépôt +2450.00 EUR +salary +ACME INDUSTRIES SAS" "$table"
expect_eq "--account and --limit" "1" "$("$FREENAHI_BIN" transactions --config "$CONFIG" --account 2882 --limit 1 --json | grep -o '"id":' | wc -l)"
expect_match "accounts --json" '"id":2881,.*"balance":"1523.47","coming":"-42.90"' "$("$FREENAHI_BIN" accounts --config "$CONFIG" --json)"

before=$(dump_data)
expect_eq "same body again accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
expect_eq "answer says duplicate" '{"status":"duplicate"}' "$(cat "$WORK/response")"
sleep 0.2
expect_eq "redelivery changed nothing" "$before" "$(dump_data)"
expect_eq "still one inbox item" "1" "$(sql "SELECT count(*) FROM inbox")"

sed 's/"id_webhook_data": 5550001/"id_webhook_data": 5550002/' "$SAMPLES/connection_synced_basic.json" | gzip -c > "$WORK/second.json.gz"
expect_eq "gzip-encoded webhook accepted" "200" "$(post_webhook "$WORK/second.json.gz" -H 'Content-Encoding: gzip')"
for i in $(polls 100); do [ "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")" = 2 ] && break; sleep 0.05; done
expect_eq "gzip body decoded and applied" "2" "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")"
expect_eq "database integrity" "ok" "$(sql "PRAGMA integrity_check")"
stop_daemon TERM
expect_eq "SIGTERM exits 0" "0" "$DAEMON_RC"
expect_match "stop line carries the version" "freenahi [0-9.]+ stopped" "$(tail -1 "$WORK/daemon.log")"
finish
