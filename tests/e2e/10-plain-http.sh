#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tls = off: plain HTTP for a daemon behind a reverse proxy on the same box. Same routes, same
# authentication, no certificate generated; a warning when it listens beyond loopback.
source "$(dirname "$0")/lib.sh"
write_config "server.tls = off"
SCHEME=http
start_daemon
expect_eq "no certificate generated" "no" "$([ -e "$WORK/freenahi-cert.pem" ] && echo yes || echo no)"
expect_match "listening on http" "listening on http://127.0.0.1:$PORT" "$(cat "$WORK/daemon.log")"
if grep -q "tls = off on a non-loopback" "$WORK/daemon.log"; then fail "warned on loopback"; fi
pass "no warning on loopback"
code=$(curl -sS --max-time 10 -o "$WORK/response" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  --data-binary "@$SAMPLES/connection_synced_basic.json" "$(url /webhook/connection_synced/)")
expect_eq "webhook over plain HTTP" "200" "$code"
code=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer nope" \
  --data-binary "@$SAMPLES/connection_synced_basic.json" "$(url /webhook/connection_synced/)")
expect_eq "still authenticated" "401" "$code"
stop_daemon TERM

sed -i "s/^listen = 127.0.0.1:/listen = 0.0.0.0:/" "$CONFIG"
start_daemon
expect_match "warns when not on loopback" "warn: tls = off on a non-loopback address" "$(cat "$WORK/daemon.log")"
finish
