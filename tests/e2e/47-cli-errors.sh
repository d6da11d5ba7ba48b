#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every error path of the query commands says what is wrong and what to do in one line, with
# the documented exit code: 2 for usage and config, 1 for the rest.
source "$(dirname "$0")/cli_fixture.sh"
expect_error() {  # expect_error WHAT CODE MESSAGE ARGS...
  local what=$1 code=$2 message=$3
  shift 3
  run "$@"
  expect_eq "$what: exit $code" "$code" "$RC"
  expect_eq "$what: message" "freenahi: error: $message" "$OUT"
}
cli_fixture
C=(--config "$CONFIG")

printf '[store]\ndatabase = %s\n' "$WORK/nothing-here.db" > "$WORK/empty.ini"
for cmd in accounts balance transactions summary "export --format csv"; do
  # shellcheck disable=SC2086
  expect_error "$cmd without a database" 1 \
    "no database at $WORK/nothing-here.db: start \`freenahi serve\` or check [store] database in $WORK/empty.ini" \
    $cmd --config "$WORK/empty.ini"
done
printf '[store]\ndatabase = %s\nbogus line\n' "$DB" > "$WORK/broken.ini"
run accounts --config "$WORK/broken.ini"
expect_eq "broken config: exit 2" "2" "$RC"
expect_match "broken config names file and line" "^freenahi: error: $WORK/broken.ini:3: " "$OUT"
expect_error "missing config" 2 "config $WORK/none.ini: no such file (create one with \`freenahi init\`)" \
  accounts --config "$WORK/none.ini"

DATES="YYYY-MM-DD, YYYY-MM, YYYY or a span back from today like 30d, 6w, 3m, 1y"
expect_error "bad --since" 2 "--since '2024-13': expected $DATES" transactions "${C[@]}" --since 2024-13
expect_error "bad --until" 2 "--until 'yesterday': expected $DATES" summary "${C[@]}" --until yesterday
expect_error "bad --at" 2 "--at '31/01/2024': expected $DATES" balance "${C[@]}" --at 31/01/2024
expect_error "since after until" 2 "--since 2024-03-10 is after --until 2024-03-01" transactions "${C[@]}" --since 2024-03-10 --until 2024-03-01
expect_error "bad --min" 2 "--min '12,50': expected an amount like -50 or 12.5" transactions "${C[@]}" --min 12,50
expect_error "empty --search" 2 "--search '--': expected some letters or digits" transactions "${C[@]}" --search=--
expect_error "unknown account" 1 \
  "no account matches 'joint': give an id or part of a name from \`freenahi accounts --all\`" \
  transactions "${C[@]}" --account joint
expect_error "unknown account id" 1 \
  "no account matches '999': give an id or part of a name from \`freenahi accounts --all\`" \
  export "${C[@]}" --format csv --account 999
expect_error "bad --limit" 2 "--limit 'ten': expected a number of rows (0: all)" transactions "${C[@]}" --limit ten
expect_error "bad --by" 2 "--by 'day': expected week, month, year or category" summary "${C[@]}" --by day
expect_error "bad --top" 2 "--top '-1': expected a number" summary "${C[@]}" --top -1
expect_error "bad --format" 2 "--format 'xls': expected csv, json, ndjson, ledger, beancount, ofx or qif" export "${C[@]}" --format xls
expect_error "no --format" 2 "--format is needed: csv, json, ndjson, ledger, beancount, ofx or qif" export "${C[@]}" -o "$WORK/x"
expect_error "--json with --csv" 2 "--json and --csv: choose one" --json accounts "${C[@]}" --csv
expect_error "unknown option" 2 "unknown option --colour for 'balance' (see freenahi balance --help)" balance "${C[@]}" --colour
expect_error "stray argument" 2 "unexpected argument 'all' (see freenahi accounts --help)" accounts "${C[@]}" all

mkdir "$WORK/ro"
echo "old" > "$WORK/ro/keep.csv"
chmod 555 "$WORK/ro"
if [ "$(id -u)" = 0 ]; then
  # root writes anywhere: a path under a regular file is unwritable for everyone.
  expect_error "unwritable -o" 1 "write $WORK/ro/keep.csv/x.csv: Not a directory (check the -o path)" \
    export "${C[@]}" --format csv -o "$WORK/ro/keep.csv/x.csv"
else
  expect_error "unwritable -o" 1 "write $WORK/ro/keep.csv: Permission denied (check the -o path)" \
    export "${C[@]}" --format csv -o "$WORK/ro/keep.csv"
fi
expect_eq "the old file is untouched" "old" "$(cat "$WORK/ro/keep.csv")"
expect_error "-o in a missing directory" 1 "write $WORK/missing/x.ofx: No such file or directory (check the -o path)" \
  export "${C[@]}" -o "$WORK/missing/x.ofx"
chmod 755 "$WORK/ro"
for cmd in accounts balance transactions summary export; do
  run "$cmd" --help
  expect_eq "$cmd --help exits 0" "0" "$RC"
  expect_match "$cmd --help has examples" "examples:" "$OUT"
done
finish
