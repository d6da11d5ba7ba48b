#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Money stays exact end to end: 100,000 transactions of 0.01 EUR (and one of 0.10 USD) posted to
# the real daemon add up to exactly 1000.00 EUR in transactions, summary, the ledger export and
# ledger reading it; the currencies are never mixed.
source "$(dirname "$0")/cli_fixture.sh"
write_config
start_daemon
N=100000
awk -v n="$N" 'BEGIN {
  printf "{\"id_webhook_data\":1,\"user\":{\"id\":1042},\"connection\":{\"id\":1,\"id_user\":1042,"
  printf "\"id_connector\":40,\"state\":null,\"active\":true,\"connector\":{\"id\":40,\"uuid\":\"u\",\"name\":\"Banque\"},"
  printf "\"accounts\":[{\"id\":1,\"id_connection\":1,\"id_user\":1042,\"number\":\"1\",\"original_name\":\"Pièces\","
  printf "\"name\":\"Pièces\",\"balance\":\"1000.00\",\"iban\":\"\",\"currency\":{\"id\":\"EUR\",\"precision\":2},"
  printf "\"type\":\"checking\",\"usage\":\"PRIV\",\"transactions\":["
  for (t = 1; t <= n; t++) {
    if (t > 1) printf ","
    printf "{\"id\":%d,\"id_account\":1,\"date\":\"2024-%02d-%02d\",\"value\":0.01,\"type\":\"card\",", t, 1 + t % 12, 1 + t % 28
    printf "\"original_wording\":\"CENT %d\",\"simplified_wording\":\"CENT\",\"wording\":\"CENT\",\"coming\":false,\"active\":true,\"deleted\":null}", t
  }
  printf "]},{\"id\":2,\"id_connection\":1,\"id_user\":1042,\"number\":\"2\",\"original_name\":\"Dollars\",\"name\":\"Dollars\","
  printf "\"balance\":\"0.10\",\"iban\":\"\",\"currency\":{\"id\":\"USD\",\"precision\":2},\"type\":\"checking\",\"usage\":\"PRIV\","
  printf "\"transactions\":[{\"id\":%d,\"id_account\":2,\"date\":\"2024-06-01\",\"value\":\"0.10\",\"type\":\"card\",", n + 1
  printf "\"original_wording\":\"DIME\",\"simplified_wording\":\"DIME\",\"wording\":\"DIME\",\"coming\":false,\"active\":true,\"deleted\":null}]}]}}\n"
}' > "$WORK/cents.json"
[ "$(post_webhook "$WORK/cents.json")" = 200 ] || fail "payload not accepted: $(cat "$WORK/response")"
for i in $(polls 600); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.1; done
expect_eq "payload applied" "applied" "$(sql "SELECT state FROM inbox")"
export FREENAHI_CONFIG="$CONFIG"

out transactions --json --limit 1
expect_match "transactions totals: exactly 1000.00 EUR over 100000" \
  '"totals":\[\{"currency":"EUR","total":"1000.00","count":100000\},\{"currency":"USD","total":"0.10","count":1\}\]' "$OUT"
out summary --by year --csv
OUT=$(printf '%s' "$OUT" | tr -d '\r')
expect_eq "summary: exact per currency" "year,currency,income,spending,net,count
2024,EUR,1000.00,0.00,1000.00,100000
2024,USD,0.10,0.00,0.10,1" "$OUT"
out transactions --limit 1
expect_match "table totals per currency" "total +100000 transactions +1000.00 EUR" "$OUT"
expect_match "no mixing" "total +1 transaction +0.10 USD" "$OUT"
out balance --csv
expect_match "net worth per currency" "EUR,net worth,1,1000.00" "$OUT"
out export --format ledger -o "$WORK/cents.journal"
expect_match "ledger sums the export exactly" "1000.00 EUR +Assets:Banque:Pièces" \
  "$(ledger -f "$WORK/cents.journal" bal Assets:Banque:Pièces)"
finish
