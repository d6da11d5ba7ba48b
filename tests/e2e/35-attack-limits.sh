#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 8, what one person with a laptop could do: a webhook without a valid Bearer token costs
# its headers only (401 before the body; 16 decompression bombs leave the peak RSS low); a body
# slower than min_body_rate and a request trickling past request_timeout_ms are cut off (408);
# one address holds at most max_connections_per_ip slots; when the table is full, a newcomer
# takes the place of an idle connection; both are logged, rate-limited; fds come back down.
# ctest: alone (cut-offs are timed against the deadlines)
source "$(dirname "$0")/lib.sh"
write_config "server.max_connections = 6" "server.max_connections_per_ip = 3" \
  "server.request_timeout_ms = 8000" "server.min_body_rate = 1000" "server.body_timeout_ms = 6000"
start_daemon
fds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
hwm_kb() { awk '/^VmHWM/ {print $2}' "/proc/$DAEMON_PID/status"; }
fds_before=$(fds)
tls() { timeout "${2:-15}" openssl s_client -quiet -connect "127.0.0.1:$PORT" 2>/dev/null; }
v4() { "${CURL[@]}" --resolve "localhost:$PORT:127.0.0.1" "$@"; }  # --interface needs IPv4
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# 1. Headers announcing 50 MB without a token: answered 401 at once, the body never awaited.
t0=$(date +%s%N)
{ printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n'; sleep 4; } |
  tls > "$WORK/nobody.out" || true
expect_match "no token: 401 without the body" "HTTP/1.1 401" "$(head -1 "$WORK/nobody.out")"
expect_match "logged, before the body" "rejected: missing Bearer token \(body not read\)" "$(cat "$WORK/daemon.log")"
expect_eq "a wrong token too" "401" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer not-a-known-token' \
  -H 'Expect: 100-continue' --data-binary @"$SAMPLES/connection_synced_basic.json" "$(url /webhook/connection_synced/)")"

# 2. Sixteen gzip bombs (100 MiB of zeros each) without a token: none is inflated.
head -c $((100 << 20)) /dev/zero | gzip -9 > "$WORK/bomb.gz"
hwm_before=$(hwm_kb)
for batch in 0 4 8 12; do  # four at a time: within the 6 slots, so none waits or is shed
  pids=()
  for i in 1 2 3 4; do
    v4 -o /dev/null -w '%{http_code}\n' -H 'Content-Encoding: gzip' -H 'Content-Type: application/json' \
      --data-binary @"$WORK/bomb.gz" --interface "127.0.0.$((10 + batch + i))" "$(url /webhook/connection_synced/)" \
      >> "$WORK/bombs.out" 2>/dev/null &
    pids+=($!)
  done
  wait "${pids[@]}" || true
done
expect_eq "16 bombs without a token: 16 × 401" "16" "$(grep -c '^401$' "$WORK/bombs.out" || true)"
hwm_after=$(hwm_kb)
if memory_bounds_hold; then
  expect_eq "peak RSS grew by less than 8 MiB (${hwm_before} → ${hwm_after} kB)" "yes" \
    "$([ $((hwm_after - hwm_before)) -lt 8192 ] && echo yes || echo no)"
fi

# 3. A body under min_body_rate (200 B/s), and 4. one fast enough (1500 B/s) that never ends:
# both with the right token, both cut off.
body_at() {  # body_at BYTES_PER_SECOND SECONDS
  printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 1000000\r\n\r\n' "$TOKEN"
  for ((s = 0; s < $2; s++)); do head -c "$1" /dev/zero | tr '\0' ' '; sleep 1; done
}
t0=$(date +%s%N)
body_at 200 14 | tls 20 > "$WORK/slow.out" &
slow=$!
body_at 1500 14 | tls 20 > "$WORK/long.out" &
long=$!
wait "$slow" "$long" || true
expect_match "slow body: 408" "HTTP/1.1 408" "$(head -1 "$WORK/slow.out")"
expect_match "slow body logged" "body slower than the minimum rate" "$(cat "$WORK/daemon.log")"
expect_match "never-ending body: 408" "HTTP/1.1 408" "$(head -1 "$WORK/long.out")"
expect_match "at the whole-request deadline" "request not received in time" "$(cat "$WORK/daemon.log")"

# 5. Per-address cap (3): three idle TCP clients from 127.0.0.1; a fourth from there is served,
# in place of one of them; a client from another address is served meanwhile.
exec 5<>"/dev/tcp/127.0.0.1/$PORT" 6<>"/dev/tcp/127.0.0.1/$PORT" 7<>"/dev/tcp/127.0.0.1/$PORT"
sleep 1.5
expect_eq "another address served" "200" "$(v4 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "$(url /healthz)")"
t0=$(date +%s%N)
expect_eq "a 4th from the same address served" "200" "$(v4 -o /dev/null -w '%{http_code}' "$(url /healthz)")"
# Without eviction it would wait for an idle one's header deadline (10 s).
expect_eq "without waiting for a deadline" "yes" "$([ "$(ms_since "$t0")" -lt 6000 ] && echo yes || echo "no ($(ms_since "$t0") ms)")"
expect_match "an idle one closed for it, logged" "connection limits \(6 in all, 3 per address\).*per-address limit" "$(cat "$WORK/daemon.log")"
exec 5>&- 6>&- 7>&-

# 6. Table full (6): idle TCP clients from six addresses; a seventh address is served at once.
idle=()
for i in 1 2 3 4 5 6; do
  sleep 8 | curl -s --max-time 12 --interface "127.0.0.$((40 + i))" "telnet://127.0.0.1:$PORT" > /dev/null 2>&1 &
  idle+=($!)
done
sleep 1.5
t0=$(date +%s%N)
expect_eq "full table: a newcomer is served" "200" "$(v4 --interface 127.0.0.50 -o /dev/null -w '%{http_code}' "$(url /healthz)")"
expect_eq "without waiting for a slot (10 s)" "yes" "$([ "$(ms_since "$t0")" -lt 6000 ] && echo yes || echo "no ($(ms_since "$t0") ms)")"
kill "${idle[@]}" 2>/dev/null || true
wait "${idle[@]}" 2>/dev/null || true
lines=$(grep -c "connection limits" "$WORK/daemon.log")
expect_eq "shedding logged at most once per 10 s ($lines lines)" "yes" "$([ "$lines" -le 3 ] && echo yes || echo no)"

# Everything closed: descriptors back to where they were, and still serving.
for i in $(polls 50); do [ "$(fds)" -le "$fds_before" ] && break; sleep 0.1; done
expect_eq "fds back down" "$fds_before" "$(fds)"
expect_eq "authenticated webhook still stored" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
finish
