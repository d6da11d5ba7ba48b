#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# accounts, balance, transactions and summary on the known sample database while the daemon
# runs: golden tables (UTF-8 alignment of "Compte de dépôt"), JSON and CSV; every filter alone
# and combined; --config before and after the command, and FREENAHI_CONFIG.
source "$(dirname "$0")/cli_fixture.sh"
cli_fixture

out accounts --config "$CONFIG"
expect_out "accounts table (display-width alignment)" <<'EOF'
  ID  BANK                ACCOUNT          TYPE      NUMBER              BALANCE     PENDING  LAST SYNC         STATE
2881  Connecteur de test  Compte de dépôt  checking  FR76 **** 0185  1523.47 EUR  -42.90 EUR  2024-03-14 07:02  ok
2882  Connecteur de test  Livret A         savings   ****5432        8200.00 EUR              2024-03-14 07:02  ok
EOF
grep -q $'\033' <<< "$OUT" && fail "colour codes in piped output"
pass "no colour when stdout is not a terminal"
out --config "$CONFIG" accounts --json
expect_out "accounts --json, --config before the command" <<'EOF'
[{"id":2881,"connection_id":317,"bank":"Connecteur de test","name":"Compte de dépôt","type":"checking","number":"00012345678","iban":"FR7630001007941234567890185","currency":"EUR","balance":"1523.47","coming":"-42.90","last_update":"2024-03-14T07:02:09Z","deleted":null,"disabled":null,"connection_state":null,"state":"ok"},{"id":2882,"connection_id":317,"bank":"Connecteur de test","name":"Livret A","type":"savings","number":"00098765432","iban":"","currency":"EUR","balance":"8200.00","coming":null,"last_update":"2024-03-14T07:02:09Z","deleted":null,"disabled":null,"connection_state":null,"state":"ok"}]
EOF
export FREENAHI_CONFIG="$CONFIG"
out --csv accounts
expect_eq "CSV lines end in CRLF" "3" "$(printf '%s\n' "$OUT" | grep -c $'\r$')"
OUT=$(printf '%s' "$OUT" | tr -d '\r')
expect_out "accounts --csv before the command, FREENAHI_CONFIG" <<'EOF'
id,bank,name,type,number,iban,currency,balance,coming,last_update,state
2881,Connecteur de test,Compte de dépôt,checking,00012345678,FR7630001007941234567890185,EUR,1523.47,-42.90,2024-03-14T07:02:09Z,ok
2882,Connecteur de test,Livret A,savings,00098765432,,EUR,8200.00,,2024-03-14T07:02:09Z,ok
EOF

out balance
expect_out "balance table" <<'EOF'
CURRENCY  GROUP      ACCOUNTS        TOTAL
EUR       checking          1  1523.47 EUR
EUR       savings           1  8200.00 EUR
------------------------------------------
EUR       net worth         2  9723.47 EUR
EOF
out balance --json
expect_out "balance --json" <<'EOF'
{"at":null,"currencies":[{"currency":"EUR","groups":{"checking":"1523.47","savings":"8200.00"},"net_worth":"9723.47","accounts":2}],"accounts_without_balance":0}
EOF
out balance --at 2024-03-14 --json
expect_match "balance --at the day of the sync" '"net_worth":"9723.47"' "$OUT"
out balance --at 2024-02 --json
expect_out "balance --at before any history counts nothing" <<'EOF'
{"at":"2024-02-29","currencies":[],"accounts_without_balance":2}
EOF

out transactions
expect_out "transactions table, newest first, total" <<'EOF'
DATE        ACCOUNT               AMOUNT  STATUS   CATEGORY       DESCRIPTION
2024-03-15  Compte de dépôt   -42.90 EUR  pending  uncategorized  LIBRAIRIE DU PARC
2024-03-12  Compte de dépôt  2450.00 EUR           salary         ACME INDUSTRIES SAS
2024-03-11  Compte de dépôt   -18.50 EUR           uncategorized  BOOKSHOP LONDON
2024-03-05  Livret A          200.00 EUR           uncategorized  VIR EPARGNE DEPUIS COMPTE DE DEPOT
2024-03-05  Compte de dépôt   -64.99 EUR           uncategorized  ENERGIE EXEMPLE SA
2023-12-31  Livret A           61.50 EUR           uncategorized  INTERETS ANNUELS 2023
----------------------------------------------------------------------------------------------------
total       6 transactions   2585.11 EUR
EOF
out transactions --json --limit 2
expect_out "transactions --json: one document, totals over every match" <<'EOF'
{"transactions":[{"id":90001,"account_id":2881,"account":"Compte de dépôt","date":"2024-03-15","datetime":null,"value":"-42.90","currency":"EUR","type":"card","wording":"LIBRAIRIE DU PARC","original_wording":"CARTE X4821 13/03 LIBRAIRIE DU PARC","counterparty":"","coming":true,"deleted":null,"categories":"","category":"uncategorized","local_wording":"","note":"","tags":[],"pinned":false},{"id":90002,"account_id":2881,"account":"Compte de dépôt","date":"2024-03-12","datetime":null,"value":"2450.00","currency":"EUR","type":"transfer","wording":"ACME INDUSTRIES SAS","original_wording":"VIR SEPA RECU /DE ACME INDUSTRIES SAS /MOTIF SALAIRE MARS 2024 /REF 2024031200087","counterparty":"ACME INDUSTRIES SAS","coming":false,"deleted":null,"categories":"income/salary","category":"salary","local_wording":"","note":"","tags":[],"pinned":false}],"totals":[{"currency":"EUR","total":"2585.11","count":6}]}
EOF
out transactions --csv --limit 2
OUT=$(printf '%s' "$OUT" | tr -d '\r')
expect_out "transactions --csv" <<'EOF'
id,date,account_id,account,amount,currency,type,wording,original_wording,counterparty,status,deleted,category,local_wording,note,tags,pinned
90001,2024-03-15,2881,Compte de dépôt,-42.90,EUR,card,LIBRAIRIE DU PARC,CARTE X4821 13/03 LIBRAIRIE DU PARC,,pending,,uncategorized,,,,0
90002,2024-03-12,2881,Compte de dépôt,2450.00,EUR,transfer,ACME INDUSTRIES SAS,VIR SEPA RECU /DE ACME INDUSTRIES SAS /MOTIF SALAIRE MARS 2024 /REF 2024031200087,ACME INDUSTRIES SAS,booked,,salary,,,,0
EOF
out transactions --limit 2 --offset 1
expect_match "limit/offset say how many are hidden" "^2 of 6 shown" "$(printf '%s\n' "$OUT" | tail -1)"
expect_match "offset skips the newest" "2024-03-12 .*ACME" "$(printf '%s\n' "$OUT" | sed -n 2p)"

# ids of the matches, newest first
ids() { out transactions --json --limit 0 "$@"; printf '%s' "$OUT" | grep -o '"id":[0-9]*' | cut -d: -f2 | tr '\n' ' ' | sed 's/ $//'; }
expect_eq "--include-deleted" "90001 90002 90004 90005 90007 90003 90006" "$(ids --include-deleted)"
expect_eq "--pending" "90001" "$(ids --pending)"
expect_eq "--account by id" "90007 90006" "$(ids --account 2882)"
expect_eq "--account by name, accents and case ignored" "90001 90002 90004 90003" "$(ids --account 'COMPTE DE DEPOT')"
expect_eq "--since 2024-03 --until 2024-03-11" "90004 90007 90003" "$(ids --since 2024-03 --until 2024-03-11)"
expect_eq "--until 2023 (a year)" "90006" "$(ids --until 2023)"
expect_eq "--min 0 (money in)" "90002 90007 90006" "$(ids --min 0)"
expect_eq "--max -20 (spending over 20)" "90001 90003" "$(ids --max -20)"
expect_eq "--min -50 --max -20" "90001" "$(ids --min -50 --max -20)"
expect_eq "--type transfer" "90002 90007" "$(ids --type transfer)"
expect_eq "--search, accents ignored (énergie)" "90003" "$(ids --search 'énergie')"
expect_eq "--search in the original wording" "90001 90004" "$(ids --search carte)"
expect_eq "--search several words: all of them" "90004" "$(ids --search 'carte london')"
expect_eq "--search a word start" "90002" "$(ids --search 'salai')"
expect_eq "--search the counterparty" "90002" "$(ids --search 'acme industries')"
expect_eq "--search nothing found" "" "$(ids --search 'zzzz')"
expect_eq "combined: account + since + max + search + deleted" "90005" \
  "$(ids --account depot --since 2024-03-06 --max -5 --search parking --include-deleted)"
expect_eq "--since 10d from today" "90001 90002 90004" "$(FREENAHI_TODAY=2024-03-20 ids --since 10d)"
expect_eq "--since 3m from today" "90001 90002 90004 90007 90003" "$(FREENAHI_TODAY=2024-05-31 ids --since 3m)"

out summary --all
expect_out "summary table by month" <<'EOF'
MONTH         INCOME     SPENDING          NET  COUNT
2023-12    61.50 EUR     0.00 EUR    61.50 EUR      1
2024-03  2650.00 EUR  -126.39 EUR  2523.61 EUR      5
-----------------------------------------------------
total    2711.50 EUR  -126.39 EUR  2585.11 EUR      6
EOF
out summary --by year --top 2 --json
expect_out "summary --by year --top 2 --json" <<'EOF'
{"by":"year","rows":[{"key":"2023","currency":"EUR","income":"61.50","spending":"0.00","net":"61.50","count":1},{"key":"2024","currency":"EUR","income":"2650.00","spending":"-126.39","net":"2523.61","count":5}],"top":[{"label":"ENERGIE EXEMPLE SA","currency":"EUR","spending":"-64.99","count":1},{"label":"LIBRAIRIE DU PARC","currency":"EUR","spending":"-42.90","count":1}]}
EOF
out summary --by week --since 2024-03-01 --csv
OUT=$(printf '%s' "$OUT" | tr -d '\r')
expect_out "summary --by week --csv (weeks start on Monday)" <<'EOF'
week,currency,income,spending,net,count
2024-03-04,EUR,200.00,-64.99,135.01,2
2024-03-11,EUR,2450.00,-61.40,2388.60,3
EOF
out summary --since 2024-03 --until 2024-03 --search librairie
expect_match "how much at one shop in March" "^total +0.00 EUR +-42.90 EUR +-42.90 EUR +1$" "$(printf '%s\n' "$OUT" | tail -1)"
FREENAHI_TODAY=2025-06-15 out summary
expect_eq "summary defaults to the last 12 months (none here)" "MONTH INCOME SPENDING NET COUNT" "$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')"

# doctor says which search runs; without the index (an SQLite without FTS5), --search scans
# with the same folding and answers the same.
run doctor
expect_match "doctor: search with the full-text index" "^search: ok \(full-text index, SQLite FTS5\)$" \
  "$(printf '%s\n' "$OUT" | grep '^search:')"
sqlite3 "$DB" ".backup '$WORK/nofts.db'"  # a consistent copy, the WAL's pages included
sqlite3 "$WORK/nofts.db" "DROP TRIGGER transactions_fts_insert; DROP TRIGGER transactions_fts_delete;
  DROP TRIGGER transactions_fts_update; DROP TABLE transactions_fts;"
sed "s|^database = .*|database = $WORK/nofts.db|" "$CONFIG" > "$WORK/nofts.ini"
FREENAHI_CONFIG="$WORK/nofts.ini" run doctor
expect_match "doctor: search without the index" \
  "^search: ok \(no full-text index .*--search reads every row, same results, slower\)$" \
  "$(printf '%s\n' "$OUT" | grep '^search:')"
for q in 'énergie' carte 'carte london' salai 'acme industries' zzzz; do
  expect_eq "--search '$q' without the index: the same" "$(ids --search "$q")" \
    "$(FREENAHI_CONFIG="$WORK/nofts.ini" ids --search "$q")"
done
finish
