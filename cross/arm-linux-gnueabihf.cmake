# SPDX-License-Identifier: MIT
# CMake toolchain: Debian's arm-linux-gnueabihf cross compiler, ARMv7 hard-float (Pi 2 and later,
# ARMv7 routers; not ARMv6 Pi 1/Zero). armhf multiarch is broken on our mirror, so libraries come
# from FREENAHI_SYSROOT (.debs unpacked by scripts/cross-build.sh). Tests run under qemu-user.
set(FREENAHI_CROSS_TRIPLE arm-linux-gnueabihf)
set(FREENAHI_CROSS_PROCESSOR arm)
set(FREENAHI_CROSS_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
# GCC's note that the ABI for passing some iterators changed in GCC 7.1 concerns mixing objects
# built by GCC < 7 and >= 7; everything here is built by one compiler.
string(APPEND CMAKE_CXX_FLAGS_INIT " -Wno-psabi")
