#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# SIGHUP reloads the config (a new token works, the old one stops) and the certificate; a broken
# config on SIGHUP is refused and the daemon keeps running; SIGINT and SIGTERM exit 0.
source "$(dirname "$0")/lib.sh"
write_config
start_daemon
BODY="$SAMPLES/connection_synced_basic.json"
expect_eq "old token works" "200" "$(post_webhook "$BODY")"

sed -i "s/^user_token = .*/user_token = rotated-token-0001/" "$CONFIG"
old_fp=$(grep -o 'SHA-256 [0-9A-F:]*' "$WORK/daemon.log" | head -1)
rm "$WORK/freenahi-cert.pem" "$WORK/freenahi-key.pem"
kill -HUP "$DAEMON_PID"
for i in $(polls 50); do grep -q "configuration reloaded" "$WORK/daemon.log" && break; sleep 0.1; done
expect_match "SIGHUP logged" "SIGHUP: configuration reloaded, certificate reloaded" "$(cat "$WORK/daemon.log")"
expect_eq "a new certificate is served" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
expect_eq "old token refused after reload" "401" "$(post /webhook/connection_synced/ "$BODY" -H "Authorization: Bearer $TOKEN" -H 'X: 1')"
sed 's/"id_webhook_data": 5550001/"id_webhook_data": 5550003/' "$BODY" > "$WORK/b3.json"
expect_eq "new token accepted" "200" "$(post /webhook/connection_synced/ "$WORK/b3.json" -H "Authorization: Bearer rotated-token-0001")"

sed -i "/^\[server\]/a max_connections = lots" "$CONFIG"
kill -HUP "$DAEMON_PID"
for i in $(polls 50); do grep -q "keeping the running configuration" "$WORK/daemon.log" && break; sleep 0.1; done
expect_match "broken config refused with file:line" "keeping the running configuration: .*freenahi.ini:[0-9]+: max_connections" "$(cat "$WORK/daemon.log")"
expect_eq "still serving" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"

# An exchange under way when SIGTERM arrives still gets its answer, then the daemon exits 0.
body='{"id_webhook_data": 5550077, "user": {"id": 1042}, "connection": {"id": 317, "id_user": 1042}}'
{
  printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer rotated-token-0001\r\n'
  printf 'Content-Length: %d\r\n\r\n%s' "${#body}" "${body:0:20}"
  sleep 1.5
  printf '%s' "${body:20}"
  sleep 3
} | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" > "$WORK/inflight.out" 2>/dev/null &
client=$!
for i in $(polls 50); do [ "$(grep -c "connection from" "$WORK/daemon.log")" -ge 6 ] && break; sleep 0.05; done
sleep 0.5
kill -TERM "$DAEMON_PID"
wait "$client" || true
expect_match "the in-flight webhook is answered after SIGTERM" '^HTTP/1.1 200 OK' "$(head -1 "$WORK/inflight.out" | tr -d '\r')"
stop_daemon TERM
expect_eq "then SIGTERM exits 0" "0" "$DAEMON_RC"
# (a request refused from its head may still linger, draining its body, at the same moment)
expect_match "with the open connection(s) at the signal" "SIGTERM: stopping \([1-9] open connections\)" "$(cat "$WORK/daemon.log")"
expect_eq "and the webhook it answered is stored" "1" "$(sql "SELECT count(*) FROM inbox WHERE webhook_id = 5550077")"

sed -i '/^max_connections = lots/d' "$CONFIG"
start_daemon
stop_daemon INT
expect_eq "SIGINT exits 0" "0" "$DAEMON_RC"
start_daemon
stop_daemon TERM
expect_eq "SIGTERM exits 0" "0" "$DAEMON_RC"
expect_eq "the database is whole" "ok" "$(sql "PRAGMA integrity_check")"
finish
