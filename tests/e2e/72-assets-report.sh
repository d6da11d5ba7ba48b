#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi report` on the known database: one self-contained file (no script, nothing fetched),
# written atomically and privately; its figures (data-* attributes of the SVG and tables) equal
# the CLI's --json; the fr page formats "1 234,56 €"; headless Chromium renders it at desktop and
# phone sizes with no console error. Installs Debian's chromium when missing (exit 77 only when
# apt cannot get it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/assets-fixture.sh"

if ! command -v chromium > /dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      --no-install-recommends chromium; } > "$WORK/apt.log" 2>&1 || true
  command -v chromium > /dev/null || { echo "SKIP: chromium not installable: $(tail -2 "$WORK/apt.log")"; exit 77; }
fi

build_assets_db
export FREENAHI_CONFIG="$CONFIG"
F="$FREENAHI_BIN"
"$F" rule add --regex '^(LIBRAIRIE|BOOKSHOP)' --category books > /dev/null
"$F" report --period all -o "$WORK/report.html" 2> "$WORK/stderr" || fail "report: $(cat "$WORK/stderr")"
HTML=$(cat "$WORK/report.html")
expect_eq "written privately" "600" "$(stat -c %a "$WORK/report.html")"
expect_eq "no temporary file left" "" "$(ls "$WORK" | grep '\.tmp-' || true)"
expect_eq "no script" "" "$(grep -io '<script' "$WORK/report.html" || true)"
expect_eq "nothing fetched (no src/href/url(), no external link)" "" \
  "$(grep -Eio 'src=|href=|url\(|https?://' "$WORK/report.html" || true)"

# The page's figures equal the CLI's.
# Whole pages are matched from their file: `printf | grep -q` on a big text can die of SIGPIPE
# under pipefail and read as "no match".
file_has() {  # file_has WHAT REGEX FILE
  grep -Eq -- "$2" "$3" || fail "$1: /$2/ not in $3"
  pass "$1"
}
attr() { grep -o "$1=\"[^\"]*\"" "$WORK/report.html" | sed "s/^$1=\"//; s/\"$//"; }
ASSETS=$("$F" assets --period all --json)
expect_eq "net worth = assets --json" "$(printf '%s' "$ASSETS" | grep -o '"net_worth":"[^"]*"' | cut -d'"' -f4)" \
  "$(grep -o '<p class="big" data-net-worth="[^"]*"' "$WORK/report.html" | cut -d'"' -f4)"
expect_eq "class values = assets --json" \
  "$(printf '%s' "$ASSETS" | grep -o '"class":"[a-z_]*","label":"[^"]*","account_id":null,"value":"[^"]*"' | sed 's/"class":"\([a-z_]*\)".*"value":"\(.*\)"/\1=\2/')" \
  "$(grep -o '<tr data-class="[a-z_]*" data-value="[^"]*"' "$WORK/report.html" | sed 's/.*data-class="\([a-z_]*\)" data-value="\(.*\)"/\1=\2/')"
INVEST=$("$F" investments --json)
expect_eq "investment valuations = investments --json" \
  "$(printf '%s' "$INVEST" | grep -o '"id":[0-9]*,"label"[^}]*"valuation":"[^"]*","cost":"[^"]*","profit":"[^"]*"' | sed 's/"id":\([0-9]*\),.*"valuation":"\([^"]*\)".*"profit":"\([^"]*\)"/\1 \2 \3/')" \
  "$(grep -o 'data-investment-id="[0-9]*" data-valuation="[^"]*" data-profit="[^"]*"' "$WORK/report.html" | sed 's/data-investment-id="\([0-9]*\)" data-valuation="\([^"]*\)" data-profit="\([^"]*\)"/\1 \2 \3/')"
expect_eq "loan repaid = loans --json" "$("$F" loans --json | grep -o '"repaid_pct":"[^"]*"' | cut -d'"' -f4)" "$(attr data-repaid)"
# Every point of the net worth chart is the history's value for that day.
"$F" assets --history --period all --json > "$WORK/history.json"
POINTS=$(grep -o 'data-day="[0-9-]*" data-net-worth="[^"]*"' "$WORK/report.html" | sed 's/data-day="\([0-9-]*\)" data-net-worth="\([^"]*\)"/\1 \2/')
N=0
while read -r day value; do
  grep -q "{\"day\":\"$day\"[^}]*\"net_worth\":\"$value\"}" "$WORK/history.json" || fail "chart point $day $value is not the history's"
  N=$((N + 1))
done <<< "$POINTS"
[ "$N" -ge 100 ] || fail "only $N chart points"
pass "all $N net worth chart points equal assets --history --json"
expect_match "the chart ends today with the net worth" "^2024-03-20 -102386.15$" "$(printf '%s\n' "$POINTS" | tail -1)"
expect_eq "each account's last point = its balance" "1523.47 8200.00 25000.00 15230.50 -152340.12" \
  "$(grep -o 'data-account-id="[0-9]*" data-last="[^"]*"' "$WORK/report.html" | sed 's/.*data-last="//; s/"//' | tr '\n' ' ' | sed 's/ $//')"
SUMMARY=$("$F" summary --by month --all --json)
expect_eq "months = summary --json" \
  "$(printf '%s' "$SUMMARY" | grep -o '"key":"[^"]*","currency":"EUR","income":"[^"]*","spending":"[^"]*"' | sed 's/"key":"\([^"]*\)".*"income":"\([^"]*\)","spending":"\([^"]*\)"/\1 \2 \3/')" \
  "$(grep -o 'data-month="[^"]*" data-income="[^"]*" data-spending="[^"]*"' "$WORK/report.html" | sed 's/data-month="\([^"]*\)" data-income="\([^"]*\)" data-spending="\([^"]*\)"/\1 \2 \3/')"
file_has "and they are not empty: months" 'data-month="2024-03" data-income="2650.00" data-spending="-126.39"' "$WORK/report.html"
file_has "and they are not empty: classes" '<tr data-class="loans" data-value="-152340.12"' "$WORK/report.html"
file_has "and they are not empty: investments" 'data-investment-id="4001" data-valuation="10287.09" data-profit="1703.33"' "$WORK/report.html"
file_has "categories from the rules" 'data-category="books" data-spending="-61.40"' "$WORK/report.html"

# Locale.
"$F" report --period all --lang fr -o "$WORK/rapport.html" 2> /dev/null
NB=$(printf '\xc2\xa0')
file_has "fr amounts" "-102${NB}386,15${NB}€" "$WORK/rapport.html"
file_has "fr dates" "20 mars 2024" "$WORK/rapport.html"
file_has "en amounts" "-€102,386.15" "$WORK/report.html"
printf '[report]\nlang = fr\n' >> "$CONFIG"
"$F" report -o - > "$WORK/stdout.html" 2> /dev/null
expect_match "[report] lang = fr from the config" '<html lang="fr">' "$(head -c 200 "$WORK/stdout.html")"

# Headless Chromium: renders at desktop and phone sizes, without a console error.
render() {  # render NAME WIDTH HEIGHT FILE
  timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$WORK/chrome-$1" --enable-logging=stderr --v=0 --window-size="$2,$3" \
    --screenshot="$WORK/$1.png" "file://$4" > "$WORK/$1.log" 2>&1 || fail "chromium $1: $(tail -3 "$WORK/$1.log")"
  [ "$(stat -c %s "$WORK/$1.png")" -gt 20000 ] || fail "$1 screenshot is nearly empty"
  grep -i 'CONSOLE' "$WORK/$1.log" && fail "console messages at $1 size"
  pass "chromium renders it at $1 size ($2x$3) without console messages"
}
render desktop 1280 2400 "$WORK/report.html"
render phone 390 2400 "$WORK/rapport.html"
timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/chrome-dom" \
  --window-size=390,844 --dump-dom "file://$WORK/report.html" > "$WORK/dom.html" 2> "$WORK/dom.log" || fail "dump-dom"
expect_eq "DOM holds every section" "net-worth accounts investments loans months categories" \
  "$(grep -o '<section id="[a-z-]*"' "$WORK/dom.html" | cut -d'"' -f2 | tr '\n' ' ' | sed 's/ $//')"
expect_eq "DOM holds the 8 charts" 8 "$(grep -o '<svg' "$WORK/dom.html" | wc -l)"
[ -n "${KEEP_SCREENSHOTS:-}" ] && cp "$WORK"/desktop.png "$WORK"/phone.png "$KEEP_SCREENSHOTS"/
finish
