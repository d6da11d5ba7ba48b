#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# DESIGN §5 CLI figures: fills a database with N transactions (default 1,000,000; 20 accounts,
# 10 years) through the real store, then times each command next to the same SQL run by the
# sqlite3 shell on the same file in the same run (the floor). Medians of RUNS runs, process start
# included on both sides. Prints figures and ratios; never fails on a missed target.
# Usage: scripts/bench-cli.sh   (env: N=1000000, RUNS=5, BUILD=build-bench, KEEP_WORK=1 keeps the
# work directory, DB=PATH reuses a database it kept)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$SRC/build-bench}
N=${N:-1000000}
RUNS=${RUNS:-5}
WORK=$(mktemp -d /tmp/freenahi-bench-cli.XXXXXX)
cleanup() { [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "bench-cli: error: $*" >&2; exit 1; }
for tool in cmake ninja sqlite3 awk; do command -v "$tool" > /dev/null || die "$tool not found"; done

# ---- build (Release, with the bench targets) ---------------------------------------------------
if [ ! -f "$BUILD/build.ninja" ]; then
  extra=()
  [ -f "$SRC/build/third_party/httplib/httplib.h" ] && extra+=(-DFREENAHI_HTTPLIB_DIR="$SRC/build/third_party/httplib")
  cmake -S "$SRC" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DFREENAHI_BUILD_BENCH=ON \
    -DFREENAHI_BUILD_TESTS=OFF "${extra[@]}" > "$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log" >&2; die "cmake failed"; }
fi
ninja -C "$BUILD" freenahi freenahi_cli_fill > "$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log" >&2; die "build failed"; }
BIN="$BUILD/freenahi"

# ---- database -----------------------------------------------------------------------------------
TODAY=$(date +%Y-%m-%d)
export FREENAHI_TODAY=$TODAY
if [ -n "${DB:-}" ]; then  # one filled before (KEEP_WORK=1 keeps it), on the same day
  [ -f "$DB" ] || die "DB=$DB: no such file"
  echo "== reusing $DB ($(du -m "$DB" | cut -f1) MB)"
else
  DB="$WORK/freenahi.db"
  start=$(date +%s%N)
  "$BUILD/freenahi_cli_fill" "$DB" "$N" "$TODAY" > /dev/null
  fill_s=$(awk -v ns=$(( $(date +%s%N) - start )) 'BEGIN { printf "%.1f", ns / 1e9 }')
  echo "== $N transactions filled through the store in ${fill_s} s ($(du -m "$DB" | cut -f1) MB, FTS5 index included)"
fi
printf '[store]\ndatabase = %s\n' "$DB" > "$WORK/freenahi.ini"
export FREENAHI_CONFIG="$WORK/freenahi.ini"
# The fill leaves ~300 MB of dirty pages: flush them, so that their writeback does not run
# during the timings, and let the load settle.
sync
sleep 5

# median_ms CMD...: median wall time of RUNS runs in ms, then " " and the median CPU time
# (user + sys) in ms: on a loaded machine the CPU time shows the work itself. stdout discarded.
median_ms() {
  local walls=() cpus=() i line
  "$@" > /dev/null  # warm the page cache once
  for i in $(seq 1 "$RUNS"); do
    line=$( { TIMEFORMAT='%R %U %S'; time "$@" > /dev/null; } 2>&1 | tail -1)
    walls+=("$(awk '{ print $1 * 1000 }' <<< "$line")")
    cpus+=("$(awk '{ print ($2 + $3) * 1000 }' <<< "$line")")
  done
  printf '%s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" \
    "$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
}
floor() { sqlite3 -readonly -batch "$DB" "$1"; }

SINCE3M=$(sqlite3 "$DB" "SELECT date('$TODAY', '-3 months')")
SINCE12=$(sqlite3 "$DB" "SELECT date('$TODAY', 'start of month', '-11 months')")
LASTMONTH=$(sqlite3 "$DB" "SELECT strftime('%Y-%m', '$TODAY', 'start of month', '-1 month')")
COLS="t.id, t.account_id, a.name, c.connector_name, a.currency, a.currency_precision, t.date, t.vdate, t.rdate, t.datetime, t.value_minor, t.type, t.wording, t.original_wording, t.simplified_wording, t.counterparty_label, t.categories, t.coming, t.deleted, t.last_update"
FROM="FROM transactions t JOIN accounts a ON a.id = t.account_id LEFT JOIN connections c ON c.id = a.connection_id"
NEWEST="ORDER BY t.date DESC, t.datetime DESC, t.id DESC LIMIT 50"
SUM="SELECT a.currency, a.currency_precision, sum(t.value_minor), count(*) FROM transactions t JOIN accounts a ON a.id = t.account_id"
MATCH="t.id IN (SELECT rowid FROM transactions_fts WHERE transactions_fts MATCH '\"carrefour\"*')"

echo "== load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; wall ms (cpu ms), medians of $RUNS"
printf '%-34s %20s %20s %12s  %s\n' "COMMAND" "FREENAHI" "SQLITE3 FLOOR" "RATIO" "TARGET (wall)"
row() {  # row LABEL TARGET_MS FLOOR_SQL -- FREENAHI ARGS...
  local label=$1 target=$2 sql=$3
  shift 4
  local ours theirs
  ours=$(median_ms "$BIN" "$@")
  theirs=$(median_ms floor "$sql")
  awk -v l="$label" -v o="$ours" -v f="$theirs" -v t="$target" 'BEGIN {
    split(o, a, " "); split(f, b, " "); r = a[1] / b[1]; rc = (b[2] > 0) ? a[2] / b[2] : 0
    ok = (a[1] <= t && r <= 2) ? "ok" : "MISSED"
    printf "%-34s %8.1f (%6.1f) ms %8.1f (%6.1f) ms %5.2fx (%4.2fx)  <= %d ms, <= 2x: %s\n", l, a[1], a[2], b[1], b[2], r, rc, t, ok }'
}
row "transactions --search carrefour" 50 \
  "SELECT $COLS $FROM WHERE t.deleted IS NULL AND $MATCH $NEWEST; $SUM WHERE t.deleted IS NULL AND $MATCH GROUP BY 1, 2;" \
  -- transactions --search carrefour
row "  … --since $LASTMONTH --until $LASTMONTH" 50 \
  "SELECT $COLS $FROM WHERE t.date BETWEEN '$LASTMONTH-01' AND '$LASTMONTH-31' AND t.deleted IS NULL AND $MATCH $NEWEST; $SUM WHERE t.date BETWEEN '$LASTMONTH-01' AND '$LASTMONTH-31' AND t.deleted IS NULL AND $MATCH GROUP BY 1, 2;" \
  -- transactions --search carrefour --since "$LASTMONTH" --until "$LASTMONTH"
row "transactions --since 3m" 50 \
  "SELECT $COLS $FROM WHERE t.date >= '$SINCE3M' AND t.deleted IS NULL $NEWEST; $SUM WHERE t.date >= '$SINCE3M' AND t.deleted IS NULL GROUP BY 1, 2;" \
  -- transactions --since 3m
row "summary (12 months by month)" 50 \
  "SELECT substr(t.date, 1, 7) AS k, a.currency, a.currency_precision, sum(CASE WHEN t.value_minor > 0 THEN t.value_minor ELSE 0 END), sum(CASE WHEN t.value_minor < 0 THEN t.value_minor ELSE 0 END), count(*) FROM transactions t JOIN accounts a ON a.id = t.account_id WHERE t.date >= '$SINCE12' AND t.deleted IS NULL GROUP BY k, 2, 3 ORDER BY k, 2;" \
  -- summary
row "balance" 50 \
  "SELECT a.*, c.connector_name, (SELECT h.day FROM balance_history h WHERE h.account_id = a.id ORDER BY h.day DESC LIMIT 1) FROM accounts a LEFT JOIN connections c ON c.id = a.connection_id WHERE a.deleted IS NULL AND a.disabled IS NULL AND c.deleted_at IS NULL;" \
  -- balance
# A user with notes (`freenahi tx note`): the search then also reads the annotations table.
# Skipped on a reused database that already has some.
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM annotations")" = 0 ]; then
  NOTED=$(sqlite3 "$DB" "SELECT max(id) FROM transactions WHERE deleted IS NULL")
  "$BIN" tx note "$NOTED" "groceries for the party" > /dev/null
fi
row "  … --search carrefour, with a note" 50 \
  "SELECT $COLS $FROM WHERE t.deleted IS NULL AND $MATCH $NEWEST; $SUM WHERE t.deleted IS NULL AND $MATCH GROUP BY 1, 2;" \
  -- transactions --search carrefour

# Export: throughput over every non-deleted transaction.
EXPORTED=$(sqlite3 "$DB" "SELECT count(*) FROM transactions WHERE deleted IS NULL")
ours=$(median_ms "$BIN" export --format ledger -o "$WORK/out.journal")
theirs=$(median_ms floor "SELECT $COLS $FROM WHERE t.deleted IS NULL ORDER BY t.date, t.datetime, t.id;")
awk -v n="$EXPORTED" -v o="$ours" -v f="$theirs" 'BEGIN {
  split(o, a, " "); split(f, b, " "); rate = n / (a[1] / 1000); cpu_rate = n / (a[2] / 1000)
  ok = rate >= 200000 ? "ok" : "MISSED"
  printf "%-34s %8.1f (%6.1f) ms %8.1f (%6.1f) ms %5.2fx (%4.2fx)  >= 200000 tx/s: %.0f tx/s (%.0f per CPU second) %s\n", "export --format ledger", a[1], a[2], b[1], b[2], a[1] / b[1], a[2] / b[2], rate, cpu_rate, ok }'
echo "   ($EXPORTED transactions exported)"
