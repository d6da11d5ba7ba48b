#!/bin/sh
# SPDX-License-Identifier: MIT
# Downloads a Debian *source* package (.dsc, orig and debian tarballs) with a private apt setup
# made from this machine's own APT sources: every /etc/apt/sources.list, sources.list.d/*.list
# (one-line) and sources.list.d/*.sources (deb822) file, whatever it is called (Debian's
# debian.sources, mmdebstrap's 0000debian.sources, Raspberry Pi OS's raspi.list beside it...), each
# `deb` entry turned into `deb-src`. The machine's apt state is untouched (own lists and cache in
# a temp dir); signatures are checked as apt always does (the entries keep their Signed-By), and a
# Release that fails its signature is an error, not apt's mere warning.
# The fetch-*.sh scripts of third_party/ use it; nothing fetched ever goes into git.
# Usage: debian-source.sh PACKAGE DIR   download PACKAGE's source files into DIR
#        debian-source.sh --sources DIR write only the deb-src files (DIR/NN-NAME.list|.sources)
# Environment:
#   SUITE=trixie  another release of the same archives: only the entries of a plain suite
#                 (no -updates, no security) are kept, their suite replaced by SUITE.
#   FREENAHI_APT_DIR  where the APT sources are read (default /etc/apt; tests use fake ones).
set -eu
die() { echo "debian-source: $*" >&2; exit 1; }
[ $# -eq 2 ] || die "usage: debian-source.sh PACKAGE DIR | --sources DIR"
apt_dir=${FREENAHI_APT_DIR:-/etc/apt}
suite=${SUITE:-}

# deb822 (.sources): Types → deb-src. With SUITE, only stanzas listing a plain suite, not security.
convert_deb822() {  # convert_deb822 FILE
  awk -v suite="$suite" '
    function flush() {
      if (stanza != "" && (suite == "" || (plain && !security))) printf "%s\n", stanza
      stanza = ""; plain = 0; security = 0
    }
    /^[ \t]*$/ { flush(); next }
    /^#/ { next }
    {
      line = $0
      field = tolower($1)
      if (field == "types:") line = "Types: deb-src"
      if (field == "suites:") {
        for (i = 2; i <= NF; i++) if ($i !~ /[-\/]/) plain = 1
        if (suite != "") line = "Suites: " suite
      }
      if (tolower($0) ~ /security/ && (field == "suites:" || field == "uris:")) security = 1
      stanza = stanza line "\n"
    }
    END { flush() }' "$1"
}
# One-line (.list): "deb [options] URI SUITE COMPONENTS..." → deb-src; SUITE as above.
convert_list() {  # convert_list FILE
  awk -v suite="$suite" '
    $1 != "deb" { next }
    {
      rest = $0; sub(/^[ \t]*deb[ \t]+/, "", rest)
      options = ""
      if (rest ~ /^\[/) { options = substr(rest, 1, index(rest, "]")); rest = substr(rest, index(rest, "]") + 1) }
      n = split(rest, f, /[ \t]+/); j = 0
      for (i = 1; i <= n; i++) if (f[i] != "") g[++j] = f[i]
      if (j < 3) next
      if (suite != "") {
        if (g[2] ~ /[-\/]/ || g[1] ~ /security/ || g[2] ~ /security/) next
        g[2] = suite
      }
      out = "deb-src"; if (options != "") out = out " " options
      for (i = 1; i <= j; i++) out = out " " g[i]
      print out
    }' "$1"
}
# write_sources DIR: the converted files; fails when the machine has no APT sources at all.
write_sources() {
  out=$1 found=0 n=0
  mkdir -p "$out"
  for f in "$apt_dir/sources.list" "$apt_dir"/sources.list.d/*.list "$apt_dir"/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    found=1 n=$((n + 1))
    name=$(printf '%02d-%s' "$n" "${f##*/}")
    case "$f" in
      *.sources) convert_deb822 "$f" > "$out/$name" ;;
      *) convert_list "$f" > "$out/$name" ;;
    esac
    [ -s "$out/$name" ] || rm -f "$out/$name"
  done
  [ "$found" = 1 ] || die "no APT sources in $apt_dir (sources.list, sources.list.d/*.list or *.sources): cannot find Debian's source packages"
  [ -n "$(ls "$out")" ] || die "no usable 'deb' entry${suite:+ for SUITE=$suite} in $apt_dir's sources"
}

if [ "$1" = --sources ]; then
  write_sources "$2"
  exit 0
fi
package=$1 dest=$2
command -v apt-get > /dev/null || die "apt-get not found (a Debian or Raspberry Pi OS machine is needed)"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
write_sources "$work/parts"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial"
aopts="-o APT::Sandbox::User=root -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$work/parts
  -o Dir::State::Lists=$work/lists -o Dir::Cache=$work/cache"
# An entry without deb-src indexes (some third-party archives) fails the update but not the
# download from the others: judge by what `apt-get source` finds, show the update's log if nothing.
# shellcheck disable=SC2086
apt-get -q $aopts update > "$work/update.log" 2>&1 || true
if grep -Eq '^(W|E): .*(NO_PUBKEY|not signed|signature|EXPKEYSIG)' "$work/update.log"; then
  cat "$work/update.log" >&2; die "a Release signature did not verify (see above)"
fi
# shellcheck disable=SC2086
(cd "$dest" && apt-get -q $aopts source --download-only "$package" > "$work/source.log" 2>&1) || {
  cat "$work/update.log" "$work/source.log" >&2
  die "apt-get source --download-only $package${suite:+ ($suite)} failed (see above)"; }
