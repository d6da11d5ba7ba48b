#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Authentication (DESIGN §3.3): wrong or missing Bearer token, bad BI-Signature, stale date → 401
# and nothing stored; a valid signature (computed here with openssl) → 200. No secret in the log.
source "$(dirname "$0")/lib.sh"
SECRET="whsec_fictional_secret_key_0123456789"
write_config "powens.webhook_secret = $SECRET" "powens.signature_max_skew_s = 300"
start_daemon
BODY="$SAMPLES/connection_synced_basic.json"
PATH_=/webhook/connection_synced/

sign() {  # sign DATE FILE → base64 HMAC-SHA256 of POST.<path>.<date>.<body>
  { printf 'POST.%s.%s.' "$PATH_" "$1"; cat "$2"; } | openssl dgst -sha256 -hmac "$SECRET" -binary | base64 -w0
}
now=$(date -u +%Y-%m-%dT%H:%M:%S.123456Z)
good=$(sign "$now" "$BODY")

expect_eq "wrong token" "401" "$(post $PATH_ "$BODY" -H 'Authorization: Bearer wrong-token' -H "BI-Signature-Date: $now" -H "BI-Signature: $good")"
expect_eq "401 body" '{"error":"unauthenticated"}' "$(cat "$WORK/response")"
expect_eq "missing token" "401" "$(post $PATH_ "$BODY" -H "BI-Signature-Date: $now" -H "BI-Signature: $good")"
expect_eq "bad signature" "401" "$(post $PATH_ "$BODY" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: 2b9TgXLtZOB/BAOsmaptSUXp374Efc9qGP7hFfP2t1Q=")"
expect_eq "missing signature" "401" "$(post $PATH_ "$BODY" -H "Authorization: Bearer $TOKEN")"
stale=$(date -u -d '-10 minutes' +%Y-%m-%dT%H:%M:%S.000000Z)
expect_eq "stale date, correctly signed" "401" "$(post $PATH_ "$BODY" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $stale" -H "BI-Signature: $(sign "$stale" "$BODY")")"
expect_eq "signature over another path" "401" "$(post /webhook/connection_synced "$BODY" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $good")"
expect_eq "no row written by any of them" "0|0|0" "$(sql "SELECT (SELECT count(*) FROM inbox), (SELECT count(*) FROM transactions), (SELECT count(*) FROM accounts)")"
expect_eq "one log line per rejection" "6" "$(grep -c 'rejected:' "$WORK/daemon.log")"
if grep -qF -e "$TOKEN" -e "$SECRET" -e "wrong-token" "$WORK/daemon.log"; then fail "a secret reached the log"; fi
pass "no token or secret in the log"

expect_eq "valid token and signature" "200" "$(post $PATH_ "$BODY" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $good")"
expect_eq "stored once" "1" "$(sql "SELECT count(*) FROM inbox")"

# A token the database knows for the user wins over the config's (Powens user created by us).
stop_daemon TERM
sqlite3 "$DB" "UPDATE users SET auth_token = 'db-token-for-1042' WHERE id = 1042"
start_daemon
sed 's/"id_webhook_data": 5550001/"id_webhook_data": 5550009/' "$BODY" > "$WORK/b2.json"
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
sig=$(sign "$now" "$WORK/b2.json")
expect_eq "config token no longer valid for that user" "401" "$(post $PATH_ "$WORK/b2.json" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $sig")"
expect_eq "database token accepted" "200" "$(post $PATH_ "$WORK/b2.json" -H "Authorization: Bearer db-token-for-1042" -H "BI-Signature-Date: $now" -H "BI-Signature: $sig")"
finish
