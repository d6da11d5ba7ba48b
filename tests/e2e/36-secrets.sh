#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 8: the configured secrets (client_secret, user_token, webhook_secret) and a user's stored
# token never show in anything freenahi prints: the daemon's log (webhooks accepted, refused from
# the head, refused after the body, a reload), `ps` while serving, every CLI command's output
# and errors (text and --json), and `init`. Everything is collected in one file and grepped.
source "$(dirname "$0")/lib.sh"
CLIENT_SECRET="cs_fictional_client_secret_ABCDEF0123"
WEBHOOK_SECRET="whsec_fictional_secret_key_0123456789"
DB_TOKEN="db-token-fictional-XYZ987654321"
write_config "powens.client_id = 12345678" "powens.client_secret = $CLIENT_SECRET" \
  "powens.webhook_secret = $WEBHOOK_SECRET"
start_daemon
ALL="$WORK/everything.txt"
BODY="$SAMPLES/connection_synced_basic.json"
PATH_=/webhook/connection_synced/
sign() { { printf 'POST.%s.%s.' "$PATH_" "$1"; cat "$2"; } | openssl dgst -sha256 -hmac "$WEBHOOK_SECRET" -binary | base64 -w0; }
now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)

{
  echo "== ps while serving"; ps -eo pid,args | grep -F "$FREENAHI_BIN" | grep -v grep || true
  echo "== webhooks"
  post $PATH_ "$BODY" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $(sign "$now" "$BODY")"; cat "$WORK/response"
  post $PATH_ "$BODY" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: AAAA"; cat "$WORK/response"
  post $PATH_ "$BODY" -H "Authorization: Bearer ${TOKEN}x"; cat "$WORK/response"
  post $PATH_ "$BODY"; cat "$WORK/response"
  echo '{"id_webhook_data": 1,' > "$WORK/bad.json"
  post $PATH_ "$WORK/bad.json" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $(sign "$now" "$WORK/bad.json")"; cat "$WORK/response"
} > "$ALL" 2>&1
sqlite3 "$DB" "UPDATE users SET auth_token = '$DB_TOKEN'"
sed 's/"id_webhook_data": 5550001/"id_webhook_data": 5550002/' "$BODY" > "$WORK/b2.json"
{
  post $PATH_ "$WORK/b2.json" -H "Authorization: Bearer $TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $(sign "$now" "$WORK/b2.json")"; cat "$WORK/response"
  post $PATH_ "$WORK/b2.json" -H "Authorization: Bearer $DB_TOKEN" -H "BI-Signature-Date: $now" -H "BI-Signature: $(sign "$now" "$WORK/b2.json")"; cat "$WORK/response"
  kill -HUP "$DAEMON_PID"; sleep 0.5
  echo "== CLI"
  for args in "accounts" "accounts --json" "transactions" "transactions --json" "inbox" "inbox --json" \
              "inbox --state applied --json" "inbox replay 1" "inbox replay 999" "version"; do
    echo "-- freenahi $args"
    # shellcheck disable=SC2086
    "$FREENAHI_BIN" $args --config "$CONFIG" 2>&1 || echo "(exit $?)"
  done
  echo "-- errors"
  "$FREENAHI_BIN" accounts --config "$WORK/missing.ini" 2>&1 || true
  sed 's/^listen = .*/listen = nowhere/' "$CONFIG" > "$WORK/broken.ini"
  "$FREENAHI_BIN" accounts --config "$WORK/broken.ini" 2>&1 || true
  "$FREENAHI_BIN" serve --config "$WORK/broken.ini" 2>&1 || true
  "$FREENAHI_BIN" init --config "$WORK/init.ini" 2>&1 && cat "$WORK/init.ini"
  "$FREENAHI_BIN" init --config "$CONFIG" 2>&1 || true
} >> "$ALL" 2>&1
stop_daemon TERM
cat "$WORK/daemon.log" >> "$ALL"

expect_match "the scenario ran: a webhook stored" '"status":"stored"' "$(cat "$ALL")"
expect_match "refusals were logged" "rejected: " "$(cat "$WORK/daemon.log")"
expect_match "the CLI answered" "connection_synced" "$(cat "$ALL")"
expect_match "ps showed the daemon" "serve --config" "$(cat "$ALL")"
for secret in "$CLIENT_SECRET" "$WEBHOOK_SECRET" "$TOKEN" "$DB_TOKEN" "${TOKEN:0:16}" "${DB_TOKEN:0:16}"; do
  if grep -nF -- "$secret" "$ALL" >&2; then fail "a secret (${secret:0:6}...) appears in the output above"; fi
done
pass "no secret or token (nor a 16-character prefix) in $(wc -l < "$ALL") lines of logs, ps, CLI and --json output"
finish
