#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The fuzz targets of tests/fuzz, run longer by hand: 10 minutes each unless SECONDS is given;
# the corpus in build-fuzz/corpus/ grows from run to run. Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/deps.sh
ensure_packages $FUZZ_PACKAGES
seconds=${1:-600}
[ $# -gt 0 ] && shift
exec tests/fuzz/run.sh "$seconds" "$@"
