#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Issue 8: the daemon offers TLS 1.2+ with ECDHE and AEAD suites only (AES-GCM, ChaCha20-Poly1305),
# checked with a real openssl client offering one suite at a time. (testssl.sh runs in CI too.)
source "$(dirname "$0")/lib.sh"
write_config
start_daemon
# negotiated ARGS...: the cipher the handshake settled on, or "none".
negotiated() {
  local out
  out=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "$@" 2>&1 || true)
  printf '%s' "$out" | sed -n 's/^ *Cipher *: *\([A-Z0-9_-]*\).*/\1/p; s/.*Cipher is \([A-Z0-9_-]*\).*/\1/p' |
    grep -v '^0000$\|^(NONE)$' | head -1 | grep . || echo none
}
for suite in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-ECDSA-CHACHA20-POLY1305; do
  expect_eq "TLS 1.2 $suite offered" "$suite" "$(negotiated -tls1_2 -cipher "$suite")"
done
for suite in ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA384 ECDHE-ECDSA-AES128-SHA256 \
             ECDHE-ECDSA-AES128-CCM8 ECDHE-ECDSA-AES256-CCM ECDHE-ECDSA-CAMELLIA128-SHA256 \
             AES128-GCM-SHA256 AES256-SHA; do
  expect_eq "TLS 1.2 $suite refused" "none" "$(negotiated -tls1_2 -cipher "$suite@SECLEVEL=0")"
done
# The server's preference, whatever order the client lists them in: ChaCha20-Poly1305 (the fast
# one on a Pi or a router without AES instructions; src/tls_compat.h).
expect_eq "TLS 1.2 prefers ChaCha20-Poly1305" ECDHE-ECDSA-CHACHA20-POLY1305 \
  "$(negotiated -tls1_2 -cipher 'ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305')"
expect_eq "TLS 1.1 refused" "none" "$(negotiated -tls1_1 -cipher 'DEFAULT@SECLEVEL=0')"
finish
