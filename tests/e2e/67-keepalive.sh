#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 10, HTTP keep-alive: curl reuses one TLS connection for several webhooks and /healthz;
# two requests pipelined in one write are both answered, in order; HTTP/1.0 only with
# "Connection: keep-alive"; the request cap closes the last answer; errors (401, 404) close; an
# idle connection is closed after keepalive_timeout_ms, and a slow next request on a kept-alive
# connection still meets the header deadline (408); keepalive_timeout_ms = 0 closes every answer.
# ctest: alone (the idle timeout is timed)
source "$(dirname "$0")/lib.sh"
write_config "server.keepalive_timeout_ms = 1500" "server.keepalive_requests = 3" \
  "server.header_timeout_ms = 2000"
start_daemon
# -quiet implies -ign_eof: s_client reads until the daemon closes, after the end of its input.
tls() { timeout "${1:-10}" openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null; }
# The connection headers of every answer in FILE, in order.
# The status codes of the answers in FILE (a body has no final newline: not at a line start).
statuses() { grep -ao 'HTTP/1\.1 [0-9][0-9][0-9]' "$1" | cut -d' ' -f2 | paste -sd ' '; }
conn_headers() { tr -d '\r' < "$1" | sed -n 's/^< //; s/^\(Keep-Alive\|Connection\): /\1 /p' | paste -sd '|'; }
webhook() {  # webhook ID: the basic sample under another id_webhook_data
  sed "s/\"id_webhook_data\": 5550001/\"id_webhook_data\": $1/" "$SAMPLES/connection_synced_basic.json"
}
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
# curl's verbose wording changes between versions ("Re-using existing connection" in 7.88,
# "Re-using existing https: connection" in 8.14): count new connections with -w instead.
CONNECTS=(-w '\nnew-connections=%{num_connects}\n')
connections() { awk -F= '/^new-connections=/ { n += $2 } END { print n + 0 }' "$1"; }
webhook 6700001 > "$WORK/a.json"
webhook 6700002 > "$WORK/b.json"

# 1. Two webhooks and a health check on one curl command line: one connection, one handshake.
"${CURL[@]}" -v -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/a.json" "$(url /webhook/connection_synced/)" "${CONNECTS[@]}" \
  --next "${CURL[@]:1}" -v -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/b.json" "$(url /webhook/connection_synced/)" "${CONNECTS[@]}" \
  --next "${CURL[@]:1}" -v "$(url /healthz)" "${CONNECTS[@]}" > "$WORK/curl1.out" 2> "$WORK/curl1.err"
expect_eq "three answers" "3" "$(grep -c '^< HTTP/1.1 200' "$WORK/curl1.err")"
expect_eq "one TCP connection for the three (curl re-used it twice)" "1" "$(connections "$WORK/curl1.out")"
expect_eq "the daemon saw one connection" "1" "$(grep -c 'debug: connection from' "$WORK/daemon.log")"
expect_eq "answers say how long and how many; the third (keepalive_requests = 3) closes" \
  "Keep-Alive timeout=1, max=2|Keep-Alive timeout=1, max=1|Connection close" "$(conn_headers "$WORK/curl1.err")"
for i in $(polls 100); do [ "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")" = 2 ] && break; sleep 0.05; done
expect_eq "both webhooks stored and applied" "2" "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")"

# 2. Pipelining: two webhooks and a closing GET in one write; three answers, in order.
webhook 6700003 > "$WORK/c.json"
webhook 6700004 > "$WORK/d.json"
{
  for f in c d; do
    printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' \
      "$TOKEN" "$(stat -c %s "$WORK/$f.json")"
    cat "$WORK/$f.json"
  done
  printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
} > "$WORK/pipelined.req"
tls 10 < "$WORK/pipelined.req" > "$WORK/pipelined.out" || true
expect_eq "three pipelined answers" "200 200 200" "$(statuses "$WORK/pipelined.out")"
expect_eq "the last one closes" "Keep-Alive timeout=1, max=2|Keep-Alive timeout=1, max=1|Connection close" \
  "$(conn_headers "$WORK/pipelined.out")"
for i in $(polls 100); do [ "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")" = 4 ] && break; sleep 0.05; done
expect_eq "both pipelined webhooks stored and applied" "4" "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")"

# 3. HTTP/1.0: kept only when asked for.
printf 'GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n' |
  tls 10 > "$WORK/http10.out" || true
expect_eq "HTTP/1.0: two answers on one connection" "200 200" "$(statuses "$WORK/http10.out")"
expect_eq "the first says keep-alive, the second close" "keep-alive|close" \
  "$(tr -d '\r' < "$WORK/http10.out" | sed -n 's/^Connection: //p' | paste -sd '|')"

# 4. Errors close the connection: curl must connect again after a 401 and after a 404.
"${CURL[@]}" -v -H "Authorization: Bearer wrong" --data-binary @"$WORK/a.json" "$(url /webhook/connection_synced/)" \
  "${CONNECTS[@]}" --next "${CURL[@]:1}" -v "$(url /nope)" "${CONNECTS[@]}" \
  --next "${CURL[@]:1}" -v "$(url /healthz)" "${CONNECTS[@]}" > "$WORK/curl4.out" 2> "$WORK/curl4.err" || true
expect_eq "401, 404, 200" "401 404 200" "$(sed -n 's/^< HTTP\/1.1 \([0-9]*\).*/\1/p' "$WORK/curl4.err" | paste -sd ' ')"
expect_eq "each on its own connection" "1 1 1" "$(sed -n 's/^new-connections=//p' "$WORK/curl4.out" | paste -sd ' ')"

# 5. An idle kept-alive connection is closed after keepalive_timeout_ms (1.5 s), not before.
{ printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'; sleep 1; printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'; } |
  { t0=$(date +%s%N); tls 12 > "$WORK/idle.out" || true; ms_since "$t0" > "$WORK/idle.ms"; }
expect_eq "a request 1 s after the last answer is served" "200 200" "$(statuses "$WORK/idle.out")"
idle_ms=$(cat "$WORK/idle.ms")
expect_eq "then closed after the idle timeout (1 s + 1.5 s; took ${idle_ms} ms)" "yes" \
  "$([ "$idle_ms" -ge 2300 ] && [ "$idle_ms" -lt 6000 ] && echo yes || echo no)"
expect_match "logged (debug)" "idle keep-alive connection, closing" "$(cat "$WORK/daemon.log")"

# 6. The next request on a kept-alive connection has its own header deadline (2 s).
slow_next() {
  printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
  sleep 0.5
  local request="GET /healthz HTTP/1.1" i
  for ((i = 0; i < ${#request}; i++)); do printf '%s' "${request:i:1}"; sleep 0.4; done
}
slow_next | tls 15 > "$WORK/slow.out" || true
expect_eq "first answered, the trickled one cut off" "200 408" "$(statuses "$WORK/slow.out")"
expect_match "at the header deadline" "headers not received in time" "$(cat "$WORK/daemon.log")"

# 7. keepalive_timeout_ms = 0: every answer closes (SIGHUP applies it to new connections).
sed -i 's/^keepalive_timeout_ms = 1500/keepalive_timeout_ms = 0/' "$CONFIG"
kill -HUP "$DAEMON_PID"
for i in $(polls 50); do grep -q "SIGHUP" "$WORK/daemon.log" && break; sleep 0.1; done
sleep 0.3
"${CURL[@]}" -v "$(url /healthz)" "$(url /healthz)" > /dev/null 2> "$WORK/curl7.err"
expect_eq "keep-alive off: two connections" "2" "$(grep -c '^\* Connected to' "$WORK/curl7.err")"
expect_eq "both answers close" "2" "$(tr -d '\r' < "$WORK/curl7.err" | grep -c '^< Connection: close')"
finish
