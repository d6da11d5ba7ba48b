#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Out of file descriptors (a router's low ulimit): accept() fails with EMFILE; the daemon pauses
# new connections instead of spinning or dying, and serves again once descriptors free up.
source "$(dirname "$0")/lib.sh"
write_config "server.header_timeout_ms = 1500"
# The daemon alone gets a tiny descriptor table: the limit is set in the subshell that execs it.
REAL_BIN=$FREENAHI_BIN
cat > "$WORK/limited" <<SH
#!/bin/sh
ulimit -n 14
exec "$REAL_BIN" "\$@"
SH
chmod +x "$WORK/limited"
FREENAHI_BIN="$WORK/limited"
start_daemon
pids=()
for i in $(seq 1 8); do
  sleep 4 | timeout 10 openssl s_client -quiet -connect "127.0.0.1:$PORT" > /dev/null 2>&1 &
  pids+=($!)
done
for i in $(polls 50); do grep -q "pausing new connections" "$WORK/daemon.log" && break; sleep 0.1; done
expect_match "EMFILE logged, accepting paused" "accept: Too many open files; pausing" "$(cat "$WORK/daemon.log")"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$(pgrep -f "freenahi serve --config $CONFIG" | head -1)/stat"; }
t0=$(cpu_ticks); sleep 1; t1=$(cpu_ticks)
expect_eq "not spinning while out of descriptors (< 0.3 s CPU in 1 s)" "yes" "$([ $((t1 - t0)) -lt 30 ] && echo yes || echo "no: $((t1 - t0)) ticks")"
kill "${pids[@]}" 2>/dev/null || true
wait "${pids[@]}" 2>/dev/null || true
ok=""
for i in $(polls 40); do
  ok=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)" 2>/dev/null || true)
  [ "$ok" = 200 ] && break
  sleep 0.25
done
expect_eq "serving again once descriptors are free" "200" "$ok"
finish
