#!/bin/bash
# SPDX-License-Identifier: MIT
# The .deb on a real systemd: boots a Debian bookworm (or trixie) virtual machine (qemu-system,
# emulated) built here with mmdebstrap, and walks a Raspberry Pi user's path:
# `dpkg -i` starts the daemon under systemd (as the freenahi user, with the unit's sandboxing),
# an edit of the config + `systemctl reload`, a webhook over TLS from this
# machine through a loopback port forward, the transactions read back by the CLI, log lines at
# their real priority (`journalctl -p`) without a tag of ours, a reboot after
# which the daemon runs again with its data and certificate, and an upgrade to the next package
# revision that keeps the edited config and restarts the daemon. The guest network is qemu's
# user-mode network with restrict=on: it reaches nothing; this machine reaches it on 127.0.0.1.
# The checks are the same for both suites; only the guest's Debian and the package differ.
# Usage: tests/packaging/deb-vm.sh [bookworm|trixie]   (root; default bookworm; builds the amd64
#        .deb of that suite, `scripts/package-deb.sh amd64 [--suite trixie]`, when dist/ has none)
#        FREENAHI_VM_CACHE=DIR keeps the base images there between runs (default: build-vm/:
#        base.img for bookworm, trixie.img for trixie).
#        VERBOSE=1 lists each check; the guest's console is kept in build-vm/console[-trixie].log.
. "$(dirname "$0")/lib.sh"
suite=bookworm
case "${1:-}" in
  -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;;
  ""|bookworm) ;;
  trixie) suite=trixie ;;
  *) fail "unknown suite '$1' (bookworm or trixie; see --help)" ;;
esac
[ "$(id -u)" = 0 ] || fail "needs root (mmdebstrap, mkfs of the guest's root)"
. "$ROOT/scripts/deps.sh"
ensure_packages qemu-system-x86 mmdebstrap e2fsprogs openssh-client curl openssl

version=$(sed -n 's/^project(freenahi VERSION \([0-9.]*\).*/\1/p' "$ROOT/CMakeLists.txt")
# Package names as scripts/package-deb.sh writes them: V-R for bookworm, V-R+deb13 for trixie.
suffix="" suite_args=""
if [ "$suite" = trixie ]; then suffix=+deb13 suite_args="--suite trixie"; fi
deb1="$ROOT/dist/freenahi_${version}-1${suffix}_amd64.deb"
deb2="$SCRATCH/freenahi_${version}-2${suffix}_amd64.deb"
# shellcheck disable=SC2086  # suite_args: zero or two words
[ -f "$deb1" ] || "$ROOT/scripts/package-deb.sh" amd64 $suite_args
[ -f "$deb1" ] || fail "no $deb1"
# shellcheck disable=SC2086
FREENAHI_DEB_REVISION=2 "$ROOT/scripts/package-deb.sh" amd64 $suite_args --no-build > /dev/null
mv "$ROOT/dist/freenahi_${version}-2${suffix}_amd64.deb" "$deb2"

# --- the base image: Debian with systemd, a kernel, sshd and freenahi's dependencies -------------
cache=${FREENAHI_VM_CACHE:-$ROOT/build-vm}
mkdir -p "$cache"
# The package's own Depends, without versions: what a Pi already has or apt would bring.
deps=$(dpkg-deb --field "$deb1" Depends | sed -e 's/ *([^)]*)//g' -e 's/ //g')
packages="systemd-sysv,udev,linux-image-amd64,openssh-server,$deps"
# bookworm keeps its historical file names (an existing cache stays valid); trixie has its own.
image="$cache/base.img" stampfile="$cache/stamp" kernel="$cache/vmlinuz" initrd="$cache/initrd.img"
console="$cache/console.log"
if [ "$suite" = trixie ]; then
  image="$cache/trixie.img" stampfile="$cache/trixie.stamp" kernel="$cache/trixie-vmlinuz"
  initrd="$cache/trixie-initrd.img" console="$cache/console-trixie.log"
fi
build_base_image() {
  local dir="$SCRATCH/rootfs" t0
  t0=$(date +%s)
  rm -f "$image" "$stampfile" "$kernel" "$initrd"
  [ -f "$cache/id_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -C freenahi-vm-test -f "$cache/id_ed25519"
  # bookworm: the machine's own Debian mirror definition, so the guest gets what apt-get here
  # would; trixie: the Debian mirror itself (this machine's sources are bookworm's).
  local sources=/etc/apt/sources.list.d/debian.sources
  [ -f "$sources" ] || sources=/etc/apt/sources.list
  [ "$suite" = bookworm ] || sources="deb http://deb.debian.org/debian $suite main"
  mmdebstrap --quiet --mode=root --variant=apt --format=directory --include="$packages" \
    --customize-hook='echo freenahi-vm > "$1/etc/hostname"' \
    --customize-hook='echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$1/etc/fstab"' \
    --customize-hook='printf "[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n" > "$1/etc/systemd/network/10-vm.network"' \
    --customize-hook='chroot "$1" systemctl enable systemd-networkd ssh > /dev/null 2>&1' \
    --customize-hook="install -d -m 0700 \"\$1/root/.ssh\" && install -m 0600 '$cache/id_ed25519.pub' \"\$1/root/.ssh/authorized_keys\"" \
    --customize-hook="cp \"\$1\"/boot/vmlinuz-* '$kernel' && cp \"\$1\"/boot/initrd.img-* '$initrd'" \
    "$suite" "$dir" "$sources" || fail "mmdebstrap"
  # Generous for the modules; sparse, so it costs what is written.
  mkfs.ext4 -q -F -L root -d "$dir" "$image.tmp" 2G || fail "mkfs.ext4 -d"
  mv "$image.tmp" "$image"
  rm -rf "$dir"
  echo "$stamp" > "$stampfile"
  echo "deb-vm: base image built in $(($(date +%s) - t0)) s"
}
# Rebuilt when the package list or the recipe above changes.
stamp="$packages $(declare -f build_base_image | sha256sum | cut -c1-16)"
[ -f "$image" ] && [ "$(cat "$stampfile" 2>/dev/null)" = "$stamp" ] || build_base_image

# --- the virtual machine --------------------------------------------------------------------------
disk="$SCRATCH/disk.img"
cp --sparse=always "$image" "$disk"
# Emulated (TCG): /dev/kvm may exist in a nested sandbox and still hang the guest at boot.
# The emulated guest's kernel has been seen to oops in early init (trixie, third boot:
# key_set_index_key in blacklist_init, "Kernel panic - not syncing"): panic=5 on its command line
# makes it boot again by itself instead of hanging until boot_limit (wait_boot waits for a new
# boot id either way).
boot_limit=600
vm_pid=""
start_vm() {
  for attempt in 1 2 3; do
    ssh_port=$(free_port)
    https_port=$(free_port)
    [ "$ssh_port" != "$https_port" ] || continue
    qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp 2 -m 512 -display none -no-user-config \
      -kernel "$kernel" -initrd "$initrd" \
      -append "root=/dev/vda rw console=ttyS0 quiet panic=5" \
      -drive file="$disk",if=virtio,format=raw \
      -nic user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$ssh_port-:22,hostfwd=tcp:127.0.0.1:$https_port-:443 \
      -serial file:"$console" -monitor none > "$SCRATCH/qemu.log" 2>&1 &
    vm_pid=$!
    sleep 1
    kill -0 "$vm_pid" 2>/dev/null && return 0
    grep -q -i 'could not set up host forwarding' "$SCRATCH/qemu.log" || { cat "$SCRATCH/qemu.log" >&2; fail "qemu did not start"; }
  done
  fail "no free loopback ports for the VM"
}
stop_vm() {
  [ -n "$vm_pid" ] || return 0
  guest systemctl poweroff > /dev/null 2>&1 || true
  local n=60
  while kill -0 "$vm_pid" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.5; n=$((n - 1)); done
  kill -KILL "$vm_pid" 2>/dev/null || true
  wait "$vm_pid" 2>/dev/null || true
  vm_pid=""
}
CLEANUP='stop_vm'
guest() {  # guest CMD...: runs CMD as root in the guest
  ssh -q -i "$cache/id_ed25519" -p "$ssh_port" -o BatchMode=yes -o StrictHostKeyChecking=no \
    -o UserKnownHostsFile=/dev/null -o ConnectTimeout=10 -o ServerAliveInterval=5 root@127.0.0.1 "$@"
}
# wait_boot OLD_BOOT_ID: until sshd answers in a boot other than OLD_BOOT_ID and systemd is done.
wait_boot() {
  local t0 id state
  t0=$(date +%s)
  while [ $(($(date +%s) - t0)) -lt $boot_limit ]; do
    kill -0 "$vm_pid" 2>/dev/null || { tail -20 "$console" >&2; fail "the VM stopped"; }
    id=$(guest cat /proc/sys/kernel/random/boot_id 2>/dev/null || true)
    if [ -n "$id" ] && [ "$id" != "$1" ]; then
      state=$(guest systemctl is-system-running --wait 2>/dev/null || true)
      boot_id=$id
      echo "deb-vm: booted in $(($(date +%s) - t0)) s, system $state"
      return 0
    fi
    sleep 2
  done
  tail -20 "$console" >&2
  fail "no ssh from the VM within $boot_limit s"
}
# healthz over TLS through the port forward, verified against the guest's own certificate.
cert="$SCRATCH/guest-cert.pem"
https() {  # https PATH [curl args]
  local path=$1
  shift
  curl -s --max-time 20 --cacert "$cert" "$@" "https://127.0.0.1:$https_port$path"
}
# poll TRIES CMD...: CMD every 0.5 s until it succeeds (status 0) or TRIES runs out (status 1).
poll() {
  local n=$1
  shift
  until "$@"; do
    n=$((n - 1))
    [ $n -gt 0 ] || return 1
    sleep 0.5
  done
}
healthz_ok() { [ "$(https /healthz 2>/dev/null)" = '{"status":"ok"}' ]; }
freenahi_active() { [ "$(guest systemctl is-active freenahi)" = active ]; }
wait_healthz_vm() {
  poll 60 healthz_ok && return 0
  guest journalctl -u freenahi --no-pager | tail -20 >&2 || true
  fail "/healthz never answered through the port forward"
}
as_freenahi() { guest runuser -u freenahi -- /usr/bin/freenahi "$@" --config /etc/freenahi/freenahi.ini; }

: > "$console"
start_vm
wait_boot none
first_boot=$boot_id
expect_eq "the guest's Debian" "$(guest sed -n 's/^VERSION_CODENAME=//p' /etc/os-release)" "$suite"

# --- install: the daemon starts under systemd ---------------------------------------------------
scp_opts=(-q -i "$cache/id_ed25519" -P "$ssh_port" -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null)
scp "${scp_opts[@]}" "$deb1" "$deb2" root@127.0.0.1:/root/ || fail "scp of the packages"
guest dpkg -i "/root/$(basename "$deb1")" > "$SCRATCH/dpkg.log" 2>&1 || { cat "$SCRATCH/dpkg.log" >&2; fail "dpkg -i in the VM"; }
expect_eq "enabled" "$(guest systemctl is-enabled freenahi)" enabled
poll 40 freenahi_active || true
expect_eq "active after dpkg -i" "$(guest systemctl is-active freenahi)" active
expect_eq "runs as" "$(guest ps -o user= -C freenahi)" freenahi
poll 40 guest test -s /var/lib/freenahi/freenahi-cert.pem || true
guest cat /var/lib/freenahi/freenahi-cert.pem > "$cert" || fail "no generated certificate in the guest"
wait_healthz_vm
ok "/healthz over TLS from this machine, certificate verified"
fingerprint=$(openssl x509 -in "$cert" -noout -fingerprint -sha256)

# --- configure: edit the INI, reload, a real webhook ---------------------------------------------
token=vm-test-token-$$
sample=$ROOT/tests/data/powens/connection_synced_basic.json
guest "sed -i 's/^user_token =.*/user_token = $token/' /etc/freenahi/freenahi.ini && echo '# edited by deb-vm.sh' >> /etc/freenahi/freenahi.ini"
edited=$(guest md5sum /etc/freenahi/freenahi.ini)
pid_before=$(guest systemctl show -p MainPID --value freenahi)
guest systemctl reload freenahi || fail "systemctl reload"
expect_eq "reload keeps the process" "$(guest systemctl show -p MainPID --value freenahi)" "$pid_before"
post() {  # post FILE: the webhook as Powens sends it, with the configured token
  https /webhook/connection_synced/ -H "Authorization: Bearer $token" --data-binary "@$1"
}
# ExecReload only sends SIGHUP: until the daemon has read the new config it answers 401.
n=20 reply=""
until [ "$reply" = '{"status":"stored"}' ] || [ $n -eq 0 ]; do reply=$(post "$sample"); sleep 0.5; n=$((n - 1)); done
expect_eq "webhook with the reloaded token" "$reply" '{"status":"stored"}'
wait_applied() {  # wait_applied WHEN TRANSACTION_ID
  local want="\"id\":$2,.*\"value\":\"-42.90\""
  has_transaction() { as_freenahi transactions --json 2>/dev/null | grep -q "$want"; }
  poll 40 has_transaction || fail "$1: transaction $2 is not in the CLI's output"
  ok "$1: transactions read back by the CLI"
}
wait_applied "after the webhook" 90001
rows=$(as_freenahi transactions --json | grep -o '"id":' | wc -l)
guest journalctl -u freenahi --no-pager > "$SCRATCH/journal.txt"
grep -q 'listening' "$SCRATCH/journal.txt" || fail "journalctl -u freenahi shows no start-up line"
! grep -q "$token" "$SCRATCH/journal.txt" || fail "the token is in the journal"
ok "journal readable, no secret in it"
# Priorities and tags as the journal reads them (src/log.h): a rejected webhook (its token is
# checked on the head: "webhook PATH: rejected: ... (body not read) from IP") is a warning
# (priority 4: in -p warning, not in -p err), the start-up line info (not in -p warning); the
# journal's own tag only, no "freenahi[PID]:" or "<N>" of ours left in the message.
[ "$(https /webhook/connection_synced/ -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' \
  --data-binary "@$sample")" = 401 ] || fail "a wrong token was not answered 401"
journal_has() {  # journal_has PRIORITY REGEX: a freenahi message at PRIORITY or more urgent
  guest journalctl -u freenahi -p "$1" -o cat --no-pager | grep -Eq -- "$2"
}
poll 20 journal_has warning '^warn: webhook .*rejected' ||
  fail "the rejected webhook is not in journalctl -p warning"
! journal_has err 'rejected' || fail "the rejected webhook was logged as an error"
! journal_has warning 'listening on' || fail "the start-up line is in journalctl -p warning"
journal_has info '^listening on https://' || fail "the start-up line is not in journalctl -p info"
ok "journal priorities: warning for a rejected webhook, info for start-up"
! journal_has debug 'freenahi\[[0-9]+\]|^<[0-9]>' || fail "a message carries our own tag or priority prefix"
ok "journal messages without our own tag"

# --- reboot: the daemon comes back by itself, with its data and certificate ----------------------
guest systemctl reboot > /dev/null 2>&1 || true
wait_boot "$first_boot"
expect_eq "active after reboot" "$(guest systemctl is-active freenahi)" active
wait_healthz_vm
expect_eq "same certificate after reboot" "$(openssl x509 -in "$cert" -noout -fingerprint -sha256)" "$fingerprint"
expect_eq "rows after reboot" "$(as_freenahi transactions --json | grep -o '"id":' | wc -l)" "$rows"
expect_eq "webhook after reboot" "$(post "$sample")" '{"status":"duplicate"}'

# --- upgrade: the edited config stays, the daemon restarts on the new version --------------------
pid_before=$(guest systemctl show -p MainPID --value freenahi)
guest dpkg -i "/root/$(basename "$deb2")" > "$SCRATCH/dpkg.log" 2>&1 || { cat "$SCRATCH/dpkg.log" >&2; fail "upgrade in the VM"; }
expect_eq "upgraded version" "$(guest dpkg-query -W -f='\${Version}' freenahi)" "$version-2$suffix"
expect_eq "config after upgrade" "$(guest md5sum /etc/freenahi/freenahi.ini)" "$edited"
poll 40 freenahi_active || true
expect_eq "active after upgrade" "$(guest systemctl is-active freenahi)" active
pid_after=$(guest systemctl show -p MainPID --value freenahi)
[ "$pid_after" != "$pid_before" ] || fail "the upgrade did not restart the daemon"
ok "restarted by the upgrade"
wait_healthz_vm
# A later sync (another delivery id): one more transaction.
sed -e 's/"id_webhook_data": 5550001,/"id_webhook_data": 5550101,/' -e 's/"id": 90001,/"id": 90101,/' \
  "$sample" > "$SCRATCH/later.json"
expect_eq "webhook after upgrade" "$(post "$SCRATCH/later.json")" '{"status":"stored"}'
wait_applied "after the upgrade" 90101
rows=$((rows + 1))

# --- and one more reboot on the upgraded package --------------------------------------------------
second_boot=$boot_id
guest systemctl reboot > /dev/null 2>&1 || true
wait_boot "$second_boot"
expect_eq "active after the second reboot" "$(guest systemctl is-active freenahi)" active
wait_healthz_vm
expect_eq "rows after the second reboot" "$(as_freenahi transactions --json | grep -o '"id":' | wc -l)" "$rows"
stop_vm
CLEANUP=""
passed
