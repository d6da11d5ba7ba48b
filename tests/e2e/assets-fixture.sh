# SPDX-License-Identifier: MIT
# The known database of the assets tests (70-7x), sourced after lib.sh: the sample
# connection_synced (checking + savings, 7 transactions) and a wealth sync (a PEA with holdings,
# a life insurance, a mortgage) posted to a real daemon, then two years of generated balance
# history written with sqlite3. Every figure is chosen to be checked by hand:
#   checking 2881  on the 1st of each month from 2022-01:  1000.00 + 10.00 × k   (k = months since 2022-01)
#   savings  2882  on the 15th of each month:             5000.00 + 100.00 × k
#   PEA      3001  on 1 January and 1 July:              10000.00 + 500.00 × h  (h = half-years)
#   life     3002  once, on 2023-01-01:                   20000.00
#   loan     3003  on the 5th of each month:           −(180000.00 − 800.00 × k)
# up to 2024-03, then the webhooks' own rows on 2024-03-14. "Today" is pinned to 2024-03-20.
ASSETS_DATA="$FREENAHI_SOURCE_DIR/tests/data/assets"
export FREENAHI_TODAY=2024-03-20
export NO_COLOR=1

wait_applied() {  # wait_applied N: until N inbox items are applied (bounded)
  local i
  for i in $(polls 200); do
    [ "$(sql "SELECT count(*) FROM inbox WHERE state = 'applied'")" = "$1" ] && return 0
    sleep 0.05
  done
  fail "inbox: $1 items not applied: $(sql "SELECT id, state, error FROM inbox")"
}

generate_history() {
  sql "WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 26)
    INSERT OR REPLACE INTO balance_history (account_id, day, balance_minor)
    SELECT 2881, date('2022-01-01', '+' || k || ' months'), 100000 + 1000 * k FROM m
    UNION ALL SELECT 2882, date('2022-01-15', '+' || k || ' months'), 500000 + 10000 * k FROM m
      WHERE date('2022-01-15', '+' || k || ' months') < '2024-03-14'
    UNION ALL SELECT 3003, date('2022-01-05', '+' || k || ' months'), -(18000000 - 80000 * k) FROM m
    UNION ALL SELECT 3001, date('2022-01-01', '+' || (6 * k) || ' months'), 1000000 + 50000 * k
      FROM m WHERE k <= 4
    UNION ALL SELECT 3002, '2023-01-01', 2000000;"
}

# build_assets_db: starts a daemon on a fresh config, posts both syncs, adds the history. The
# daemon keeps running (tests may post more).
build_assets_db() {
  write_config
  start_daemon
  expect_eq "sample sync accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"
  expect_eq "wealth sync accepted" "200" "$(post_webhook "$ASSETS_DATA/connection_synced_wealth.json")"
  wait_applied 2
  generate_history
}
