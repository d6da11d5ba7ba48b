#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi export` on the known sample database: every format equals its golden file
# (tests/data/cli/export.*) and the real tools read it — hledger check/print/bal, ledger bal,
# bean-check, ofxdump (libofx), Perl Finance::QIF, Python's csv and json. Re-exports are
# byte-identical, and after a new sync only add lines; -o is written atomically (0600).
source "$(dirname "$0")/cli_fixture.sh"
for tool in hledger ledger bean-check ofxdump perl python3; do
  command -v "$tool" > /dev/null || fail "$tool not installed (scripts/deps.sh TEST_PACKAGES)"
done
perl -MFinance::QIF -e 1 2> /dev/null || fail "Perl Finance::QIF not installed (libfinance-qif-perl)"
cli_fixture
export FREENAHI_CONFIG="$CONFIG"
GOLDEN="$FREENAHI_SOURCE_DIR/tests/data/cli"

for f in csv json ndjson ledger beancount ofx qif; do
  out export --format "$f" -o "$WORK/out.$f"
  cmp -s "$GOLDEN/export.$f" "$WORK/out.$f" || { diff "$GOLDEN/export.$f" "$WORK/out.$f" >&2 || true; fail "export $f differs from its golden file"; }
  pass "export --format $f matches tests/data/cli/export.$f"
  expect_eq "export $f -o file is private" "600" "$(stat -c %a "$WORK/out.$f")"
done
expect_eq "no temporary file left behind" "" "$(ls "$WORK" | grep '\.tmp-' || true)"
out export --format ledger
expect_eq "stdout export equals the -o file" "$(cat "$WORK/out.ledger")" "$OUT"

# The real tools.
LC_ALL=C.UTF-8 hledger -f "$WORK/out.ledger" check > "$WORK/tool.log" 2>&1 || { cat "$WORK/tool.log" >&2; fail "hledger check refused the journal"; }
pass "hledger check accepts the journal"
LC_ALL=C.UTF-8 hledger -f "$WORK/out.ledger" check accounts commodities > "$WORK/tool.log" 2>&1 || { cat "$WORK/tool.log" >&2; fail "hledger strict checks"; }
pass "hledger check accounts commodities (every account and commodity declared)"
expect_eq "hledger print keeps the pending flag and the id" "2024-03-15 ! (90001) LIBRAIRIE DU PARC" \
  "$(LC_ALL=C.UTF-8 hledger -f "$WORK/out.ledger" print | grep 90001)"
expect_match "hledger balance of the checking account" "2323.61 EUR +Assets:Connecteur de test:Compte de dépôt" \
  "$(LC_ALL=C.UTF-8 hledger -f "$WORK/out.ledger" bal --flat Assets)"
LEDGER_BAL=$(ledger -f "$WORK/out.ledger" bal 2>&1) || fail "ledger refused the journal: $LEDGER_BAL"
expect_match "ledger bal totals the assets" "2585.11 EUR +Assets:Connecteur de test" "$LEDGER_BAL"
bean-check "$WORK/out.beancount" > "$WORK/tool.log" 2>&1 || { cat "$WORK/tool.log" >&2; fail "bean-check refused the file"; }
pass "bean-check accepts the beancount file"
ofxdump "$WORK/out.ofx" > "$WORK/ofx.log" 2> "$WORK/ofx.err" || { cat "$WORK/ofx.err" >&2; fail "ofxdump failed"; }
grep -q "ERROR" "$WORK/ofx.err" "$WORK/ofx.log" && { grep ERROR "$WORK/ofx.err" "$WORK/ofx.log" >&2; fail "ofxdump reported errors"; }
expect_eq "ofxdump reads every booked transaction" "5" "$(grep -c '^ofx_proc_transaction' "$WORK/ofx.log")"
expect_eq "FITID is the Powens id" "90002 90003 90004 90006 90007" \
  "$(sed -n 's/.*Financial institution.s ID for this transaction: //p' "$WORK/ofx.log" | sort | tr '\n' ' ' | sed 's/ $//')"
QIF=$(perl -MFinance::QIF -e '
  my $q = Finance::QIF->new(file => $ARGV[0]); my ($n, $sum) = (0, 0);
  while (my $r = $q->next) { next unless exists $r->{transaction}; $n++; $sum += $r->{transaction} * 100 }
  printf "%d %d\n", $n, $sum' "$WORK/out.qif") || fail "Finance::QIF could not read the QIF"
expect_eq "Finance::QIF reads 5 transactions summing to 2628.01" "5 262801" "$QIF"
expect_eq "Python's csv reads 6 rows of 19 fields" "6 19" "$(python3 -c '
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
print(len(rows) - 1, len(set(len(r) for r in rows[1:])) == 1 and len(rows[1]))' "$WORK/out.csv")"
expect_eq "Python's json reads one document" "2 6" "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); print(len(d["accounts"]), len(d["transactions"]))' "$WORK/out.json")"
expect_eq "every NDJSON line is a document" "6" "$(python3 -c '
import json, sys
print(sum(1 for line in open(sys.argv[1]) if json.loads(line)["id"]))' "$WORK/out.ndjson")"

# Filters apply to exports; deleted ones only when asked (flagged).
out export --format ledger --account 2882 --since 2024
expect_eq "export --account --since" "1" "$(printf '%s\n' "$OUT" | grep -c '^2024-')"
out export --format beancount --include-deleted --since 2024-03-10 --until 2024-03-10
expect_match "deleted exported only with --include-deleted, tagged" '2024-03-10 ! "PARKING CENTRE VILLE" #deleted' "$OUT"
printf '%s\n' "$OUT" > "$WORK/deleted.beancount"
bean-check "$WORK/deleted.beancount" || fail "bean-check refused the export with a deleted entry"
pass "bean-check accepts it too"

# Stable: the same data gives the same bytes; a new sync only adds lines.
for f in ledger beancount ofx qif csv; do cp "$WORK/out.$f" "$WORK/before.$f"; done
python3 - "$SAMPLES/connection_synced_basic.json" "$WORK/second.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["id_webhook_data"] += 1
account = d["connection"]["accounts"][0]
t = dict(account["transactions"][0])
t.update(id=90008, date="2024-03-16", rdate="2024-03-16", vdate="2024-03-16", application_date="2024-03-16",
         value=-3.2, wording="BOULANGERIE DU COIN", simplified_wording="BOULANGERIE DU COIN",
         original_wording="CARTE X4821 16/03 BOULANGERIE DU COIN", coming=False, deleted=None)
account["transactions"] = [t]
json.dump(d, open(sys.argv[2], "w"))
EOF
[ "$(post_webhook "$WORK/second.json")" = 200 ] || fail "second webhook not accepted"
for i in $(polls 100); do [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'")" = 2 ] && break; sleep 0.05; done
for f in ledger beancount qif csv; do
  out export --format "$f" -o "$WORK/out.$f"
  removed=$(diff "$WORK/before.$f" "$WORK/out.$f" | grep -c '^<' || true)
  added=$(diff "$WORK/before.$f" "$WORK/out.$f" | grep -c '^>' || true)
  [ "$removed" = 0 ] && [ "$added" -gt 0 ] || fail "re-export of $f after a sync: $removed lines changed, $added added"
  pass "re-export of $f after a new sync only adds lines ($added)"
done
expect_match "the new transaction is in the OFX with its FITID" "<FITID>90008</FITID>" "$(cat "$WORK/out.qif" /dev/null; "$F" export --format ofx)"
finish
