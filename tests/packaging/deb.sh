#!/bin/bash
# SPDX-License-Identifier: MIT
# Checks the amd64 .deb from scripts/package-deb.sh on this machine: dpkg-deb --info/--contents,
# Depends as dpkg-shlibdeps computes them, lintian (no errors; known warnings listed), then
# installs it with dpkg -i: freenahi user, /etc/freenahi/freenahi.ini root:freenahi 0640,
# `systemd-analyze verify` of the unit, the daemon as user freenahi answering /healthz, and an
# edited config surviving a reinstall and an upgrade. Purges the package at the end.
# Usage: tests/packaging/deb.sh [--keep]   (root; builds the .deb when dist/ has none;
#        --keep leaves the package installed)   VERBOSE=1 lists each check.
. "$(dirname "$0")/lib.sh"
keep=no
case "${1:-}" in
  -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
  --keep) keep=yes ;;
esac
[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i)"
. "$ROOT/scripts/deps.sh"
ensure_packages lintian systemd adduser curl openssl file
version=$(sed -n 's/^project(freenahi VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
deb="$ROOT/dist/freenahi_${version}-1_amd64.deb"
[ -f "$deb" ] || "$ROOT/scripts/package-deb.sh" amd64
[ -f "$deb" ] || fail "no $deb"
if dpkg -s freenahi > /dev/null 2>&1; then fail "freenahi is already installed here; dpkg --purge freenahi first"; fi

# --- the archive --------------------------------------------------------------------------------
info=$(dpkg-deb --info "$deb")
field() { dpkg-deb --field "$deb" "$1"; }
expect_eq Package "$(field Package)" freenahi
expect_eq Version "$(field Version)" "$version-1"
expect_eq Architecture "$(field Architecture)" amd64
for s in postinst prerm postrm; do echo "$info" | grep -q " $s " || fail "no $s"; done
ok "maintainer scripts"
contents=$(dpkg-deb --contents "$deb" | awk '$1 !~ /^d/ { print $1, $2, $6 }')
expected="-rw-r--r-- root/root ./lib/systemd/system/freenahi.service
-rwxr-xr-x root/root ./usr/bin/freenahi
-rw-r--r-- root/root ./usr/share/doc/freenahi/changelog.Debian.gz
-rw-r--r-- root/root ./usr/share/doc/freenahi/copyright
-rw-r--r-- root/root ./usr/share/doc/freenahi/install.md
-rw-r--r-- root/root ./usr/share/freenahi/freenahi.ini.example"
[ -f "$ROOT/docs/install.md" ] || expected=$(echo "$expected" | grep -v install.md)
expect_eq "contents" "$contents" "$expected"
# Depends: what dpkg-shlibdeps computes for the packaged binary, plus adduser.
mkdir -p "$SCRATCH/shl/debian" "$SCRATCH/x"
printf 'Source: freenahi\n\nPackage: freenahi\nArchitecture: any\n' > "$SCRATCH/shl/debian/control"
dpkg-deb -x "$deb" "$SCRATCH/x"
shlibs=$(cd "$SCRATCH/shl" && dpkg-shlibdeps -O "$SCRATCH/x/usr/bin/freenahi" 2>/dev/null | sed 's/^shlibs:Depends=//')
expect_eq "Depends" "$(field Depends)" "adduser, $shlibs"
# package-deb.sh takes a native build's Depends from dpkg-shlibdeps too, so the line above cannot
# tell them apart there: independently, every shared library the binary loads must belong to a
# package Depends names.
for lib in $(readelf -d "$SCRATCH/x/usr/bin/freenahi" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  # The host's multiarch copy, not a cross toolchain's (libstdc++6-armhf-cross ...).
  owner=$(dpkg -S "$lib" 2>/dev/null | grep -E ": (/usr)?/lib/$(gcc -print-multiarch)/" | head -1 | cut -d: -f1)
  [ -n "$owner" ] || fail "no installed package provides $lib"
  case ", $(field Depends) (" in *", $owner ("*|*", $owner,"*) ;; *) fail "$lib ($owner) is not in Depends: $(field Depends)" ;; esac
done
ok "every NEEDED library's package is in Depends"

# --- lintian: errors fail; these warnings are judged acceptable ----------------------------------
# initial-upload-closes-no-bugs: not an upload to Debian. no-manual-page: `freenahi --help` and
# each command's --help are the manual for now.
lint=$(lintian --allow-root "$deb" 2>&1 || true)
echo "$lint" | grep -q '^E:' && fail "lintian errors:
$lint"
unexpected=$(echo "$lint" | grep '^W:' | grep -v -e initial-upload-closes-no-bugs -e no-manual-page || true)
[ -z "$unexpected" ] || fail "unexpected lintian warnings:
$unexpected"
ok "lintian"

# --- install on this machine --------------------------------------------------------------------
CLEANUP='[ "$keep" = yes ] || dpkg --purge freenahi > /dev/null 2>&1 || true'
dpkg -i "$deb" > "$SCRATCH/dpkg.log" 2>&1 || { cat "$SCRATCH/dpkg.log" >&2; fail "dpkg -i"; }
getent passwd freenahi > /dev/null || fail "no freenahi user"
expect_eq "user shell" "$(getent passwd freenahi | cut -d: -f7)" /usr/sbin/nologin
conf=/etc/freenahi/freenahi.ini
expect_eq "config owner and mode" "$(stat -c '%U:%G %a' "$conf")" "root:freenahi 640"
cmp -s "$conf" /usr/share/freenahi/freenahi.ini.example || fail "config is not the example"
expect_eq "--version" "$(/usr/bin/freenahi --version)" "freenahi $version"
# Enabled for the next boot (deb-systemd-helper works without systemd running).
wants=/etc/systemd/system/multi-user.target.wants/freenahi.service
expect_eq "enabled at boot" "$(readlink "$wants")" /lib/systemd/system/freenahi.service
# systemd-analyze works without systemd as PID 1.
verify=$(systemd-analyze verify /lib/systemd/system/freenahi.service 2>&1 || echo "exit $?")
expect_eq "systemd-analyze verify" "$verify" ""
security=$(systemd-analyze security --offline=true /lib/systemd/system/freenahi.service 2>/dev/null | tail -1 || true)
[ -n "${VERBOSE:-}" ] && echo "systemd-analyze security: $security"

# The daemon as the unit runs it: user freenahi, config through the group, state in /var/lib.
install -d -o freenahi -g freenahi -m 0700 /var/lib/freenahi  # what StateDirectory= does
cp -p "$conf" "$SCRATCH/orig.ini"
for attempt in 1 2 3; do
  port=$(free_port)
  sed -i -e "s|^listen = .*|listen = 127.0.0.1:$port|" -e "s|^user_token =.*|user_token = deb-test-token|" "$conf"
  setpriv --reuid=freenahi --regid=freenahi --init-groups --no-new-privs \
    /usr/bin/freenahi serve --config "$conf" > "$SCRATCH/serve.log" 2>&1 &
  pid=$!
  CLEANUP="stop_pid $pid; $CLEANUP"
  wait_healthz "$port" "$pid" 40 && break
  stop_pid "$pid"
  [ "$attempt" = 3 ] && { cat "$SCRATCH/serve.log" >&2; fail "serve as user freenahi never answered"; }
done
ok "serve as freenahi answers /healthz"
expect_eq "state owner" "$(stat -c %U /var/lib/freenahi/freenahi.db)" freenahi
expect_eq "key mode" "$(stat -c %a /var/lib/freenahi/freenahi-key.pem)" 600
# A real webhook into the installed daemon, read back by the installed CLI as the same user.
expect_eq "webhook answered" "$(curl -s --max-time 20 --cacert /var/lib/freenahi/freenahi-cert.pem \
  -H 'Authorization: Bearer deb-test-token' --data-binary "@$ROOT/tests/data/powens/connection_synced_basic.json" \
  "https://127.0.0.1:$port/webhook/connection_synced/")" '{"status":"stored"}'
as_freenahi() { setpriv --reuid=freenahi --regid=freenahi --init-groups --no-new-privs "$@"; }
for i in $(seq 1 40); do
  as_freenahi /usr/bin/freenahi transactions --config "$conf" --json 2>/dev/null | grep -q '"value":"-42.90"' && break
  sleep 0.25
done
as_freenahi /usr/bin/freenahi transactions --config "$conf" --json | grep -q '"id":90001,.*"value":"-42.90"' ||
  fail "the webhook's transactions are not in the installed CLI's output"
ok "webhook applied, read back by the installed CLI"
stop_pid "$pid"

# --- the edited config survives a reinstall and an upgrade ---------------------------------------
echo "# edited by deb.sh" >> "$conf"
edited=$(md5sum < "$conf")
dpkg -i "$deb" > "$SCRATCH/dpkg.log" 2>&1 || { cat "$SCRATCH/dpkg.log" >&2; fail "reinstall"; }
expect_eq "config after reinstall" "$(md5sum < "$conf")" "$edited"
FREENAHI_DEB_REVISION=2 "$ROOT/scripts/package-deb.sh" amd64 --no-build > /dev/null
deb2="$ROOT/dist/freenahi_${version}-2_amd64.deb"
dpkg -i "$deb2" > "$SCRATCH/dpkg.log" 2>&1 || { cat "$SCRATCH/dpkg.log" >&2; fail "upgrade"; }
rm -f "$deb2"
expect_eq "upgraded version" "$(dpkg-query -W -f='${Version}' freenahi)" "$version-2"
expect_eq "config after upgrade" "$(md5sum < "$conf")" "$edited"
expect_eq "mode after upgrade" "$(stat -c '%U:%G %a' "$conf")" "root:freenahi 640"

# --- removal and purge ------------------------------------------------------------------------
if [ "$keep" = no ]; then
  dpkg --remove freenahi > /dev/null 2>&1 || fail "dpkg --remove"
  [ -f "$conf" ] || fail "remove deleted the config (only purge may)"
  dpkg --purge freenahi > /dev/null 2>&1 || fail "dpkg --purge"
  [ ! -e "$conf" ] || fail "purge left $conf"
  [ ! -L "$wants" ] || fail "purge left $wants"
  [ -d /var/lib/freenahi ] || fail "purge deleted the bank data"
  rm -rf /var/lib/freenahi
  ok "remove keeps the config, purge removes it and keeps /var/lib/freenahi"
fi
CLEANUP=""
passed
