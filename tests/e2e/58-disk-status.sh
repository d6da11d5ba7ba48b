#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `freenahi status` and `freenahi doctor` show the database size and the free space on its
# filesystem; with less than 16 MiB free (a database on a 6 MiB tmpfs, where mounting is allowed)
# status warns and doctor fails with what to do.
source "$(dirname "$0")/lib.sh"
write_config
start_daemon
expect_eq "sample accepted" "200" "$(post_webhook "$SAMPLES/connection_synced_basic.json")"

out=$("$FREENAHI_BIN" status --config "$CONFIG" 2>&1) || fail "status failed: $out"
line=$(printf '%s\n' "$out" | grep '^disk: ' || true)
expect_match "status: database size and free space" \
  "^disk: database [0-9]+\.[0-9] MiB \(WAL [0-9]+\.[0-9] MiB\), [0-9]+\.[0-9] MiB free of [0-9]+\.[0-9] MiB" "$line"
db_kib=$(( $(stat -c %s "$DB") / 1024 ))
shown_kib=$(printf '%s\n' "$line" | sed -E 's/^disk: database ([0-9.]+) MiB.*/\1/' | awk '{ printf "%d", $1 * 1024 }')
[ $(( shown_kib - db_kib )) -le 103 ] && [ $(( db_kib - shown_kib )) -le 103 ] ||
  fail "status shows ${shown_kib} KiB for a ${db_kib} KiB database"
pass "status: the size shown is the file's"
free_kib=$(df -k --output=avail "$(dirname "$DB")" | tail -1)
if [ "$free_kib" -ge $((17 * 1024)) ]; then
  expect_eq "status: no warning with room" "" "$(printf '%s\n' "$line" | grep WARNING || true)"
  out=$("$FREENAHI_BIN" doctor --config "$CONFIG" 2>&1 || true)
  expect_match "doctor: disk space ok" "^disk space: ok \(database [0-9.]+ MiB \(WAL [0-9.]+ MiB\), [0-9.]+ MiB free of" \
    "$(printf '%s\n' "$out" | grep '^disk space:')"
else
  echo "note: less than 17 MiB free under $(dirname "$DB"): the 'room' checks are left out"
fi

SMALL="$WORK/small"
mkdir -p "$SMALL"
if mount -t tmpfs -o size=6m tmpfs "$SMALL" 2>/dev/null; then
  trap 'umount "$SMALL" 2>/dev/null || umount -l "$SMALL" 2>/dev/null; cleanup' EXIT
  stop_daemon TERM
  cp "$DB" "$SMALL/freenahi.db"
  sed "s|^database = .*|database = $SMALL/freenahi.db|" "$CONFIG" > "$WORK/small.ini"
  chmod 600 "$WORK/small.ini"
  out=$("$FREENAHI_BIN" status --config "$WORK/small.ini" 2>&1) || fail "status failed: $out"
  expect_match "status warns when space is low" \
    "^disk: database [0-9.]+ MiB .* free of [0-9.]+ MiB; WARNING: less than 16.0 MiB free: .*keep_applied_bodies" \
    "$(printf '%s\n' "$out" | grep '^disk: ')"
  set +e
  out=$("$FREENAHI_BIN" doctor --config "$WORK/small.ini" 2>&1)
  rc=$?
  set -e
  expect_eq "doctor exits 1" "1" "$rc"
  expect_match "doctor fails the disk check with what to do" \
    "^disk space: FAIL: [0-9.]+ MiB free \(under 16 MiB\) on the database's filesystem: .*free space there, or lower \[store\] keep_applied_bodies" \
    "$(printf '%s\n' "$out" | grep '^disk space:')"
  umount "$SMALL"
  trap cleanup EXIT
else
  echo "note: cannot mount a tmpfs here (needs root): the low-space checks are left out"
fi
finish
