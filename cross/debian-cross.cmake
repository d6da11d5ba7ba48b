# SPDX-License-Identifier: MIT
# Shared body of the cross/<triple>.cmake toolchain files: Debian cross gcc, multiarch or sysroot
# library lookup, and qemu-user as CMAKE_CROSSCOMPILING_EMULATOR so ctest runs the cross tests.
# Not a toolchain file on its own: the per-triple files set FREENAHI_CROSS_{TRIPLE,PROCESSOR,QEMU}.
#
# FREENAHI_SYSROOT (optional, cache or environment): a directory holding target .debs unpacked
# with `dpkg -x` (usr/include, usr/lib/<triple>). Searched before the host's multiarch paths.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${FREENAHI_CROSS_PROCESSOR})
set(CMAKE_C_COMPILER ${FREENAHI_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${FREENAHI_CROSS_TRIPLE}-g++)
# Debian multiarch layout: lib/<triple> under every root below (DESIGN §6).
set(CMAKE_LIBRARY_ARCHITECTURE ${FREENAHI_CROSS_TRIPLE})

# Size over speed on a router: unused functions and data are dropped at link time (each lands
# in its own section). cross-build.sh also defaults to MinSizeRel.
string(APPEND CMAKE_C_FLAGS_INIT " -ffunction-sections -fdata-sections")
string(APPEND CMAKE_CXX_FLAGS_INIT " -ffunction-sections -fdata-sections")
string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT " -Wl,--gc-sections")

if(NOT DEFINED FREENAHI_SYSROOT AND DEFINED ENV{FREENAHI_SYSROOT})
  set(FREENAHI_SYSROOT "$ENV{FREENAHI_SYSROOT}")
endif()
set(FREENAHI_SYSROOT "${FREENAHI_SYSROOT}" CACHE PATH "Unpacked target .debs (empty: multiarch)")
# Try-compile projects re-read this file: hand them the sysroot too.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FREENAHI_SYSROOT)

# Order matters: the sysroot's headers and libraries win over the host's; "/" is needed for
# Debian multiarch (/usr/lib/<triple>) and for header-only packages (rapidjson, catch2).
set(CMAKE_FIND_ROOT_PATH /usr/${FREENAHI_CROSS_TRIPLE})
if(FREENAHI_SYSROOT)
  list(APPEND CMAKE_FIND_ROOT_PATH ${FREENAHI_SYSROOT})
endif()
list(APPEND CMAKE_FIND_ROOT_PATH /)
if(FREENAHI_SYSROOT)
  # libmbedtls.so needs libmbedx509.so.1 etc.: let the linker find them in the sysroot too.
  string(APPEND CMAKE_EXE_LINKER_FLAGS_INIT
         " -Wl,-rpath-link,${FREENAHI_SYSROOT}/usr/lib/${FREENAHI_CROSS_TRIPLE}"
         " -Wl,-rpath-link,${FREENAHI_SYSROOT}/lib/${FREENAHI_CROSS_TRIPLE}")
endif()
if(FREENAHI_SYSROOT)
  # The sysroot's path means nothing on the target: no RUNPATH into it (qemu runs get the
  # sysroot through LD_LIBRARY_PATH below; packages must not carry it: lintian error).
  set(CMAKE_SKIP_BUILD_RPATH ON)
endif()
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# No <triple>-pkg-config exists on Debian: point the host pkg-config at the target's .pc files.
set(_freenahi_pc /usr/lib/${FREENAHI_CROSS_TRIPLE}/pkgconfig:/usr/share/pkgconfig)
if(FREENAHI_SYSROOT)
  set(_freenahi_pc ${FREENAHI_SYSROOT}/usr/lib/${FREENAHI_CROSS_TRIPLE}/pkgconfig:${_freenahi_pc})
endif()
set(ENV{PKG_CONFIG_LIBDIR} ${_freenahi_pc})

# qemu-user: -L gives the target's loader; LD_LIBRARY_PATH keeps the loader and libc of one
# tree together (without it, programs that fork() hang: DESIGN §6). Static binaries ignore both.
set(_freenahi_ld /usr/${FREENAHI_CROSS_TRIPLE}/lib:/usr/lib/${FREENAHI_CROSS_TRIPLE})
if(FREENAHI_SYSROOT)
  set(_freenahi_ld ${_freenahi_ld}:${FREENAHI_SYSROOT}/usr/lib/${FREENAHI_CROSS_TRIPLE}:${FREENAHI_SYSROOT}/lib/${FREENAHI_CROSS_TRIPLE})
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR
    ${FREENAHI_CROSS_QEMU} -L /usr/${FREENAHI_CROSS_TRIPLE} -E LD_LIBRARY_PATH=${_freenahi_ld})
