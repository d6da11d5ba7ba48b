#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The user's own notes while the daemon runs: pin, rename, note and tags written next to the
# bank's data survive a re-delivered webhook that changes the same transactions; they show in
# `transactions`, are found by --search, and go out in exports. Category rules apply at read
# time, so a rule added later re-categorises old transactions (and `rule rm` undoes it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/assets-fixture.sh"
run() {  # run ARGS...: OUT (stdout), ERR, RC
  set +e
  OUT=$("$FREENAHI_BIN" "$@" 2> "$WORK/stderr")
  RC=$?
  ERR=$(cat "$WORK/stderr")
  set -e
}
must() {  # must ARGS...: run, and fail unless it exits 0
  run "$@"
  [ "$RC" = 0 ] || fail "freenahi $*: exit $RC: $ERR"
}

build_assets_db
export FREENAHI_CONFIG="$CONFIG"
must tx pin 90001
must tx rename 90001 "Livres pour Léa"
must tx note 90001 "birthday, paid back by Ana"
must tx tag 90001 family gifts
must tx tag 90002 work
expect_eq "tx show" "transaction 90001: pinned; wording \"Livres pour Léa\"; note \"birthday, paid back by Ana\"; #family #gifts" "$(run tx show 90001; echo "$OUT")"
run tx pin 424242
expect_eq "unknown transaction exits 1" 1 "$RC"
expect_eq "and says so" "freenahi: error: transaction 424242: not found" "$ERR"
run tx tag 90001 "two words"
expect_eq "a tag with a space is refused (exit 2)" 2 "$RC"
BEFORE=$(run tx show 90001 --json; echo "$OUT")

# The bank re-sends both transactions, changed (new wording, later last_update), in a new webhook.
sed -e 's/"id_webhook_data": 5550001/"id_webhook_data": 5550002/' \
    -e 's/"wording": "LIBRAIRIE DU PARC"/"wording": "LIBRAIRIE DU PARC SARL"/' \
    -e 's/"2024-03-14 08:01:55"/"2024-03-15 09:00:00"/g' \
    "$SAMPLES/connection_synced_basic.json" > "$WORK/resent.json"
grep -q 'LIBRAIRIE DU PARC SARL' "$WORK/resent.json" || fail "test setup: the re-sent payload did not change"
expect_eq "changed webhook accepted" "200" "$(post_webhook "$WORK/resent.json")"
wait_applied 3
must transactions --json --search parc
expect_match "the bank's new wording was applied" '"wording":"LIBRAIRIE DU PARC SARL"' "$OUT"
expect_eq "annotations untouched by the sync" "$BEFORE" "$(run tx show 90001 --json; echo "$OUT")"
expect_match "tags of the other transaction too" '"tags":\["work"\]' "$(run tx show 90002 --json; echo "$OUT")"
expect_eq "the same payload re-delivered is a duplicate (no change)" "200" "$(post_webhook "$WORK/resent.json")"
expect_eq "annotations still there" "$BEFORE" "$(run tx show 90001 --json; echo "$OUT")"

must transactions
expect_match "table: the user's wording, note and tags, pinned" "pinned pending +uncategorized +Livres pour Léa — birthday, paid back by Ana #family #gifts" "$OUT"
must transactions --search ana --json
expect_match "--search finds a note" '"id":90001' "$OUT"
must transactions --search gifts --json
expect_match "--search finds a tag" '"local_wording":"Livres pour Léa"' "$OUT"
must transactions --search léa --json
expect_match "--search finds the user's wording (accents folded)" '"pinned":true' "$OUT"
must transactions --search work
expect_match "--search finds a tag of another transaction" "ACME INDUSTRIES SAS #work" "$OUT"
must export --format ledger
expect_match "ledger: the user's wording as payee" "\(90001\) Livres pour Léa" "$OUT"
expect_match "ledger: the note as a comment" "    ; birthday, paid back by Ana" "$OUT"
expect_match "ledger: tags, one per line" "    ; family:" "$OUT"
expect_match "ledger: tags, one per line" "    ; gifts:" "$OUT"
must export --format beancount
expect_match "beancount: tags on the entry" '"Livres pour Léa" #family #gifts' "$OUT"
expect_match "beancount: the note as metadata" '  note: "birthday, paid back by Ana"' "$OUT"
must export --format csv
expect_match "csv: category, wording, note, tags, pinned columns" ',uncategorized,Livres pour Léa,"birthday, paid back by Ana",family gifts,1' "$(printf '%s' "$OUT" | tr -d '\r')"
if command -v hledger > /dev/null; then
  run export --format ledger -o "$WORK/notes.journal"
  LC_ALL=C.UTF-8 hledger -f "$WORK/notes.journal" check > /dev/null 2>&1 || fail "hledger rejects the journal with notes and tags"
  pass "hledger accepts the journal with notes and tags"
  expect_eq "hledger reads the tags" "family gifts work" "$(LC_ALL=C.UTF-8 hledger -f "$WORK/notes.journal" tags | sort | tr '\n' ' ' | sed 's/ $//')"
fi
if command -v bean-check > /dev/null; then
  run export --format beancount -o "$WORK/notes.bean"
  bean-check "$WORK/notes.bean" || fail "bean-check rejects the file with notes and tags"
  pass "bean-check accepts the file with notes and tags"
fi

# Undo: everything cleared leaves no annotation behind.
must tx unpin 90001
must tx rename 90001 ""
must tx note 90001 ""
must tx untag 90001 family gifts
expect_eq "all cleared" "transaction 90001: not pinned" "$(run tx show 90001; echo "$OUT")"
must transactions --json --search parc
expect_match "the bank's wording is back in front" '"local_wording":""' "$OUT"

# Categories: Powens' when given, a later rule over old transactions, removal undoes it.
must summary --by category --all --json
expect_match "Powens' category" '"key":"salary"' "$OUT"
expect_eq "no books yet" "" "$(printf '%s' "$OUT" | grep -o '"key":"books"' || true)"
must rule add --regex '^(LIBRAIRIE|BOOKSHOP)' --category books
expect_eq "rule add" "rule 1: regex '^(LIBRAIRIE|BOOKSHOP)' → books" "$OUT"
must summary --by category --all --json
expect_match "the March transactions are now books (-42.90 - 18.50)" '"key":"books","currency":"EUR","income":"0.00","spending":"-61.40","net":"-61.40","count":2' "$OUT"
must transactions --json --search bookshop
expect_match "old transaction re-categorised" '"category":"books"' "$OUT"
must rule add --match acme --category employer
must summary --by category --all --json
expect_match "a rule overrides Powens' category" '"key":"employer","currency":"EUR","income":"2450.00"' "$OUT"
must rule list --json
expect_match "rule list" '"id":2,"kind":"match","pattern":"acme","category":"employer"' "$OUT"
run rule add --regex '(' --category x
expect_eq "bad regex exits 2" 2 "$RC"
expect_match "and says why" "rule add: bad regex '\('" "$ERR"
must rule rm 1
must transactions --json --search bookshop
expect_match "rule removed: back to uncategorized" '"category":"uncategorized"' "$OUT"
run rule rm 1
expect_eq "removing twice exits 1" 1 "$RC"
expect_eq "integrity after all of it" "ok" "$(sql 'PRAGMA integrity_check')"
# A pull that changes the same transaction is tests/e2e/27-powens-pull.sh (notes survive it).
finish
