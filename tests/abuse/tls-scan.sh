#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# testssl.sh against the daemon's real TLS (self-signed certificate, as generated on first start):
# protocols, cipher categories, server defaults and vulnerabilities; no client simulations (-c)
# nor per-cipher handshakes (-e), so it stays short. Passes when only TLS 1.2/1.3 are offered,
# only the strong (AEAD) cipher categories are, and no finding is HIGH or CRITICAL except those a
# self-signed certificate implies (ALLOWED, listed in the README). Needs FREENAHI_BIN,
# FREENAHI_SOURCE_DIR, testssl.
source "$FREENAHI_SOURCE_DIR/tests/e2e/lib.sh"
# What a self-signed certificate implies (seen: cert_chain_of_trust CRITICAL, cert_revocation and
# cert_validityPeriod HIGH, the generated one lasting 10 years): no chain of trust, no OCSP/CRL, CT, CAA.
ALLOWED='^(cert_chain_of_trust|cert_validityPeriod|cert_trust|cert_ocspURL|cert_crlDistributionPoints|cert_revocation|cert_certificateTransparency|cert_caa|DNS_CAArecord)'
write_config
start_daemon
testssl=$(command -v testssl || command -v testssl.sh)
"$testssl" --quiet --color 0 --warnings off --connect-timeout 5 --openssl-timeout 5 \
  --protocols --standard --server-defaults --vulnerable \
  --jsonfile "$WORK/testssl.json" "127.0.0.1:$PORT" > "$WORK/testssl.txt" 2>&1 || true
[ -s "$WORK/testssl.json" ] || { cat "$WORK/testssl.txt" >&2; fail "testssl produced no JSON"; }
# One finding per line in the flat JSON: "id" : "...", "severity" : "...", "finding" : "...".
findings=$(tr -d '\n' < "$WORK/testssl.json" | sed 's/},/}\n/g' |
  sed -n 's/.*"id" *: *"\([^"]*\)".*"severity" *: *"\([^"]*\)".*"finding" *: *"\([^"]*\)".*/\1|\2|\3/p')
[ -n "$findings" ] || fail "no findings parsed from testssl's JSON"
echo "$findings" > "$WORK/findings.txt"
finding() { grep "^$1|" "$WORK/findings.txt" | head -1 | cut -d'|' -f3; }
for p in SSLv2 SSLv3 TLS1 TLS1_1; do expect_match "$p not offered" "not offered" "$(finding "$p")"; done
expect_match "TLS 1.2 offered" "^offered" "$(finding TLS1_2)"
expect_match "no obsolete CBC (\"average\") ciphers" "not offered" "$(finding cipherlist_AVERAGE)"
expect_match "no export/NULL/aNULL" "not offered" "$(finding cipherlist_NULL) $(finding cipherlist_aNULL) $(finding cipherlist_EXPORT)"
expect_match "LUCKY13 not vulnerable" "not vulnerable" "$(finding LUCKY13)"
expect_match "no 3DES/IDEA" "not offered" "$(finding cipherlist_3DES_IDEA)"
expect_match "strong AEAD suites offered" "^offered" "$(finding cipherlist_STRONG)"
# Suite by suite (AEAD with ECDHE only) is tests/e2e/37-tls-suites.sh: --each-cipher is too slow here.
bad=$(grep -E '\|(HIGH|CRITICAL)\|' "$WORK/findings.txt" | grep -Ev "$ALLOWED" || true)
grep -E '\|(HIGH|CRITICAL)\|' "$WORK/findings.txt" | grep -E "$ALLOWED" | sed 's/^/# allowed (self-signed): /' || true
expect_eq "no HIGH or CRITICAL finding beyond the self-signed certificate's" "" "$bad"
finish
