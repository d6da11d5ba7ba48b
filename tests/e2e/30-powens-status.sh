#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Connection health: a connection in SCARequired with its consent expiring shows the exact
# reconnect command in `freenahi status`; serve fires on_sync_error and on_consent_expiring once
# per change (a real hook program receives the JSON); `freenahi sync` shows the state; `freenahi doctor` says ok/FAIL per line.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake
write_powens_config "powens.pull_interval = 0"
sed -i "s|^\[powens\]$|[powens]\nredirect_uri = https://localhost:$PORT/connected|" "$CONFIG"
printf '[hooks]\non_sync_error = /bin/sh -c "cat > %s/hook.json; echo $FREENAHI_CONNECTION > %s/hook.env"\n' "$WORK" "$WORK" >> "$CONFIG"

run_cli status --config "$CONFIG"
expect_eq "status without a database fails" "1" "$RC"
run_cli init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET"
expect_eq "init" "0" "$RC"
SOON=$(python3 -c "import datetime; print((datetime.datetime.now() + datetime.timedelta(days=3)).strftime('%Y-%m-%d %H:%M:%S'))")
fake_set "{\"connection_state\": \"SCARequired\", \"access_expire\": \"$SOON\"}"
run_cli pull --config "$CONFIG"
expect_eq "pull" "0" "$RC"

run_cli status --config "$CONFIG"
expect_eq "status exits 0" "0" "$RC"
expect_match "the daemon is down" "daemon: NOT reachable at https://localhost:$PORT/healthz" "$OUT"
expect_match "the connection and its state" "connection 317 Connecteur de test: SCARequired, 2 accounts" "$OUT"
expect_match "the exact reconnect command" "what to do: run: freenahi connect --reconnect 317" "$OUT"
expect_match "the consent warning" "warning: bank consent expires .*: renew it with: freenahi connect --reconnect 317" "$OUT"
expect_match "the last pull" "last pull: .* ok \([0-9]+ pages" "$OUT"

start_daemon
run_cli status --config "$CONFIG"
expect_match "the daemon is up" "daemon: up \(https://localhost:$PORT/healthz\)" "$OUT"
for i in $(polls 100); do grep -q "health event consent_expiring" "$WORK/daemon.log" && break; sleep 0.05; done
expect_eq "on_sync_error fired once" "1" "$(grep -c 'health event sync_error' "$WORK/daemon.log")"
expect_match "with the state" '"state":"SCARequired"' "$(grep 'health event sync_error' "$WORK/daemon.log")"
for i in $(polls 100); do [ -s "$WORK/hook.env" ] && break; sleep 0.05; done
expect_match "the on_sync_error program got the event JSON" '"event":"sync_error","connection_id":317,.*"state":"SCARequired"' "$(cat "$WORK/hook.json")"
expect_eq "and FREENAHI_CONNECTION" "317" "$(cat "$WORK/hook.env")"
expect_eq "on_consent_expiring fired once" "1" "$(grep -c 'health event consent_expiring' "$WORK/daemon.log")"
expect_eq "webhook" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
sleep 0.5
expect_eq "a webhook with the state back to fine fires nothing more" "1" "$(grep -c 'health event sync_error' "$WORK/daemon.log")"

run_cli doctor --config "$CONFIG"
expect_eq "doctor passes" "0" "$RC"
expect_match "doctor: config" "^config: ok" "$OUT"
expect_match "doctor: certificate" "certificate: ok \(expires .*names: .*localhost" "$OUT"
expect_match "doctor: port" "port: ok" "$OUT"
expect_match "doctor: database" "database: ok" "$OUT"
expect_match "doctor: powens" "powens: ok \(user 1042 at localhost:$FAKE_PORT\)" "$OUT"
stop_daemon TERM
run_cli doctor --config "$CONFIG"
expect_eq "doctor fails with the daemon down" "1" "$RC"
expect_match "and says what to do" "port: FAIL: .*start the daemon" "$OUT"

fake_set '{"connection_state": "wrongpass"}'
run_cli sync 317 --config "$CONFIG"
expect_eq "sync exits 0" "0" "$RC"
expect_match "sync shows the state and what to do" "connection 317 Connecteur de test: wrongpass, last sync .*freenahi connect --manage" "$OUT"
expect_eq "sync is one PUT" "1" "$(calls /2.0/users/me/connections/317 PUT)"
no_secrets_in "$WORK/outputs.log" "$WORK/daemon.log" "$FAKE_LOG"
finish
