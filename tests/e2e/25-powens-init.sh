#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi init` against the fake Powens (real HTTPS, test CA): the three credentials create the
# Powens user once (a second init makes no second auth/init), the token lands in the database
# (owner-only), webhooks then authenticate with it with no user_token in the config, and neither
# the client secret nor the token appears in any output.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
write_powens_config
sed -i '/^domain = /d' "$CONFIG"  # init writes it

FREENAHI_CLIENT_SECRET=wrong-secret run_cli init --config "$CONFIG" --domain exampleco-sandbox \
  --client-id "$CLIENT_ID" --public-url "https://box.example.net"
expect_eq "a wrong secret fails" "1" "$RC"
expect_match "in one line that says what to do" "^freenahi: error: Powens refused creating the Powens user \(auth/init\): HTTP 401 invalidClient .*check client_id, client_secret and domain" "$OUT"
expect_eq "one line" "1" "$(printf '%s\n' "$OUT" | wc -l)"
: > "$FAKE_LOG"

run_cli init --config "$CONFIG" --domain exampleco-sandbox --client-id "$CLIENT_ID" \
  --client-secret "$CLIENT_SECRET" --public-url "https://box.example.net"
expect_eq "init with the credentials succeeds" "0" "$RC"
expect_match "prints the webhook URL" "https://box.example.net/webhook/connection_synced/" "$OUT"
expect_match "prints the redirect URI" "https://box.example.net/connected" "$OUT"
expect_match "and the next command" "freenahi connect" "$OUT"
expect_eq "one auth/init" "1" "$(calls /2.0/auth/init POST)"
expect_eq "the token is stored for the user" "$TOKEN" "$(sql "SELECT auth_token FROM users WHERE id = 1042")"
expect_eq "the database is owner-only" "600" "$(stat -c %a "$DB")"
expect_match "the config keeps its other keys" "^listen = 127.0.0.1:$PORT" "$(grep '^listen' "$CONFIG")"
expect_match "and gained the credentials" "^client_id = $CLIENT_ID" "$(grep '^client_id' "$CONFIG")"
expect_match "and the redirect URI" "^redirect_uri = https://box.example.net/connected" "$(grep '^redirect_uri' "$CONFIG")"
expect_eq "the config stays private" "600" "$(stat -c %a "$CONFIG")"

run_cli init --config "$CONFIG"
expect_eq "a second init succeeds" "0" "$RC"
expect_match "and says it is set up" "Already set up: Powens user 1042" "$OUT"
expect_eq "no second auth/init" "1" "$(calls /2.0/auth/init POST)"

grep -q '^user_token' "$CONFIG" && fail "user_token in the config"
start_daemon
code=$(post_webhook "$SAMPLES/connection_synced_basic.json")
expect_eq "a webhook authenticates with the stored token" "200" "$code"
code=$(post /webhook/connection_synced/ "$SAMPLES/connection_synced_basic.json" -H "Authorization: Bearer wrong")
expect_eq "a wrong token is still refused" "401" "$code"
stop_daemon TERM
no_secrets_in "$WORK/outputs.log" "$WORK/daemon.log" "$FAKE_LOG"
finish
