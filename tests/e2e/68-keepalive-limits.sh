#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 10, keep-alive against the connection limits: when the table is full, a newcomer takes
# the place of an idle kept-alive connection before that of a request in progress (even one
# silent for seconds); on SIGTERM idle kept-alive connections close at once (the daemon does not
# wait its grace period for them) while a request under way on a kept-alive connection still
# gets its answer, with "Connection: close".
# ctest: alone (answers must come at once, not after a timeout)
source "$(dirname "$0")/lib.sh"
write_config "server.max_connections = 3" "server.keepalive_timeout_ms = 30000" "server.min_body_rate = 0"
start_daemon
# -quiet implies -ign_eof: s_client reads until the daemon closes, after the end of its input.
tls() { timeout "${1:-20}" openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null; }
statuses() { grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]' "$1" | cut -d' ' -f2 | paste -sd ' '; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
wait_for() {  # wait_for FILE PATTERN: bounded wait until FILE holds PATTERN
  local i
  for i in $(polls 100); do grep -aq "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  fail "nothing matching '$2' in $1"
}
body="$WORK/webhook.json"
sed 's/"id_webhook_data": 5550001/"id_webhook_data": 6800001/' "$SAMPLES/connection_synced_basic.json" > "$body"
size=$(stat -c %s "$body")
post_head() {  # post_head [EXTRA HEADER LINE]
  printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n' \
    "$TOKEN" "$size" "${1:+$1$'\r\n'}"
}
running() { local n=0 p; for p in "$@"; do kill -0 "$p" 2>/dev/null && n=$((n + 1)); done; echo "$n"; }

# 1. Slot A: a webhook whose body stops after 100 bytes for 4 s. Slots B and C: kept alive, idle.
{ post_head "Connection: close"; head -c 100 "$body"; sleep 4; tail -c +101 "$body"; } | tls > "$WORK/a.out" &
a=$!
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' | tls > "$WORK/b.out" &
b=$!
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' | tls > "$WORK/c.out" &
c=$!
wait_for "$WORK/b.out" "HTTP/1.1 200"
wait_for "$WORK/c.out" "HTTP/1.1 200"
sleep 1.5  # A is now silent for over a second: it too could be taken for an idle client
t0=$(date +%s%N)
expect_eq "a newcomer is served with the table full" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
expect_eq "at once (not after an idle timeout)" "yes" "$([ "$(ms_since "$t0")" -lt 2000 ] && echo yes || echo no)"
expect_match "an idle connection was closed for it" "closed a slow or idle connection for a new one \(table full\)" "$(cat "$WORK/daemon.log")"
for i in $(polls 40); do [ "$(running "$b" "$c")" = 2 ] || break; sleep 0.05; done
expect_eq "one of the two idle kept-alive connections, not both" "1" "$(running "$b" "$c")"
wait "$a" || true
expect_eq "the silent webhook in progress was not the one closed" "200" "$(statuses "$WORK/a.out")"
expect_eq "and it was stored" "1" "$(sql "SELECT count(*) FROM inbox")"
kill "$b" "$c" 2>/dev/null || true
wait "$b" "$c" 2>/dev/null || true

# 2. SIGTERM: two idle kept-alive connections and one webhook under way on a kept-alive one.
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' | tls > "$WORK/i1.out" &
i1=$!
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' | tls > "$WORK/i2.out" &
i2=$!
sed 's/"id_webhook_data": 5550001/"id_webhook_data": 6800002/' "$SAMPLES/connection_synced_basic.json" > "$body"
{ printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'; sleep 0.5; post_head; head -c 100 "$body"; sleep 2; tail -c +101 "$body"; } |
  tls > "$WORK/busy.out" &
busy=$!
wait_for "$WORK/i1.out" "HTTP/1.1 200"
wait_for "$WORK/i2.out" "HTTP/1.1 200"
wait_for "$WORK/busy.out" "HTTP/1.1 200"
sleep 1  # the webhook's head and first bytes are in
t0=$(date +%s%N)
kill -TERM "$DAEMON_PID"
for i in $(polls 100); do kill -0 "$DAEMON_PID" 2>/dev/null || break; sleep 0.05; done
took=$(ms_since "$t0")
wait "$DAEMON_PID" && rc=0 || rc=$?
DAEMON_PID=""
expect_eq "exit 0" "0" "$rc"
expect_eq "the daemon stopped once the webhook was answered, not after its 5 s grace (${took} ms)" "yes" \
  "$([ "$took" -lt 4000 ] && echo yes || echo no)"
wait "$busy" "$i1" "$i2" 2>/dev/null || true
expect_eq "the webhook under way was answered" "200 200" "$(statuses "$WORK/busy.out")"
expect_match "with Connection: close" "Connection: close" "$(tr -d '\r' < "$WORK/busy.out")"
expect_eq "and stored" "2" "$(sql "SELECT count(*) FROM inbox")"
finish
