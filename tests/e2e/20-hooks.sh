#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# [hooks] on_new_transactions through the real daemon: a webhook posted with curl over TLS makes
# serve run the hook with the event JSON on stdin and FREENAHI_* in its environment, argv taken
# literally (no shell); a redelivery or a sync without new transactions runs nothing; a hanging
# hook is killed at hook_timeout_s while the daemon keeps answering; no token in the log.
# ctest: alone (/healthz must answer within 1 s while a hook hangs)
source "$(dirname "$0")/lib.sh"
write_config
cat > "$WORK/hook.sh" <<'EOF'
#!/bin/sh
dir=$(dirname "$0")
n=$(ls "$dir" | grep -c '^hook-run-' || true)
n=$((n + 1))
cat > "$dir/hook-stdin-$n.json"
for a in "$@"; do printf '%s\n' "$a"; done > "$dir/hook-argv-$n.txt"
env | grep -E '^FREENAHI_(EVENT|CONFIG|COUNT)=' | sort > "$dir/hook-env-$n.txt"
touch "$dir/hook-run-$n"
EOF
cat > "$WORK/hang.sh" <<'EOF'
#!/bin/sh
touch "$(dirname "$0")/hang-started"
sleep 60
touch "$(dirname "$0")/hang-survived"
EOF
chmod 755 "$WORK/hook.sh" "$WORK/hang.sh"
cp "$CONFIG" "$WORK/base.ini"
{
  echo "[hooks]"
  echo "on_new_transactions = $WORK/hook.sh 'two words' \$(touch $WORK/pwned) \"\$HOME\""
  echo "hook_timeout_s = 2"
} >> "$CONFIG"
start_daemon

wait_for_file() {  # wait_for_file PATH: up to 10 s
  local i
  for i in $(polls 200); do [ -e "$1" ] && return 0; sleep 0.05; done
  return 1
}

expect_eq "sample webhook accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
wait_for_file "$WORK/hook-run-1" || fail "the hook did not run within 10 s"
pass "hook ran after the webhook was applied"
stdin=$(cat "$WORK/hook-stdin-1.json")
expect_match "hook stdin is the event JSON" '^\{"event":"new_transactions","count":7,"inbox_ids":\[1\],"time":[0-9]+\}$' "$stdin"
expect_eq "hook environment" "FREENAHI_CONFIG=$CONFIG
FREENAHI_COUNT=7
FREENAHI_EVENT=new_transactions" "$(cat "$WORK/hook-env-1.txt")"
expect_eq "argv literal, no shell" "two words
\$(touch
$WORK/pwned)
\$HOME" "$(cat "$WORK/hook-argv-1.txt")"
[ ! -e "$WORK/pwned" ] || fail "a \$(...) in the hook command line was executed"
pass "\$(touch) stayed literal"
for i in $(polls 100); do grep -q "hook on_new_transactions (hook.sh): exit 0" "$WORK/daemon.log" && break; sleep 0.05; done
expect_match "exit status logged, program name only" "hook on_new_transactions \(hook.sh\): exit 0 in [0-9]+ ms" "$(cat "$WORK/daemon.log")"

expect_eq "same body again accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
sed 's/"id_webhook_data": 5550001/"id_webhook_data": 5550002/' "$SAMPLES/connection_synced_basic.json" > "$WORK/again.json"
expect_eq "same transactions in a new webhook accepted" "200" "$(post_webhook "$WORK/again.json")"
for i in $(polls 100); do [ "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")" = 2 ] && break; sleep 0.05; done
expect_eq "second webhook applied" "2" "$(sql "SELECT count(*) FROM inbox WHERE state='applied'")"
sleep 0.5
expect_eq "no hook without new transactions" "1" "$(ls "$WORK" | grep -c '^hook-run-')"

# A hook that hangs: reloaded with SIGHUP, killed at hook_timeout_s, the daemon answering meanwhile.
cp "$WORK/base.ini" "$CONFIG"
printf '[hooks]\non_new_transactions = %s\nhook_timeout_s = 2\n' "$WORK/hang.sh" >> "$CONFIG"
kill -HUP "$DAEMON_PID"
for i in $(polls 100); do grep -q "configuration reloaded" "$WORK/daemon.log" && break; sleep 0.05; done
sed -e 's/"id_webhook_data": 5550001/"id_webhook_data": 5550003/' -e 's/"id": 90007,/"id": 90077,/' \
  "$SAMPLES/connection_synced_basic.json" > "$WORK/new-one.json"
expect_eq "webhook with one new transaction accepted" "200" "$(post_webhook "$WORK/new-one.json")"
wait_for_file "$WORK/hang-started" || fail "the hanging hook did not start"
start_ms=$(date +%s%3N)
expect_eq "healthz while the hook hangs" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
answer_ms=$(( $(date +%s%3N) - start_ms ))
[ "$answer_ms" -lt 1000 ] || fail "healthz took $answer_ms ms while a hook hung"
pass "daemon answered in $answer_ms ms while the hook hung"
for i in $(polls 200); do grep -q "hook on_new_transactions (hang.sh): killed at its timeout" "$WORK/daemon.log" && break; sleep 0.05; done
expect_match "hanging hook killed at its timeout" "hook on_new_transactions \(hang.sh\): killed at its timeout in [0-9]+ ms" "$(cat "$WORK/daemon.log")"
killed_ms=$(grep -o "hang.sh): killed at its timeout in [0-9]* ms" "$WORK/daemon.log" | grep -o "[0-9]* ms" | cut -d' ' -f1)
[ "$killed_ms" -ge 1900 ] && [ "$killed_ms" -lt 6000 ] || fail "killed after $killed_ms ms, expected about 2000"
pass "killed after $killed_ms ms (timeout 2 s)"
sleep 0.3
pgrep -f "$WORK/hang.sh" >/dev/null && fail "the hanging hook is still running"
pass "no hook process left"

grep -q "$TOKEN" "$WORK/daemon.log" && fail "the user token appears in the daemon log"
pass "no token in the log"
stop_daemon TERM
expect_eq "SIGTERM exits 0" "0" "$DAEMON_RC"
finish
