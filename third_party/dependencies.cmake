# SPDX-License-Identifier: MIT
# Finds freenahi's dependencies on the build host (Debian packages, or an OpenWrt SDK sysroot).
# Only glue lives here: no dependency's source is ever copied into this repository.
# Defines targets: freenahi::mbedtls, freenahi::sqlite3 (static builds: compiled from Debian's
# source package), freenahi::rapidjson, freenahi::httplib (header from Debian's source package),
# freenahi::zlib, freenahi::catch2.

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

# SQLite3. Dynamic builds link the system's libsqlite3. Static builds compile SQLite themselves
# (FREENAHI_BUNDLED_SQLITE): Debian's libsqlite3.a is one object with FTS3/4/5, R-Tree, JSON and
# session compiled in (~1.3 MiB that --gc-sections cannot trim). The amalgamation is generated
# from Debian's source package by fetch-sqlite.sh (never copied into git) and compiled with the
# options of sqlite-options.txt. It is architecture-independent: FREENAHI_SQLITE_SOURCE_DIR may
# point at one made earlier (scripts/cross-build.sh shares one between all its builds).
option(FREENAHI_BUNDLED_SQLITE
       "Compile SQLite from Debian's source package (third_party/fetch-sqlite.sh)" ${FREENAHI_STATIC})
set(FREENAHI_SQLITE_SOURCE_DIR "" CACHE PATH
    "Directory holding sqlite3.c/sqlite3.h from fetch-sqlite.sh (empty: made in the build tree)")
if(FREENAHI_BUNDLED_SQLITE)
  if(FREENAHI_SQLITE_SOURCE_DIR STREQUAL "")
    set(_sqlite_dir ${CMAKE_BINARY_DIR}/third_party/sqlite)
    # A no-op when the directory is up to date with sqlite-options.txt.
    execute_process(
      COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/fetch-sqlite.sh ${_sqlite_dir}
      RESULT_VARIABLE _sqlite_rc)
    if(NOT _sqlite_rc EQUAL 0)
      message(FATAL_ERROR "could not generate SQLite's amalgamation from Debian's source package "
                          "(see third_party/fetch-sqlite.sh); set FREENAHI_SQLITE_SOURCE_DIR "
                          "or -DFREENAHI_BUNDLED_SQLITE=OFF (links libsqlite3.a) instead")
    endif()
  else()
    set(_sqlite_dir ${FREENAHI_SQLITE_SOURCE_DIR})
    if(NOT EXISTS ${_sqlite_dir}/sqlite3.c OR NOT EXISTS ${_sqlite_dir}/sqlite3.h)
      message(FATAL_ERROR "FREENAHI_SQLITE_SOURCE_DIR=${_sqlite_dir} has no sqlite3.c and sqlite3.h "
                          "(make them with: sh third_party/fetch-sqlite.sh ${_sqlite_dir})")
    endif()
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
               ${CMAKE_CURRENT_LIST_DIR}/sqlite-options.txt)
  file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/sqlite-options.txt _sqlite_options REGEX "^-D")
  # SQLITE_OMIT_* options are only safe in an amalgamation generated with them (SQLite's docs).
  if(EXISTS ${_sqlite_dir}/sqlite-options.txt)
    file(STRINGS ${_sqlite_dir}/sqlite-options.txt _sqlite_made_with REGEX "^-D")
    if(NOT _sqlite_made_with STREQUAL _sqlite_options)
      message(FATAL_ERROR "${_sqlite_dir}/sqlite3.c was generated with other options than "
                          "third_party/sqlite-options.txt: rerun third_party/fetch-sqlite.sh on it")
    endif()
  else()
    message(WARNING "${_sqlite_dir} was not made by fetch-sqlite.sh: the SQLITE_OMIT_* options "
                    "of sqlite-options.txt may not work with a prebuilt amalgamation")
  endif()
  add_library(freenahi_sqlite3 STATIC ${_sqlite_dir}/sqlite3.c)
  # Platform facts SQLite's configure finds on glibc and musl alike (HAVE_USLEEP: busy_timeout
  # sleeps in milliseconds, not whole seconds).
  target_compile_definitions(freenahi_sqlite3 PRIVATE
    HAVE_USLEEP=1 HAVE_FDATASYNC=1 HAVE_LOCALTIME_R=1 HAVE_GMTIME_R=1 HAVE_STRCHRNUL=1)
  # Size first (a router's flash), whatever the build type but Debug; not our code: no warnings.
  target_compile_options(freenahi_sqlite3 PRIVATE ${_sqlite_options}
    -ffunction-sections -fdata-sections $<$<NOT:$<CONFIG:Debug>>:-Os> -w)
  target_include_directories(freenahi_sqlite3 SYSTEM INTERFACE ${_sqlite_dir})
  target_link_libraries(freenahi_sqlite3 INTERFACE m)
  add_library(freenahi::sqlite3 ALIAS freenahi_sqlite3)
  message(STATUS "SQLite: bundled, compiled from ${_sqlite_dir}/sqlite3.c")
else()
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
# httplib's own per-line limit (8 KiB) would answer a bare 400, unlogged, below our
# max_header_bytes (up to 1 MiB, 431 and a log line): raise it to that ceiling everywhere.
target_compile_definitions(freenahi::httplib INTERFACE CPPHTTPLIB_HEADER_MAX_LENGTH=1048576)

# Catch2: v2 on bookworm (header-only catch2/catch.hpp), v3 on trixie (catch2/catch_all.hpp and a
# compiled library). tests/unit/catch.h is the only file that includes it; our own main() serves
# both. FREENAHI_CATCH2_NO_TESTS_WARNING is the flag that makes a tag matching no test an error.
if(FREENAHI_BUILD_TESTS)
  find_package(Catch2 3 QUIET CONFIG)
  add_library(freenahi::catch2 INTERFACE IMPORTED)
  if(Catch2_FOUND)
    target_link_libraries(freenahi::catch2 INTERFACE Catch2::Catch2)
    target_compile_definitions(freenahi::catch2 INTERFACE FREENAHI_CATCH2_V3)
    set(FREENAHI_CATCH2_NO_TESTS_WARNING UnmatchedTestSpec)
  else()
    find_path(CATCH2_INCLUDE_DIR catch2/catch.hpp REQUIRED)
    target_include_directories(freenahi::catch2 SYSTEM INTERFACE ${CATCH2_INCLUDE_DIR})
    set(FREENAHI_CATCH2_NO_TESTS_WARNING NoTests)
  endif()
endif()
