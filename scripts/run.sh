#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs what is missing, builds freenahi (in build/, which test.sh shares) and runs the daemon
# in the foreground on the embedded default: config var/freenahi.ini (made on first run), SQLite
# file var/freenahi.db, self-signed certificate generated beside it, on https://127.0.0.1:8443.
# Usage: scripts/run.sh [serve options, e.g. -v]    Stop with Ctrl-C.
set -eu
case "${1:-}" in -h|--help) sed -n '3,6p' "$0" | sed 's/^# //'; exit 0 ;; esac
cd "$(dirname "$0")/.."
. scripts/deps.sh
ensure_packages $BUILD_PACKAGES
configure_build build -DFREENAHI_BUILD_TESTS=OFF -DFREENAHI_BUILD_BENCH=OFF  # scripts/deps.sh
cmake --build build --target freenahi
mkdir -p var
if [ ! -f var/freenahi.ini ]; then
  build/freenahi init --config var/freenahi.ini --listen 127.0.0.1:8443 --database freenahi.db
fi
exec build/freenahi serve --config var/freenahi.ini "$@"
