# SPDX-License-Identifier: MIT
# CMake toolchain: Debian's mipsel-linux-gnu cross compiler (MT7621 and other little-endian MIPS32
# routers). Libraries come from FREENAHI_SYSROOT (.debs unpacked by scripts/cross-build.sh).
# Tests run under qemu-user.
set(FREENAHI_CROSS_TRIPLE mipsel-linux-gnu)
set(FREENAHI_CROSS_PROCESSOR mipsel)
set(FREENAHI_CROSS_QEMU qemu-mipsel-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
