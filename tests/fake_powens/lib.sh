# SPDX-License-Identifier: MIT
# Sourced by the Powens e2e tests (tests/e2e/25-34) after tests/e2e/lib.sh: a test CA made with
# openssl, the fake Powens server (fake_powens.py) started on a free loopback port, its request
# log read back, and a freenahi config that points [powens] at it.
FAKE_DIR="$FREENAHI_SOURCE_DIR/tests/fake_powens"
CLIENT_ID="fake-client-4711"
CLIENT_SECRET="cs_fake_Zx81QwErTy5599"  # grepped for in every output: must never appear
FAKE_PIDS=""

fake_cleanup() {
  local p
  for p in $FAKE_PIDS; do kill "$p" 2>/dev/null || true; done
  cleanup
}
trap fake_cleanup EXIT

# make_test_ca: $WORK/ca.pem; server.pem/key for localhost + 127.0.0.1; wrong.pem/key for
# another name; other-ca.pem, a CA freenahi does not trust, and stranger.pem/key signed by it.
make_test_ca() {
  local d=$WORK/pki
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=freenahi test CA" \
    -keyout "$d/ca.key" -out "$WORK/ca.pem" 2> /dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=other CA" \
    -keyout "$d/other.key" -out "$WORK/other-ca.pem" 2> /dev/null
  _leaf server "DNS:localhost,IP:127.0.0.1" "$WORK/ca.pem" "$d/ca.key"
  _leaf wrong "DNS:wrong.example" "$WORK/ca.pem" "$d/ca.key"
  _leaf stranger "DNS:localhost,IP:127.0.0.1" "$WORK/other-ca.pem" "$d/other.key"
}
_leaf() {  # _leaf NAME SAN CA_CERT CA_KEY
  local d=$WORK/pki
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
    -keyout "$WORK/$1.key" -out "$d/$1.csr" 2> /dev/null
  printf 'subjectAltName=%s\n' "$2" > "$d/$1.ext"
  openssl x509 -req -in "$d/$1.csr" -CA "$3" -CAkey "$4" -CAcreateserial -days 2 \
    -extfile "$d/$1.ext" -out "$WORK/$1.pem" 2> /dev/null
}

# start_fake [NAME]: the fake with certificate NAME (default server); sets FAKE_PORT, FAKE_LOG.
# It serves the data of $FAKE_SAMPLE (default: the basic connection_synced sample).
start_fake() {
  local name=${1:-server} i
  FAKE_LOG=$WORK/fake-$name.log
  : > "$FAKE_LOG"
  rm -f "$WORK/fake-$name.port"
  python3 "$FAKE_DIR/fake_powens.py" --cert "$WORK/$name.pem" --key "$WORK/$name.key" \
    --sample "${FAKE_SAMPLE:-$SAMPLES/connection_synced_basic.json}" --log "$FAKE_LOG" \
    --port-file "$WORK/fake-$name.port" --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" \
    --token "$TOKEN" --lifetime 280 2>> "$WORK/fake-$name.stderr" &
  local pid=$!
  FAKE_PIDS="$FAKE_PIDS $pid"
  for i in $(polls 100); do
    [ -s "$WORK/fake-$name.port" ] && break
    kill -0 "$pid" 2>/dev/null || break  # it died: say why at once
    sleep 0.05
  done
  [ -s "$WORK/fake-$name.port" ] || fail "fake Powens did not start: $(cat "$WORK/fake-$name.stderr")"
  FAKE_PORT=$(cat "$WORK/fake-$name.port")
}

# fake_set JSON: merges JSON into the fake's settings (see fake_powens.py).
fake_set() {
  curl -sS --max-time 10 --cacert "$WORK/ca.pem" -o /dev/null -X POST --data-binary "$1" \
    "https://localhost:$FAKE_PORT/_fake/config" || fail "fake_set"
}

# calls [PATH_PREFIX [METHOD]]: requests the fake received (all, or those under PATH_PREFIX).
calls() {
  python3 - "$FAKE_LOG" "${1:-}" "${2:-}" << 'EOF'
import json, sys
n = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"].startswith(sys.argv[2]) and (not sys.argv[3] or r["method"] == sys.argv[3]):
        n += 1
print(n)
EOF
}

# write_powens_config [extra lines as for write_config]: a daemon config pointing at the fake.
write_powens_config() {
  write_config "$@"
  sed -i '/^user_token = /d' "$CONFIG"
  python3 - "$CONFIG" "$FAKE_PORT" "$WORK/ca.pem" << 'EOF'
import sys
path, port, ca = sys.argv[1:]
text = open(path).read().replace("[powens]\n", "[powens]\napi_url = https://localhost:%s/2.0\n"
    "ca_file = %s\ndomain = exampleco-sandbox\n" % (port, ca), 1)
open(path, "w").write(text)
EOF
}

# run_cli ARGS...: the binary; sets OUT (stdout+stderr), RC; everything is also kept in
# $WORK/outputs.log for the secret scan.
run_cli() {
  set +e
  OUT=$("$FREENAHI_BIN" "$@" 2>&1)
  RC=$?
  set -e
  printf '%s\n' "$OUT" >> "$WORK/outputs.log"
}

# no_secrets_in FILE...: neither the client secret nor the user token appears anywhere.
no_secrets_in() {
  local f
  for f in "$@"; do
    [ -f "$f" ] || continue
    grep -qF "$CLIENT_SECRET" "$f" && fail "client secret in $f"
    grep -qF "$TOKEN" "$f" && fail "user token in $f"
  done
  pass "no secret in $*"
}

# dump_data DB TABLE...: users, the given tables and connections (health columns included) as
# text, leaving out what only one path knows (the token, freenahi's own write times): pulled and
# webhook-fed databases must dump alike.
dump_data() {
  local db=$1 t
  shift
  sqlite3 -batch -noheader "$db" "SELECT id, signin, platform, deleted_at FROM users ORDER BY id"
  for t in "$@"; do
    echo "== $t"
    sqlite3 -batch -noheader "$db" "SELECT * FROM $t ORDER BY 1, 2"
  done
  echo "== connections"
  sqlite3 -batch -noheader "$db" "SELECT id, user_id, connector_id, connector_uuid, connector_name, state,
    error_message, last_update, created, active, deleted_at, next_try, access_expire
    FROM connections ORDER BY id"
}
