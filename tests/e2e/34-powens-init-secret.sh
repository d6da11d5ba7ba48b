#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi init` takes the client secret without putting it in argv: from FREENAHI_CLIENT_SECRET
# or from stdin (`--client-secret -`); while auth/init is in flight (stalled by the fake), `ps`
# shows no secret. A literal `--client-secret VALUE` still works, with a one-line warning.
source "$(dirname "$0")/lib.sh"
source "$FREENAHI_SOURCE_DIR/tests/fake_powens/lib.sh"
make_test_ca
start_fake

fresh() {  # fresh NAME: a config and database of its own (init creates the user once per database)
  mkdir -p "$WORK/$1"
  DB_PATH=$WORK/$1/freenahi.db write_powens_config
  cp "$CONFIG" "$WORK/$1.ini"
  CONFIG=$WORK/$1.ini
}

# From the environment, with auth/init stalled 3 s: meanwhile every process's argv is free of it.
fresh env
fake_set '{"faults": [{"path": "/2.0/auth/init", "stall": 3, "times": 1}]}'
set +e
FREENAHI_CLIENT_SECRET=$CLIENT_SECRET "$FREENAHI_BIN" init --config "$CONFIG" \
  --client-id "$CLIENT_ID" > "$WORK/env.out" 2>&1 &
INIT_PID=$!
set -e
for i in $(polls 100); do [ "$(calls /2.0/auth/init)" -ge 1 ] && break; sleep 0.05; done
ps -eo pid,args > "$WORK/ps.txt"
grep -q "^ *$INIT_PID .*freenahi.* init" "$WORK/ps.txt" || fail "init was not running during the check: $(cat "$WORK/ps.txt")"
# (The fake server itself takes the secret as an argument: its own line is left out.)
# No pipe into grep -q: under pipefail a SIGPIPE'd writer would hide a match.
grep -v fake_powens.py "$WORK/ps.txt" > "$WORK/ps-others.txt" || true
grep -qF "$CLIENT_SECRET" "$WORK/ps-others.txt" && fail "the secret shows in ps"
pass "ps shows init running without the secret"
wait "$INIT_PID" || fail "init from the environment failed: $(cat "$WORK/env.out")"
cat "$WORK/env.out" >> "$WORK/outputs.log"
grep -q "warning" "$WORK/env.out" && fail "a warning for a secret from the environment"
expect_eq "the token from the environment's secret" "$TOKEN" "$(sql "SELECT auth_token FROM users WHERE id = 1042")"
grep -q "^client_secret = " "$CONFIG" || fail "the secret was not kept in the (0600) config"
pass "init from FREENAHI_CLIENT_SECRET"

# From stdin.
fresh stdin
set +e
OUT=$(printf '%s\r\n' "$CLIENT_SECRET" | "$FREENAHI_BIN" init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret - 2>&1)
RC=$?
set -e
printf '%s\n' "$OUT" >> "$WORK/outputs.log"
expect_eq "init from stdin" "0" "$RC"
expect_eq "no warning" "" "$(printf '%s\n' "$OUT" | grep warning || true)"
expect_eq "the token from stdin's secret (CR LF line)" "$TOKEN" "$(sql "SELECT auth_token FROM users WHERE id = 1042")"

# A wrong secret in the environment is refused by Powens like any other.
fresh wrong
FREENAHI_CLIENT_SECRET=not-it run_cli init --config "$CONFIG" --client-id "$CLIENT_ID"
expect_eq "a wrong secret from the environment fails" "1" "$RC"

# A literal flag: works, warned about on stderr, the warning names the alternatives.
fresh literal
set +e
"$FREENAHI_BIN" init --config "$CONFIG" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" \
  > "$WORK/literal.out" 2> "$WORK/literal.err"
RC=$?
set -e
cat "$WORK/literal.out" "$WORK/literal.err" >> "$WORK/outputs.log"
expect_eq "a literal secret still works" "0" "$RC"
expect_eq "one warning line on stderr" "1" "$(grep -c '^freenahi: warning: --client-secret VALUE shows in `ps`' "$WORK/literal.err")"
expect_match "naming the safe ways" "FREENAHI_CLIENT_SECRET=.*--client-secret - \(stdin\)" "$(cat "$WORK/literal.err")"
grep -q warning "$WORK/literal.out" && fail "the warning went to stdout"
run_cli init --help
expect_match "--help says why" "still works .* prints a warning" "$(printf '%s' "$OUT" | tr '\n' ' ')"
no_secrets_in "$WORK/outputs.log" "$FAKE_LOG"
finish
