# SPDX-License-Identifier: MIT
# Finds freenahi's dependencies on the build host (Debian packages, or an OpenWrt SDK sysroot).
# Only glue lives here: no dependency's source is ever copied into this repository.
# Defines imported targets: freenahi::mbedtls, freenahi::sqlite3, freenahi::rapidjson,
# freenahi::httplib (header from Debian's source package), freenahi::zlib, freenahi::catch2.

include_guard(GLOBAL)

# mbedTLS: Debian's 2.28 ships no .pc or CMake config, so find it by hand (DESIGN §6).
find_path(MBEDTLS_INCLUDE_DIR mbedtls/ssl.h REQUIRED)
set(_mbedtls_kind "")
if(FREENAHI_STATIC)
  set(_mbedtls_kind "lib")
endif()
find_library(MBEDTLS_LIBRARY NAMES ${_mbedtls_kind}mbedtls.a mbedtls REQUIRED)
find_library(MBEDX509_LIBRARY NAMES ${_mbedtls_kind}mbedx509.a mbedx509 REQUIRED)
find_library(MBEDCRYPTO_LIBRARY NAMES ${_mbedtls_kind}mbedcrypto.a mbedcrypto REQUIRED)
add_library(freenahi::mbedtls INTERFACE IMPORTED)
target_include_directories(freenahi::mbedtls INTERFACE ${MBEDTLS_INCLUDE_DIR})
target_link_libraries(freenahi::mbedtls INTERFACE
  ${MBEDTLS_LIBRARY} ${MBEDX509_LIBRARY} ${MBEDCRYPTO_LIBRARY})

# SQLite3
find_path(SQLITE3_INCLUDE_DIR sqlite3.h REQUIRED)
if(FREENAHI_STATIC)
  find_library(SQLITE3_LIBRARY NAMES libsqlite3.a sqlite3 REQUIRED)
else()
  find_library(SQLITE3_LIBRARY NAMES sqlite3 REQUIRED)
endif()
add_library(freenahi::sqlite3 INTERFACE IMPORTED)
target_include_directories(freenahi::sqlite3 INTERFACE ${SQLITE3_INCLUDE_DIR})
target_link_libraries(freenahi::sqlite3 INTERFACE ${SQLITE3_LIBRARY})
if(FREENAHI_STATIC)
  find_package(Threads REQUIRED)
  target_link_libraries(freenahi::sqlite3 INTERFACE Threads::Threads ${CMAKE_DL_LIBS} m)
endif()

# zlib: gzip-encoded webhook bodies.
find_path(ZLIB_INCLUDE_DIR_FREENAHI zlib.h REQUIRED)
if(FREENAHI_STATIC)
  find_library(ZLIB_LIBRARY_FREENAHI NAMES libz.a z REQUIRED)
else()
  find_library(ZLIB_LIBRARY_FREENAHI NAMES z REQUIRED)
endif()
add_library(freenahi::zlib INTERFACE IMPORTED)
target_include_directories(freenahi::zlib INTERFACE ${ZLIB_INCLUDE_DIR_FREENAHI})
target_link_libraries(freenahi::zlib INTERFACE ${ZLIB_LIBRARY_FREENAHI})

# RapidJSON: header-only (Debian rapidjson-dev).
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(freenahi::rapidjson INTERFACE IMPORTED)
target_include_directories(freenahi::rapidjson INTERFACE ${RAPIDJSON_INCLUDE_DIR})

# cpp-httplib: the upstream single header out of Debian's source package, fetched at configure
# time into the build tree (never into git). FREENAHI_HTTPLIB_DIR may point at a ready copy
# (OpenWrt SDK, offline builds).
set(FREENAHI_HTTPLIB_DIR "" CACHE PATH "Directory holding cpp-httplib's httplib.h (empty: fetch)")
if(FREENAHI_HTTPLIB_DIR STREQUAL "")
  set(_httplib_dir ${CMAKE_BINARY_DIR}/third_party/httplib)
  if(NOT EXISTS ${_httplib_dir}/httplib.h)
    execute_process(
      COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/fetch-httplib.sh ${_httplib_dir}
      RESULT_VARIABLE _httplib_rc)
    if(NOT _httplib_rc EQUAL 0)
      message(FATAL_ERROR "could not fetch cpp-httplib from Debian's source package "
                          "(see third_party/fetch-httplib.sh); set FREENAHI_HTTPLIB_DIR instead")
    endif()
  endif()
else()
  set(_httplib_dir ${FREENAHI_HTTPLIB_DIR})
endif()
add_library(freenahi::httplib INTERFACE IMPORTED)
# SYSTEM: its warnings are not ours to fix under -Werror.
target_include_directories(freenahi::httplib SYSTEM INTERFACE ${_httplib_dir})

# Catch2 v2 (Debian bookworm's catch2 package: header-only catch2/catch.hpp).
if(FREENAHI_BUILD_TESTS)
  find_path(CATCH2_INCLUDE_DIR catch2/catch.hpp REQUIRED)
  add_library(freenahi::catch2 INTERFACE IMPORTED)
  target_include_directories(freenahi::catch2 SYSTEM INTERFACE ${CATCH2_INCLUDE_DIR})
endif()
