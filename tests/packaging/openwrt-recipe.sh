#!/bin/bash
# SPDX-License-Identifier: MIT
# Exercises cross/openwrt/Makefile without an OpenWrt SDK: stub rules.mk/package.mk/cmake.mk
# expand it the way the SDK does (call + eval), then Build/Prepare and Package/freenahi/install run
# for real. Checks the cpp-httplib hashes against Debian's source package (fetched with a private
# apt configuration, as third_party/fetch-httplib.sh does), that Build/Prepare yields the same
# patched httplib.h as fetch-httplib.sh, the installed file tree, and the postinst that restarts
# a running service on an apk upgrade.
# Usage: tests/packaging/openwrt-recipe.sh    VERBOSE=1 lists each check.
. "$(dirname "$0")/lib.sh"
case "${1:-}" in -h|--help) awk 'NR > 2 && /^#/ { sub(/^# ?/, ""); print; next } NR > 2 { exit }' "$0"; exit 0 ;; esac
recipe="$ROOT/cross/openwrt/Makefile"
top="$SCRATCH/sdk" dl="$SCRATCH/sdk/dl"
mkdir -p "$top/include" "$dl" "$SCRATCH/build" "$SCRATCH/ipkg" "$SCRATCH/install/usr/bin"

cat > "$top/rules.mk" <<'MK'
TAR:=tar
CP:=cp -fpR
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_CONF:=install -m0600
INCLUDE_DIR:=$(TOPDIR)/include
MK
cat > "$top/include/package.mk" <<'MK'
PKG_INSTALL_DIR ?= $(PKG_BUILD_DIR)/ipkg-install
Download = $(eval DOWNLOADS += $(1))
# As the SDK does: the package's defines are expanded by $(call) and the result $(eval)ed.
define BuildPackage
prepare:
	$(Build/Prepare)
install:
	$(call Package/$(1)/install,$(IDIR))
conffiles:
	@echo '$(strip $(subst $(newline), ,$(Package/$(1)/conffiles)))'
postinst:
	$$(file >$$(POSTINST_OUT),$$(Package/$(1)/postinst))
depends:
	@echo '$(DEPENDS)'
define-check:
	@echo '$(PKG_NAME) $(PKG_VERSION)-r$(PKG_RELEASE) $(PKG_LICENSE) $(CMAKE_OPTIONS)'
endef
print-%:
	@echo '$($*)'
define newline


endef
DEPENDS = $(Package/freenahi/DEPENDS)
MK
: > "$top/include/cmake.mk"
# As the SDK calls it: make -C package/freenahi (here the recipe's own directory).
mk() { make -s -C "$(dirname "$recipe")" --no-print-directory TOPDIR="$top" DL_DIR="$dl" PKG_BUILD_DIR="$SCRATCH/build" \
  PKG_INSTALL_DIR="$SCRATCH/install" IDIR="$SCRATCH/ipkg" "$@"; }

expect_eq "name, version, license, cmake options" "$(mk define-check)" \
  "freenahi 0.1.0-r1 MIT -DFREENAHI_BUILD_TESTS=OFF -DFREENAHI_HTTPLIB_DIR=$SCRATCH/build/third_party/httplib"
grep -q '^  DEPENDS:=+libstdcpp +libmbedtls +libsqlite3 +zlib$' "$recipe" || fail "DEPENDS"
grep -q '^include \$(TOPDIR)/rules.mk$' "$recipe" || fail "rules.mk"
ok "DEPENDS and includes"

# Debian's cpp-httplib source, as fetch-httplib.sh gets it.
sh "$ROOT/third_party/debian-source.sh" cpp-httplib "$dl" > /dev/null ||
  fail "could not download cpp-httplib's source package"
for pair in httplib-orig:HTTPLIB_ORIG httplib-debian:HTTPLIB_DEBIAN; do
  name=${pair%%:*}
  file=$(mk "print-${pair#*:}")
  hash=$(sed -n "/^define Download\/$name\$/,/^endef/s/^  HASH:=//p" "$recipe")
  [ -f "$dl/$file" ] || fail "$name: Debian has no $file (a newer cpp-httplib? update the recipe): $(ls "$dl")"
  expect_eq "$name sha256" "$(sha256sum < "$dl/$file" | cut -d' ' -f1)" "$hash"
done

# Build/Prepare: source copy plus the patched header.
mk prepare > "$SCRATCH/prepare.log" 2>&1 || { cat "$SCRATCH/prepare.log" >&2; fail "Build/Prepare"; }
[ -f "$SCRATCH/build/src/main.cc" ] && [ -f "$SCRATCH/build/CMakeLists.txt" ] || fail "source not copied"
"$ROOT/third_party/fetch-httplib.sh" "$SCRATCH/fetched" > /dev/null
cmp -s "$SCRATCH/build/third_party/httplib/httplib.h" "$SCRATCH/fetched/httplib.h" ||
  fail "Build/Prepare's httplib.h differs from fetch-httplib.sh's"
ok "httplib.h as fetch-httplib.sh makes it"

# Package/freenahi/install with a stand-in binary.
printf '#!/bin/sh\necho freenahi\n' > "$SCRATCH/install/usr/bin/freenahi"
mk install > "$SCRATCH/install.log" 2>&1 || { cat "$SCRATCH/install.log" >&2; fail "install"; }
tree=$(cd "$SCRATCH/ipkg" && find . -type f -printf '%m %p\n' | sort -k2)
expected="600 ./etc/config/freenahi
600 ./etc/freenahi/freenahi.ini
755 ./etc/init.d/freenahi
644 ./lib/upgrade/keep.d/freenahi
755 ./usr/bin/freenahi"
expect_eq "installed files" "$tree" "$expected"
cmp -s "$SCRATCH/ipkg/etc/freenahi/freenahi.ini" \
  <(sed -f "$ROOT/etc/openwrt/freenahi.ini.sed" "$ROOT/etc/freenahi.ini.example") || fail "INI"
ok "INI is the OpenWrt variant"
expect_eq "conffiles" "$(mk conffiles)" "/etc/freenahi/freenahi.ini /etc/config/freenahi"

# The postinst as the SDK writes it, run against stand-ins for ubus and the init script (bash
# allows a function named /etc/init.d/freenahi). apk's post-upgrade exports PKG_UPGRADE=1 and runs
# it after `start`; opkg sources it from default_postinst after prerm stopped the service.
mk postinst POSTINST_OUT="$SCRATCH/postinst"
head -1 "$SCRATCH/postinst" | grep -qx '#!/bin/sh' || fail "postinst has no #!/bin/sh line"
sh -n "$SCRATCH/postinst" || fail "postinst syntax"
postinst() {  # postinst RUNNING(true|false|none) [VAR=VALUE...]: what the script asked procd
  local running=$1
  shift
  env "$@" RUNNING="$running" bash -c '
    ubus() { [ "$RUNNING" != none ] || return 127; printf "{\n\t\"freenahi\": {\n\t\t\"instances\": {\n\t\t\t\"instance1\": {\n\t\t\t\t\"running\": %s\n" "$RUNNING"; }
    /etc/init.d/freenahi() { echo "init.d $*"; }
    . "$1"; echo "status $?"' postinst "$SCRATCH/postinst"
}
expect_eq "apk upgrade, service running: restarted" "$(postinst true PKG_UPGRADE=1)" "init.d restart
status 0"
expect_eq "upgrade, service not running (opkg stopped it): left alone" "$(postinst false PKG_UPGRADE=1)" "status 0"
expect_eq "first install: left to default_postinst" "$(postinst true)" "status 0"
expect_eq "image build (IPKG_INSTROOT): nothing" "$(postinst true PKG_UPGRADE=1 IPKG_INSTROOT=/build/root)" "status 0"
expect_eq "no ubus: nothing" "$(postinst none PKG_UPGRADE=1)" "status 0"
passed
