#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad requests get a clear answer and change nothing: malformed JSON 400, over the body limit 413
# (declared or chunked or as a gzip bomb), wrong method 405, unknown path 404, TLS garbage and a
# plain-HTTP client on the TLS port cost a log line, and an authentic body of unexpected shape is
# kept in the inbox with its reason.
source "$(dirname "$0")/lib.sh"
write_config "server.max_body = 64K"
start_daemon
AUTH=(-H "Authorization: Bearer $TOKEN")

printf '{"id_webhook_data": 12, "user": {"id": 1042}, "connection": ' > "$WORK/truncated.json"
expect_eq "malformed JSON" "400" "$(post_webhook "$WORK/truncated.json")"
expect_match "400 says where" '^\{"error":"malformed JSON at offset [0-9]+' "$(cat "$WORK/response")"
printf '[1, 2, 3]' > "$WORK/array.json"
expect_eq "JSON that is not an object" "400" "$(post_webhook "$WORK/array.json")"

head -c 70000 /dev/zero | tr '\0' ' ' > "$WORK/big.json"
expect_eq "declared body over max_body" "413" "$(post_webhook "$WORK/big.json")"
expect_match "413 body is JSON" '^\{"error":"body larger than 65536 bytes"\}$' "$(cat "$WORK/response")"
expect_eq "chunked body over max_body" "413" "$(post_webhook "$WORK/big.json" -H 'Transfer-Encoding: chunked')"
{ printf '{"id_webhook_data": 13, "pad": "'; head -c 300000 /dev/zero | tr '\0' 'a'; printf '"}'; } | gzip -9 > "$WORK/bomb.json.gz"
expect_eq "gzip expanding past max_body" "413" "$(post_webhook "$WORK/bomb.json.gz" -H 'Content-Encoding: gzip')"
expect_eq "corrupt gzip" "400" "$(post_webhook "$WORK/truncated.json" -H 'Content-Encoding: gzip')"

expect_eq "GET on a webhook path" "405" "$("${CURL[@]}" -o "$WORK/response" -w '%{http_code}' "${AUTH[@]}" "$(url /webhook/connection_synced/)")"
expect_eq "405 body" '{"error":"method not allowed"}' "$(cat "$WORK/response")"
expect_eq "unknown event" "404" "$(post /webhook/no_such_event/ "$SAMPLES/connection_synced_basic.json" "${AUTH[@]}")"
expect_eq "unknown path" "404" "$("${CURL[@]}" -o "$WORK/response" -w '%{http_code}' "$(url /admin)")"
expect_eq "404 body" '{"error":"Not Found"}' "$(cat "$WORK/response")"

# Not TLS at all, and TLS records full of garbage: the daemon logs and keeps serving.
plain=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://localhost:$PORT/healthz" 2>&1 || true)
expect_match "plain HTTP on the TLS port is refused" "000|curl" "$plain"
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf '\x16\x03\x01\x00\x10garbage-garbage-garbage-garbage' >&3
timeout 5 cat <&3 > /dev/null 2>&1 || true
exec 3>&-
head -c 5000 /dev/urandom | timeout 5 openssl s_client -quiet -connect "127.0.0.1:$PORT" > /dev/null 2>&1 || true
expect_match "handshake failures logged" "TLS handshake failed|SSL - " "$(cat "$WORK/daemon.log")"
expect_eq "still serving after garbage" "200" "$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$(url /healthz)")"
expect_eq "nothing stored by any bad request" "0" "$(sql "SELECT count(*) FROM inbox")"

# Authentic, well-formed JSON, but not the shape we know: kept with the reason, answered 2xx.
cat > "$WORK/odd.json" <<'JSON'
{"id_webhook_data": 14, "user": {"id": 1042}, "connection": {"id": 318, "id_user": 1042,
 "accounts": [{"id": 9, "currency": {"id": "EUR", "precision": 2},
   "transactions": [{"id": 1, "date": "2024-03-01", "value": "twelve"}]}]}}
JSON
expect_eq "unexpected shape still answered 200" "200" "$(post_webhook "$WORK/odd.json")"
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox WHERE webhook_id = 14")" = failed ] && break; sleep 0.05; done
expect_eq "kept as failed" "failed" "$(sql "SELECT state FROM inbox WHERE webhook_id = 14")"
expect_match "with the reason and the path" "transactions\[0\]\.value" "$(sql "SELECT error FROM inbox WHERE webhook_id = 14")"
expect_eq "nothing of it applied" "0" "$(sql "SELECT count(*) FROM accounts")"
listing=$("$FREENAHI_BIN" inbox --config "$CONFIG")
expect_match "freenahi inbox lists it" "failed .*value" "$listing"
expect_match "freenahi inbox --json" '"webhook_id":14,"event":"connection_synced".*"state":"failed","error":"[^"]*value' "$("$FREENAHI_BIN" inbox --config "$CONFIG" --json)"
id=$(sql "SELECT id FROM inbox WHERE webhook_id = 14")
set +e
replay=$("$FREENAHI_BIN" inbox replay "$id" --config "$CONFIG" 2>&1)
rc=$?
set -e
expect_eq "replay of a still-broken item exits 1" "1" "$rc"
expect_match "and says why" "not applied: .*value" "$replay"
# Fix the body in place (as a newer parser would read it) and replay: now it applies.
sqlite3 "$DB" "UPDATE inbox_bodies SET body = CAST(replace(CAST(body AS TEXT), '\"twelve\"', '\"12.00\"') AS BLOB) WHERE inbox_id = $id"
expect_eq "replay applies it" "inbox $id: applied" "$("$FREENAHI_BIN" inbox replay "$id" --config "$CONFIG")"
expect_eq "the row is there, exact" "1200" "$(sql "SELECT value_minor FROM transactions WHERE id = 1")"
finish
