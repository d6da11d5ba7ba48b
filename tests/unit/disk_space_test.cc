// SPDX-License-Identifier: MIT
// Tests for disk_space.cc: sizes of a real file and its -wal, free space of its filesystem, the
// one-line description and its low-space warning.
#include "disk_space.h"

#include "catch.h"
#include <string>

#include "test_util.h"

namespace freenahi {
namespace {

TEST_CASE("disk_space: measures the database, its WAL and the filesystem", "[disk_space]") {
  ScopedTempDir dir;
  const std::string db = dir.Write("f.db", std::string(8192, 'x'));
  Result<DiskSpace> no_wal = MeasureDiskSpace(db);
  REQUIRE(no_wal.ok());
  CHECK(no_wal->database_bytes == 8192);
  CHECK(no_wal->wal_bytes == 0);
  CHECK(no_wal->total_bytes > 0);
  CHECK(no_wal->free_bytes <= no_wal->total_bytes);
  dir.Write("f.db-wal", std::string(100, 'w'));
  CHECK(MeasureDiskSpace(db).value().wal_bytes == 100);
  // Thresholds: nothing is "low" below 0 bytes; everything is below the filesystem's size + 1.
  CHECK_FALSE(MeasureDiskSpace(db, 0).value().low);
  CHECK(MeasureDiskSpace(db, no_wal->total_bytes + 1).value().low);
}

TEST_CASE("disk_space: a missing database is an IOError naming it", "[disk_space]") {
  Result<DiskSpace> r = MeasureDiskSpace("/nonexistent-dir/f.db");
  CHECK(r.status().code() == Status::Code::kIOError);
  CHECK(r.status().message() == "stat /nonexistent-dir/f.db: No such file or directory");
}

TEST_CASE("disk_space: one line, with a warning when low", "[disk_space]") {
  DiskSpace s;
  s.database_bytes = 12 << 20;
  s.wal_bytes = 1 << 19;
  s.free_bytes = 48 << 20;
  s.total_bytes = 120 << 20;
  CHECK(DescribeDiskSpace(s) == "database 12.0 MiB (WAL 0.5 MiB), 48.0 MiB free of 120.0 MiB");
  s.low = true;
  CHECK(DescribeDiskSpace(s, 64 << 20) ==
        "database 12.0 MiB (WAL 0.5 MiB), 48.0 MiB free of 120.0 MiB; WARNING: less than 64.0 MiB "
        "free: a large sync may be refused (503) until space is freed; lower [store] "
        "keep_applied_bodies or free the filesystem");
}

}  // namespace

TEST_CASE("disk_space: the directory of a database path", "[disk_space]") {
  CHECK(DirectoryOf("/etc/freenahi/freenahi.db") == "/etc/freenahi");
  CHECK(DirectoryOf("/freenahi.db") == "/");
  CHECK(DirectoryOf("freenahi.db") == ".");
  CHECK(DirectoryOf("data/freenahi.db") == "data");
}

}  // namespace freenahi
