#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The command line as scripts use it: --help everywhere (exit 0), usage errors exit 2 with a
# "did you mean", a missing or broken config names the file and line, queries on a database that
# does not exist yet say so (exit 1), `init` writes a config `serve` accepts and never overwrites.
source "$(dirname "$0")/lib.sh"
F="$FREENAHI_BIN"
run() {  # run ARGS...: sets OUT (stdout+stderr) and RC
  set +e
  OUT=$("$F" "$@" 2>&1)
  RC=$?
  set -e
}

run --help
expect_eq "--help exits 0" "0" "$RC"
TOP_HELP=$OUT
for c in serve init accounts transactions inbox version; do
  expect_match "top-level help lists $c" "^  $c " "$(printf '%s\n' "$TOP_HELP" | grep "^  $c ")"
  run "$c" --help
  expect_eq "$c --help exits 0" "0" "$RC"
  expect_match "$c --help shows usage" "usage: freenahi $c" "$OUT"
done
run --version
expect_match "--version" "^freenahi [0-9]+\.[0-9]+\.[0-9]+$" "$OUT"
run
expect_eq "no command: usage, exit 2" "2" "$RC"
run transactons
expect_eq "unknown command exits 2" "2" "$RC"
expect_eq "did you mean" "freenahi: error: unknown command 'transactons', did you mean 'transactions'? (see freenahi --help)" "$OUT"
run transactions --frobnicate
expect_eq "unknown option exits 2" "2" "$RC"
run transactions --limit
expect_eq "missing option value exits 2" "2" "$RC"
expect_eq "missing option value message" "freenahi: error: --limit needs a value" "$OUT"
run transactions --limit many --config /nonexistent.ini
expect_eq "bad --limit exits 2" "2" "$RC"

run accounts --config "$WORK/none.ini"
expect_eq "missing config exits 2" "2" "$RC"
expect_match "missing config says how to make one" "config $WORK/none.ini: no such file .*freenahi init" "$OUT"
FREENAHI_CONFIG="$WORK/env.ini" run accounts
expect_match "FREENAHI_CONFIG is honoured" "config $WORK/env.ini: no such file" "$OUT"

run init --config "$WORK/new.ini" --listen 127.0.0.1:0 --database "$WORK/new.db"
expect_eq "init with a bad listen refuses" "2" "$RC"
run init --config "$WORK/new.ini" --listen 127.0.0.1:18443 --database "$WORK/new.db"
expect_eq "init writes a config" "0" "$RC"
expect_eq "init's file is private" "600" "$(stat -c %a "$WORK/new.ini")"
run init --config "$WORK/new.ini"
expect_eq "init never overwrites" "1" "$RC"
expect_match "and says how" "use --force" "$OUT"
run transactions --config "$WORK/new.ini"
expect_eq "no database yet exits 1" "1" "$RC"
expect_match "and names it" "$WORK/new.db" "$OUT"

printf '[server]\nlisten = 127.0.0.1:8443\nmax_body = 12XB\n' > "$WORK/bad.ini"
run serve --config "$WORK/bad.ini"
expect_eq "serve with a broken config exits 2" "2" "$RC"
expect_match "error names file, line and key" "$WORK/bad.ini:3: max_body: " "$OUT"

write_config
start_daemon
post_webhook "$SAMPLES/connection_synced_basic.json" > /dev/null
for i in $(polls 100); do [ "$(sql "SELECT state FROM inbox")" = applied ] && break; sleep 0.05; done
run accounts --config "$CONFIG"
expect_match "accounts table" "2881  Connecteur de test  Compte de dépôt  checking  FR76 \\*\\*\\*\\* 0185  1523.47 EUR  -42.90 EUR  20[0-9-]+ [0-9:]+  ok" "$OUT"
run transactions --config "$CONFIG" --deleted --json
expect_match "--deleted shows the transaction deleted at the bank" '"deleted":"20' "$OUT"
run transactions --config "$CONFIG" --json
expect_eq "deleted hidden by default" "6" "$(printf '%s' "$OUT" | grep -o '"id":' | wc -l)"
run inbox --config "$CONFIG" --state applied --json
expect_match "inbox --state" '"state":"applied"' "$OUT"
run inbox replay 999 --config "$CONFIG"
expect_eq "replay of an unknown id exits 1" "1" "$RC"
expect_match "and says so" "inbox item 999: not found" "$OUT"
run inbox replay abc --config "$CONFIG"
expect_eq "replay of a non-id exits 2" "2" "$RC"
grep -qF "$TOKEN" <<< "$(ps -o args= -p "$DAEMON_PID")" && fail "token visible in ps"
pass "no secret on the command line (ps)"
finish
