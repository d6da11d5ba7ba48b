# SPDX-License-Identifier: MIT
# CMake toolchain: Debian's aarch64-linux-gnu cross compiler (Pi 3/4/5 64-bit, most routers).
# Libraries come from Debian multiarch (libmbedtls-dev:arm64 ...) or, with FREENAHI_SYSROOT, from
# .debs unpacked into a directory. Tests run under qemu-user (DESIGN §6). Used by scripts/cross-build.sh.
set(FREENAHI_CROSS_TRIPLE aarch64-linux-gnu)
set(FREENAHI_CROSS_PROCESSOR aarch64)
set(FREENAHI_CROSS_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
