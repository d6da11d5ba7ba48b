#!/bin/bash
# SPDX-License-Identifier: MIT
# Runs etc/openwrt/freenahi.init's start_service/reload_service against stub procd and UCI
# functions (no OpenWrt needed) and checks what it hands to procd: the command, respawn, log
# (stdout/stderr, FREENAHI_LOG_FORMAT=procd) and file parameters, `option enabled '0'` starting nothing, SIGHUP on reload, and the px5g
# fallback reading the INI's database directory.
# Usage: tests/packaging/openwrt-init.sh    VERBOSE=1 lists each check.
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;; esac
init="$ROOT/etc/openwrt/freenahi.init"
sh -n "$init" || fail "syntax"
head -1 "$init" | grep -qx '#!/bin/sh /etc/rc.common' || fail "not an rc.common script"
grep -qx 'USE_PROCD=1' "$init" && grep -qx 'START=95' "$init" || fail "USE_PROCD=1 / START=95"
ok "header"

# Stubs: procd and UCI calls print what they were given; config_get_bool reads $UCI_ENABLED.
cat > "$SCRATCH/stubs.sh" <<'STUBS'
procd_open_instance() { echo "open $*"; }
procd_set_param() { echo "param $*"; }
procd_close_instance() { echo "close"; }
procd_send_signal() { echo "signal $*"; }
procd_add_reload_trigger() { echo "trigger $*"; }
config_load() { echo "config_load $*" >&2; }
config_get_bool() { eval "$1=\${UCI_ENABLED:-$4}"; }
uci() { echo testhost; }
STUBS
mkdir -p "$SCRATCH/etc" "$SCRATCH/bin"
sed -f "$ROOT/etc/openwrt/freenahi.ini.sed" "$ROOT/etc/freenahi.ini.example" > "$SCRATCH/etc/freenahi.ini"
sed -i "s|^database = .*|database = $SCRATCH/data/freenahi.db|" "$SCRATCH/etc/freenahi.ini"
run() {  # run FUNCTION: sources the script (rc.common line is a comment to sh) with stubs
  PATH="$SCRATCH/bin:$PATH" sh -c ". '$SCRATCH/stubs.sh'; . '$init'; CONF='$SCRATCH/etc/freenahi.ini'; PROG=/usr/bin/freenahi; $1" 2>/dev/null
}
out=$(run start_service)
expected="open 
param command /usr/bin/freenahi serve --config $SCRATCH/etc/freenahi.ini
param respawn 3600 5 5
param env FREENAHI_LOG_FORMAT=procd
param stdout 1
param stderr 1
param file $SCRATCH/etc/freenahi.ini
close"
expect_eq "start_service" "$out" "$expected"
expect_eq "disabled" "$(UCI_ENABLED=0 run start_service)" ""
expect_eq "reload_service" "$(run reload_service)" "signal freenahi * SIGHUP"
expect_eq "service_triggers" "$(run service_triggers)" "trigger freenahi"
expect_eq "ini_get database" "$(run 'ini_get store database')" "$SCRATCH/data/freenahi.db"
expect_eq "ini_get listen" "$(run 'ini_get server listen')" "0.0.0.0:8443"
expect_eq "ini_get tls" "$(run 'ini_get server tls')" "on"
expect_eq "ini_get cert (empty)" "$(run 'ini_get server cert')" ""
# px5g fallback: a fake px5g records its arguments and writes the two files.
cat > "$SCRATCH/bin/px5g" <<'FAKE'
#!/bin/sh
echo "$*" >> "${0%/*}/px5g.log"
while [ $# -gt 0 ]; do
  case "$1" in -keyout) echo key > "$2"; shift ;; -out) echo cert > "$2"; shift ;; esac
  shift
done
FAKE
chmod +x "$SCRATCH/bin/px5g"
run "PX5G='$SCRATCH/bin/px5g'; make_certificate"
[ -s "$SCRATCH/data/freenahi-cert.pem" ] && [ -s "$SCRATCH/data/freenahi-key.pem" ] ||
  fail "px5g fallback made no certificate in the database directory"
expect_eq "px5g key mode" "$(stat -c %a "$SCRATCH/data/freenahi-key.pem")" 600
grep -q -- '-newkey ec -pkeyopt ec_paramgen_curve:P-256' "$SCRATCH/bin/px5g.log" || fail "px5g args"
grep -q -- '-subj /CN=testhost' "$SCRATCH/bin/px5g.log" || fail "px5g subject"
run "PX5G='$SCRATCH/bin/px5g'; make_certificate"
expect_eq "px5g runs once" "$(wc -l < "$SCRATCH/bin/px5g.log")" 1
rm "$SCRATCH/data/freenahi-cert.pem" "$SCRATCH/data/freenahi-key.pem"
sed -i "s|^cert =.*|cert = /etc/ssl/mine.pem|" "$SCRATCH/etc/freenahi.ini"
run "PX5G='$SCRATCH/bin/px5g'; make_certificate"
[ ! -e "$SCRATCH/data/freenahi-cert.pem" ] || fail "px5g ran although cert is configured"
ok "px5g fallback"
# The UCI file: one named section with enabled '1'.
expect_eq "uci enabled" "$(sed -n "s/^[[:space:]]*option enabled '\(.\)'/\1/p" "$ROOT/etc/openwrt/freenahi.uci")" 1
grep -qx "config freenahi 'main'" "$ROOT/etc/openwrt/freenahi.uci" || fail "UCI section name"
ok "uci file"
passed
