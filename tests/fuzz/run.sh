#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan, build-fuzz/) and runs each
# for SECONDS (default 25) on a corpus seeded from the Powens samples. Any crash, leak, sanitizer
# report or broken property fails the run; the input is kept in build-fuzz/crashes/ (turn it into
# a regression test). Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]   (scripts/fuzz.sh: longer)
# FREENAHI_FUZZ_CMAKE_ARGS: more CMake arguments for the tree (tests/abuse/ci.sh builds the whole
# suite in it too); --build-only, alone: configure and build everything, run nothing.
set -euo pipefail
build_only=0
if [ "${1:-}" = --build-only ]; then build_only=1; shift; fi
seconds=${1:-25}
[ $# -gt 0 ] && shift
src=$(cd "$(dirname "$0")/../.." && pwd)
. "$src/scripts/deps.sh"
ensure_packages $FUZZ_PACKAGES
build=${FREENAHI_FUZZ_BUILD:-$src/build-fuzz}
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
# shellcheck disable=SC2086  # FREENAHI_FUZZ_CMAKE_ARGS: words
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -G Ninja -DFREENAHI_FUZZ=ON -DFREENAHI_BUILD_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" ${FREENAHI_FUZZ_CMAKE_ARGS:-} > /dev/null
if [ "$build_only" = 1 ]; then
  cmake --build "$build"
  exit 0
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$src"/tests/fuzz/fuzz_*.cc; do targets+=("$(basename "$f" .cc)"); done
fi
cmake --build "$build" --target "${targets[@]}"

# Seeds: the samples as bodies (webhook and API pages), as requests (Content-Length in memory;
# chunked and gzip spooled past 68 and 70 bytes: bit 1 of the first byte), plus tests/fuzz/seeds.
seed() {  # seed TARGET NAME: stdin → corpus file
  mkdir -p "$build/corpus/$1"
  cat > "$build/corpus/$1/seed-$2"
}
samples=("$src"/tests/data/powens/*.json)
for s in "${samples[@]}"; do
  n=$(basename "$s" .json)
  { printf '\x01\x07'; cat "$s"; } | seed fuzz_payload "$n"
  for parser in 0 1 2 3 4 5 6 7 8; do
    { printf "\\x0$parser"; cat "$s"; } | seed fuzz_powens_page "$parser-$n"
  done
  { printf 'AB'; printf 'POST /webhook/connection_synced/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t\r\nContent-Length: %s\r\n\r\n' "$(stat -c %s "$s")"; cat "$s"; } | seed fuzz_http_request "cl-$n"
  { printf 'CD'; printf 'POST /w HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n' "$(stat -c %s "$s")"; cat "$s"; printf '\r\n0\r\n\r\n'; } | seed fuzz_http_request "chunked-$n"
  gzip -9c "$s" > "$build/seed.gz"
  { printf 'GF'; printf 'POST /w HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: %s\r\n\r\n' "$(stat -c %s "$build/seed.gz")"; cat "$build/seed.gz"; } | seed fuzz_http_request "gzip-$n"
done
rm -f "$build/seed.gz"
printf 'GH%s' $'GET /healthz HTTP/1.1\r\nExpect: 100-continue\r\n\r\n' | seed fuzz_http_request get
{ printf 'AB'; printf 'Content-Length: %s\n\n' "$(stat -c %s "$src/tests/data/powens/accounts_response.json")"
  cat "$src/tests/data/powens/accounts_response.json"; } | seed fuzz_response_framing length
{ printf 'CD'; printf 'Transfer-Encoding: chunked\n\n5\r\nhello\r\n0\r\n\r\n'; } | seed fuzz_response_framing chunked
{ printf 'EF'; printf 'Content-Encoding: gzip\n\n'; gzip -9c "$src/tests/data/powens/transactions_page1.json"; } | seed fuzz_response_framing gzip
seed fuzz_config example < "$src/etc/freenahi.ini.example"
{ printf '2024-03-14T07:02:12.483921Z\n2b9TgXLtZOB/BAOsmaptSUXp374Efc9qGP7hFfP2t1Q=\nHost: x\n'
  printf '{"id_webhook_data": 1, "user": {"id": 1042}}'; } | seed fuzz_signature vector
# tests/fuzz/seeds/NAME/ holds inputs for fuzz_NAME: hand-made seeds and every crash found (each
# also has its regression test), so a fix that comes undone fails here at once.
for dir in "$src"/tests/fuzz/seeds/*/; do
  for f in "$dir"*; do seed "fuzz_$(basename "$dir")" "$(basename "$f")" < "$f"; done
done

mkdir -p "$build/crashes"
export_strict_ubsan "$src"
# One libFuzzer process is one core: the targets run side by side, as many as there are cores
# (FREENAHI_FUZZ_JOBS), each writing its own log; the results are printed in order afterwards.
fuzz_target() {  # fuzz_target T: exit status 0 when T ran SECONDS without a finding
  "$build/$1" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=65536 \
    -artifact_prefix="$build/crashes/$1-" -print_final_stats=1 "$build/corpus/$1" > "$build/$1.log" 2>&1
}
jobs_max=${FREENAHI_FUZZ_JOBS:-$(nproc)}
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  rm -f "$build/$t.status"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n || true; done
  echo "== $t: ${seconds}s"
  (fuzz_target "$t"; echo $? > "$build/$t.status") &
done
wait
status=0
for t in "${targets[@]}"; do
  if [ "$(cat "$build/$t.status" 2> /dev/null)" != 0 ]; then
    echo "FAIL: $t found a crash (input in $build/crashes/; add it as a regression test):" >&2
    grep -E 'ERROR|SUMMARY|Test unit written' "$build/$t.log" | head -20 >&2
    status=1
  else
    printf '%s: ' "$t"
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$build/$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
