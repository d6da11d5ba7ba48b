#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Receiving a large webhook costs a fixed amount of memory, not its size: a 100,000-transaction
# first sync (~117 MiB, plain, then gzip) is spooled to an unlinked file beside the database as it
# arrives, committed to the inbox from that file, answered 200 and applied, and the daemon's peak
# RSS (VmHWM) rises less than a fixed budget above idle. Before the spool, the body alone was held
# whole in memory (+91 MiB at this size). Also: the spool leaves no file behind, and a signed
# (BI-Signature) large body is verified from the MAC computed on arrival.
# Env: E2E_LARGE_TX (default 100000), E2E_RSS_BUDGET_MIB (default 24).
# ctest: alone (it measures the daemon's peak RSS)
source "$(dirname "$0")/lib.sh"
N=${E2E_LARGE_TX:-100000}
BUDGET_KIB=$(( ${E2E_RSS_BUDGET_MIB:-24} * 1024 ))
SECRET="large-body-signing-secret"
write_config "server.max_body = 256M" "powens.webhook_secret = $SECRET"
start_daemon

kib() { awk -v f="$1:" '$1 == f { print $2 }' "/proc/$DAEMON_PID/status"; }
wait_applied() {  # wait_applied COUNT: bounded (120 s) wait for COUNT applied items
  local i
  for i in $(seq 1 1200); do
    [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'")" = "$1" ] && return 0
    [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'failed'")" = 0 ] || fail "an inbox item failed"
    sleep 0.1
  done
  fail "not applied within 120 s"
}
# post_signed FILE PATH_SUFFIX [curl args...]: a connection_synced webhook with BI-Signature over
# the body as sent after decoding (the daemon verifies the decoded body).
post_signed() {
  local file=$1 plain=$2
  shift 2
  local date sig
  date=$(date -u '+%Y-%m-%d %H:%M:%S')
  sig=$({ printf 'POST./webhook/connection_synced/.%s.' "$date"; cat "$plain"; } |
    openssl dgst -sha256 -hmac "$SECRET" -binary | base64 -w0)
  "${CURL[@]}" --max-time 120 --cacert "$CERT" -o "$WORK/response" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    -H "BI-Signature-Date: $date" -H "BI-Signature: $sig" \
    --data-binary "@$file" "$@" "$(url /webhook/connection_synced/)" || echo "curl-failed"
}
# check_growth WHAT: VmHWM since the last reset, above the idle RSS measured before.
check_growth() {
  local hwm growth
  hwm=$(kib VmHWM)
  growth=$((hwm - IDLE_KIB))
  echo "   $1: idle ${IDLE_KIB} KiB, VmHWM ${hwm} KiB, growth ${growth} KiB (budget ${BUDGET_KIB} KiB)"
  memory_bounds_hold || return 0
  [ "$growth" -lt "$BUDGET_KIB" ] || fail "$1: peak RSS rose ${growth} KiB above idle (budget ${BUDGET_KIB} KiB)"
  pass "$1: peak RSS within the budget"
}
reset_peak() {  # the kernel's peak RSS starts again from the current RSS (Linux >= 4.0)
  echo 5 > "/proc/$DAEMON_PID/clear_refs" || fail "cannot reset VmHWM"
  sleep 0.3
  IDLE_KIB=$(kib VmRSS)
}

sh "$FREENAHI_SOURCE_DIR/scripts/make-payload.sh" "$N" 7770001 > "$WORK/first.json"
BYTES=$(stat -c %s "$WORK/first.json")
sleep 0.3  # start-up settled
reset_peak
expect_eq "large plain body accepted" "200" "$(post_signed "$WORK/first.json" "$WORK/first.json")"
expect_eq "answer" '{"status":"stored"}' "$(cat "$WORK/response")"
wait_applied 1
check_growth "plain ${BYTES} bytes, received and applied"
expect_eq "all rows in the database" "$N" "$(sql "SELECT count(*) FROM transactions")"
expect_eq "body stored whole" "$BYTES" "$(sql "SELECT body_bytes FROM inbox WHERE webhook_id = 7770001")"

# The same rows in another webhook, gzip on the wire: inflated into the spool as it arrives.
sed 's/"id_webhook_data":7770001/"id_webhook_data":7770002/' "$WORK/first.json" > "$WORK/second.json"
grep -q '"id_webhook_data":7770002' "$WORK/second.json" || fail "payload shape changed: no id_webhook_data"
gzip -1 -c "$WORK/second.json" > "$WORK/second.json.gz"
reset_peak
expect_eq "large gzip body accepted" "200" \
  "$(post_signed "$WORK/second.json.gz" "$WORK/second.json" -H 'Content-Encoding: gzip')"
wait_applied 2
check_growth "gzip $(stat -c %s "$WORK/second.json.gz") bytes on the wire, received and applied"
expect_eq "stored decoded" "$BYTES" "$(sql "SELECT body_bytes FROM inbox WHERE webhook_id = 7770002")"
sql "SELECT writefile('$WORK/stored.json', body) FROM inbox_bodies WHERE inbox_id = 2" > /dev/null
cmp -s "$WORK/second.json" "$WORK/stored.json" || fail "the stored body differs from the body sent"
pass "stored body is the body sent, byte for byte"
rm -f "$WORK/stored.json"
expect_eq "still all rows" "$N" "$(sql "SELECT count(*) FROM transactions")"

# A wrong signature on a large body: read, refused, nothing stored.
sed 's/"id_webhook_data":7770001/"id_webhook_data":7770003/' "$WORK/first.json" > "$WORK/third.json"
expect_eq "large body with a wrong signature refused" "401" "$(post_signed "$WORK/third.json" "$WORK/first.json")"
expect_eq "nothing stored for it" "0" "$(sql "SELECT count(*) FROM inbox WHERE webhook_id = 7770003")"
expect_eq "no spool file left beside the database" "" "$(ls -A "$(dirname "$DB")" | grep -i spool || true)"
expect_match "logged with its size" "webhook connection_synced id=7770001 user=[0-9-]+ bytes=$BYTES .*stored" "$(cat "$WORK/daemon.log")"
finish
