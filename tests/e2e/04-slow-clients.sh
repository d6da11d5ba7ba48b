#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One thread serves everyone: a client that sends its headers a byte a second is cut off at the
# header deadline while another client is served; past max_connections new clients wait in the
# backlog and are served once a slot frees; nothing crashes.
# ctest: alone (it times answers against the deadlines)
source "$(dirname "$0")/lib.sh"
write_config "server.header_timeout_ms = 2000" "server.body_timeout_ms = 2000" "server.max_connections = 2"
start_daemon

slow_client() {  # sends "POST /webhook/connection_synced/ ..." one byte a second
  local request="POST /webhook/connection_synced/ HTTP/1.1" i
  for ((i = 0; i < ${#request}; i++)); do printf '%s' "${request:i:1}"; sleep 1; done
}
slow_client | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" > "$WORK/slow.out" 2>/dev/null &
slow=$!
sleep 0.5
t0=$(date +%s%N)
expect_eq "another client is served meanwhile" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
expect_eq "and fast (under a second)" "yes" "$([ $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1000 ] && echo yes || echo no)"
for i in $(polls 100); do grep -q "headers not received in time" "$WORK/daemon.log" && break; sleep 0.1; done
expect_match "slow client cut off at the header deadline" "headers not received in time" "$(cat "$WORK/daemon.log")"
wait "$slow" || true
expect_match "and told so" "HTTP/1.1 408" "$(cat "$WORK/slow.out")"

# Body silence: headers sent (with the token: without, the head alone is refused), then nothing.
{ printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{"id' "$TOKEN"; sleep 6; } |
  timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" > "$WORK/stall.out" 2>/dev/null || true
expect_match "stalled body cut off" "body stalled" "$(cat "$WORK/daemon.log")"

# Fill both slots with idle TLS clients; a third client waits, then is served.
before=$(grep -c "connection from" "$WORK/daemon.log" || true)
sleep 8 | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" > /dev/null 2>&1 &
idle1=$!
sleep 8 | timeout 20 openssl s_client -quiet -connect "127.0.0.1:$PORT" > /dev/null 2>&1 &
idle2=$!
for i in $(polls 50); do [ "$(grep -c "connection from" "$WORK/daemon.log")" -ge $((before + 2)) ] && break; sleep 0.1; done
t0=$(date +%s%N)
expect_eq "third client over the cap is served, not refused" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
waited_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_eq "after waiting for a free slot" "yes" "$([ "$waited_ms" -ge 500 ] && echo yes || echo "no (${waited_ms} ms)")"
kill "$idle1" "$idle2" 2>/dev/null || true
wait "$idle1" "$idle2" 2>/dev/null || true
expect_eq "daemon alive" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
finish
