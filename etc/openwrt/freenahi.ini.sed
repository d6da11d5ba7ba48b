# SPDX-License-Identifier: MIT
# Turns etc/freenahi.ini.example into OpenWrt's /etc/freenahi/freenahi.ini (used by
# cross/openwrt/Makefile and scripts/package-openwrt.sh): /var is RAM on OpenWrt, so the database
# goes to flash under /etc/freenahi (kept by sysupgrade); LuCI's uhttpd already holds port 443.
s|^database = .*|database = /etc/freenahi/freenahi.db|
s|^# Default: /var/lib/freenahi/freenahi.db$|# Default: /var/lib/freenahi/freenahi.db (OpenWrt: /etc/freenahi, persistent; a USB disk spares the flash)|
s|^listen = .*|listen = 0.0.0.0:8443|
s|^# Default: 0.0.0.0:443$|# Default: 0.0.0.0:443 (OpenWrt: 8443, as uhttpd/LuCI listens on 443; forward WAN 443 to it)|
