#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `assets`, `investments`, `loans` on the known database (assets-fixture.sh): golden tables, JSON
# and CSV, and the daily history checked against values computed by hand from the fixture's
# formulas (carried forward over gaps, summed across accounts, loans negative, extended to today).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/assets-fixture.sh"
G="$ASSETS_DATA"
run() {  # run ARGS...: OUT (stdout), RC
  set +e
  OUT=$("$FREENAHI_BIN" "$@" 2> "$WORK/stderr")
  RC=$?
  set -e
}
golden() {  # golden WHAT FILE ARGS...: the command's stdout equals the file
  local what=$1 file=$2
  shift 2
  run "$@"
  [ "$RC" = 0 ] || fail "$what: exit $RC: $(cat "$WORK/stderr")"
  [ "$OUT" = "$(cat "$G/$file")" ] || { diff <(printf '%s\n' "$OUT") "$G/$file" >&2 || true; fail "$what differs from tests/data/assets/$file"; }
  pass "$what matches tests/data/assets/$file"
}

build_assets_db
export FREENAHI_CONFIG="$CONFIG"
golden "assets by class" assets.txt assets
golden "assets --json" assets.json assets --json
golden "assets by account over a year" assets-by-account.txt assets --by account --period year
run assets --csv
expect_eq "assets --csv" "$(cat "$G/assets.csv")" "$(printf '%s' "$OUT" | tr -d '\r')"
golden "investments" investments.txt investments
golden "investments --json" investments.json investments --json
golden "loans" loans.txt loans
golden "loans --json" loans.json loans --json
golden "history table (piped: no chart)" history-month.txt assets --history --period month

# The series by hand. Fixture formulas, k = months since 2022-01, h = half-years:
run assets --history --period all --json
HISTORY=$OUT
point() { printf '%s' "$HISTORY" | grep -o "{\"day\":\"$1\"[^}]*}"; }
expect_eq "series starts at the first history row" '"from":"2022-01-01"' "$(printf '%s' "$HISTORY" | grep -o '"from":"[^"]*"')"
expect_eq "one point per day to today (2022-01-01..2024-03-20)" 810 "$(printf '%s' "$HISTORY" | grep -o '"day":' | wc -l)"
# 2022-01-01: checking 1000.00 (k=0), PEA 10000.00; nothing else known yet.
expect_eq "first day" '{"day":"2022-01-01","checking":"1000.00","savings":"0.00","investments":"10000.00","life_insurance":"0.00","loans":"0.00","other":"0.00","net_worth":"11000.00"}' "$(point 2022-01-01)"
# 2023-06-10: checking 06-01 k=17 → 1170.00; savings 05-15 k=16 → 6600.00; PEA 2023-01-01 h=2 →
# 11000.00; life 20000.00; loan 06-05 k=17 → −(180000 − 13600) = −166400.00. Sum −127630.00.
expect_eq "carried forward and summed, loan negative" '{"day":"2023-06-10","checking":"1170.00","savings":"6600.00","investments":"11000.00","life_insurance":"20000.00","loans":"-166400.00","other":"0.00","net_worth":"-127630.00"}' "$(point 2023-06-10)"
# 2024-03-13, the day before the syncs: 1260.00 + 7500.00 + 12000.00 + 20000.00 − 159200.00.
expect_eq "the day before the syncs" '"net_worth":"-118440.00"' "$(point 2024-03-13 | grep -o '"net_worth":"[^"]*"')"
# 2024-03-20 (today, no row since 03-14): the synced balances carried to today.
expect_eq "extended to today" '{"day":"2024-03-20","checking":"1523.47","savings":"8200.00","investments":"15230.50","life_insurance":"25000.00","loans":"-152340.12","other":"0.00","net_worth":"-102386.15"}' "$(point 2024-03-20)"
run assets --history --until 2023-06-10 --period month --json
expect_eq "--until ends the series" '"until":"2023-06-10"' "$(printf '%s' "$OUT" | grep -o '"until":"[^"]*"')"
expect_match "--period month starts a month before" '"from":"2023-05-10"' "$OUT"

# The chart on a terminal: script(1) gives the command a TTY of a known width.
if ! command -v script > /dev/null || ! script -qec true /dev/null > /dev/null 2>&1; then
  echo "note: no pseudo-terminal here (script(1) missing or /dev/pts not mounted): chart not checked"
else
  CHART=$(COLUMNS=60 script -qec "stty cols 60; $FREENAHI_BIN assets --history --period all" /dev/null | tr -d '\r')
  expect_match "terminal: block-character chart" "█" "$CHART"
  expect_match "terminal: labelled with the highest value (2022-01-01..04)" "  11000.00 EUR │" "$CHART"
  expect_match "terminal: and the lowest (2022-01-05..14: 1000 + 10000 − 180000)" "-169000.00 EUR │" "$CHART"
  WIDEST=$(printf '%s\n' "$CHART" | grep -E '│|└' | while IFS= read -r l; do printf '%s' "$l" | LC_ALL=C.UTF-8 wc -m; done | sort -n | tail -1)
  [ "$WIDEST" -le 60 ] || fail "chart wider than the terminal: $WIDEST columns"
  pass "chart fits the terminal width ($WIDEST ≤ 60 columns)"
fi

run assets --by kind
expect_eq "bad --by exits 2" 2 "$RC"
expect_eq "bad --by message" "freenahi: error: --by 'kind': expected type or account" "$(cat "$WORK/stderr")"
run investments --account nothing-like-this
expect_eq "unknown --account exits 1" 1 "$RC"
finish
