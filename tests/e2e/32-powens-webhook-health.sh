#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Connection health from webhooks alone (a user who never pulls): CONNECTION_SYNCED's next_try and
# sources[].access_expire are stored, so `freenahi status` warns about a consent that runs out
# and serve fires on_consent_expiring; a stale webhook (older connection) leaves them alone.
source "$(dirname "$0")/lib.sh"
write_config "powens.pull_interval = 0"
printf '[hooks]\non_consent_expiring = /bin/sh -c "cat > %s/hook.json"\n' "$WORK" >> "$CONFIG"

# The sample with a consent ending in 3 days and a retry in 1 hour (Paris wall-clock text, as
# Powens sends it); EXPIRE/NEXT are the same instants in Unix seconds.
read -r EXPIRE NEXT EXPIRE_DAY < <(python3 - "$SAMPLES/connection_synced_basic.json" "$WORK" << 'EOF'
import datetime, json, sys
from zoneinfo import ZoneInfo
paris = ZoneInfo("Europe/Paris")
now = datetime.datetime.now(paris).replace(microsecond=0)
expire, retry = now + datetime.timedelta(days=3), now + datetime.timedelta(hours=1)
fmt = "%Y-%m-%d %H:%M:%S"
body = json.load(open(sys.argv[1]))
body["connection"]["next_try"] = retry.strftime(fmt)
body["connection"]["sources"][0]["access_expire"] = expire.strftime(fmt)
body["connection"]["sources"].append({"id": 5122, "access_expire": (expire + datetime.timedelta(days=30)).strftime(fmt)})
json.dump(body, open(sys.argv[2] + "/fresh.json", "w"))
# An older copy of the connection (last_update a day earlier) with other health values.
body["id_webhook_data"] += 1
body["connection"]["last_update"] = "2024-03-13 08:02:11"
body["connection"]["next_try"] = "2030-01-01 00:00:00"
body["connection"]["sources"] = [{"id": 5121, "access_expire": "2030-01-01 00:00:00"}]
json.dump(body, open(sys.argv[2] + "/stale.json", "w"))
print(int(expire.timestamp()), int(retry.timestamp()), expire.strftime("%Y-%m-%d"))
EOF
)

start_daemon
expect_eq "webhook stored" "200" "$(post_webhook "$WORK/fresh.json")"
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.05; done
expect_eq "webhook applied" "applied" "$(sql "SELECT state FROM inbox")"
expect_eq "next_try and the earliest access_expire stored" "$NEXT|$EXPIRE" \
  "$(sql "SELECT next_try, access_expire FROM connections WHERE id = 317")"
expect_eq "no pull ever ran" "0" "$(sql "SELECT count(*) FROM pulls")"

set +e
OUT=$("$FREENAHI_BIN" status --config "$CONFIG" 2>&1)
RC=$?
set -e
expect_eq "status exits 0" "0" "$RC"
expect_match "the consent warning, for a webhook-only user" \
  "warning: bank consent expires $EXPIRE_DAY: renew it with: freenahi connect --reconnect 317" "$OUT"
for i in $(polls 100); do [ -s "$WORK/hook.json" ] && break; sleep 0.05; done
expect_match "on_consent_expiring got the event" '"event":"consent_expiring","connection_id":317,.*"access_expire":'"$EXPIRE"',"days_left":[23],' "$(cat "$WORK/hook.json" 2> /dev/null)"

expect_eq "stale webhook stored" "200" "$(post_webhook "$WORK/stale.json")"
for i in $(polls 100); do [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'")" = 2 ] && break; sleep 0.05; done
expect_eq "stale webhook applied" "2" "$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'")"
expect_eq "a stale connection leaves the health alone" "$NEXT|$EXPIRE" \
  "$(sql "SELECT next_try, access_expire FROM connections WHERE id = 317")"
stop_daemon TERM
finish
