#!/bin/sh
# SPDX-License-Identifier: MIT
# Prints a CONNECTION_SYNCED body shaped like Powens' (see tests/data/powens) with N transactions
# over two accounts: the input of the crash tests and the ingest benchmark.
# Usage: make-payload.sh N [ID_WEBHOOK_DATA]   (N=10000 gives about 10 MB)
set -eu
n=${1:?usage: make-payload.sh N [ID_WEBHOOK_DATA]}
id=${2:-7770001}
awk -v n="$n" -v id="$id" '
function account(aid, name, balance, first, last,   t) {
  printf "{\"id\":%d,\"id_connection\":317,\"id_user\":1042,\"number\":\"000%d\",\"original_name\":\"%s\",", aid, aid, name
  printf "\"name\":\"%s\",\"balance\":%s,\"coming\":null,\"last_update\":\"2024-03-14 08:02:09\",\"deleted\":null,", name, balance
  printf "\"disabled\":null,\"iban\":\"FR76300010079412345678%05d\",\"currency\":{\"id\":\"EUR\",\"precision\":2},", aid
  printf "\"type\":\"checking\",\"usage\":\"PRIV\",\"loan\":null,\"transactions\":["
  for (t = first; t <= last; t++) {
    if (t > first) printf ","
    day = 1 + t % 28; month = 1 + int(t / 28) % 12
    printf "{\"id\":%d,\"id_account\":%d,\"application_date\":\"2023-%02d-%02d\",\"date\":\"2023-%02d-%02d\",", 100000 + t, aid, month, day, month, day
    printf "\"datetime\":null,\"vdate\":\"2023-%02d-%02d\",\"vdatetime\":null,\"rdate\":\"2023-%02d-%02d\",\"rdatetime\":null,", month, day, month, day
    printf "\"value\":%s%d.%02d,\"gross_value\":null,\"type\":\"card\",", (t % 7 == 0 ? "" : "-"), t % 500, t % 100
    printf "\"original_wording\":\"CARTE X4821 %02d/%02d COMMERCE NUMERO %d PARIS\",", day, month, t
    printf "\"simplified_wording\":\"COMMERCE NUMERO %d\",\"stemmed_wording\":\"commerce numero\",\"wording\":\"COMMERCE NUMERO %d\",", t, t
    printf "\"categories\":[{\"code\":\"shopping\",\"parent_code\":\"living\"}],\"id_category\":9998,"
    printf "\"date_scraped\":\"2024-03-14 08:01:55\",\"coming\":%s,\"active\":true,\"id_cluster\":null,\"comment\":null,", (t % 50 == 0 ? "true" : "false")
    printf "\"last_update\":\"2024-03-14 08:01:55\",\"deleted\":null,\"original_value\":null,\"original_gross_value\":null,"
    printf "\"original_currency\":null,\"commission\":null,\"commission_currency\":null,\"country\":null,"
    printf "\"card\":\"XXXXXXXXXXXX4821\",\"counterparty\":{\"label\":\"COMMERCE %d\",\"account_scheme_name\":\"iban\",", t
    printf "\"account_identification\":\"FR7612739000709876543210987\",\"type\":\"creditor\"},"
    printf "\"state\":\"parsed\",\"documents_count\":0,\"formatted_value\":\"-%d,%02d EUR\",", t % 500, t % 100
    printf "\"information\":{\"padding\":\"%s\"}}", "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
  }
  printf "]}"
}
BEGIN {
  half = int(n / 2)
  printf "{\"id_webhook_data\":%d,\"user\":{\"id\":1042,\"signin\":\"2024-03-01 09:12:44\",\"platform\":\"sharedAccess\"},", id
  printf "\"connection\":{\"id\":317,\"id_user\":1042,\"id_connector\":40,\"state\":null,\"error_message\":null,"
  printf "\"last_update\":\"2024-03-14 08:02:11\",\"created\":\"2024-03-01 09:15:03\",\"active\":true,"
  printf "\"connector\":{\"id\":40,\"uuid\":\"7c1e5b8a-2f44-4d1b-9e3a-6b0f2d9c1a57\",\"name\":\"Connecteur de test\"},"
  printf "\"accounts\":["
  account(2881, "Compte de depot", "1523.47", 0, half - 1)
  printf ","
  account(2882, "Livret A", "8200.00", half, n - 1)
  printf "]}}\n"
}'
