#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# slowhttptest against the real daemon (default limits) on 127.0.0.1: slowloris (-H) then slow
# body (-B), ~1,000 connections each, while another address (127.0.0.2) polls /healthz and posts
# real authenticated webhooks, as Powens would. Counts successes; checks the stored webhooks,
# the RSS and the open fds during and after. Then oversized heads and bodies, TLS garbage and
# half-open connections. Needs FREENAHI_BIN, FREENAHI_SOURCE_DIR, slowhttptest.
source "$FREENAHI_SOURCE_DIR/tests/e2e/lib.sh"
ATTACK_SECONDS=${ATTACK_SECONDS:-30}
ulimit -n 8192
write_config
start_daemon
v4() { "${CURL[@]}" --resolve "localhost:$PORT:127.0.0.1" --max-time 5 "$@"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$DAEMON_PID/status"; }
fds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
fds_before=$(fds)
rss_before=$(rss_kb)
next_id=9100000

# attack MODE URL_PATH: runs slowhttptest in the background while polling from 127.0.0.2.
attack() {
  local mode=$1 path=$2 health_ok=0 health_all=0 hooks_ok=0 hooks_all=0 max_rss=0 max_fds=0 t_end
  slowhttptest "$mode" -c 1000 -r 200 -i 5 -s 8192 -l "$ATTACK_SECONDS" -p 3 \
    -u "https://127.0.0.1:$PORT$path" > "$WORK/slowhttptest$mode.log" 2>&1 &
  local attacker=$!
  sleep 5  # let it ramp up to its connections
  t_end=$(( $(date +%s) + ATTACK_SECONDS - 8 ))
  while [ "$(date +%s)" -lt "$t_end" ]; do
    health_all=$((health_all + 1))
    [ "$(v4 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "$(url /healthz)" 2>/dev/null)" = 200 ] && health_ok=$((health_ok + 1))
    if [ $((health_all % 3)) = 0 ]; then
      next_id=$((next_id + 1))
      sed "s/\"id_webhook_data\": [0-9]*/\"id_webhook_data\": $next_id/" "$SAMPLES/connection_synced_basic.json" > "$WORK/hook.json"
      hooks_all=$((hooks_all + 1))
      [ "$(v4 --interface 127.0.0.3 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/json' --data-binary @"$WORK/hook.json" "$(url /webhook/connection_synced/)" 2>/dev/null)" = 200 ] &&
        hooks_ok=$((hooks_ok + 1))
    fi
    local r f
    r=$(rss_kb) f=$(fds)
    [ "$r" -gt "$max_rss" ] && max_rss=$r
    [ "$f" -gt "$max_fds" ] && max_fds=$f
    sleep 0.5
  done
  wait "$attacker" || true
  local held closed
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$WORK/slowhttptest$mode.log" > "$WORK/slowhttptest$mode.txt"
  held=$(grep -Eo 'connected: +[0-9]+' "$WORK/slowhttptest$mode.txt" | tail -1 | grep -Eo '[0-9]+' || echo "?")
  closed=$(grep -Eo 'closed: +[0-9]+' "$WORK/slowhttptest$mode.txt" | tail -1 | grep -Eo '[0-9]+' || echo "?")
  echo "# slowhttptest $mode: /healthz $health_ok/$health_all, webhooks $hooks_ok/$hooks_all, peak RSS ${max_rss} kB, peak fds $max_fds, attacker: $closed connections closed by the daemon, $held open at the end (its own probe, from the attacking address, is confined like the attack)"
  expect_eq "$mode: every /healthz answered during the attack" "$health_all" "$health_ok"
  expect_eq "$mode: every webhook answered 200 during the attack" "$hooks_all" "$hooks_ok"
  expect_eq "$mode: peak RSS under 32 MB" "yes" "$([ "$max_rss" -lt 32768 ] && echo yes || echo "no ($max_rss kB)")"
  expect_eq "$mode: peak fds within max_connections + 16" "yes" "$([ "$max_fds" -le $((fds_before + 32 + 16)) ] && echo yes || echo "no ($max_fds)")"
}
attack -H /healthz
attack -B /webhook/connection_synced/
expect_eq "every webhook of the attacks stored" "$((next_id - 9100000))" \
  "$(sql "SELECT count(*) FROM inbox WHERE webhook_id > 9100000")"
expect_match "shedding logged" "connection limits" "$(cat "$WORK/daemon.log")"
expect_eq "shedding logged at most once per 10 s" "yes" \
  "$([ "$(grep -c 'connection limits' "$WORK/daemon.log")" -le $((2 * ATTACK_SECONDS / 10 + 4)) ] && echo yes || echo no)"

# Oversized head and body, a body over max_body with the token, TLS garbage, half-open clients.
big_header=$(head -c 20000 /dev/zero | tr '\0' a)
expect_eq "20 KB header: 431" "431" "$(v4 -o /dev/null -w '%{http_code}' -H "X-Big: $big_header" "$(url /healthz)")"
expect_match "431 logged" "431 request headers larger than" "$(cat "$WORK/daemon.log")"
head -c $((65 << 20)) /dev/zero > "$WORK/huge.bin"
expect_eq "65 MiB body with the token: 413" "413" "$(v4 -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
  -H 'Expect:' --data-binary @"$WORK/huge.bin" "$(url /webhook/connection_synced/)" 2>/dev/null || true)"
rm -f "$WORK/huge.bin"
for i in $(seq 1 20); do head -c 3000 /dev/urandom > "/dev/tcp/127.0.0.1/$PORT" 2>/dev/null || true; done
pass "20 connections of random bytes sent"
half=()
for i in $(seq 1 50); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$PORT"
  printf 'POST /webhook/connection_synced/ HTTP/1.1\r\n' >&"$fd" 2>/dev/null || true
  half+=("$fd")
done
expect_eq "healthz with 50 half-open clients" "200" "$(v4 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "$(url /healthz)")"
for fd in "${half[@]}"; do exec {fd}>&-; done

for i in $(seq 1 100); do [ "$(fds)" -le "$fds_before" ] && break; sleep 0.2; done
expect_eq "fds back down after everything" "$fds_before" "$(fds)"
rss_after=$(rss_kb)
echo "# RSS before ${rss_before} kB, after ${rss_after} kB"
expect_eq "RSS back under 2 × its start" "yes" "$([ "$rss_after" -lt $((rss_before * 2)) ] && echo yes || echo "no ($rss_after kB)")"
expect_eq "still serving" "200" "$(v4 -o /dev/null -w '%{http_code}' "$(url /healthz)")"
finish
