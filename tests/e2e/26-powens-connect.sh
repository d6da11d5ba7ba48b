#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi connect`: a single-use code from the fake Powens, then the webview link with the
# right domain, client_id, lang, code, an URL-encoded redirect_uri and connector_capabilities;
# --manage and --reconnect ID pick the page; the link's random state is stored for the callback;
# errors before init say what to do.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
write_powens_config "powens.redirect_uri = https://box.example.net:8443/connected?from=powens"

run_cli connect --config "$CONFIG"
expect_eq "connect before init is a config error" "2" "$RC"
expect_match "and says what to do" "^freenahi: error: .*run \`freenahi init\`" "$OUT"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"

run_cli connect --config "$CONFIG" --lang fr
expect_eq "connect exits 0" "0" "$RC"
URL=$OUT
expect_match "the connect page in French" "^https://webview\.powens\.com/fr/connect\?" "$URL"
expect_match "the domain host" "[?&]domain=exampleco-sandbox\.biapi\.pro(&|$)" "$URL"
expect_match "the client id" "[?&]client_id=$CLIENT_ID(&|$)" "$URL"
expect_match "the encoded redirect_uri" "[?&]redirect_uri=https%3A%2F%2Fbox\.example\.net%3A8443%2Fconnected%3Ffrom%3Dpowens(&|$)" "$URL"
expect_match "the encoded code" "[?&]code=fakecode%2B%2F%3D1(&|$)" "$URL"
expect_match "a state of 128 random bits" "[?&]state=[0-9a-f]{32}(&|$)" "$URL"
STATE=$(printf '%s\n' "$URL" | sed -n 's/.*[?&]state=\([0-9a-f]*\).*/\1/p')
expect_eq "remembered for the callback, with its page" "connect" "$(sql "SELECT page FROM webview_states WHERE state = '$STATE'")"
expect_match "bank and wealth accounts" "[?&]connector_capabilities=bank%2Cbankwealth(&|$)" "$URL"
expect_eq "one code per link" "1" "$(calls /2.0/auth/token/code GET)"

run_cli connect --config "$CONFIG" --reconnect 317
expect_match "reconnect page with its connection" "^https://webview\.powens\.com/en/reconnect\?.*[?&]connection_id=317(&|$)" "$OUT"
run_cli connect --config "$CONFIG" --manage
expect_match "manage page" "^https://webview\.powens\.com/en/manage\?" "$OUT"
run_cli connect --config "$CONFIG" --reconnect abc
expect_eq "a bad id is a usage error" "2" "$RC"
no_secrets_in "$WORK/outputs.log" "$FAKE_LOG"
finish
